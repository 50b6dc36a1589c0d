"""Bringing a record's row in step with its revision graph after the graph grew.

The record's answers, status and head are a copy of what its graph says (``merge.state_of``):
one head is taken as it is (a fast-forward); several heads that merge cleanly get the merge
revision that joins them, the same on every machine; heads that conflict keep their conflicts
in the ``conflicts`` table, each value with who set it and when, and the record shows the
newest values until a person chooses. Runs inside the caller's transaction; commits nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from fieldsurvey.core.store.canonical import canonical_json, utc_now
from fieldsurvey.core.store.merge import (
    Candidate,
    FieldConflict,
    Graph,
    MergeState,
    Node,
    merge_revision_fields,
    state_of,
)
from fieldsurvey.core.store.models import Conflict, Record, Revision, Village
from fieldsurvey.core.store.records import _insert, _revision_values, dump_answers

UNCHANGED, FAST_FORWARD, MERGED, CONFLICT = "unchanged", "fast-forward", "merged", "conflict"

Recalculate = Callable[[dict[str, Any], str], dict[str, Any]]  # (answers, when) -> answers
VillageOf = Callable[[dict[str, Any]], "str | None"]


@dataclass(frozen=True)
class FormRules:
    """What settling needs to know of a record's form, given by the caller (the store does not
    parse forms): which question names the form computes, how to compute them again on merged
    answers, and which answer names the record's village."""

    derived: Callable[[str], bool] = lambda name: False
    recalculate: Recalculate = lambda answers, when: answers
    village_of: VillageOf = lambda answers: None


@dataclass
class Settled:
    outcome: str  # unchanged | fast-forward | merged | conflict
    state: MergeState
    merge_revision: str | None = None
    newly_flagged: bool = False


class _Answers(Mapping[str, Any]):
    """A revision's answers, decoded only if a merge reads them: a fast-forward or a review
    flag needs the graph, not every revision's answers."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._decoded: dict[str, Any] | None = None

    @property
    def decoded(self) -> dict[str, Any]:
        if self._decoded is None:
            self._decoded = json.loads(self.text)
        return self._decoded

    def __getitem__(self, key: str) -> Any:
        return self.decoded[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.decoded)

    def __len__(self) -> int:
        return len(self.decoded)


def node_of(rev: Revision) -> Node:
    return Node(
        id=rev.id,
        parents=tuple(rev.parents_list()),
        answers=_Answers(rev.answers),
        status=rev.status,
        author=rev.author,
        device_id=rev.device_id,
        hlc=rev.hlc,
        created_at=rev.created_at,
        kind=rev.kind,
    )


def load_graph(session: Session, record_id: str) -> Graph:
    revisions = session.exec(select(Revision).where(Revision.record_id == record_id)).all()
    return Graph(node_of(r) for r in revisions)


def settle_record(session: Session, record: Record, rules: FormRules) -> Settled:
    """Make *record* (its row and conflicts) say what its revisions say now."""
    graph = load_graph(session, record.id)
    state = state_of(graph, derived=rules.derived)
    newly_flagged = bool(state.review_flag) and not record.review_flag
    heads = [graph.nodes[h] for h in state.heads]
    if len(heads) == 1:
        [head] = heads
        outcome = UNCHANGED if head.id == record.head_revision_id else FAST_FORWARD
        text = head.answers.text if isinstance(head.answers, _Answers) else None  # as stored
        _write(session, record, state, head.id, head.created_at, rules, [], text)
        return Settled(outcome, state, None, newly_flagged)
    created = max(n.created_at for n in heads)
    # what the form computes follows the merged values, not whichever merge happened first
    state.answers = rules.recalculate(dict(state.answers), created)
    if state.clean:
        fields = merge_revision_fields(heads, state.answers, state.status)
        text = dump_answers(state.answers)
        values = _revision_values(
            answers_text=text, parents=fields.pop("parents"), record_id=record.id, **fields
        )
        if session.get(Revision, values["id"]) is None:
            _insert(session, Revision, values)
        _write(session, record, state, values["id"], created, rules, [], text)
        return Settled(MERGED, state, values["id"], newly_flagged)
    newest = max(heads, key=lambda n: n.order)
    _write(session, record, state, newest.id, newest.created_at, rules, state.conflicts)
    return Settled(CONFLICT, state, None, newly_flagged)


_RECORD = Record.__table__  # type: ignore[attr-defined]


def _write(
    session: Session,
    record: Record,
    state: MergeState,
    head: str,
    updated_at: str,
    rules: FormRules,
    conflicts: list[FieldConflict],
    text: str | None = None,
) -> None:
    """The record row as *state* says (*text*: its answers as stored, when at hand)."""
    session.flush()
    had_conflicts = bool(record.conflicts)
    village = rules.village_of(state.answers)
    if not village or session.get(Village, village) is None:
        village = record.village_code  # an answer naming no village here files nothing
    values = {
        "answers": text if text is not None else dump_answers(state.answers),
        "status": state.status,
        "head_revision_id": head,
        "updated_at": max(updated_at, record.updated_at),
        "village_code": village,
        "conflicts": len(conflicts),
        "review_flag": state.review_flag,
    }
    session.execute(update(_RECORD).where(_RECORD.c.id == record.id).values(**values))
    for key, value in values.items():  # the row was written by a statement, not the object
        set_committed_value(record, key, value)
    _keep_conflicts(session, record.id, conflicts, had_conflicts)


def _keep_conflicts(
    session: Session, record_id: str, conflicts: Iterable[FieldConflict], had: bool = True
) -> None:
    """Replace the record's conflict rows, keeping a choice already made for a conflict whose
    values are still the same ones."""
    conflicts = list(conflicts)
    if not conflicts and not had:
        return  # the common case, a fast-forward: nothing to read or delete
    table = Conflict.__table__  # type: ignore[attr-defined]
    old = {
        c.path: c
        for c in session.exec(select(Conflict).where(Conflict.record_id == record_id)).all()
    }
    for row in old.values():
        session.expunge(row)  # the rows go by a statement; the objects only say what they held
    session.execute(delete(table).where(table.c.record_id == record_id))
    now = utc_now()
    for conflict in conflicts:
        candidates = canonical_json([c.as_json() for c in conflict.candidates])
        before = old.get(conflict.path)
        same = before is not None and before.candidates == candidates
        _insert(
            session,
            Conflict,
            {
                "record_id": record_id,
                "path": conflict.path,
                "base": canonical_json(conflict.base),
                "candidates": candidates,
                "found_at": before.found_at if same else now,
                "choice": before.choice if same else None,
            },
        )


def conflicts_of(session: Session, record_ids: Iterable[str] | None = None) -> list[Conflict]:
    query = select(Conflict)
    if record_ids is not None:
        query = query.where(col(Conflict.record_id).in_(list(record_ids)))
    return list(session.exec(query.order_by(col(Conflict.record_id), col(Conflict.path))).all())


def candidates_of(conflict: Conflict) -> list[Candidate]:
    return [Candidate.from_json(c) for c in json.loads(conflict.candidates)]
