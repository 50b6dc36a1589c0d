"""The app's link to ``core.exchange.export``, which may not be installed yet in a build.

Imported lazily so the shell works (with export switched off) before or without that module.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from fieldsurvey.core import queries

EXPORT_MODULE = "fieldsurvey.core.exchange.export"


def export_module() -> ModuleType | None:
    try:
        module = importlib.import_module(EXPORT_MODULE)
    except ImportError:
        return None
    return module if hasattr(module, "export_package") else None


def not_exported_count(ws: Any) -> int:
    """Records not yet in any exported package; every record if export does not exist yet."""
    module = export_module()
    counter = getattr(module, "pending_export_count", None) if module else None
    if counter is not None:
        return int(counter(ws))
    with ws.store.session(write=False) as s:
        return queries.pending_records(session=s)
