"""Records beyond draft and complete: approved and rejected ones are locked like complete
ones, and a record with conflicting edits is read-only until the Review page resolves it."""

from __future__ import annotations

from PySide6.QtCore import Qt

from fieldsurvey.app.navigation import OpenRequest
from fieldsurvey.app.record_page import RecordPage
from fieldsurvey.app.views.records import RecordsView
from fieldsurvey.core import review
from fieldsurvey.core.demo import demo_id

STATUS = 2  # the records list's status column


def _records_view(qtbot, workspace) -> RecordsView:
    view = RecordsView(workspace)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.model.rowCount() > 0)
    return view


def test_the_status_filter_offers_review_states_and_conflicts(qtbot, workspace, conflicted):
    approved = demo_id("profile/SY-SAN-001")
    review.decide(workspace, approved, "approve")
    view = _records_view(qtbot, workspace)
    offered = [view.state.itemText(i) for i in range(view.state.count())]
    assert offered[-3:] == ["Approved", "Rejected", "With conflicts"]
    with qtbot.waitSignal(view.model.loaded):
        view.set_status_filter("approved")
    assert [i.id for i in view.model.rows()] == [approved]
    assert view.model.index(0, STATUS).data() == "Approved"
    with qtbot.waitSignal(view.model.loaded):
        view.set_status_filter("conflict")
    assert [i.id for i in view.model.rows()] == [conflicted]
    assert view.count.text() == "1 record"
    cell = view.model.index(0, STATUS)
    assert cell.data() == "With conflicts"
    assert "3 field(s)" in cell.data(Qt.ItemDataRole.ToolTipRole)
    with qtbot.waitSignal(view.model.loaded):
        view.search.setText("no such village")
        view.apply_filter()
    assert view.model.rowCount() == 0


def test_a_record_with_conflicts_opens_read_only_and_points_to_review(qtbot, workspace, conflicted):
    record = workspace.record(conflicted)
    page = RecordPage(workspace, OpenRequest(record.form_id, record.id, record.village_code))
    qtbot.addWidget(page)
    filler = page.filler
    assert filler.is_read_only() and not filler.top.edit.isVisibleTo(filler)
    assert "Review page" in filler.banner.text() and "3 answer(s)" in filler.banner.text()
    assert filler.top.status.text().startswith("With conflicts")
    filler.edit()  # no way round it: the store would refuse the save
    assert filler.is_read_only()
    with qtbot.waitSignal(page.reviewRequested) as asked:
        qtbot.mouseClick(page.review_button, Qt.MouseButton.LeftButton)
    assert asked.args == [conflicted]


def test_an_approved_record_is_locked_and_editing_it_says_it_needs_review_again(qtbot, workspace):
    target = demo_id("profile/SY-SAN-001")
    review.decide(workspace, target, "approve", "fine")
    page = RecordPage(workspace, OpenRequest("village_profile", target, "SY-SAN-001"))
    qtbot.addWidget(page)
    filler = page.filler
    assert filler.is_read_only() and filler.top.edit.isVisibleTo(filler)
    assert filler.top.status.text().startswith("Approved")
    assert not page.review_button.isVisibleTo(page)
    filler.edit()
    assert not filler.is_read_only() and "needs a new review" in filler.banner.text()
