"""The README's command lines are true: every example runs against a demo database, and every
option a synopsis line shows is one the command takes."""

from __future__ import annotations

import glob
import re
import shlex
from pathlib import Path

import pytest

from fieldsurvey.cli import main
from fieldsurvey.cli.parser import build_parser
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
CHECKED = {"init", "demo", "forms", "villages", "records", "export", "verify", "device"}
DEMO_PATH = '"$(fieldsurvey demo --path)"'
PLACEHOLDER = re.compile(r"\b[A-Z]{2,}\b|\[--|\.\.\.|…")


def _command_lines() -> list[str]:
    """``fieldsurvey …`` lines of the fenced blocks (continuation lines joined) and of the
    inline code spans."""
    lines: list[str] = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", README, re.S):
        for line in block.splitlines():
            if line.startswith("fieldsurvey "):
                lines.append(line)
            elif line.startswith(" ") and lines and lines[-1].startswith("fieldsurvey "):
                lines[-1] += " " + line.strip()
    prose = re.sub(r"```.*?```", "", README, flags=re.S)
    lines += re.findall(r"`(fieldsurvey [^`]+)`", prose)
    return [re.split(r"\s{2,}|\s#", line)[0].strip() for line in lines]  # no trailing notes


def _words(line: str) -> list[str]:
    """The command words: ``records set`` in ``fieldsurvey [--db PATH] records set UUID``."""
    words = []
    for token in re.sub(r"\[--db PATH\]", "", line).split()[1:]:
        if token.startswith(("-", "[")) or not re.fullmatch(r"[a-z]+", token):
            break
        words.append(token)
    return words[:2]


EXAMPLES = [line for line in _command_lines() if not PLACEHOLDER.search(line)]
SYNOPSES = [line for line in _command_lines() if PLACEHOLDER.search(line)]


def test_the_readme_has_examples_and_synopses() -> None:
    assert any("records set" in line for line in EXAMPLES)
    assert sum(1 for line in SYNOPSES if _words(line)) >= 15


@pytest.mark.parametrize("line", SYNOPSES)
def test_synopsis_options_exist(line: str) -> None:
    words = _words(line)
    parser = build_parser()
    for word in words:
        sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
        assert word in sub.choices, f"{line}: no command '{word}'"
        parser = sub.choices[word]
    after_command = line.split(f" {words[-1]}", 1)[1] if words else line
    for option in re.findall(r"(?<![\w-])--[a-z][a-z-]*", after_command):
        assert option in parser._option_string_actions, f"{line}: {' '.join(words)} has no {option}"


@pytest.fixture
def demo_env(tmp_path: Path, monkeypatch, capsys) -> Path:
    """A demo database (as `fieldsurvey demo` makes it) that examples without --db use, and a
    working folder where `forms/*.xlsx` are the programme's forms."""
    db = tmp_path / "demo.db"
    monkeypatch.setenv("FIELDSURVEY_DB", str(db))
    work = tmp_path / "work"
    work.mkdir()
    (work / "forms").symlink_to(REPO / "forms", target_is_directory=True)
    monkeypatch.chdir(work)
    assert main(["--db", str(db), "demo", "--force"]) == 0  # $FIELDSURVEY_DB names it: forced
    capsys.readouterr()
    return db


@pytest.mark.parametrize("line", [line for line in EXAMPLES if set(_words(line)) & CHECKED])
def test_readme_example_runs_on_the_demo_database(line: str, demo_env: Path, capsys) -> None:
    argv = []
    for token in shlex.split(line.replace(DEMO_PATH, shlex.quote(str(demo_env))))[1:]:
        argv += sorted(glob.glob(token)) if "*" in token else [token]
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 0, f"{line}\n{err}"


def test_question_names_in_readme_examples_exist(demo_env: Path, capsys) -> None:
    """`records set` examples name real questions (`resident_pop`, not `population_resident`)."""
    from fieldsurvey.core.workspace import Workspace

    with Workspace.open(demo_env, create=False) as ws:
        names = {
            node.name for form_id in ("village_profile", "practice_assessment")
            for node in ws.form(form_id).root.walk()
        }  # fmt: skip
    used: set[str] = set()
    for span in re.findall(r"`([^`]+)`", re.sub(r"```.*?```", "", README, flags=re.S)):
        for token in span.split():
            found = re.fullmatch(r"(?:([a-z][a-z0-9_]*)\[\d+\]/)?([a-z][a-z0-9_]*)=.*", token)
            if found and (found.group(1) or span.startswith("fieldsurvey records set")):
                used |= {n for n in found.groups() if n}
    assert {"resident_pop", "cooperative", "coop_members", "coop_name"} <= used
    assert used <= names, sorted(used - names)
