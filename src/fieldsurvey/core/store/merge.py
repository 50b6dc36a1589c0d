"""Merging a record's divergent heads field by field, so that no value is ever dropped.

The state of a record is a function of its revision graph alone, which is why importing
packages in any order, or twice, gives the same state. Every answer is a *path*: a question
(``population``), a repeat row (``cooperative/<row id>``) or a question in a row
(``cooperative/<row id>/coop_members``). Each path is a multi-value register:

- a revision *assigns* a path when it gives it a value its parents did not agree on (a first
  revision assigns every answer it holds; a later one, what it changed; a merge or a
  resolution, what differs from the merge of its parents or was in conflict there);
- the state of a path is the set of its assignments that no later revision overwrote. One
  value is the answer; several different values are a **conflict** that keeps each value with
  the revision that set it (who and when) until a person's resolution, which descends from all
  of them, assigns the path again.

A row deleted on one side and edited on the other is one conflict on the row. Questions whose
answers the form computes (calculations, metadata) never conflict: the merge takes the newest
and the form recomputes them. The status merges by rules rather than conflicts: a draft on
any side keeps the record a draft; a review decision that answers changed beside, or two
reviewers who disagree, send the record back to review with a flag.

Nothing here touches the database: the importer loads revisions, asks for the state, and
writes what it says.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fieldsurvey.core.forms.model import ROW_ID
from fieldsurvey.core.store.canonical import canonical_json
from fieldsurvey.core.store.hlc import MAX_COUNTER, format_hlc, parse_hlc
from fieldsurvey.core.store.models import COMPLETE, DRAFT, MERGE, REVIEW, REVIEWED_STATUSES

REPEAT = "\x00repeat"  # a repeat's own path: present, with its rows as further paths
ROW = "\x00row"  # a row's path: present (its questions are further paths)
# The id of a merge made without a person: the same heads with the same content get the same
# id on every machine, so two coordinators who merge the same heads agree.
MERGE_NAMESPACE = uuid.UUID("6f1c2a4e-7d1b-5c3a-9e0f-2b8d4c6a1e90")
FLAG_CHANGED = "changed after review"
FLAG_DISAGREE = "reviewers disagree"


@dataclass(frozen=True)
class Node:
    """What the merge needs of one revision."""

    id: str
    parents: tuple[str, ...]
    answers: Mapping[str, Any]
    status: str
    author: str
    device_id: str
    hlc: str
    created_at: str
    kind: str

    @property
    def order(self) -> tuple[str, str]:
        return (self.hlc, self.id)


@dataclass(frozen=True)
class Candidate:
    """One value of a conflict: what a revision set, who set it and when. A row's candidate is
    the whole row as that revision has it, or ``deleted``."""

    revision: str
    value: Any
    author: str
    device_id: str
    hlc: str
    created_at: str
    deleted: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "revision": self.revision,
            "value": self.value,
            "deleted": self.deleted,
            "author": self.author,
            "device_id": self.device_id,
            "hlc": self.hlc,
            "created_at": self.created_at,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Candidate:
        return cls(
            revision=data["revision"],
            value=data["value"],
            author=data["author"],
            device_id=data["device_id"],
            hlc=data["hlc"],
            created_at=data["created_at"],
            deleted=bool(data.get("deleted")),
        )


@dataclass(frozen=True)
class FieldConflict:
    path: str
    base: Any  # the value in the newest common ancestor (None when it had none)
    candidates: tuple[Candidate, ...]  # oldest first

    @property
    def is_row(self) -> bool:
        return is_row_path(self.path)


@dataclass
class MergeState:
    heads: tuple[str, ...]  # sorted
    answers: dict[str, Any]  # the merged answers; a conflict shows its newest value for now
    status: str
    conflicts: list[FieldConflict] = field(default_factory=list)
    review_flag: str | None = None

    @property
    def clean(self) -> bool:
        return not self.conflicts


class MergeError(ValueError):
    """The revisions do not form a history (a parent that is missing, a cycle)."""


# -- answers as paths -----------------------------------------------------------------------


def is_row_path(path: str) -> bool:
    return path.count("/") % 2 == 1


def field_name(path: str) -> str:
    """The question a path names (its last part); a row path names its repeat."""
    parts = path.split("/")
    return parts[-1] if len(parts) % 2 else parts[-2]


def _is_rows(value: Any) -> bool:
    return isinstance(value, list) and (not value or all(isinstance(v, dict) for v in value))


def flatten(answers: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Paths to canonical JSON values (empty answers left out), and each repeat's row order.

    An empty list is an empty repeat or an empty choice: both read back as ``[]``."""
    flat: dict[str, str] = {}
    orders: dict[str, list[str]] = {}
    _flatten(answers, "", flat, orders)
    return flat, orders


def _flatten(row: Mapping[str, Any], prefix: str, flat: dict, orders: dict) -> None:
    for key, value in row.items():
        if key == ROW_ID or value is None:
            continue
        path = prefix + key
        if _is_rows(value):
            flat[path] = REPEAT
            ids = orders.setdefault(path, [])
            for index, item in enumerate(value):
                rid = str(item.get(ROW_ID) or f"#{index + 1}")
                ids.append(rid)
                flat[f"{path}/{rid}"] = ROW
                _flatten(item, f"{path}/{rid}/", flat, orders)
        else:
            flat[path] = canonical_json(value)


def unflatten(flat: Mapping[str, str], orders: Mapping[str, list[str]]) -> dict[str, Any]:
    """The answers again: rows in *orders* (rows not named there follow, by id)."""
    tree: dict[str, Any] = {}
    for path in sorted(flat, key=lambda p: p.count("/")):
        parts = path.split("/")
        node = tree
        for i in range(0, len(parts) - 1, 2):  # down to the row the path is in, or is
            rows = node.setdefault(parts[i], {})
            node = rows.setdefault(parts[i + 1], {})
        if len(parts) % 2 == 0:
            continue  # a row: made above
        if flat[path] == REPEAT:
            node.setdefault(parts[-1], {})
        else:
            node[parts[-1]] = json.loads(flat[path])
    return _build(tree, "", orders)


def _build(tree: dict[str, Any], prefix: str, orders: Mapping[str, list[str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            path = prefix + key
            order = [rid for rid in orders.get(path, []) if rid in value]
            order += sorted(set(value) - set(order))
            rows = []
            for rid in order:
                row = _build(value[rid], f"{path}/{rid}/", orders)
                if not rid.startswith("#"):
                    row = {ROW_ID: rid, **row}
                rows.append(row)
            out[key] = rows
        else:
            out[key] = value
    return out


def _decoded(text: str | None) -> Any:
    if text is None or text == ROW:
        return None
    if text == REPEAT:
        return []
    return json.loads(text)


# -- the graph ------------------------------------------------------------------------------


class Graph:
    """A record's revisions in an order where parents come first, with ancestor sets as bit
    masks (bit i is the i-th revision in that order)."""

    def __init__(self, nodes: Iterable[Node]) -> None:
        self.nodes = {n.id: n for n in nodes}
        self.order = self._topological()
        self.index = {rid: i for i, rid in enumerate(self.order)}
        self.ancestry: dict[str, int] = {}
        for rid in self.order:
            mask = 1 << self.index[rid]
            for parent in self.nodes[rid].parents:
                mask |= self.ancestry[parent]
            self.ancestry[rid] = mask
        children = {p for n in self.nodes.values() for p in n.parents}
        self.heads = tuple(sorted(rid for rid in self.nodes if rid not in children))
        self._flat: dict[str, tuple[dict[str, str], dict[str, list[str]]]] = {}

    def _topological(self) -> list[str]:
        for node in self.nodes.values():
            missing = [p for p in node.parents if p not in self.nodes]
            if missing:
                raise MergeError(f"revision {node.id} names a parent {missing[0]} that is missing")
        pending = {rid: len(set(n.parents)) for rid, n in self.nodes.items()}
        children: dict[str, list[str]] = {}
        for node in self.nodes.values():
            for parent in set(node.parents):
                children.setdefault(parent, []).append(node.id)
        ready = sorted((self.nodes[r].order for r, c in pending.items() if c == 0), reverse=True)
        out: list[str] = []
        while ready:
            _, rid = ready.pop()
            out.append(rid)
            for child in children.get(rid, ()):
                pending[child] -= 1
                if pending[child] == 0:
                    ready.append(self.nodes[child].order)
                    ready.sort(reverse=True)
        if len(out) != len(self.nodes):
            raise MergeError("the revisions' parents form a cycle")
        return out

    def is_ancestor(self, a: str, b: str) -> bool:
        """Whether *a* is *b* or one of its ancestors."""
        return bool(self.ancestry[b] >> self.index[a] & 1)

    def flat(self, rid: str) -> tuple[dict[str, str], dict[str, list[str]]]:
        if rid not in self._flat:
            self._flat[rid] = flatten(self.nodes[rid].answers)
        return self._flat[rid]

    def maximal(self, ids: Iterable[str]) -> tuple[str, ...]:
        """The ids that are no other's ancestor."""
        unique = sorted(set(ids))
        return tuple(
            a for a in unique if not any(a != b and self.is_ancestor(a, b) for b in unique)
        )

    def base(self, heads: Iterable[str]) -> str | None:
        """The newest revision (by clock) every head descends from (None for unrelated
        heads)."""
        common = -1
        for h in heads:
            common &= self.ancestry[h]
        if common <= 0:
            return None
        shared = [rid for i, rid in enumerate(self.order) if common >> i & 1]
        return max(shared, key=lambda rid: self.nodes[rid].order)


# -- the registers --------------------------------------------------------------------------

Dots = tuple[str, ...]  # the revisions whose assignment of a path stands


def _assignments(graph: Graph, derived: Callable[[str], bool]) -> dict[str, dict[str, Dots]]:
    """For each revision, the standing assignments of every path in its history; status is
    the path ``""``, which no answer can have."""
    state: dict[str, dict[str, Dots]] = {}
    for rid in graph.order:
        node = graph.nodes[rid]
        flat, _ = graph.flat(rid)
        mine: dict[str, Dots]
        if not node.parents:
            mine = {p: (rid,) for p in flat}
            mine[""] = (rid,)
        elif len(node.parents) == 1:
            parent = node.parents[0]
            mine = dict(state[parent])
            before, _ = graph.flat(parent)
            for p in flat.keys() | before.keys():
                if flat.get(p) != before.get(p):
                    mine[p] = (rid,)
            if node.status != graph.nodes[parent].status:
                mine[""] = (rid,)
        else:
            merged = _merge_dots(graph, [state[p] for p in node.parents])
            mine = {}
            for p in merged.keys() | flat.keys():
                dots = merged.get(p, ())
                values = {_value(graph, d, p) for d in dots} or {None}
                if p == "":
                    agreed = _status_of(graph, node.parents, dots, merged, derived)[0]
                    mine[p] = dots if node.status == agreed else (rid,)
                elif len(values) == 1 and flat.get(p) in values:
                    mine[p] = dots
                else:
                    mine[p] = (rid,)
        state[rid] = mine
    return state


def _merge_dots(graph: Graph, states: list[dict[str, Dots]]) -> dict[str, Dots]:
    out: dict[str, Dots] = {}
    for p in set().union(*states):
        dots = [d for s in states for d in s.get(p, ())]
        out[p] = (dots[0],) if len(set(dots)) == 1 else graph.maximal(dots)
    return out


def _value(graph: Graph, rid: str, path: str) -> str | None:
    if path == "":
        return graph.nodes[rid].status
    return graph.flat(rid)[0].get(path)


def _newest(graph: Graph, dots: Iterable[str]) -> str:
    return max(dots, key=lambda d: graph.nodes[d].order)


def _status_of(
    graph: Graph,
    heads: Iterable[str],
    dots: Dots,
    merged: dict[str, Dots],
    derived: Callable[[str], bool],
) -> tuple[str, str | None]:
    """The merged status and the review flag, if any. A draft that people left as the newest
    on one side keeps the merge a draft: its answers were work in progress, so someone
    finalises the merged record. (The newest people made, not the heads: which merges made
    without a person exist depends on the order packages came in.)"""
    values = {graph.nodes[d].status for d in dots}
    flag = None
    if any(graph.nodes[h].status == DRAFT for h in _sources(graph, tuple(heads))):
        status = DRAFT
    elif len(values) == 1:
        status = next(iter(values))
    elif DRAFT in values:
        status = DRAFT
    elif COMPLETE in values:
        status = COMPLETE
    else:  # approved beside rejected
        status, flag = COMPLETE, FLAG_DISAGREE
    if status in REVIEWED_STATUSES:
        decisions = [d for d in dots if graph.nodes[d].status == status]
        for p, answer_dots in merged.items():
            if p and not derived(p):
                if any(not graph.is_ancestor(a, d) for a in answer_dots for d in decisions):
                    return COMPLETE, FLAG_CHANGED  # answers changed beside the decision
    return status, flag


def review_flag_of(graph: Graph) -> str | None:
    """The review flag of a record whose graph has one head (no merge to make)."""
    [head] = graph.heads
    return _review_flag(graph, graph.nodes[head].status)


def _review_flag(graph: Graph, status: str) -> str | None:
    """A record reviewed once, whose newest review decision answers changed after: it needs
    review again, and says so rather than quietly losing its decision. (Every revision of
    the graph is under one of its heads.)"""
    if status in REVIEWED_STATUSES:
        return None
    latest = graph.maximal(rid for rid, n in graph.nodes.items() if n.kind == REVIEW)
    if any(graph.nodes[r].status in REVIEWED_STATUSES for r in latest):
        return FLAG_CHANGED
    return None


# -- the state of a record ------------------------------------------------------------------


def record_state(
    nodes: Iterable[Node], *, derived: Callable[[str], bool] = lambda name: False
) -> MergeState:
    """The merged state of a record's heads. *derived* says which question names the form
    computes (their values never conflict)."""
    graph = Graph(nodes)
    return state_of(graph, derived=derived)


def state_of(graph: Graph, *, derived: Callable[[str], bool]) -> MergeState:
    is_derived = _path_test(derived)
    heads = graph.heads
    if len(heads) == 1:
        node = graph.nodes[heads[0]]
        flag = _review_flag(graph, node.status) if _has_reviews(graph) else None
        return MergeState(heads, dict(node.answers), node.status, [], flag)
    assigned = _assignments(graph, is_derived)
    merged = _merge_dots(graph, [assigned[h] for h in heads])
    status, flag = _status_of(graph, heads, merged.get("", ()), merged, is_derived)
    flag = flag or _review_flag(graph, status)
    sources = _sources(graph, heads)
    base = graph.base(sources)
    conflicts, flat = _settle(graph, merged, is_derived, base)
    answers = unflatten(flat, _orders(graph, sources))
    return MergeState(heads, answers, status, conflicts, flag)


def _sources(graph: Graph, heads: Dots) -> Dots:
    """The newest revisions people made under the heads: merges made without a person
    stand for their parents. Which of those merges exist depends on the order packages
    came in; what they join does not, so row order and the base are taken from these."""
    found: set[str] = set()
    todo = list(heads)
    while todo:
        rid = todo.pop()
        node = graph.nodes[rid]
        if node.kind == MERGE and not node.author and node.parents:
            todo.extend(node.parents)
        else:
            found.add(rid)
    return graph.maximal(found)


def _path_test(derived: Callable[[str], bool]) -> Callable[[str], bool]:
    return lambda path: bool(path) and not is_row_path(path) and derived(field_name(path))


def _has_reviews(graph: Graph) -> bool:
    return any(n.kind == REVIEW for n in graph.nodes.values())


def _settle(
    graph: Graph, merged: dict[str, Dots], derived: Callable[[str], bool], base: str | None
) -> tuple[list[FieldConflict], dict[str, str]]:
    """Each path's value (a conflict's newest for now) and the conflicts, rows grouped."""
    flat: dict[str, str] = {}
    split: dict[str, Dots] = {}
    for path, dots in merged.items():
        if not path:
            continue
        values = {_value(graph, d, path) for d in dots}
        if len(values) > 1 and not derived(path):
            split[path] = dots
        value = _value(graph, _newest(graph, dots), path)
        if value is not None:
            flat[path] = value
    conflicts: list[FieldConflict] = []
    for row, members in sorted(_deleted_rows(split, flat, derived).items()):
        dots = {d for p in (row, *members) for d in merged.get(p, ())}
        conflict = _row_conflict(graph, row, dots, base)
        conflicts.append(conflict)
        for path in members:
            split.pop(path, None)
        # the row is kept for now, as the newest of those who edited it left it
        kept = [c for c in conflict.candidates if not c.deleted][-1]
        _restore_row(flat, row)
        inner, _ = flatten(kept.value)
        flat.update({f"{row}/{p}": v for p, v in inner.items()})
    for path, dots in sorted(split.items()):
        candidates = tuple(
            _candidate(graph, d, _decoded(_value(graph, d, path)), _value(graph, d, path) is None)
            for d in sorted(dots, key=lambda d: graph.nodes[d].order)
        )
        before = graph.flat(base)[0].get(path) if base else None
        conflicts.append(FieldConflict(path, _decoded(before), candidates))
    conflicts.sort(key=lambda c: c.path)
    return conflicts, flat


def _deleted_rows(
    split: dict[str, Dots], flat: dict[str, str], derived: Callable[[str], bool]
) -> dict[str, list[str]]:
    """Rows that are gone while something inside them was changed beside the deletion (a
    value that survived it, or a conflict): a row deleted on one side and edited on another.
    Each is grouped under the outermost deleted row it is in; what the form computes inside
    a row goes with the row and raises nothing."""
    rows: dict[str, list[str]] = {}
    for path in sorted(set(split) | set(flat)):
        if derived(path):
            continue
        parts = path.split("/")
        for end in range(2, len(parts), 2):
            row = "/".join(parts[:end])
            if row not in flat:
                rows.setdefault(row, []).append(path)
                break
    return rows


def _restore_row(flat: dict[str, str], row: str) -> None:
    parts = row.split("/")
    for end in range(1, len(parts) + 1):
        path = "/".join(parts[:end])
        flat.setdefault(path, ROW if end % 2 == 0 else REPEAT)


def _row_conflict(graph: Graph, row: str, dots: set[str], base: str | None) -> FieldConflict:
    candidates = []
    for d in sorted(dots, key=lambda d: graph.nodes[d].order):
        value = row_value(graph.nodes[d].answers, row)
        candidates.append(_candidate(graph, d, value, value is None))
    before = row_value(graph.nodes[base].answers, row) if base else None
    return FieldConflict(row, before, tuple(candidates))


def _candidate(graph: Graph, rid: str, value: Any, deleted: bool) -> Candidate:
    """What revision *rid* holds for a conflict, with who made it and when."""
    n = graph.nodes[rid]
    return Candidate(rid, value, n.author, n.device_id, n.hlc, n.created_at, deleted=deleted)


def row_value(answers: Mapping[str, Any], row: str) -> dict[str, Any] | None:
    """The row at a row path (``repeat/<row id>``, nested as deep as need be), or None."""
    parts = row.split("/")
    scope: Any = answers
    for i in range(0, len(parts), 2):
        rows = scope.get(parts[i]) if isinstance(scope, Mapping) else None
        if not _is_rows(rows):
            return None
        scope = next((r for r in rows if str(r.get(ROW_ID)) == parts[i + 1]), None)
        if scope is None:
            return None
    return dict(scope)


def _orders(graph: Graph, heads: Dots) -> dict[str, list[str]]:
    """Row order: the newest head's, with the rows only other heads have put before the row
    they come before there, or at the end (newer heads first)."""
    out: dict[str, list[str]] = {}
    for head in sorted(heads, key=lambda h: graph.nodes[h].order, reverse=True):
        for repeat, ids in graph.flat(head)[1].items():
            merged = out.setdefault(repeat, [])
            for i, rid in enumerate(ids):
                if rid in merged:
                    continue
                after = next((r for r in ids[i + 1 :] if r in merged), None)
                merged.insert(merged.index(after) if after else len(merged), rid)
    return out


# -- resolving ------------------------------------------------------------------------------


def apply_choices(state: MergeState, choices: Mapping[str, Candidate | Any]) -> dict[str, Any]:
    """The merged answers with a person's choice for each conflicted path: a Candidate (its
    value, or the row deleted), or a value typed for a question."""
    flat, orders = flatten(state.answers)
    for path, choice in choices.items():
        deleted = isinstance(choice, Candidate) and choice.deleted
        value = choice.value if isinstance(choice, Candidate) else choice
        if is_row_path(path):
            for p in [p for p in flat if p == path or p.startswith(path + "/")]:
                del flat[p]
            if not deleted and isinstance(value, Mapping):
                _restore_row(flat, path)
                sub, sub_orders = flatten(value)
                flat.update({f"{path}/{p}": v for p, v in sub.items()})
                orders.update({f"{path}/{p}": ids for p, ids in sub_orders.items()})
        elif deleted or value is None:
            flat.pop(path, None)
        else:
            flat[path] = canonical_json(value)
    return unflatten(flat, orders)


def merge_revision_fields(
    heads: Iterable[Node], answers: Mapping[str, Any], status: str
) -> dict[str, Any]:
    """The fields of a merge made without a person: everything comes from the heads, so the
    same heads give the same revision, byte for byte, on every machine."""
    heads = sorted(heads, key=lambda n: n.id)
    newest = max(heads, key=lambda n: n.order)
    millis, counter, node = parse_hlc(newest.hlc)
    if counter >= MAX_COUNTER:
        millis, counter = millis + 1, -1
    parents = [n.id for n in heads]
    key = canonical_json({"answers": answers, "parents": parents, "status": status})
    return {
        "id": str(uuid.uuid5(MERGE_NAMESPACE, key)),
        "parents": parents,
        "status": status,
        "author": "",
        "device_id": newest.device_id,
        "hlc": format_hlc(millis, counter + 1, node),
        "created_at": max(n.created_at for n in heads),
        "kind": MERGE,
    }


__all__ = [
    "FLAG_CHANGED",
    "FLAG_DISAGREE",
    "Candidate",
    "FieldConflict",
    "Graph",
    "MergeError",
    "MergeState",
    "Node",
    "apply_choices",
    "field_name",
    "flatten",
    "is_row_path",
    "merge_revision_fields",
    "record_state",
    "review_flag_of",
    "row_value",
    "state_of",
    "unflatten",
]
