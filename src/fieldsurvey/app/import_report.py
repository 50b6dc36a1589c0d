"""What an import did, in plain words in the UI language.

Works on a package's report as ``PackageOutcome.as_json()`` gives it, which is also the form
``import_history`` keeps, so the report after an import and the list of past imports say the
same things the same way.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fieldsurvey.app.i18n import language, tr
from fieldsurvey.core.exchange.importer import ALREADY_HAD, CANCELLED, IMPORTED, REFUSED
from fieldsurvey.core.i18n import core_message


def result_text(result: str) -> str:
    known = {
        IMPORTED: tr("Imported"),
        ALREADY_HAD: tr("Nothing new"),
        REFUSED: tr("Refused"),
        CANCELLED: tr("Cancelled"),
    }
    return known.get(result, result)


def file_name(report: dict[str, Any]) -> str:
    return Path(str(report.get("file") or "")).name


def sender(report: dict[str, Any]) -> str:
    """The device the package came from, by name, else by the start of its id."""
    name = report.get("device_name") or ""
    device = report.get("device_id") or ""
    return name or (device[:8] if device else "")


def count_phrases(report: dict[str, Any]) -> list[str]:
    """The counts that are not zero, each as a short phrase."""
    counts = report.get("counts") or {}
    phrases = []
    for key, one, many in _phrases():
        n = int(counts.get(key) or 0) if key in counts else len(report.get(key) or ())
        if n:
            phrases.append(one if n == 1 else many.format(count=f"{n:,}"))
    return phrases


def _phrases() -> list[tuple[str, str, str]]:
    return [
        ("added", tr("1 new record"), tr("{count} new records")),
        ("fast_forwarded", tr("1 record updated"), tr("{count} records updated")),
        (
            "merged",
            tr("1 record merged with edits made here"),
            tr("{count} records merged with edits made here"),
        ),
        (
            "conflicts",
            tr("1 record with conflicting edits to resolve"),
            tr("{count} records with conflicting edits to resolve"),
        ),
        (
            "possible_duplicates",
            tr("1 possible duplicate"),
            tr("{count} possible duplicates"),
        ),
        (
            "flagged_for_review",
            tr("1 reviewed record changed in the field"),
            tr("{count} reviewed records changed in the field"),
        ),
        ("already_had", tr("1 record already here"), tr("{count} records already here")),
        ("forms_added", tr("1 new form version"), tr("{count} new form versions")),
        ("villages_added", tr("1 new village"), tr("{count} new villages")),
    ]


def reasons_text(report: dict[str, Any]) -> str:
    """Why a package was refused, as the core said it (translated where the catalogue knows
    the sentence)."""
    lang = language()
    if lang == "zh" and report.get("reasons_zh"):
        return "；".join(str(r) for r in report["reasons_zh"])
    return "; ".join(core_message(str(r), lang) for r in report.get("reasons") or ())


def details_text(report: dict[str, Any]) -> str:
    """The line under a package's name: its counts, or why nothing of it was imported."""
    result = report.get("result")
    if result == REFUSED:
        reason = reasons_text(report) or tr("the package could not be read")
        return tr("Nothing from this package was imported: {reason}", reason=reason)
    if result == CANCELLED:
        return tr("Cancelled before it was imported; nothing from this package was imported.")
    phrases = count_phrases(report)
    if phrases:
        return " · ".join(phrases)
    if result == ALREADY_HAD:
        return tr("Everything in this package was here already.")
    return tr("No records in this package.")


def summary_text(reports: Sequence[dict[str, Any]]) -> str:
    """One sentence over all packages of an import."""
    taken = sum(r.get("result") in (IMPORTED, ALREADY_HAD) for r in reports)
    refused = sum(r.get("result") == REFUSED for r in reports)
    cancelled = sum(r.get("result") == CANCELLED for r in reports)
    text = tr("{done} of {total} package(s) imported", done=taken, total=len(reports))
    if refused:
        text = tr("{first}, {then}", first=text, then=tr("{count} refused", count=refused))
    if cancelled:
        text = tr("{first}, {then}", first=text, then=tr("{count} cancelled", count=cancelled))
    return tr("{sentence}.", sentence=text)


def needs_review(reports: Sequence[dict[str, Any]]) -> bool:
    """Whether something imported now waits for a coordinator on the Review page."""
    keys = ("conflicts", "possible_duplicates", "flagged_for_review")
    return any(int((r.get("counts") or {}).get(k) or 0) for r in reports for k in keys)


def report_html(reports: Sequence[dict[str, Any]]) -> str:
    """The report after an import: a summary, then one short paragraph per package."""
    parts = [f"<p><b>{html.escape(summary_text(reports))}</b></p>"]
    for report in reports:
        head = f"{html.escape(file_name(report))} — {html.escape(result_text(report['result']))}"
        who = sender(report)
        if who:
            head += " · " + html.escape(tr("from {device}", device=who))
        colour = "#8a1c14" if report.get("result") == REFUSED else "#333333"
        parts.append(
            f"<p><b>{head}</b><br><span style='color:{colour}'>"
            f"{html.escape(details_text(report))}</span></p>"
        )
    if needs_review(reports):
        parts.append(
            "<p>"
            + html.escape(
                tr("Conflicts and possible duplicates wait for a decision on the Review page.")
            )
            + "</p>"
        )
    return "".join(parts)
