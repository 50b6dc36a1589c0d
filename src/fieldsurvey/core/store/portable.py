"""SQL that means the same on every dialect the store runs on.

SQLite compares text by its bytes; PostgreSQL by the database's collation, which an office's
server takes from its locale (en_US.UTF-8 puts ``SY_OLD`` before ``SY-SAN``, zh_CN sorts Han
characters by pinyin). A sort that users see, or that shapes what is written, goes through
``bytewise`` so a list reads the same from a laptop's file and from the office's server.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class bytewise(FunctionElement):
    """*expr* compared by code point (UTF-8 byte order), whatever the database's collation:
    ``COLLATE "C"`` on PostgreSQL, the expression itself on SQLite, where that is the rule."""

    type = String()
    inherit_cache = True
    name = "bytewise"


@compiles(bytewise)
def _as_is(element: bytewise, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(bytewise, "postgresql")
def _c_collation(element: bytewise, compiler: Any, **kw: Any) -> str:
    return f'({compiler.process(element.clauses, **kw)}) COLLATE "C"'
