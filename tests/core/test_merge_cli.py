"""The coordinator's commands, as a script or a person runs them: import, conflicts, review,
duplicates, devices and imports, with their exit codes and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fieldsurvey.cli import main
from fieldsurvey.core.errors import EXIT_OK, EXIT_REFUSED, EXIT_USAGE


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def field(tmp_path: Path, capsys):
    """Two laptops that changed one record differently, their packages, and a county."""
    dbs = {n: tmp_path / f"{n}.db" for n in ("wang", "li", "county")}
    for name, db in dbs.items():
        assert run(capsys, "--db", db, "init", "--enumerator", name)[0] == EXIT_OK
    data = tmp_path / "answers.json"
    data.write_text(json.dumps({"resident_pop": 400, "households": 120}))
    code, out, _ = run(
        capsys, "--db", dbs["wang"], "records", "add", "--form", "village_profile",
        "--village", "SY-SAN-001", "--data", data,
    )  # fmt: skip
    rid = out.strip()
    first = tmp_path / "first.zip"
    run(capsys, "--db", dbs["wang"], "export", "--out", first, "--status", "all")
    assert run(capsys, "--db", dbs["li"], "import", first)[0] == EXIT_OK
    run(capsys, "--db", dbs["wang"], "records", "set", rid, "resident_pop=410")
    run(capsys, "--db", dbs["li"], "records", "set", rid, "resident_pop=420", "households=125")
    packages = []
    for name in ("wang", "li"):
        out_zip = tmp_path / f"{name}.zip"
        run(capsys, "--db", dbs[name], "export", "--out", out_zip, "--status", "all")
        packages.append(out_zip)
    return dbs, rid, packages


def test_import_prints_a_report_per_package_and_writes_receipts(field, capsys, tmp_path) -> None:
    dbs, rid, packages = field
    receipts = tmp_path / "receipts"
    receipts.mkdir()
    code, out, err = run(capsys, "--db", dbs["county"], "import", *packages, "--receipt", receipts)
    assert code == EXIT_OK, err
    assert "wang.zip: IMPORTED" in out and "added 1" in out
    assert "li.zip: IMPORTED" in out and "conflicts 1" in out
    assert f"conflict: record {rid}: 1 field to resolve" in out
    files = sorted(receipts.iterdir())
    assert len(files) == 2 and rid in files[1].read_text(encoding="utf-8")
    code, out, _ = run(capsys, "--db", dbs["county"], "import", *packages)
    assert code == EXIT_OK and out.count("ALREADY HAD") == 2


def test_import_json_is_a_list_of_reports(field, capsys) -> None:
    dbs, rid, packages = field
    code, out, _ = run(capsys, "--db", dbs["county"], "import", "--json", *packages)
    reports = json.loads(out)
    assert code == EXIT_OK and [r["result"] for r in reports] == ["imported", "imported"]
    assert reports[0]["added"] == [rid] and reports[1]["conflicts"] == {rid: 1}
    assert set(reports[1]["counts"]) >= {
        "added", "fast_forwarded", "merged", "conflicts", "possible_duplicates", "already_had",
    }  # fmt: skip
    code, out, _ = run(capsys, "--db", dbs["county"], "imports", "--json")
    assert [r["file"].endswith(".zip") for r in json.loads(out)] == [True, True]


def test_a_refused_package_exits_3_with_its_reason(field, capsys, tmp_path) -> None:
    dbs, rid, packages = field
    broken = tmp_path / "broken.zip"
    broken.write_bytes(packages[0].read_bytes()[:-100])
    code, out, err = run(capsys, "--db", dbs["county"], "import", broken, packages[0])
    assert code == EXIT_REFUSED
    assert "broken.zip: REFUSED" in err and "zip:" in err
    assert "wang.zip: IMPORTED" in out and "1 of 2 packages" in out


def test_receipt_folder_must_exist(field, capsys, tmp_path) -> None:
    dbs, rid, packages = field
    code, _, err = run(
        capsys, "--db", dbs["county"], "import", packages[0], "--receipt", tmp_path / "nope"
    )
    assert code == EXIT_USAGE and "not a folder" in err


def test_conflicts_are_listed_and_resolved_from_the_command_line(field, capsys) -> None:
    dbs, rid, packages = field
    county = dbs["county"]
    run(capsys, "--db", county, "import", *packages)
    code, out, _ = run(capsys, "--db", county, "records", "list", "--status", "conflict")
    assert code == EXIT_OK and rid in out
    code, out, _ = run(capsys, "--db", county, "conflicts", "list")
    assert "resident_pop" in out and "410 (by wang" in out and "420 (by li" in out
    code, out, _ = run(capsys, "--db", county, "conflicts", "list", "--json")
    [conflict] = json.loads(out)
    li = next(c for c in conflict["candidates"] if c["author"] == "li")
    code, _, err = run(capsys, "--db", county, "records", "set", rid, "households=1")
    assert code == EXIT_REFUSED and "resolve them first" in err
    code, out, _ = run(
        capsys, "--db", county, "conflicts", "resolve", rid[:8], "resident_pop", "--take",
        li["revision"][:8],
    )  # fmt: skip
    assert code == EXIT_OK and "resolved" in out
    code, out, _ = run(capsys, "--db", county, "records", "show", rid, "--json")
    shown = json.loads(out)
    assert shown["answers"]["resident_pop"] == 420 and shown["conflicts"] == 0
    code, out, _ = run(capsys, "--db", county, "records", "history", rid, "--json")
    assert len(json.loads(out)[-1]["parents"]) == 2


def test_resolving_with_a_typed_value_checks_it(field, capsys) -> None:
    dbs, rid, packages = field
    county = dbs["county"]
    run(capsys, "--db", county, "import", *packages)
    code, _, err = run(capsys, "--db", county, "conflicts", "resolve", rid, "resident_pop",
                       "--value", "many")  # fmt: skip
    assert code == 1 and "resident_pop" in err
    code, _, err = run(capsys, "--db", county, "conflicts", "resolve", rid, "households",
                       "--value", "3")  # fmt: skip
    assert code == EXIT_USAGE and "no conflict on 'households'" in err
    code, out, _ = run(capsys, "--db", county, "conflicts", "resolve", rid, "resident_pop",
                       "--value", "415")  # fmt: skip
    assert code == EXIT_OK
    code, out, _ = run(capsys, "--db", county, "records", "show", rid, "--json")
    assert json.loads(out)["answers"]["resident_pop"] == 415


def test_review_approves_rejects_and_reopens(field, capsys) -> None:
    dbs, rid, packages = field
    county = dbs["county"]
    run(capsys, "--db", county, "import", packages[0])
    code, _, err = run(capsys, "--db", county, "review", rid, "approve")
    assert code == EXIT_REFUSED and "is a draft" in err
    with pytest.raises(SystemExit) as usage:
        run(capsys, "--db", county, "review", rid, "accept")
    assert usage.value.code == EXIT_USAGE
    code, out, _ = run(capsys, "--db", county, "review", rid, "reopen", "--comment", "more")
    assert code == EXIT_OK and "draft" in out
    code, out, _ = run(capsys, "--db", county, "records", "history", rid, "--json")
    assert json.loads(out)[-1]["kind"] == "review"


def test_devices_show_the_fingerprint_the_laptop_shows(field, capsys) -> None:
    dbs, rid, packages = field
    county = dbs["county"]
    run(capsys, "--db", county, "import", *packages)
    code, out, _ = run(capsys, "--db", county, "devices", "--json")
    devices = json.loads(out)
    assert code == EXIT_OK and len(devices) == 3
    assert sum(d["this_device"] for d in devices) == 1
    code, out, _ = run(capsys, "--db", dbs["wang"], "device")
    shown = dict(line.split(":", 1) for line in out.splitlines())
    wang = next(d for d in devices if d["id"] == shown["device id"].strip())
    assert wang["fingerprint"] == shown["fingerprint"].strip()


def test_duplicates_are_listed_and_settled(field, capsys, tmp_path) -> None:
    dbs, rid, packages = field
    county = dbs["county"]
    data = tmp_path / "second.json"
    data.write_text(json.dumps({"resident_pop": 1}))
    run(capsys, "--db", county, "records", "add", "--form", "village_profile", "--village",
        "SY-SAN-001", "--data", data)  # fmt: skip
    run(capsys, "--db", county, "import", packages[0])
    code, out, _ = run(capsys, "--db", county, "duplicates", "list", "--json")
    [pair] = json.loads(out)
    assert code == EXIT_OK and pair["kind"] == "record" and rid in (pair["first"], pair["second"])
    code, out, _ = run(capsys, "--db", county, "duplicates", "apart", pair["second"], pair["first"])
    assert code == EXIT_OK and "apart" in out
    code, out, _ = run(capsys, "--db", county, "duplicates", "list", "--json")
    assert json.loads(out) == []
    code, _, err = run(capsys, "--db", county, "duplicates", "link", "A", "B")
    assert code == EXIT_USAGE and "not listed" in err
