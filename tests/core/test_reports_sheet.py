"""Record sheets: the text a reader sees (pypdf), Chinese embedded, reproducible bytes, photos."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from fieldsurvey.core.demo import add_demo_data, demo_id
from fieldsurvey.core.reports import RecordSheet, Report, sheet_data
from fieldsurvey.core.reports.fonts import CJK, markup, runs
from fieldsurvey.core.workspace import Workspace


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Iterator[Workspace]:
    folder = tmp_path_factory.mktemp("sheets")
    with Workspace.open(folder / "survey.db") as opened:
        opened.initialise(enumerator="王丽", device="Laptop 3")
        add_demo_data(opened)
        yield opened


def render(ws: Workspace, name: str, lang: str) -> bytes:
    return RecordSheet(sheet_data(ws, ws.record(demo_id(name))), lang=lang).render()


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_chinese_sheet_shows_chinese_labels_answers_and_page_numbers(ws: Workspace) -> None:
    pdf = render(ws, "profile/SY-SAN-001", "zh")
    text = text_of(pdf)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    for expected in ("松阳", "户籍人口", "1012", "杨家堂茶叶专业合作社", "合作社", "三都乡",
                     "茶叶", "基本信息", "已完成", f"第 1 页，共 {pages} 页",
                     "单位：万元", "已确认"):  # fmt: skip
        assert expected in text, expected
    assert "Registered population" not in text
    fonts = {
        str(f["/BaseFont"])
        for page in PdfReader(io.BytesIO(pdf)).pages
        for f in page["/Resources"]["/Font"].values()
    }
    assert any("DroidSansFallback" in f for f in fonts)  # embedded as a subset
    assert any("LiberationSans" in f for f in fonts)


def test_every_font_is_embedded_so_any_viewer_draws_the_same_page(ws: Workspace) -> None:
    """A PDF naming Helvetica without embedding it is drawn with whatever the viewer has, and
    letters drift apart ("Y es") where that font's widths differ."""
    reader = PdfReader(io.BytesIO(render(ws, "profile/SY-SAN-001", "en")))
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described.get("/FontDescriptor")
            assert descriptor is not None, font["/BaseFont"]
            assert "/FontFile2" in descriptor.get_object(), font["/BaseFont"]


def test_english_sheet_has_record_id_revision_and_choice_labels(ws: Workspace) -> None:
    record = ws.record(demo_id("profile/SY-SAN-001"))
    text = text_of(render(ws, "profile/SY-SAN-001", "en"))
    for expected in ("Songyang Village Profile", "Registered population (hukou)", "Yangjiatang",
                     "Sandu Township", "Tea", "Complete", "page 1 of", record.id,
                     "Kilometres.", "Acknowledged",
                     record.head_revision_id):  # fmt: skip
        assert expected in text, expected
    assert "叶建华" in text  # Chinese answers in an English sheet still show
    flat = " ".join(text.split())
    assert (
        re.search(r"Cooperative # Name of cooperative", flat)
        and "Yangjiatang Homestay Alliance" in flat
    )


def test_only_relevant_questions_appear(ws: Workspace) -> None:
    text = text_of(render(ws, "profile/SY-SID-002", "en"))  # no tea: no tea questions
    assert "Tea garden area" not in text and "Number of homestays (minsu)" in text
    draft = text_of(render(ws, "assessment/chapai-ecology", "en"))
    assert "Draft" in draft and "Shicang river restoration" in draft


def test_the_same_data_gives_the_same_bytes_dated_by_the_data(ws: Workspace) -> None:
    first = render(ws, "assessment/chenjiapu-bookstore", "zh")
    assert first == render(ws, "assessment/chenjiapu-bookstore", "zh")
    record = ws.record(demo_id("assessment/chenjiapu-bookstore"))
    meta = PdfReader(io.BytesIO(first)).metadata
    saved = dt.datetime.fromisoformat(record.updated_at.replace("Z", "+00:00"))
    assert meta.creation_date.replace(tzinfo=dt.timezone.utc) == saved.replace(microsecond=0)
    assert meta.author == record.enumerator


def test_photos_become_thumbnails_and_a_missing_one_is_named(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "survey.db") as ws:
        ws.initialise(enumerator="Li", device="L1")
        saved = ws.add_record(
            "village_profile",
            {"township": "sandu", "village": "SY-SAN-002", "consent": "OK", "historic_buildings": 2,
             "photo_overview": "overview.jpg", "photo_heritage": "gone.jpg",
             "photo_other": "broken.jpg"},
        )  # fmt: skip
        folder = tmp_path / "media" / saved.record.id
        folder.mkdir(parents=True)
        Image.new("RGB", (3000, 2000), (200, 80, 40)).save(folder / "overview.jpg", "JPEG")
        (folder / "broken.jpg").write_bytes(b"not a picture")
        pdf = RecordSheet(sheet_data(ws, ws.record(saved.record.id)), lang="en").render()
    reader = PdfReader(io.BytesIO(pdf))
    images = [img for page in reader.pages for img in page.images]
    assert len(images) == 1 and max(images[0].image.size) <= 640  # a thumbnail, not the photo
    text = text_of(pdf)
    assert "gone.jpg (file not found)" in text and "broken.jpg (cannot be shown)" in text
    assert len(pdf) < 200_000


def test_text_no_font_has_is_spelled_out_not_boxed() -> None:
    assert runs("松阳 tea 🍵") == [(CJK, "松阳"), (None, " tea [U+1F375]")]
    assert markup("a < b & 茶") == f'a &lt; b &amp; <font name="{CJK}">茶</font>'


def test_reports_share_one_base() -> None:
    assert issubclass(RecordSheet, Report)
    with pytest.raises(NotImplementedError):
        Report(lang="en", title="x", created=dt.datetime(2026, 1, 1)).render()


def test_nested_repeats_and_photos_in_a_repeat_reach_the_page(tmp_path: Path, xlsform) -> None:
    form = xlsform(
        [
            ["type", "name", "label", "relevant"],
            ["text", "site", "Site", ""],
            ["begin repeat", "house", "House", ""],
            ["text", "owner", "Owner", ""],
            ["image", "facade", "Facade photo", ""],
            ["begin repeat", "room", "Room", ""],
            ["text", "use", "Use", ""],
            ["integer", "area", "Area", ""],
            ["text", "note", "Why small", "${area} < 10"],
            ["end repeat", "", "", ""],
            ["end repeat", "", "", ""],
        ],
        settings=[["form_id", "version", "form_title"], ["houses", "1", "Houses"]],
    )
    with Workspace.open(tmp_path / "survey.db") as ws:
        ws.initialise(enumerator="Li", device="L1")
        ws.add_form(form)
        rooms = [{"use": "卧室", "area": 12, "note": "stale"}, {"use": "Kitchen", "area": 8,
                 "note": "north side"}]  # fmt: skip
        saved = ws.add_record(
            "houses",
            {"site": "Dongkeng", "house": [
                {"owner": "叶建华", "facade": "front.jpg", "room": rooms},
                {"owner": "Zhou Min", "room": []},
            ]},
        )  # fmt: skip
        folder = tmp_path / "media" / saved.record.id
        folder.mkdir(parents=True)
        Image.new("RGB", (1200, 900), (40, 120, 60)).save(folder / "front.jpg", "JPEG")
        pdf = RecordSheet(sheet_data(ws, ws.record(saved.record.id)), lang="en").render()
    text = text_of(pdf)
    for expected in ("House 1", "叶建华", "House 1 · Room", "卧室", "Kitchen", "north side",
                     "House 2", "Zhou Min", "House 2 · Room", "No entries."):  # fmt: skip
        assert expected in text, expected
    assert "stale" not in text  # not relevant in its own nested row: left out
    images = [img for page in PdfReader(io.BytesIO(pdf)).pages for img in page.images]
    assert len(images) == 1  # the facade photo inside the repeat, as a thumbnail
