"""The argument parser: the command-line contract in one place."""

from __future__ import annotations

import argparse

from fieldsurvey import __version__
from fieldsurvey.cli import app_commands, exchange_commands, merge_commands

# Modules that add their own subcommands: each has register(subparsers) and HANDLERS.
EXTENSIONS = (exchange_commands.register, merge_commands.register, app_commands.register)


LANGUAGES = ("en", "zh")
DB_HELP = "database file (default: $FIELDSURVEY_DB or the user data folder)"


class _Parser(argparse.ArgumentParser):
    """Usage errors exit 2 with a one-line hint, as argparse does, but never a traceback."""


def db_path(text: str) -> str:
    """``--db PATH``: any path but an empty one, which would silently mean the default."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty path; give the database file")
    return text


def _add_db_after(parser: argparse.ArgumentParser) -> None:
    """``--db PATH`` after the command too (``fieldsurvey init --db X``), on every command
    that runs; run() merges it with the one before the command (both at once is an error)."""
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subparsers:
        parser.add_argument(
            "--db", metavar="PATH", dest="db_after", type=db_path, default=argparse.SUPPRESS,
            help=DB_HELP,
        )  # fmt: skip
        return
    for action in subparsers:
        for child in dict.fromkeys(action.choices.values()):  # aliases name one parser twice
            _add_db_after(child)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="fieldsurvey",
        description="Offline field surveys for the Songyang Innovative Rural Development Programme.",
        epilog="With no command, opens the desktop app. --db PATH may also follow the command. "
        "Exit codes: 0 done, 1 invalid data, 2 usage error, 3 a file or database refused, "
        "4 export or import cancelled, 5 no display for the desktop app, 130 stopped with Ctrl-C.",
    )
    p.add_argument("--version", action="version", version=f"fieldsurvey {__version__}")
    p.add_argument("--db", metavar="PATH", type=db_path, help=DB_HELP)
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    init = sub.add_parser(
        "init", help="create or open the database; load the programme forms and village registry"
    )
    init.add_argument("--enumerator", metavar="NAME", help="who is entering data on this device")
    init.add_argument("--device", metavar="NAME", help="a name for this device, e.g. 'Laptop 3'")

    demo = sub.add_parser(
        "demo",
        help="make a demo database with realistic sample records (safe to run twice)",
        description="Adds sample records to a database of their own, fieldsurvey-demo.db in "
        "the user data folder (or --db PATH; never $FIELDSURVEY_DB), never to the real database "
        "by default. A database that holds records of its own is refused unless --force.",
    )
    demo.add_argument(
        "--open",
        action="store_true",
        help="then open the desktop app on it (no display: print its records instead)",
    )
    demo.add_argument(
        "--path", action="store_true", help="only print the demo database's path; change nothing"
    )
    demo.add_argument(
        "--force",
        action="store_true",
        help="add the sample records even to a database holding other records",
    )

    forms = sub.add_parser("forms", help="list, check and add XLSForm definitions")
    fsub = forms.add_subparsers(dest="action", metavar="ACTION", required=True)
    fl = fsub.add_parser("list", help="forms in the database")
    fl.add_argument("--json", action="store_true", help="machine-readable output")
    fc = fsub.add_parser("check", help="validate XLSForm files; exit 3 listing every problem")
    fc.add_argument("files", nargs="+", metavar="FILE")
    fa = fsub.add_parser("add", help="add a form, or a new version of one")
    fa.add_argument("file", metavar="FILE")

    villages = sub.add_parser("villages", help="the village registry")
    vsub = villages.add_subparsers(dest="action", metavar="ACTION", required=True)
    vl = vsub.add_parser("list", help="villages in the database")
    vl.add_argument("--json", action="store_true", help="machine-readable output")
    va = vsub.add_parser("add", help="add a village met in the field; prints its code")
    va.add_argument("--code", help="registry code; left out, a provisional NEW-… code is made")
    va.add_argument("--name-zh", default="", help="name in Chinese, e.g. 杨家堂村")
    va.add_argument("--name-en", default="", help="name in pinyin, e.g. Yangjiatang")
    va.add_argument("--township", default="", help="township code, e.g. sandu")
    va.add_argument("--latitude", type=float)
    va.add_argument("--longitude", type=float)
    vi = vsub.add_parser("import", help="add or update villages from a registry CSV")
    vi.add_argument("file", metavar="FILE.csv")

    records = sub.add_parser("records", help="survey records")
    rsub = records.add_subparsers(dest="action", metavar="ACTION", required=True)
    rl = rsub.add_parser("list", help="records, newest first")
    rl.add_argument("--form", metavar="ID")
    rl.add_argument(
        "--status",
        metavar="S",
        choices=["draft", "complete", "approved", "rejected", "conflict", "flagged"],
        help="draft, complete, approved, rejected; conflict (open conflicts from merging) or "
        "flagged (reviewed, then changed in the field)",
    )
    rl.add_argument("--json", action="store_true", help="machine-readable output")
    ra = rsub.add_parser("add", help="add a record from a JSON file of answers; prints its uuid")
    ra.add_argument("--form", metavar="ID", required=True)
    ra.add_argument(
        "--data",
        metavar="FILE.json",
        required=True,
        help="answers keyed by field name; repeats as lists of objects",
    )
    ra.add_argument(
        "--village", metavar="CODE", help="the village code (default: the form's village answer)"
    )
    ra.add_argument(
        "--complete", action="store_true", help="finalise: all required answers must be given"
    )
    rs = rsub.add_parser("show", help="one record")
    rs.add_argument("uuid", metavar="UUID")
    rs.add_argument("--json", action="store_true", help="machine-readable output")
    rs.add_argument("--lang", choices=LANGUAGES, help="language of labels and headings")
    rset = rsub.add_parser("set", help="change answers; saved as a new revision")
    rset.add_argument("uuid", metavar="UUID")
    rset.add_argument(
        "assignments",
        nargs="+",
        metavar="NAME=VALUE",
        help="NAME may be repeat[row]/field, e.g. cooperative[2]/coop_members=40",
    )
    rset.add_argument("--complete", action="store_true", help="finalise the record")
    rd = rsub.add_parser(
        "duplicate", help="a new draft copying another record's answers; prints its uuid"
    )
    rd.add_argument("uuid", metavar="UUID")
    rh = rsub.add_parser("history", help="the record's revisions, oldest first")
    rh.add_argument("uuid", metavar="UUID")
    rh.add_argument("--json", action="store_true", help="machine-readable output")
    for register in EXTENSIONS:
        register(sub)
    _add_db_after(p)
    return p
