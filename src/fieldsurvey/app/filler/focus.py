"""Tab order in document order.

Qt 6 lets Tab stop at a widget that has a focus proxy and hands the focus on to the proxy. Every
question (and most editors) is such a widget, and each sits in the window's focus chain where it
was made: pages are built when first shown and repeat rows when added, so those containers lie
after the page's last answer, in an order that has nothing to do with the page. Relinking the
answers alone left Tab from a section's last answer to the next container in the chain, whose
proxy is an earlier answer (its text selected, to be typed over).

So the filler does not leave Tab to the chain: the body steps through ``tab_stops()``, worked
out from the layouts each time, and hands over to the chain only to leave the body. The chain is
still relinked in document order after any change of structure, for whatever else walks it.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLayout, QWidget

CHAIN_LIMIT = 100_000  # widgets in one window's focus chain, far beyond any form


def in_layout(layout: QLayout) -> Iterator[QWidget]:
    for i in range(layout.count()):
        item = layout.itemAt(i)
        child = item.layout()
        if child is not None:
            yield from in_layout(child)
        elif item.widget() is not None:
            yield from _stops(item.widget())


def _stops(widget: QWidget) -> Iterator[QWidget]:
    """A widget may order its own stops (``tab_stops()``): a repeat row puts its answers
    before its move and remove buttons."""
    custom = getattr(widget, "tab_stops", None)
    layout = widget.layout()
    if callable(custom):
        yield from custom()
    elif layout is not None:
        yield from in_layout(layout)
    elif widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.focusProxy() is None:
        yield widget


def tab_stops(root: QWidget) -> list[QWidget]:
    """The widgets Tab visits inside *root*, in document order."""
    return list(_stops(root))


def chain_tab_order(root: QWidget) -> None:
    for first, second in pairwise(tab_stops(root)):
        QWidget.setTabOrder(first, second)


def takes_tab(widget: QWidget) -> bool:
    """Whether Tab can stop at *widget* now: shown, enabled and taking focus by Tab (of a group
    of radio buttons, only the one with the focus or the check does)."""
    return (
        widget.isVisible()
        and widget.isEnabled()
        and bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
    )


def beyond(owner: QWidget, origin: QWidget, forward: bool) -> QWidget | None:
    """The first widget outside *owner* that Tab (or Shift+Tab) reaches from *origin* along the
    window's focus chain, as Qt chooses: a widget with a focus proxy stands for its proxy, and
    is passed by when going backwards into it."""
    widget = origin
    for _ in range(CHAIN_LIMIT):
        widget = widget.nextInFocusChain() if forward else widget.previousInFocusChain()
        if widget is None or widget is origin:
            return None
        if widget is owner or owner.isAncestorOf(widget):
            continue
        target = widget
        while target.focusProxy() is not None:
            target = target.focusProxy()
        # (isAncestorOf counts a widget as its own ancestor)
        inside = target is not widget and (
            target.isAncestorOf(widget) if forward else widget.isAncestorOf(target)
        )
        if not inside and widget.isVisible() and widget.isEnabled() and takes_tab(target):
            return target
    return None


def question_of(widget: QWidget | None, owner: QWidget) -> QWidget | None:
    """The question (inside *owner*) that holds *widget*, if any."""
    from fieldsurvey.app.filler.question import QuestionWidget

    try:
        while widget is not None:
            if isinstance(widget, QuestionWidget):
                return widget if owner.isAncestorOf(widget) else None
            widget = widget.parentWidget()
    except RuntimeError:  # a widget deleted while focus moved away from it
        return None
    return None
