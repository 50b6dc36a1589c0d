"""Which language a text column belongs to, as pyxform decides it: KoboToolbox forms often have a
plain ``label`` beside one translated column."""

from __future__ import annotations

from fieldsurvey.core.forms.builder import check_form

SURVEY = [
    ["type", "name", "label", "label::Français (fr)", "hint"],
    ["select_one crop", "crop", "Main crop", "Culture principale", "Pick one"],
]
CHOICES = [
    ["list_name", "name", "label", "label::Français (fr)"],
    ["crop", "tea", "Tea", "Thé"],
]


def test_a_plain_label_beside_a_translation_is_the_default_language(xlsform) -> None:
    form = check_form(xlsform(SURVEY, CHOICES)).form
    assert form.languages == ["", "fr"] and form.default_language == ""
    crop = form.node("crop")
    assert form.label(crop, "en") == "Main crop"  # a language the form lacks: the default
    assert form.label(crop, "fr") == "Culture principale"
    assert form.choice_list(crop).get("tea").labels == {"": "Tea", "fr": "Thé"}


def test_the_plain_label_belongs_to_a_named_default_language(xlsform) -> None:
    settings = [["form_id", "default_language"], ["crops", "English (en)"]]
    form = check_form(xlsform(SURVEY, CHOICES, settings)).form
    assert form.languages == ["en", "fr"] and form.default_language == "en"
    assert form.language_names["en"] == "English"
    crop = form.node("crop")
    assert crop.labels == {"en": "Main crop", "fr": "Culture principale"}
    assert crop.hints == {"en": "Pick one"}
    assert form.label(crop, "zh") == "Main crop"


def test_fully_translated_forms_keep_their_languages(xlsform) -> None:
    survey = [["type", "name", "label::English (en)", "label::简体中文 (zh)"],
              ["text", "name", "Name", "姓名"]]  # fmt: skip
    form = check_form(xlsform(survey, settings=[["form_id"], ["people"]])).form
    assert form.languages == ["en", "zh"] and form.default_language == "en"


def test_a_form_with_no_language_columns_has_one_unnamed_language(xlsform) -> None:
    form = check_form(xlsform([["type", "name", "label"], ["text", "name", "Name"]])).form
    assert form.languages == [""]
