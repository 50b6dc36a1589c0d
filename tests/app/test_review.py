"""The review page: conflicts resolved by clicking, decisions with a comment, duplicates
settled; every change runs on the worker and the page says what happened."""

from __future__ import annotations

from PySide6.QtCore import Qt

from fieldsurvey.app.i18n import set_language
from fieldsurvey.app.review_queue import CONFLICTS, DUPLICATES, WAITING, QueuePair
from fieldsurvey.app.ui import error_text
from fieldsurvey.app.views.review import ITEM_ROLE, ReviewView
from fieldsurvey.core import review
from fieldsurvey.core.demo import demo_id


def _view(qtbot, workspace) -> ReviewView:
    view = ReviewView(workspace)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    qtbot.waitUntil(lambda: view._loaded > 0, timeout=10000)
    return view


def _group(view: ReviewView, index: int):
    return view.tree.topLevelItem(index)


def _entries(view: ReviewView, group: str) -> list:
    order = {CONFLICTS: 0, "flagged": 1, WAITING: 2, DUPLICATES: 3}
    head = _group(view, order[group])
    return [head.child(i) for i in range(head.childCount())]


def _select(qtbot, view: ReviewView, group: str, match) -> None:
    item = next(i for i in _entries(view, group) if match(i.data(0, ITEM_ROLE)))
    view.tree.setCurrentItem(item)


def test_the_queue_lists_what_needs_a_coordinator(qtbot, workspace, conflicted):
    view = _view(qtbot, workspace)
    titles = [_group(view, i).text(0) for i in range(4)]
    assert titles[0] == "Conflicting edits (1)" and titles[3] == "Possible duplicates (1)"
    assert titles[2].startswith("Awaiting a decision (")
    (entry,) = _entries(view, CONFLICTS)
    assert entry.text(0).startswith("Yangjiatang") and "3 field(s) to choose" in entry.text(0)
    waiting = [i.data(0, ITEM_ROLE)[1] for i in _entries(view, WAITING)]
    assert waiting and all(r.status == "complete" for r in waiting)
    assert conflicted not in {r.id for r in waiting}


def test_a_conflict_is_resolved_by_clicking_one_value_per_field(qtbot, workspace, conflicted):
    view = _view(qtbot, workspace)
    _select(qtbot, view, CONFLICTS, lambda d: d[1].id == conflicted)
    panel = view.conflict_panel
    qtbot.waitUntil(lambda: view.panels.currentWidget() is panel and len(panel.buttons) == 6)
    shown = {label.text() for label in panel.host.findChildren(type(panel.title))}
    assert "Resident population (living in the village 6+ months a year)" in shown
    assert {"Tea; Homestays and rural tourism", "Tea; E-commerce", "Tea"} <= shown  # labels
    assert "Cooperative, row 1" in shown and "Row deleted" in shown
    assert any(t.startswith("Wang Li on Laptop A\n") for t in shown)
    views = review.conflicts(workspace, conflicted)
    for number, conflict in enumerate(views, start=1):
        keep = next(c for c in conflict.candidates if c.author == "Wang Li")
        qtbot.mouseClick(panel.buttons[(conflict.path, keep.revision)], Qt.MouseButton.LeftButton)
        if number == len(views):
            break
        left = f"Chosen. {len(views) - number} field(s) of this record left to choose."

        def chosen(key=(conflict.path, keep.revision), left=left) -> bool:
            button = panel.buttons.get(key)
            ready = button is not None and panel.host.isEnabled()
            return ready and button.text() == "Chosen" and view.notice.text() == left

        qtbot.waitUntil(chosen, timeout=10000)
    qtbot.waitUntil(lambda: view.notice.text().startswith("Resolved"), timeout=10000)
    assert not review.conflicts(workspace, conflicted)
    merge = workspace.history(conflicted)[-1]
    assert len(merge.parents_list()) == 2
    record = workspace.record(conflicted)
    assert record.conflicts == 0
    assert record.answers_dict()["resident_pop"] == 410
    qtbot.waitUntil(lambda: _group(view, 0).text(0) == "Conflicting edits (0)")


def test_a_complete_record_is_approved_with_a_comment(qtbot, workspace):
    view = _view(qtbot, workspace)
    target = demo_id("profile/SY-SAN-001")
    _select(qtbot, view, WAITING, lambda d: d[1].id == target)
    panel = view.decision_panel
    assert view.panels.currentWidget() is panel and panel.approve_button.isEnabled()
    panel.comment.setPlainText("Checked with the village committee.")
    with qtbot.waitSignal(view.changed, timeout=10000):
        qtbot.mouseClick(panel.approve_button, Qt.MouseButton.LeftButton)
    assert view.notice.text() == "Approved."
    record = workspace.record(target)
    assert record.status == "approved"
    last = workspace.history(target)[-1]
    assert last.comment == "Checked with the village committee." and last.kind == "review"
    qtbot.waitUntil(
        lambda: target not in {i.data(0, ITEM_ROLE)[1].id for i in _entries(view, WAITING)}
    )


def test_a_record_with_conflicts_is_refused_a_decision_in_the_ui_language(
    qtbot, workspace, conflicted, monkeypatch
):
    set_language("zh")
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        "fieldsurvey.app.views.review.show_error",
        lambda _parent, title, exc: shown.append((title, error_text(exc))),
    )
    view = _view(qtbot, workspace)
    view.decide(conflicted, "approve", "")
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert shown[0][0] == "决定未能保存"
    assert "3 处合并产生的未解决冲突" in shown[0][1]  # the core's reason, in Chinese too
    assert workspace.record(conflicted).status == "draft"


def test_a_duplicate_pair_is_linked(qtbot, workspace, conflicted):
    view = _view(qtbot, workspace)
    _select(qtbot, view, DUPLICATES, lambda d: isinstance(d, QueuePair))
    panel = view.duplicate_panel
    assert view.panels.currentWidget() is panel
    assert panel.title.text() == "Two “Songyang Village Profile” records for Yangjiatang 杨家堂村"
    assert any(conflicted[:8] in side.text() for side in panel.sides)
    with qtbot.waitSignal(view.changed, timeout=10000):
        qtbot.mouseClick(panel.link_button, Qt.MouseButton.LeftButton)
    assert view.notice.text() == "Linked as the same."
    assert not review.duplicates(workspace)
    (pair,) = review.duplicates(workspace, status=None)
    assert pair.status == "linked"
    qtbot.waitUntil(lambda: _group(view, 3).text(0) == "Possible duplicates (0)")


def test_the_review_page_speaks_chinese(qtbot, workspace, conflicted):
    set_language("zh")
    view = _view(qtbot, workspace)
    assert _group(view, 0).text(0) == "冲突修改（1）"
    _select(qtbot, view, CONFLICTS, lambda d: d[1].id == conflicted)
    panel = view.conflict_panel
    qtbot.waitUntil(lambda: len(panel.buttons) == 6)
    assert all(b.text() == "采用此值" for b in panel.buttons.values())
