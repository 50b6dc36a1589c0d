"""PDF documents (reportlab): a base that owns the page, and reports built on it."""

from fieldsurvey.core.reports.base import Report
from fieldsurvey.core.reports.record_sheet import RecordSheet, RecordSheetData, sheet_data

__all__ = ["RecordSheet", "RecordSheetData", "Report", "sheet_data"]
