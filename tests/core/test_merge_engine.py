"""The merge of a record's heads, on revision graphs built by hand: what is taken, what is a
conflict, and that the result depends on the graph only."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest

from fieldsurvey.core.store.merge import (
    FLAG_CHANGED,
    FLAG_DISAGREE,
    Candidate,
    MergeError,
    Node,
    apply_choices,
    flatten,
    merge_revision_fields,
    record_state,
    unflatten,
)


class History:
    """Revisions made one after another, each by a named laptop."""

    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.clock = itertools.count(1)

    def add(
        self,
        rid: str,
        parents: list[str],
        answers: dict[str, Any],
        status: str = "complete",
        kind: str = "edit",
        who: str = "wang",
    ) -> str:
        tick = next(self.clock)
        self.nodes[rid] = Node(
            id=rid,
            parents=tuple(parents),
            answers=answers,
            status=status,
            author=who,
            device_id=f"dev-{who}",
            hlc=f"{tick:015d}-00000-{who}",
            created_at=f"2026-11-{tick:02d}T00:00:00.000Z",
            kind=kind,
        )
        return rid

    def edit(self, rid: str, parent: str, who: str = "wang", status: str | None = None, **changes):
        answers = copy.deepcopy(dict(self.nodes[parent].answers))
        answers.update(changes)
        return self.add(rid, [parent], answers, status or self.nodes[parent].status, who=who)

    def state(self, ids: list[str] | None = None, derived=lambda name: False):
        nodes = [self.nodes[i] for i in (ids or self.nodes)]
        return record_state(nodes, derived=derived)


def test_edits_of_different_fields_merge() -> None:
    h = History()
    h.add("o", [], {"a": 1, "b": "x", "c": [1, 2]})
    h.edit("l1", "o", a=2)
    h.edit("l2", "o", who="li", b="y")
    state = h.state()
    assert state.clean and state.heads == ("l1", "l2")
    assert state.answers == {"a": 2, "b": "y", "c": [1, 2]}


def test_the_same_field_changed_differently_is_a_conflict_holding_both() -> None:
    h = History()
    h.add("o", [], {"a": 1})
    h.edit("l1", "o", a=2)
    h.edit("l2", "o", who="li", a=3)
    state = h.state()
    [conflict] = state.conflicts
    assert conflict.path == "a" and conflict.base == 1
    assert [(c.revision, c.value, c.author) for c in conflict.candidates] == [
        ("l1", 2, "wang"),
        ("l2", 3, "li"),
    ]
    assert state.answers["a"] == 3  # the newest, shown until someone chooses


def test_the_same_change_on_both_sides_is_no_conflict() -> None:
    h = History()
    h.add("o", [], {"a": 1})
    h.edit("l1", "o", a=2)
    h.edit("l2", "o", who="li", a=2)
    assert h.state().clean and h.state().answers == {"a": 2}


def test_a_field_cleared_on_one_side_and_changed_on_the_other_conflicts() -> None:
    h = History()
    h.add("o", [], {"a": 1})
    h.edit("l1", "o", a=None)
    h.edit("l2", "o", who="li", a=5)
    [conflict] = h.state().conflicts
    assert {(c.value, c.deleted) for c in conflict.candidates} == {(None, True), (5, False)}


def test_derived_answers_never_conflict() -> None:
    h = History()
    h.add("o", [], {"a": 1, "total": 1})
    h.edit("l1", "o", a=2, total=2)
    h.edit("l2", "o", who="li", total=7)
    state = h.state(derived=lambda name: name == "total")
    assert state.clean and state.answers == {"a": 2, "total": 7}


def rows(*items: tuple[str, int]) -> list[dict[str, Any]]:
    return [{"_row_id": rid, "n": n} for rid, n in items]


def test_rows_added_on_both_sides_are_both_kept_in_order() -> None:
    h = History()
    h.add("o", [], {"r": rows(("r1", 1))})
    h.edit("l1", "o", r=rows(("r1", 1), ("r2", 2)))
    h.edit("l2", "o", who="li", r=rows(("r1", 1), ("r3", 3)))
    state = h.state()
    assert state.clean
    assert [row["_row_id"] for row in state.answers["r"]] == ["r1", "r3", "r2"]


def test_a_row_edited_on_both_sides_merges_by_field() -> None:
    h = History()
    h.add("o", [], {"r": [{"_row_id": "r1", "n": 1, "m": 1}]})
    h.edit("l1", "o", r=[{"_row_id": "r1", "n": 2, "m": 1}])
    h.edit("l2", "o", who="li", r=[{"_row_id": "r1", "n": 1, "m": 3}])
    assert h.state().answers == {"r": [{"_row_id": "r1", "n": 2, "m": 3}]}


def test_a_row_deleted_on_one_side_and_edited_on_the_other_is_one_conflict() -> None:
    h = History()
    h.add("o", [], {"r": [{"_row_id": "r1", "n": 1, "m": 1}, {"_row_id": "r2", "n": 5}]})
    h.edit("l1", "o", r=[{"_row_id": "r2", "n": 5}])
    h.edit("l2", "o", who="li", r=[{"_row_id": "r1", "n": 9, "m": 1}, {"_row_id": "r2", "n": 5}])
    state = h.state()
    [conflict] = state.conflicts
    assert conflict.path == "r/r1" and conflict.is_row
    deleted, edited = conflict.candidates
    assert deleted.deleted and deleted.revision == "l1"
    assert edited.value == {"_row_id": "r1", "n": 9, "m": 1}
    assert state.answers["r"][0] == {"_row_id": "r1", "n": 9, "m": 1}  # kept until chosen
    choose_delete = apply_choices(state, {"r/r1": deleted})
    assert choose_delete == {"r": [{"_row_id": "r2", "n": 5}]}
    assert apply_choices(state, {"r/r1": edited})["r"][0]["n"] == 9


def test_a_row_deleted_on_one_side_and_left_alone_on_the_other_goes() -> None:
    h = History()
    h.add("o", [], {"a": 1, "r": rows(("r1", 1), ("r2", 2))})
    h.edit("l1", "o", r=rows(("r2", 2)))
    h.edit("l2", "o", who="li", a=2)
    state = h.state()
    assert state.clean and state.answers == {"a": 2, "r": rows(("r2", 2))}


def test_a_resolution_descending_from_both_settles_the_conflict() -> None:
    h = History()
    h.add("o", [], {"a": 1, "b": 1})
    h.edit("l1", "o", a=2)
    h.edit("l2", "o", who="li", a=3, b=4)
    state = h.state()
    chosen = apply_choices(state, {"a": state.conflicts[0].candidates[0]})
    h.add("m", ["l1", "l2"], chosen, kind="merge", who="coordinator")
    after = h.state()
    assert after.clean and after.heads == ("m",) and after.answers == {"a": 2, "b": 4}
    # a later edit elsewhere of another field merges with the resolution cleanly
    h.edit("l3", "l2", who="li", b=5)
    assert h.state().clean and h.state().answers == {"a": 2, "b": 5}
    # but a later edit elsewhere of the same field, made before seeing it, conflicts again
    h.edit("l4", "l2", who="zhao", a=9)
    assert [c.path for c in h.state().conflicts] == ["a"]


def test_three_concurrent_values_are_one_conflict_with_three_candidates() -> None:
    h = History()
    h.add("o", [], {"a": 0})
    for i, who in enumerate(("wang", "li", "zhao"), start=1):
        h.edit(f"l{i}", "o", who=who, a=i)
    [conflict] = h.state().conflicts
    assert sorted(c.value for c in conflict.candidates) == [1, 2, 3]


def test_a_merge_made_without_a_person_is_the_same_everywhere() -> None:
    h = History()
    h.add("o", [], {"a": 1, "b": 1})
    h.edit("l1", "o", a=2)
    h.edit("l2", "o", who="li", b=2)
    state = h.state()
    heads = [h.nodes[x] for x in state.heads]
    one = merge_revision_fields(heads, state.answers, state.status)
    two = merge_revision_fields(list(reversed(heads)), dict(state.answers), state.status)
    assert one == two and one["parents"] == ["l1", "l2"] and one["kind"] == "merge"
    assert one["hlc"] > max(n.hlc for n in heads)
    h.add(one["id"], one["parents"], state.answers, kind="merge")
    assert h.state().heads == (one["id"],)


def test_the_status_merges_by_rule() -> None:
    h = History()
    h.add("o", [], {"a": 1}, status="draft")
    h.edit("l1", "o", status="complete")
    h.edit("l2", "o", who="li", a=2)
    assert h.state().status == "draft"  # a draft on one side keeps the record a draft
    h2 = History()
    h2.add("o", [], {"a": 1})
    h2.add("ok", ["o"], {"a": 1}, status="approved", kind="review", who="coord")
    h2.add("no", ["o"], {"a": 1}, status="rejected", kind="review", who="coord2")
    state = h2.state()
    assert (state.status, state.review_flag) == ("complete", FLAG_DISAGREE)


def test_an_approval_beside_a_field_edit_goes_back_to_review() -> None:
    h = History()
    h.add("o", [], {"a": 1})
    h.add("ok", ["o"], {"a": 1}, status="approved", kind="review", who="coord")
    h.edit("e", "o", who="li", a=2)
    state = h.state()
    assert state.clean and state.answers == {"a": 2}
    assert (state.status, state.review_flag) == ("complete", FLAG_CHANGED)
    # an edit made after seeing the approval also asks for review again
    h2 = History()
    h2.add("o", [], {"a": 1})
    h2.add("ok", ["o"], {"a": 1}, status="approved", kind="review", who="coord")
    h2.edit("e", "ok", who="li", status="complete", a=2)
    assert (h2.state().status, h2.state().review_flag) == ("complete", FLAG_CHANGED)
    # and a new decision settles it
    h2.add("ok2", ["e"], {"a": 2}, status="approved", kind="review", who="coord")
    assert (h2.state().status, h2.state().review_flag) == ("approved", None)


def test_the_state_is_the_same_with_or_without_the_merges_made_on_the_way() -> None:
    """Which automatic merges a database made depends on the order packages came in; the
    state must not."""
    h = History()
    h.add("o", [], {"a": 1, "b": 1, "r": rows(("r1", 1))})
    h.edit("l1", "o", a=2, r=rows(("r1", 1), ("r2", 2)))
    h.edit("l2", "o", who="li", b=5)
    early = h.state(["o", "l1", "l2"])  # a coordinator that saw l1 and l2 first
    assert early.clean
    fields = merge_revision_fields([h.nodes["l1"], h.nodes["l2"]], early.answers, early.status)
    h.edit("l3", "l1", who="zhao", b=6, r=rows(("r2", 2), ("r3", 3)))
    without = h.state(["o", "l1", "l2", "l3"])
    h.add(fields["id"], fields["parents"], early.answers, kind="merge", who="")
    with_merge = h.state()
    assert (with_merge.answers, with_merge.status, with_merge.conflicts) == (
        without.answers,
        without.status,
        without.conflicts,
    )
    assert [c.path for c in without.conflicts] == ["b"]
    assert [row["_row_id"] for row in without.answers["r"]] == ["r2", "r3"]


def test_a_missing_parent_is_refused() -> None:
    h = History()
    h.add("o", [], {"a": 1})
    h.edit("l1", "o", a=2)
    with pytest.raises(MergeError, match="missing"):
        h.state(["l1"])


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"a": 1, "s": ["x", "y"], "e": [], "t": "文字"},
        {"r": [{"_row_id": "a", "n": 1, "inner": [{"_row_id": "b", "m": None, "k": 2}]}]},
    ],
)
def test_flatten_and_unflatten_round_trip(answers: dict[str, Any]) -> None:
    flat, orders = flatten(answers)
    expected = _without_nones(answers)
    assert unflatten(flat, orders) == expected


def _without_nones(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nones(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nones(v) for v in value]
    return value


def test_a_typed_choice_replaces_the_value() -> None:
    h = History()
    h.add("o", [], {"a": 1})
    h.edit("l1", "o", a=2)
    h.edit("l2", "o", who="li", a=3)
    state = h.state()
    assert apply_choices(state, {"a": 10}) == {"a": 10}
    assert isinstance(state.conflicts[0].candidates[0], Candidate)


def test_a_row_deleted_beside_an_answer_given_in_it_for_the_first_time_conflicts() -> None:
    h = History()
    h.add("o", [], {"r": [{"_row_id": "r1", "item": "a"}]})
    h.edit("gone", "o", r=[])
    h.edit("filled", "o", who="li", r=[{"_row_id": "r1", "item": "a", "qty": 4}])
    state = h.state()
    [conflict] = state.conflicts
    assert conflict.path == "r/r1"
    assert [c.deleted for c in conflict.candidates] == [True, False]
    assert state.answers["r"] == [{"_row_id": "r1", "item": "a", "qty": 4}]


def test_a_draft_finalised_later_does_not_keep_a_merge_a_draft() -> None:
    """Laptop A's draft, laptop B's finalised edit, then A finalises: whether a coordinator
    merged A's draft with B's edit on the way (an automatic merge) or not, the record is
    complete."""
    h = History()
    h.add("o", [], {"a": 1, "b": 1})
    h.edit("draft", "o", status="draft", a=2)
    h.edit("b", "o", who="li", b=2)
    early = h.state(["o", "draft", "b"])
    assert early.status == "draft" and early.clean
    fields = merge_revision_fields([h.nodes["draft"], h.nodes["b"]], early.answers, early.status)
    h.edit("final", "draft", status="complete", a=3)
    without = h.state(["o", "draft", "b", "final"])
    h.add(fields["id"], fields["parents"], early.answers, status=early.status, kind="merge",
          who="")  # fmt: skip
    with_merge = h.state()
    assert without.status == with_merge.status == "complete"
    assert without.answers == with_merge.answers == {"a": 3, "b": 2}
