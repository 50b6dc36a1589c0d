"""Pull the plug: a writer killed with SIGKILL at a random moment loses nothing it reported saved.

The child prints a save only after its transaction has committed, so every line the parent
reads is a promise the database must keep after the crash.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path

import fieldsurvey
from fieldsurvey.core.store import Record, history, open_store
from fieldsurvey.core.store.db import lock_path

SRC = Path(fieldsurvey.__file__).resolve().parents[1]

# Saves new drafts and, every third save, revises the previous one, as autosave does.
_WRITER = """
import sys
from fieldsurvey.core.store import Record, add_revision, create_record, open_store

store = open_store(sys.argv[1])
round_no = sys.argv[2]
last = None
i = 0
while True:
    answers = {"round": round_no, "i": i, "note": "梯田 terrace " * 20}
    with store.session() as s:
        if last is not None and i % 3 == 0:
            record = s.get(Record, last)
            add_revision(session=s, record=record, answers=answers, status="draft",
                         author="enumerator", device_id=store.device_id,
                         hlc=store.hlc_now(session=s))
        else:
            record = create_record(session=s, form_id="practice", form_version="1",
                                   answers=answers, status="draft", village_code=None,
                                   author="enumerator", device_id=store.device_id,
                                   hlc=store.hlc_now(session=s))
    last = record.id
    sys.stdout.write(f"{record.id} {i}\\n")
    sys.stdout.flush()
    i += 1
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    return env


def _crash_after(
    path: Path, round_no: int, saves: int, rng: random.Random
) -> list[tuple[str, int]]:
    """Run the writer, SIGKILL it once it has reported *saves* saves; every reported save."""
    child = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path), str(round_no)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    lines: list[str] = []
    try:
        while len(lines) < saves:
            line = child.stdout.readline()
            if not line:
                raise AssertionError(f"writer stopped early: {child.stderr.read()}")
            lines.append(line)
        time.sleep(rng.random() * 0.005)  # land somewhere inside the next transaction
    finally:
        child.kill()  # SIGKILL on POSIX: no cleanup, no atexit, no flush
        rest, _ = child.communicate(timeout=30)
    lines.extend(rest.splitlines(keepends=True))
    saved = [line.split() for line in lines if line.endswith("\n")]
    return [(record_id, int(i)) for record_id, i in saved]


def test_nothing_reported_saved_is_lost_when_the_writer_is_killed(tmp_path: Path) -> None:
    path = tmp_path / "survey.db"
    rng = random.Random(20240601)
    promised: dict[int, list[tuple[str, int]]] = {}
    for round_no in range(3):
        saves = rng.randint(20, 200)
        promised[round_no] = _crash_after(path, round_no, saves, rng)
        assert len(promised[round_no]) >= saves
        assert lock_path(path).exists()  # the dead writer's lock file is still there...

        with open_store(path, create=False) as store:  # ...but the OS has dropped its lock
            assert store.integrity_ok()
            with store.session(write=False) as s:
                for done, saved in promised.items():
                    for record_id, i in saved:
                        record = s.get(Record, record_id)
                        assert record is not None, f"round {done}: save {i} was lost"
                        revisions = history(session=s, record_id=record_id)
                        kept = [r.answers_dict() for r in revisions]
                        assert any(a["i"] == i and a["round"] == str(done) for a in kept)
                        assert record.answers == revisions[-1].answers
                        assert record.head_revision_id == revisions[-1].id
