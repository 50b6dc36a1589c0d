"""The app's icons, from qtawesome's bundled Material Design font (no image files to ship)."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtGui import QIcon

NAMES = {
    "villages": "mdi6.home-group",
    "records": "mdi6.clipboard-text-multiple-outline",
    "exchange": "mdi6.usb-flash-drive-outline",
    "settings": "mdi6.cog-outline",
    "add": "mdi6.plus",
    "import": "mdi6.file-import-outline",
    "back": "mdi6.arrow-left",
    "save": "mdi6.content-save-outline",
    "finalise": "mdi6.check-decagram",
    "delete": "mdi6.delete-outline",
    "duplicate": "mdi6.content-copy",
    "folder": "mdi6.folder-open-outline",
    "export": "mdi6.export",
    "refresh": "mdi6.refresh",
    "problem": "mdi6.alert-circle-outline",
    "new_record": "mdi6.file-plus-outline",
    "open": "mdi6.open-in-new",
    "database": "mdi6.database-outline",
    "about": "mdi6.information-outline",
    "search": "mdi6.magnify",
    "review": "mdi6.clipboard-check-outline",
    "approve": "mdi6.check-decagram-outline",
    "reject": "mdi6.close-octagon-outline",
    "reopen": "mdi6.undo-variant",
    "link": "mdi6.link-variant",
    "apart": "mdi6.link-variant-off",
    "receipt": "mdi6.receipt-text-outline",
    "device": "mdi6.laptop",
    "history": "mdi6.history",
    "conflict": "mdi6.call-split",
}

# Colours of the profile/status dots: none, draft, complete, the review decisions, and a
# record with conflicting edits that a coordinator must resolve.
STATE_COLOURS = {
    "none": "#9e9e9e",
    "draft": "#e08a00",
    "complete": "#2e7d32",
    "approved": "#1565c0",
    "rejected": "#c62828",
    "conflict": "#c62828",
}
_STATE_GLYPHS = {
    "none": "mdi6.circle-outline",
    "draft": "mdi6.circle-half-full",
    "approved": "mdi6.check-decagram",
    "rejected": "mdi6.close-circle",
    "conflict": "mdi6.alert-circle",
}


def icon(name: str, color: str = "#37474f") -> QIcon:
    """A named icon; an empty icon rather than a crash if the icon font cannot load."""
    try:
        import qtawesome

        return qtawesome.icon(NAMES.get(name, name), color=color)
    except Exception:  # a missing glyph must never stop the app
        return QIcon()


@lru_cache(maxsize=16)
def state_icon(state: str) -> QIcon:
    return icon(_STATE_GLYPHS.get(state, "mdi6.check-circle"), STATE_COLOURS.get(state, "#2e7d32"))
