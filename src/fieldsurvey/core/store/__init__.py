"""The store: SQLModel tables, the open database, revisions and audit.

Typical use::

    with open_store(default_db_path()) as store, store.session() as s:
        record = create_record(session=s, ..., device_id=store.device_id, hlc=store.hlc_now(session=s))
"""

from fieldsurvey.core.store.db import APPLICATION_ID, SCHEMA_VERSION, Store, open_store
from fieldsurvey.core.store.hlc import HLC, parse_hlc
from fieldsurvey.core.store.models import (
    COMPLETE,
    DRAFT,
    AuditEntry,
    Device,
    FormDef,
    FormFile,
    Record,
    Revision,
    Setting,
    Village,
)
from fieldsurvey.core.store.records import (
    AmbiguousIdError,
    BadVillageError,
    RecordStateError,
    add_form_def,
    add_revision,
    create_record,
    delete_draft,
    get_form_def,
    get_record,
    get_village,
    history,
    list_form_defs,
    list_form_files,
    list_records,
    list_villages,
    revision_hash,
    upsert_village,
)

__all__ = [
    "APPLICATION_ID",
    "COMPLETE",
    "DRAFT",
    "HLC",
    "SCHEMA_VERSION",
    "AmbiguousIdError",
    "AuditEntry",
    "BadVillageError",
    "Device",
    "FormDef",
    "FormFile",
    "Record",
    "RecordStateError",
    "Revision",
    "Setting",
    "Store",
    "Village",
    "add_form_def",
    "add_revision",
    "create_record",
    "delete_draft",
    "get_form_def",
    "get_record",
    "get_village",
    "history",
    "list_form_defs",
    "list_form_files",
    "list_records",
    "list_villages",
    "open_store",
    "parse_hlc",
    "revision_hash",
    "upsert_village",
]
