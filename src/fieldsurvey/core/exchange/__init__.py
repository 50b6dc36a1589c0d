"""Exchange packages: signed BagIt zips with records, forms, tables, PDF sheets and photos.

``export_package`` writes one; ``verify_package`` checks one before anything trusts it.
"""

from fieldsurvey.core.exchange.export import (
    EXIT_CANCELLED,
    ExportCancelled,
    ExportFailed,
    ExportOptions,
    ExportResult,
    NothingToExport,
    PackageExists,
    export_package,
    pending_export_count,
)

__all__ = [
    "EXIT_CANCELLED",
    "ExportCancelled",
    "ExportFailed",
    "ExportOptions",
    "ExportResult",
    "NothingToExport",
    "PackageExists",
    "export_package",
    "pending_export_count",
]
