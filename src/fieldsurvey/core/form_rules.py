"""What merging needs of a record's form, which the store cannot know by itself."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fieldsurvey.core.forms.evaluation import evaluate
from fieldsurvey.core.forms.model import Form
from fieldsurvey.core.forms.types import METADATA_TYPES
from fieldsurvey.core.store.settle import FormRules
from fieldsurvey.core.workspace import village_question


def form_rules(form: Form) -> FormRules:
    """What merging needs of *form*: the questions it computes (calculations and metadata
    never conflict), how to compute them again, and the village answer."""
    derived = frozenset(
        f.name for f in form.fields() if f.kind == "calculate" or f.kind in METADATA_TYPES
    )
    question = village_question(form)

    def recalculate(answers: dict[str, Any], when: str) -> dict[str, Any]:
        moment = dt.datetime.fromisoformat(when.replace("Z", "+00:00")).replace(tzinfo=None)
        return evaluate(form, answers, now=moment).answers

    def village_of(answers: dict[str, Any]) -> str | None:
        value = answers.get(question.name) if question is not None else None
        return value if isinstance(value, str) and value else None

    return FormRules(derived=derived.__contains__, recalculate=recalculate, village_of=village_of)
