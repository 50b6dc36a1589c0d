"""A coordinator's review: conflicts to resolve, decisions to make, duplicates to settle.

The command line and the app's review screen both call these. Every outcome that others must
see is a revision, so it travels in the next package: a resolution is one revision whose
parents are all the heads that conflicted (written once every conflict of the record has a
choice; choices made so far are kept in the database meanwhile), and a decision (approve,
reject, reopen) is a revision of kind ``review`` with the reviewer's comment.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

from fieldsurvey.core import duplicates as dup
from fieldsurvey.core.errors import InvalidDataError, Phrase, UsageError
from fieldsurvey.core.form_rules import form_rules
from fieldsurvey.core.forms.assign import assign
from fieldsurvey.core.forms.evaluation import evaluate
from fieldsurvey.core.forms.model import ROW_ID
from fieldsurvey.core.store import records as rec
from fieldsurvey.core.store.canonical import canonical_json, utc_now
from fieldsurvey.core.store.merge import (
    Candidate,
    apply_choices,
    field_name,
    flatten,
    is_row_path,
    state_of,
)
from fieldsurvey.core.store.models import (
    APPROVED,
    DRAFT,
    MERGE,
    REJECTED,
    REVIEW,
    Conflict,
    Record,
)
from fieldsurvey.core.store.records import RecordStateError
from fieldsurvey.core.store.settle import candidates_of, conflicts_of, load_graph, settle_record
from fieldsurvey.core.workspace import Workspace, refuse_conflicted

DECISIONS = {"approve": APPROVED, "reject": REJECTED, "reopen": DRAFT}


@dataclass(frozen=True)
class ConflictView:
    """One open conflict as a person sees it."""

    record_id: str
    form_id: str
    form_version: str
    village_code: str | None
    path: str  # as stored: rows by id
    shown: str  # as shown and typed: rows by number, e.g. cooperative[2]/coop_members
    question: str
    base: Any
    candidates: tuple[Candidate, ...]
    choice: dict[str, Any] | None

    @property
    def is_row(self) -> bool:
        return is_row_path(self.path)

    def as_json(self) -> dict[str, Any]:
        return {
            "record": self.record_id,
            "form_id": self.form_id,
            "form_version": self.form_version,
            "village_code": self.village_code,
            "field": self.shown,
            "path": self.path,
            "row": self.is_row,
            "base": self.base,
            "candidates": [c.as_json() for c in self.candidates],
            "choice": self.choice,
        }


@dataclass(frozen=True)
class Resolution:
    """What a choice did: kept until the record's last conflict has one, then written."""

    record_id: str
    remaining: int  # conflicts of the record still without a choice
    revision_id: str | None  # the resolution revision, once written


def shown_path(answers: dict[str, Any], path: str) -> str:
    """``cooperative/<row id>/coop_members`` as ``cooperative[2]/coop_members``."""
    parts = path.split("/")
    out, scope = [], answers
    for i in range(0, len(parts) - 1, 2):
        rows = scope.get(parts[i]) if isinstance(scope, dict) else None
        rows = rows if isinstance(rows, list) else []
        index = next((n for n, r in enumerate(rows) if r.get(ROW_ID) == parts[i + 1]), None)
        if index is None:
            out.append(f"{parts[i]}[{parts[i + 1][:8]}]")
            scope = {}
        else:
            out.append(f"{parts[i]}[{index + 1}]")
            scope = rows[index]
    if len(parts) % 2:
        out.append(parts[-1])
    return "/".join(out)


def conflicts(ws: Workspace, record_id: str | None = None) -> list[ConflictView]:
    with ws.store.session(write=False) as s:
        if record_id is not None:
            record = _record(s, record_id)
            rows = conflicts_of(s, [record.id])
            records = {record.id: record}
        else:
            rows = conflicts_of(s)
            ids = sorted({c.record_id for c in rows})
            records = {r.id: r for r in (s.get(Record, i) for i in ids) if r is not None}
    return [_view(records[c.record_id], c) for c in rows]


def _view(record: Record, row: Conflict) -> ConflictView:
    answers = record.answers_dict()
    return ConflictView(
        record_id=record.id,
        form_id=record.form_id,
        form_version=record.form_version,
        village_code=record.village_code,
        path=row.path,
        shown=shown_path(answers, row.path),
        question=field_name(row.path),
        base=json.loads(row.base),
        candidates=tuple(candidates_of(row)),
        choice=json.loads(row.choice) if row.choice else None,
    )


def _record(s: Any, record_id: str) -> Record:
    found = rec.get_record(session=s, record_id=record_id)
    if found is None:
        raise UsageError("no record '{record_id}' in this database", record_id=record_id)
    return found


def choose(
    ws: Workspace,
    record_id: str,
    field: str,
    *,
    take: str | None = None,
    value: str | None = None,
) -> Resolution:
    """Choose one conflict's value: a candidate's (*take*, its revision id or a prefix of 8 or
    more characters) or one typed (*value*, as ``records set`` takes it). When it was the
    record's last conflict without a choice, the resolution revision is written."""
    if (take is None) == (value is None):
        raise UsageError("give --take REVISION or --value VALUE")
    views = conflicts(ws, record_id)
    if not views:
        raise UsageError(
            "record {record_id} has no open conflicts", record_id=ws.record(record_id).id
        )
    view = next((v for v in views if field in (v.path, v.shown)), None)
    if view is None:
        raise UsageError(
            "record {record_id} has no conflict on '{field}' (conflicts: {known})",
            record_id=views[0].record_id,
            field=field,
            known=", ".join(v.shown for v in views),
        )
    if take is not None:
        choice = _taken(view, take)
    else:
        choice = {"revision": None, "deleted": False, "value": _typed(ws, view, value or "")}
    choice.update(by=ws.enumerator, at=utc_now())
    with ws.store.session() as s:
        row = s.get(Conflict, (view.record_id, view.path))
        if row is None:  # resolved or changed by an import meanwhile
            raise _changed(view.record_id)
        row.choice = canonical_json(choice)
        s.add(row)
        s.flush()
        waiting = [c for c in conflicts_of(s, [view.record_id]) if not c.choice]
        if waiting:
            return Resolution(view.record_id, len(waiting), None)
        revision = _resolve(ws, s, view.record_id)
    return Resolution(view.record_id, 0, revision)


def _changed(record_id: str) -> RecordStateError:
    return RecordStateError(
        "record {record_id} changed while its conflicts were being resolved; look again",
        record_id=record_id,
    )


def _taken(view: ConflictView, take: str) -> dict[str, Any]:
    key = take.strip().lower()
    if len(key) < 8:
        raise UsageError("give at least 8 characters of the revision id")
    matches = [c for c in view.candidates if c.revision.startswith(key)]
    if len({c.revision for c in matches}) != 1:
        raise UsageError(
            "'{take}' is not one of the revisions in conflict on {field}: {known}",
            take=take,
            field=view.shown,
            known=", ".join(c.revision[:8] for c in view.candidates),
        )
    chosen = matches[0]
    return {"revision": chosen.revision, "deleted": chosen.deleted, "value": chosen.value}


def _typed(ws: Workspace, view: ConflictView, raw: str) -> Any:
    """*raw* as the question's typed value, checked as ``records set`` checks it."""
    if view.is_row:
        raise UsageError(
            "{field} is a whole row, kept on one side and deleted on the other: choose one "
            "with --take REVISION",
            field=view.shown,
        )
    record = ws.record(view.record_id)
    form = ws.form(record.form_id, record.form_version)
    answers = copy.deepcopy(record.answers_dict())
    assign(form, answers, view.shown, raw)
    ev = evaluate(form, answers)
    wrong = [p for p in ev.problems if p.path == view.shown and p.rule in ("type", "choice")]
    if wrong:
        raise InvalidDataError(
            "{count} problem(s); nothing was saved", [str(p) for p in wrong], count=len(wrong)
        )
    typed = flatten(ev.answers)[0].get(view.path)
    return json.loads(typed) if typed is not None else None


def _resolve(ws: Workspace, s: Any, record_id: str) -> str:
    """Every conflict has a choice: write the revision that joins the heads with them."""
    record = s.get(Record, record_id)
    rules = form_rules(ws.form(record.form_id, record.form_version))
    state = state_of(load_graph(s, record_id), derived=rules.derived)
    rows = {c.path: c for c in conflicts_of(s, [record_id])}
    if {c.path for c in state.conflicts} != set(rows):
        raise _changed(record_id)
    choices: dict[str, Any] = {}
    for path, row in rows.items():
        choice = json.loads(row.choice)
        if choice["revision"]:
            choices[path] = next(c for c in candidates_of(row) if c.revision == choice["revision"])
        else:
            choices[path] = choice["value"]
    answers = rules.recalculate(apply_choices(state, choices), utc_now())
    revision = rec.add_revision(
        session=s,
        record=record,
        answers=answers,
        status=state.status,
        author=ws.enumerator,
        device_id=ws.device_id,
        hlc=ws.store.hlc_now(session=s),
        kind=MERGE,
        parents=list(state.heads),
    )
    settle_record(s, record, rules)
    return revision.id


def decide(ws: Workspace, record_id: str, decision: str, comment: str = "") -> str:
    """Approve, reject or reopen a record: a review revision (with *comment*) that keeps the
    answers. Returns its id. A record with open conflicts is resolved first; a draft is
    finalised before it can be approved or rejected."""
    if decision not in DECISIONS:
        raise UsageError(
            "decision '{decision}': expected one of {known}",
            decision=decision,
            known=", ".join(DECISIONS),
        )
    status = DECISIONS[decision]
    with ws.store.session() as s:
        record = _record(s, record_id)  # add_revision refuses a deleted one
        refuse_conflicted(record)
        if status != DRAFT and record.status == DRAFT:
            raise RecordStateError(
                "record {record_id} is a draft; only a complete record can be approved or rejected",
                record_id=record.id,
            )
        revision = rec.add_revision(
            session=s,
            record=record,
            answers=None,
            status=status,
            author=ws.enumerator,
            device_id=ws.device_id,
            hlc=ws.store.hlc_now(session=s),
            kind=REVIEW,
            comment=comment.strip() or None,
        )
        record.review_flag = None
        s.add(record)
    return revision.id


# -- duplicates -------------------------------------------------------------------------------


def duplicates(ws: Workspace, *, status: str | None = dup.OPEN) -> list[dup.Pair]:
    with ws.store.session(write=False) as s:
        return dup.list_duplicates(s, status=status)


def settle_duplicate(ws: Workspace, first: str, second: str, *, link: bool) -> dup.Pair:
    first, second = first.strip(), second.strip()
    with ws.store.session() as s:
        return dup.decide(s, first, second, link=link, actor=ws.enumerator, device_id=ws.device_id)


def describe(candidate: Candidate) -> Phrase:
    """A candidate in a line: its value (or that the row was deleted), who and when."""
    if candidate.deleted:
        what: Any = Phrase("deleted")
    elif isinstance(candidate.value, dict):
        what = ", ".join(f"{k}={v}" for k, v in candidate.value.items() if k != ROW_ID)
    else:
        what = json.dumps(candidate.value, ensure_ascii=False)
    return Phrase(
        "{value} (by {author} on {when}, revision {revision})",
        value=what,
        author=candidate.author or Phrase("an automatic merge"),
        when=candidate.created_at[:16].replace("T", " "),
        revision=candidate.revision[:8],
    )
