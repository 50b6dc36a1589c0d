"""Where the programme's forms, resources and the user's database live.

Installed from a wheel, forms/ and resources/ are package data under ``_data``; in a source
checkout they are the top-level folders. Neither depends on the current directory.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

_PKG = Path(__file__).resolve().parent
APP_NAME = "FieldSurvey"


def _data_dir(name: str) -> Path:
    for candidate in (_PKG / "_data" / name, _PKG.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"FieldSurvey installation is missing its {name}/ folder")


def forms_dir() -> Path:
    return _data_dir("forms")


def resources_dir() -> Path:
    return _data_dir("resources")


def user_data_folder() -> Path:
    """Where the user's databases live (``~/.local/share/FieldSurvey`` on Linux)."""
    return Path(user_data_dir(APP_NAME, appauthor=False))


def is_server_url(text: str) -> bool:
    """Whether *text* names a PostgreSQL database (``postgresql://…`` or
    ``postgresql+driver://…``) rather than a file, which may well be called
    ``postgresql-copy.db``."""
    return text.startswith(("postgresql:", "postgresql+"))


def default_database() -> Path | str:
    """The real database: ``$FIELDSURVEY_DB`` (a file, or a server's URL as it is), else
    ``fieldsurvey.db`` in the user data folder."""
    env = os.environ.get("FIELDSURVEY_DB", "").strip()
    return env if env and is_server_url(env) else default_db_path()


def media_folder(db: Path | None) -> Path:
    """Where the photos of a database's records live: ``media/`` beside a database file; for
    a server database (no file), ``media/`` in the user data folder (photos are kept by
    record id, so databases never share a file)."""
    return (db.parent if db is not None else user_data_folder()) / "media"


def default_db_path() -> Path:
    """The real database: ``$FIELDSURVEY_DB``, else ``fieldsurvey.db`` in the user data folder."""
    env = os.environ.get("FIELDSURVEY_DB")
    if env:
        return Path(env)
    return user_data_folder() / "fieldsurvey.db"


def default_demo_db_path() -> Path:
    """Where ``fieldsurvey demo`` puts its sample records unless told otherwise: a database of
    its own beside the real one, so sample records never reach a real export."""
    return user_data_folder() / "fieldsurvey-demo.db"
