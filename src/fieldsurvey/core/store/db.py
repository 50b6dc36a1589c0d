"""Opening a database safely, and the Store that owns it while it is open.

A file is examined read-only before anything is written to it, so a file we refuse (not
SQLite, someone else's database, one written by a newer FieldSurvey) is left byte-identical.
While a Store is open it holds an OS lock on ``<db>.lock``; the OS drops that lock if the
process dies, so a power cut never leaves a database locked.
"""

from __future__ import annotations

import os
import platform
import sqlite3
import uuid
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, bindparam, create_engine, event, func, insert, update
from sqlalchemy import select as sa_select
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from fieldsurvey.core.errors import Phrase, RefusedError
from fieldsurvey.core.store.canonical import utc_now
from fieldsurvey.core.store.hlc import HLC
from fieldsurvey.core.store.lock import FileLock, LockHeld
from fieldsurvey.core.store.models import (
    SETTING_DEVICE_ID,
    SETTING_DEVICE_NAME,
    SETTING_HLC,
    Device,
    Revision,
    Setting,
)
from fieldsurvey.paths import is_server_url

APPLICATION_ID = 0x46535631  # "FSV1" in the SQLite header: this file is a FieldSurvey store
SCHEMA_VERSION = 4  # PRAGMA user_version; bump with every migration
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
PG_DRIVER = "postgresql+psycopg"  # psycopg 3, a dependency; SQLAlchemy's default is psycopg2

_BEGIN_OPTION = "fieldsurvey_begin"


_SETTINGS = Setting.__table__  # type: ignore[attr-defined]
_SETTING_GET = sa_select(_SETTINGS.c.value).where(_SETTINGS.c.key == bindparam("k"))
_STAMP_UPDATE = (
    update(_SETTINGS)
    .where(_SETTINGS.c.key == bindparam("k"), _SETTINGS.c.value < bindparam("v"))
    .values(value=bindparam("v"))
)
_SETTING_UPDATE = (
    update(_SETTINGS).where(_SETTINGS.c.key == bindparam("k")).values(value=bindparam("v"))
)


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def open_store(path: Path | str, *, create: bool = True) -> Store:
    """Open (or create) the store at *path*, or at a ``postgresql...`` URL.

    Raises RefusedError, leaving the file untouched, when it is not ours, is newer than this
    code, or is open elsewhere.
    """
    if isinstance(path, str) and is_server_url(path):
        return _open_url(path)
    path = Path(path).expanduser().absolute()
    _inspect(path, create=create)  # refuse foreign files before even creating a lock file
    lock = FileLock(lock_path(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except LockHeld:
        raise RefusedError(
            "{path} is open in another FieldSurvey window or process", path=path
        ) from None
    except OSError as exc:
        raise RefusedError(
            "{path}: cannot use this folder ({reason})", path=path, reason=exc
        ) from exc
    engine = None
    try:
        _inspect(path, create=create)  # again, now that nobody else can be writing
        engine = _sqlite_engine(path)
        _migrate(engine, str(path))
        return Store(engine=engine, path=path, lock=lock)
    except BaseException:
        if engine is not None:
            engine.dispose()
        lock.release()
        raise


def server_url(url: str) -> URL:
    """*url* parsed, with the driver FieldSurvey installs (psycopg 3) for a bare
    ``postgresql://``, for which SQLAlchemy would otherwise look for psycopg2."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername=PG_DRIVER)
    return parsed


def _open_url(url: str) -> Store:
    """A server database: a missing driver, a bad URL or a server that does not answer is a
    refusal with the reason (and never the password), like a file that cannot be opened.
    Messages show the URL as given, less its password."""
    try:
        engine = create_engine(server_url(url), pool_pre_ping=True)
    except (ImportError, ArgumentError) as exc:
        raise RefusedError(
            "{url}: cannot use this database URL ({reason})", url=_shown(url), reason=exc
        ) from exc
    where = str(_shown(url))
    try:
        _migrate(engine, where)
        return Store(engine=engine, path=None, lock=None)
    except OperationalError as exc:
        engine.dispose()
        raise RefusedError("{url}: cannot connect ({reason})", url=where, reason=exc.orig) from exc
    except BaseException:
        engine.dispose()
        raise


def _shown(url: str) -> str | Phrase:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return Phrase("the database URL")


# -- examining a file without changing it -------------------------------------------------


def _inspect(path: Path, *, create: bool) -> None:
    if not path.exists():
        if not create:
            raise RefusedError("{path} does not exist", path=path)
        return
    if not path.is_file():
        raise RefusedError("{path} is not a FieldSurvey database", path=path)
    with path.open("rb") as fh:
        header = fh.read(len(SQLITE_HEADER))
    if header and header != SQLITE_HEADER:
        raise RefusedError("{path} is not a FieldSurvey database", path=path)
    _check_writable(path)
    if not header:
        return  # a zero-byte file is an empty SQLite database
    try:
        facts = _read_only_facts(path)
    except sqlite3.DatabaseError as exc:
        raise RefusedError(
            "{path} is not a readable FieldSurvey database ({reason})", path=path, reason=exc
        ) from exc
    app_id, user_version, n_objects, revision = facts
    if app_id != APPLICATION_ID:
        if app_id == 0 and n_objects == 0:
            return  # an empty database: ours to initialise
        raise RefusedError("{path} is not a FieldSurvey database", path=path)
    if user_version > SCHEMA_VERSION or (
        revision is not None and revision not in known_revisions()
    ):
        raise _newer(str(path))


def _check_writable(path: Path) -> None:
    """Every save writes the file, and SQLite keeps its -wal and -shm files beside it: a
    read-only file or folder (a write-protected USB stick, a CD, a shared folder) is refused
    when opening, with the reason, rather than failing at the first save."""
    if not os.access(path, os.W_OK):
        raise RefusedError(
            "{path}: the file is read-only; copy the database to a folder you can write to",
            path=path,
        )
    if not os.access(path.parent, os.W_OK):
        raise RefusedError(
            "{path}: the folder is read-only; copy the database to a folder you can write to",
            path=path,
        )


def _read_only_facts(path: Path) -> tuple[int, int, int, str | None]:
    """application_id, user_version, schema object count and Alembic revision, read-only."""
    conn = sqlite3.connect(path.as_uri() + "?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        user_version = conn.execute("PRAGMA user_version").fetchone()[0]
        n_objects = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        revision = None
        has_version_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
        if has_version_table:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        return app_id, user_version, n_objects, revision
    finally:
        conn.close()


def _newer(where: str) -> RefusedError:
    return RefusedError("{path} was written by a newer FieldSurvey; update the app", path=where)


# -- engine and migrations ----------------------------------------------------------------


def _sqlite_engine(path: Path) -> Engine:
    engine = create_engine(
        URL.create("sqlite", database=str(path)),
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000},
    )
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _on_sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    # Take BEGIN away from the sqlite3 module (which skips it for SELECT and DDL) and emit
    # it ourselves in _on_sqlite_begin, so every session() is exactly one transaction.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    try:
        mode = cur.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise RefusedError("the database cannot use write-ahead logging on this drive")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    finally:
        cur.close()


def _on_sqlite_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get(_BEGIN_OPTION, "IMMEDIATE")
    conn.exec_driver_sql(f"BEGIN {mode}")


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


@cache
def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def known_revisions() -> frozenset[str]:
    return frozenset(s.revision for s in _script().walk_revisions())


def _migrate(engine: Engine, where: str) -> None:
    """Bring the schema to head in one transaction, refusing a schema newer than this code."""
    with engine.begin() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
        if current - known_revisions():
            raise _newer(where)
        sqlite = conn.dialect.name == "sqlite"
        if sqlite and conn.exec_driver_sql("PRAGMA user_version").scalar() > SCHEMA_VERSION:
            raise _newer(where)
        if current == set(_script().get_heads()):
            return
        if sqlite:
            conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        if sqlite:
            conn.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")


# -- the open store -------------------------------------------------------------------------

# What SQLite says when the drive, not the code, is at fault: a full disk, a file made
# read-only or a stick pulled out while open. Said to the user as the reason nothing was saved.
_STORAGE_TROUBLE = ("disk is full", "readonly database", "disk i/o error", "unable to open")


def _storage_trouble(exc: OperationalError) -> bool:
    text = str(exc.orig).lower()
    return any(words in text for words in _STORAGE_TROUBLE)


def _shut(engine: Engine, lock: FileLock | None) -> None:
    engine.dispose()
    if lock is not None:
        lock.release()


class Store:
    """One open database: sessions, settings, the local device and its clock."""

    def __init__(self, *, engine: Engine, path: Path | None, lock: FileLock | None) -> None:
        self.engine = engine
        self.path = path
        self.url = engine.url.render_as_string(hide_password=True)
        self._sqlite = engine.dialect.name == "sqlite"
        self._read_engine = (
            engine.execution_options(**{_BEGIN_OPTION: "DEFERRED"}) if self._sqlite else engine
        )
        self._finalizer = weakref.finalize(self, _shut, engine, lock)
        with self.session() as s:
            device = self._ensure_local_device(s)
            self.device_id = device.id
            self.clock = HLC(device.id)
            # this device's own stamps: one imported from a laptop whose date was wrong must
            # not carry this clock along (see HLC.update)
            newest_here = select(func.max(Revision.hlc)).where(Revision.device_id == device.id)
            for stamp in (self.get_setting(SETTING_HLC, session=s), s.exec(newest_here).one()):
                if stamp:
                    self.clock.observe(stamp)

    # context manager and lifetime

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Store {self.path or self.url}{' closed' if self.closed else ''}>"

    @property
    def closed(self) -> bool:
        return not self._finalizer.alive

    def close(self) -> None:
        """Release the connections and the lock. Never deletes the -wal/-shm files."""
        self._finalizer()

    # transactions

    @contextmanager
    def session(self, *, write: bool = True) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises.

        ``write=False`` starts a deferred transaction, for long reads that should not hold
        the write lock; it still commits, so nothing written in it is silently dropped.
        """
        if self.closed:
            raise RuntimeError(f"{self!r} is closed")
        bind = self.engine if write else self._read_engine
        with Session(bind, expire_on_commit=False) as s:
            try:
                yield s
                s.commit()
            except BaseException as exc:
                s.rollback()
                if isinstance(exc, OperationalError) and _storage_trouble(exc):
                    raise RefusedError(
                        "{path}: the database could not be written ({reason}); nothing was saved",
                        path=self.path or self.url,
                        reason=exc.orig,
                    ) from exc
                raise

    @contextmanager
    def _maybe(self, session: Session | None, *, write: bool = True) -> Iterator[Session]:
        if session is not None:
            yield session
        else:
            with self.session(write=write) as s:
                yield s

    # settings

    def get_setting(
        self, key: str, default: str | None = None, *, session: Session | None = None
    ) -> str | None:
        with self._maybe(session, write=False) as s:  # a read never waits for a writer
            row = s.get(Setting, key)
            return default if row is None else row.value

    def set_setting(self, key: str, value: str, *, session: Session | None = None) -> None:
        """Core statements rather than the unit of work: settings are written on every save
        (the clock), where the ORM's flush machinery costs more than the write itself."""
        table = Setting.__table__
        with self._maybe(session) as s:
            s.flush()  # pending ORM changes to settings must not overwrite this write
            done = s.execute(_SETTING_UPDATE, {"k": key, "v": value})
            if done.rowcount == 0:
                s.execute(insert(table), {"key": key, "value": value})
            cached = s.identity_map.get(s.identity_key(Setting, key))  # type: ignore[arg-type]
            if cached is not None:
                set_committed_value(cached, "value", value)

    # the local device and its clock

    def local_device(self) -> Device:
        """This machine's Device row; its name follows the ``device.name`` setting."""
        with self.session() as s:
            return self._ensure_local_device(s)

    def _ensure_local_device(self, s: Session) -> Device:
        device_id = self.get_setting(SETTING_DEVICE_ID, session=s)
        name = self.get_setting(SETTING_DEVICE_NAME, session=s) or platform.node()
        device = s.get(Device, device_id) if device_id else None
        if device is None:
            device = Device(
                id=device_id or str(uuid.uuid4()), name=name, is_local=True, first_seen=utc_now()
            )
            s.add(device)
            self.set_setting(SETTING_DEVICE_ID, device.id, session=s)
        elif device.name != name:
            device.name = name
            s.add(device)
        s.flush()
        return device

    def hlc_now(self, *, session: Session | None = None) -> str:
        """A fresh clock stamp, remembered (in *session* if given) so restarts never go back."""
        stamp = self.clock.now()
        self._keep_stamp(stamp, session)
        return stamp

    def hlc_update(self, remote: str, *, session: Session | None = None) -> str:
        """A stamp for receiving *remote* (e.g. an imported revision's clock)."""
        stamp = self.clock.update(remote)
        self._keep_stamp(stamp, session)
        return stamp

    def _keep_stamp(self, stamp: str, session: Session | None) -> None:
        with self._maybe(session) as s:
            # stamps are fixed-width, so text order is clock order: one UPDATE when newer
            conn = s.connection()  # the session's transaction, without the ORM's execute
            moved = conn.execute(_STAMP_UPDATE, {"k": SETTING_HLC, "v": stamp}).rowcount
            if moved == 0 and s.execute(_SETTING_GET, {"k": SETTING_HLC}).scalar() is None:
                self.set_setting(SETTING_HLC, stamp, session=s)

    # health

    def integrity_ok(self) -> bool:
        """SQLite's own full consistency check; other dialects look after themselves."""
        if not self._sqlite:
            return True
        with self._read_engine.connect() as conn:
            rows = conn.exec_driver_sql("PRAGMA integrity_check").fetchall()
        return [tuple(r) for r in rows] == [("ok",)]
