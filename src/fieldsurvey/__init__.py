"""FieldSurvey: offline-first field surveys for the Songyang Innovative Rural Development Programme."""

__version__ = "0.1.0"
