"""What a new record starts with: the form's defaults and the village it was opened for."""

from __future__ import annotations

from fieldsurvey.app.filler.state import FillState
from fieldsurvey.core.forms.answers import default_value, is_empty
from fieldsurvey.core.forms.model import Field
from fieldsurvey.core.workspace import fill_metadata


def prefill(
    state: FillState,
    village: str | None,
    *,
    keep: set[str],
    enumerator: str = "",
    device: str = "",
) -> None:
    """Fill metadata, defaults and *village* into answers not in *keep* (those given by the
    caller).

    Metadata (username, deviceid, start, today) comes first, as ODK fills it when a form is
    opened, so a default such as ``${username}`` gives the enumerator's name without typing.

    A village field filtered by a parent question (``township=${township}``) also gets the
    parent filled from the village's own column of that name, the usual cascading-select
    pattern, so the chosen village is on offer."""
    answers = state.answers
    fill_metadata(state.form, answers, enumerator=enumerator, device=device)
    for f in state.form.fields():
        if f.repeat is None and f.has_answer and f.name not in keep:
            value = default_value(f, values=answers)
            if value is not None:
                answers[f.name] = value
    if village:
        for f in state.form.fields():
            if f.kind == "select_one_from_file" and f.repeat is None and f.name not in keep:
                clist = state.form.choice_list(f)
                choice = clist.get(village) if clist else None
                if choice is None:
                    continue
                answers[f.name] = village
                for ref in sorted(f.choice_filter.references if f.choice_filter else ()):
                    parent = state.plan.fields.get(ref)
                    if (
                        isinstance(parent, Field)
                        and parent.repeat is None
                        and is_empty(answers.get(ref))
                        and choice.extra.get(ref)
                    ):
                        answers[ref] = choice.extra[ref]
    state.evaluate()
    if state.sync_repeat_counts():
        state.evaluate()
