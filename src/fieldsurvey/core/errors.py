"""Errors a user can cause, each with the exit code the command line reports for it."""

from __future__ import annotations

EXIT_OK = 0
EXIT_INVALID_DATA = 1
EXIT_USAGE = 2
EXIT_REFUSED = 3
EXIT_NO_DISPLAY = 5  # the desktop app was asked for where no screen exists


class FieldSurveyError(Exception):
    """Base for errors shown to a user as a plain message, never as a traceback."""

    exit_code = EXIT_REFUSED

    def __init__(self, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details or [])


class UsageError(FieldSurveyError):
    exit_code = EXIT_USAGE


class RefusedError(FieldSurveyError):
    """A file or database that cannot be used (not ours, newer, locked, malformed)."""

    exit_code = EXIT_REFUSED


class InvalidDataError(FieldSurveyError):
    """Answers that break the form's rules; nothing was saved."""

    exit_code = EXIT_INVALID_DATA
