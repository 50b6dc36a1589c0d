"""Generated edit histories on 2 to 5 laptops: no value is lost, whatever the order.

Hypothesis plays a field week: laptops edit answers, add, edit and delete repeat rows,
finalise, review and resolve, and hand their records to each other. Each hand-over runs the
importer's own record step (``absorb_records``: new revisions in, then the record settled
against its graph, merges and conflicts included) on the records.jsonl the exporter writes;
only the zip around it is left out, which the package tests cover. At the end coordinators receive
every package the week wrote (the hand-overs' and each laptop's last), each in another order,
so each makes other merges on the way. Every order must give the same state, and
every value a person set that no later change replaced must be in the answers or in a
conflict.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldsurvey.core.exchange.absorb import absorb_records
from fieldsurvey.core.exchange.content import record_line
from fieldsurvey.core.form_rules import form_rules
from fieldsurvey.core.review import choose, conflicts, decide
from fieldsurvey.core.store import records as rec
from fieldsurvey.core.store.merge import flatten
from fieldsurvey.core.workspace import Workspace
from tests.conftest import write_xlsform
from tests.core.laptops import state

FIELDS = ("name", "count", "colour")
VALUES = {
    "name": ["Tea", "Rice", "茶园", "Bamboo", "Mushroom"],
    "count": ["1", "2", "30", "45", "7"],
    "colour": ["red", "blue"],
}


def tiny_form(folder: Path) -> Path:
    return write_xlsform(
        folder / "tiny.xlsx",
        [
            ["type", "name", "label", "calculation"],
            ["text", "name", "Name", ""],
            ["integer", "count", "Count", ""],
            ["select_one colour", "colour", "Colour", ""],
            ["calculate", "double", "", "${count} * 2"],
            ["begin repeat", "rows", "Rows", ""],
            ["text", "item", "Item", ""],
            ["integer", "qty", "Quantity", ""],
            ["end repeat", "rows", "", ""],
        ],
        [["list_name", "name", "label"], ["colour", "red", "Red"], ["colour", "blue", "Blue"]],
        [["form_id", "version"], ["tiny", "1"]],
    )


class Week:
    """The laptops of one generated history, and how records move between them."""

    def __init__(self, folder: Path, laptops: int) -> None:
        self.folder = folder
        self.form = tiny_form(folder)
        self.laptops = [self.open(f"laptop{i}") for i in range(laptops)]
        self.moves = 0
        first = self.laptops[0]
        self.rid = first.add_record("tiny", {"name": "Start", "count": 1}).record.id
        for other in self.laptops[1:]:
            self.hand(first, other)

    def open(self, name: str) -> Workspace:
        ws = Workspace.open(self.folder / f"{name}.db")
        ws.configure(enumerator=name, device=name)
        ws.add_form(self.form)
        return ws

    def history_file(self, ws: Workspace) -> Path:
        self.moves += 1
        path = self.folder / f"move{self.moves}.jsonl"
        with ws.store.session(write=False) as s:
            record = rec.get_record(session=s, record_id=self.rid)
            path.write_text(record_line(record, rec.history(session=s, record_id=self.rid)))
        return path

    @staticmethod
    def take(ws: Workspace, path: Path) -> None:
        rules = form_rules(ws.form("tiny", "1"))
        with ws.store.session() as s:
            tally = absorb_records(
                s,
                path,
                rules_for=lambda *_: rules,
                forms={("tiny", "1")},
                villages=lambda code: True,
            )
            if tally.newest_clock:
                ws.store.hlc_update(tally.newest_clock, session=s)

    def hand(self, source: Workspace, target: Workspace) -> None:
        self.take(target, self.history_file(source))

    def close(self) -> None:
        for ws in self.laptops:
            ws.close()


EDIT = st.tuples(st.just("edit"), st.integers(0, 4), st.sampled_from(FIELDS), st.integers(0, 2))
HAND = st.tuples(st.just("hand"), st.integers(0, 4), st.integers(0, 4))
OPS = st.one_of(
    EDIT,
    EDIT,
    EDIT,
    HAND,
    HAND,
    st.tuples(st.just("add_row"), st.integers(0, 4), st.sampled_from(["a", "b"])),
    st.tuples(st.just("edit_row"), st.integers(0, 4), st.integers(0, 3), st.integers(1, 9)),
    st.tuples(st.just("delete_row"), st.integers(0, 4), st.integers(0, 3)),
    st.tuples(st.just("finalise"), st.integers(0, 4)),
    st.tuples(st.just("review"), st.sampled_from(["approve", "reject", "reopen"])),
    st.tuples(st.just("resolve"), st.integers(0, 4)),
    # two laptops at once: the same question answered differently, or a row one deletes
    # and the other edits
    st.tuples(st.just("clash"), st.integers(0, 4), st.integers(0, 4), st.sampled_from(FIELDS)),
    st.tuples(st.just("row_clash"), st.integers(0, 4), st.integers(0, 4)),
    st.tuples(st.just("hand_resolve"), st.integers(0, 4), st.integers(0, 4)),
)


def play(week: Week, op: tuple[Any, ...]) -> None:
    kind = op[0]
    n = len(week.laptops)
    ws = week.laptops[0] if kind == "review" else week.laptops[op[1] % n]
    record = ws.record(week.rid)
    if record.conflicts and kind not in ("hand", "resolve"):
        return  # nobody edits or reviews a record with open conflicts
    answers = record.answers_dict()
    rows = answers.get("rows") or []
    if kind == "edit":  # two laptops seldom type the same
        value = VALUES[op[2]][(op[3] + op[1]) % len(VALUES[op[2]])]
        ws.set_values(week.rid, {op[2]: value})
    elif kind == "add_row":
        ws.set_values(week.rid, {f"rows[{len(rows) + 1}]/item": f"{op[2]}{week.moves}"})
    elif kind == "edit_row" and rows:
        ws.set_values(week.rid, {f"rows[{op[2] % len(rows) + 1}]/qty": str(op[3])})
    elif kind == "delete_row" and rows:
        del rows[op[2] % len(rows)]
        ws.save_answers(week.rid, {**answers, "rows": rows})
    elif kind == "finalise" and record.status == "draft":
        ws.save_answers(week.rid, answers, complete=True)
    elif kind == "review" and (op[1] == "reopen" or record.status != "draft"):
        decide(ws, week.rid, op[1], f"{op[1]} after move {week.moves}")
    elif kind == "resolve":
        for view in conflicts(ws, week.rid):
            choose(ws, week.rid, view.path, take=view.candidates[0].revision)
    elif kind == "hand" and op[1] % n != op[2] % n:
        week.hand(ws, week.laptops[op[2] % n])
    elif kind == "clash" and op[1] % n != op[2] % n:
        play(week, ("edit", op[1], op[3], 0))
        play(week, ("edit", op[2], op[3], 1))
    elif kind == "row_clash" and op[1] % n != op[2] % n:
        play(week, ("add_row", op[1], "r"))
        play(week, ("hand", op[1], op[2]))
        last = len(week.laptops[op[1] % n].record(week.rid).answers_dict().get("rows") or [])
        play(week, ("delete_row", op[1], last - 1))
        play(week, ("edit_row", op[2], last - 1, week.moves + 2))
    elif kind == "hand_resolve" and op[1] % n != op[2] % n:
        play(week, ("hand", op[1], op[2]))
        play(week, ("resolve", op[2]))


def no_value_lost(final: Workspace, rid: str) -> None:
    """Every value a person set that no later change of theirs or anyone's replaced is in
    the answers, or among a conflict's values."""
    revisions = {r.id: r for r in final.history(rid)}
    flat = {rid_: flatten(r.answers_dict())[0] for rid_, r in revisions.items()}
    children: dict[str, set[str]] = {r: set() for r in revisions}
    for r in revisions.values():
        for p in r.parents_list():
            children[p].add(r.id)

    def descendants(r: str) -> set[str]:
        seen, todo = set(), [r]
        while todo:
            for c in children[todo.pop()]:
                if c not in seen:
                    seen.add(c)
                    todo.append(c)
        return seen

    def sets(r: str, path: str) -> bool:
        rev = revisions[r]
        if rev.kind == "merge" and not rev.author:
            return False  # a merge made without a person originates nothing
        parents = rev.parents_list()
        if not parents:
            return path in flat[r]
        # a resolution that keeps one side's value passes it on; it originates only a value
        # none of the sides had
        return all(flat[p].get(path) != flat[r].get(path) for p in parents)

    record = final.record(rid)
    shown = flatten(record.answers_dict())[0]
    open_conflicts = {v.path: v for v in conflicts(final, rid)}
    paths = {p for f in flat.values() for p in f if p.split("/")[-1] != "double"}

    def replaced(r: str, path: str, value: str | None) -> bool:
        """A later edit changed it, or a person resolving a conflict after it chose another."""
        for d in descendants(r):
            rev = revisions[d]
            if rev.kind == "merge" and rev.author:
                if flat[d].get(path) != value:
                    return True
            elif sets(d, path):
                return True
        return False

    for r in revisions:
        for path in paths:
            value = flat[r].get(path)
            if not sets(r, path) or replaced(r, path, value):
                continue
            if shown.get(path) == value:
                continue
            assert _in_conflict(open_conflicts, path, value), (r, path, value, shown.get(path))


def _in_conflict(open_conflicts: dict[str, Any], path: str, value: str | None) -> bool:
    for cpath, view in open_conflicts.items():
        if cpath == path:
            if any(
                (c.deleted and value is None) or json.dumps(c.value, ensure_ascii=False) == value
                for c in view.candidates
            ):
                return True
            for c in view.candidates:
                if c.value is not None and value is not None and json.loads(value) == c.value:
                    return True
        elif path.startswith(cpath + "/"):  # inside a row deleted on one side
            inner = path[len(cpath) + 1 :]
            for c in view.candidates:
                row = flatten(c.value)[0] if isinstance(c.value, dict) else {}
                if (c.deleted and value is None) or row.get(inner) == value:
                    return True
    return False


@settings(
    max_examples=int(os.environ.get("FIELDSURVEY_MERGE_EXAMPLES", "25")),  # more for long runs
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(laptops=st.integers(2, 5), ops=st.lists(OPS, min_size=6, max_size=30), seed=st.randoms())
def test_no_value_is_lost_and_every_order_gives_the_same_state(
    tmp_path_factory, laptops: int, ops: list[tuple[Any, ...]], seed: Any
) -> None:
    folder = tmp_path_factory.mktemp("week")
    week = Week(folder, laptops)
    try:
        for op in ops:
            play(week, op)
        # every package the week wrote, the hand-overs' too: the coordinators get them in
        # different orders, so each makes different merges on the way
        finals = [week.history_file(ws) for ws in week.laptops]
        packages = sorted(week.folder.glob("move*.jsonl"))
        orders = [list(reversed(packages)), finals]
        for _ in range(2):
            order = list(packages)
            seed.shuffle(order)
            orders.append(order)
        states = []
        for n, order in enumerate(orders):
            coordinator = week.open(f"coordinator{n}")
            try:
                for path in order:
                    week.take(coordinator, path)
                    week.take(coordinator, path)  # twice: nothing changes
                states.append(state(coordinator))
                no_value_lost(coordinator, week.rid)
            finally:
                coordinator.close()
        assert all(s == states[0] for s in states[1:])
    finally:
        week.close()
