"""Tab order in document order.

Qt chains focus in creation order, so rows added to a repeat after its page was built would
come last. After any change of structure the page's chain is rebuilt from its layouts.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLayout, QWidget


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
