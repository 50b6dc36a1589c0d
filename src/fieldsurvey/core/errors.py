"""Errors a user can cause, each with the exit code the command line reports for it.

A message is an English template with ``{name}`` fields and the values for them:
``RefusedError("{path} is open in another FieldSurvey window or process", path=path)``.
``.message`` and ``str(exc)`` are the English sentence (the command line stays English for
scripts); ``localized(lang)`` is the same sentence in the person's language, from the catalogue
``resources/translations/zh_CN/core_messages.json``. A test scans the core so that every
template is a literal with a Chinese translation.
"""

from __future__ import annotations

from typing import Any

EXIT_OK = 0
EXIT_INVALID_DATA = 1
EXIT_USAGE = 2
EXIT_REFUSED = 3
EXIT_CANCELLED = 4  # an export or an import cancelled
EXIT_NO_DISPLAY = 5  # the desktop app was asked for where no screen exists


def count(n: int, word: str, plural: str | None = None) -> str:
    """``1 record``, ``2 records``, ``12,000 records`` (English, as the command line speaks)."""
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


def _shown(value: Any, lang: str) -> Any:
    """A field's value as it is written into a sentence: a nested phrase in *lang*, and an
    exception as its reason ("No space left on device"), translated when the catalogue knows
    the reason."""
    if isinstance(value, (Phrase, FieldSurveyError)):
        return value.localized(lang)
    if isinstance(value, BaseException):
        reason = (value.strerror if isinstance(value, OSError) else None) or str(value).strip()
        return _translate(reason, lang)
    return value


def _translate(template: str, lang: str) -> str:
    if lang == "en":
        return template
    from fieldsurvey.core.i18n import core_message

    return core_message(template, lang)


def _render(template: str, params: dict[str, Any], lang: str) -> str:
    text = _translate(template, lang)
    if not params:
        return text  # braces in a template without fields are literal
    return text.format(**{k: _shown(v, lang) for k, v in params.items()})


class Phrase:
    """Part of a message that is chosen at run time (``Phrase("complete records")``), or a
    detail line; written like a message, translated like one."""

    __slots__ = ("params", "template")

    def __init__(self, template: str, **params: Any) -> None:
        self.template = template
        self.params = params

    def localized(self, lang: str) -> str:
        return _render(self.template, self.params, lang)

    def __str__(self) -> str:
        return self.localized("en")

    def __repr__(self) -> str:
        return f"Phrase({str(self)!r})"


class FieldSurveyError(Exception):
    """Base for errors shown to a user as a plain message, never as a traceback."""

    exit_code = EXIT_REFUSED

    def __init__(
        self, message: str, details: list[str | Phrase] | None = None, **params: Any
    ) -> None:
        self.template = message
        self.params = params
        self.message = _render(message, params, "en")
        super().__init__(self.message)
        self.lines: list[str | Phrase] = list(details or [])  # each a Phrase or plain text

    @property
    def details(self) -> list[str]:
        """The detail lines in English (append to ``lines``, which every language reads)."""
        return [str(d) for d in self.lines]

    def localized(self, lang: str) -> str:
        """The message in *lang* ("en" or "zh"; English for any other)."""
        return _render(self.template, self.params, lang)

    def localized_details(self, lang: str) -> list[str]:
        """The detail lines in *lang*; lines given as plain text stay as they are."""
        return [d.localized(lang) if isinstance(d, Phrase) else d for d in self.lines]


class UsageError(FieldSurveyError):
    exit_code = EXIT_USAGE


class RefusedError(FieldSurveyError):
    """A file or database that cannot be used (not ours, newer, locked, malformed)."""

    exit_code = EXIT_REFUSED


class InvalidDataError(FieldSurveyError):
    """Answers that break the form's rules; nothing was saved."""

    exit_code = EXIT_INVALID_DATA
