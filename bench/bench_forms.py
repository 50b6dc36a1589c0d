"""Evaluating a 300-question record with a 50-row repeat, against deep-copying its answers."""

from __future__ import annotations

import copy
import datetime as dt
import tempfile
from pathlib import Path

from big_form import big_answers, write_big_form
from common import median_seconds, report
from fieldsurvey.core.forms.builder import load_form
from fieldsurvey.core.forms.evaluation import evaluate


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        form = load_form(write_big_form(Path(tmp) / "big.xlsx"))
    answers = big_answers()
    now = dt.datetime(2026, 11, 28, 12, 0)
    ev = evaluate(form, answers, now=now, complete=True)
    assert not ev.problems, ev.problems[:5]
    floor = median_seconds(lambda: copy.deepcopy(answers), repeat=50)
    seconds = median_seconds(lambda: evaluate(form, answers, now=now, complete=True), repeat=50)
    report("evaluate 300 questions + 50-row repeat", seconds, floor, "deepcopy(answers)", "< 5 ms")


if __name__ == "__main__":
    main()
