"""Corrections in the window (#13): a nurse corrects her own injection's body site from the injection
desk; the admin voids a duplicate walk-in from the audit view. Screenshots: docs/screenshots/."""

from __future__ import annotations

import os
from pathlib import Path

from station import signin

from .conftest import new_person
from .domainkit import do_inject, do_screen

SHOTS = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def _show(qtbot, widget, size=(1280, 700)):
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)


def _grab(widget, name: str) -> None:
    if os.environ.get("STATION_SHOTS"):  # written on request: scripts and the docs' screenshots
        widget.grab().save(str(SHOTS / name))


def test_a_nurse_corrects_her_own_injections_body_site(make_hub, qtbot, store):
    from ui.pages.audit_panel import CorrectDialog
    from ui.pages.inject import InjectPage
    from ui.qt import Qt

    visit = signin.walk_in(store, new_person("钱七"), staff_id="sign1")["visit_id"]
    do_screen(store, visit)
    do_inject(store, visit)  # recorded by vac1, left deltoid by default
    page = InjectPage(make_hub("vac1", ("inject",)))
    _show(qtbot, page)
    qtbot.mouseClick(page.correct_button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(CorrectDialog)
    assert dialog is not None and dialog.isVisible()
    assert set(dialog.fields) == {"body_site", "lot_no", "dose_number"}
    site = dialog.fields["body_site"]
    assert site.currentText() == "左上臂三角肌"  # the code shown as words
    site.setCurrentIndex(site.findData("right_deltoid"))
    qtbot.mouseClick(dialog.correct_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.banner.kind == "error"  # no reason: refused, stays open
    assert "原因" in dialog.banner.text()
    dialog.reason.setText("打错了手臂")
    _grab(dialog, "correct_zh.png")
    qtbot.mouseClick(dialog.correct_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert store.scalar("SELECT body_site FROM doses WHERE visit_id = ?", [visit]) == "right_deltoid"
    fix = store.one("SELECT staff_id, payload FROM events WHERE type = 'RecordCorrected'")
    assert fix["staff_id"] == "vac1" and "打错了手臂" in fix["payload"]


def test_the_admin_voids_a_duplicate_walk_in_from_the_audit_view(make_hub, qtbot, store):
    from ui.pages.admin import AdminPage
    from ui.qt import Qt

    first = signin.walk_in(store, new_person("孙八"), staff_id="sign1")["visit_id"]
    twin = signin.walk_in(store, new_person("孙八"), staff_id="sign1")["visit_id"]
    booking = store.scalar("SELECT id FROM events WHERE visit_id = ? AND type = 'BookingAdded'", [twin])
    page = AdminPage(make_hub("admin1", ("admin",)))
    _show(qtbot, page, (1366, 700))
    panel = page.open_audit()
    qtbot.waitExposed(panel)
    assert panel.table.rowCount() >= 4
    # filter by staff: the sign-in desk's records only
    panel.staff_filter.setCurrentIndex(panel.staff_filter.findData("sign1"))
    assert {e["staff_id"] for e in panel.entries} == {"sign1"}
    assert panel.select_event(booking)
    dialog = panel.correct_selected()
    assert dialog is not None and dialog.void_button.isEnabled()
    dialog.reason.setText("重复登记")
    qtbot.mouseClick(dialog.void_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible(), dialog.banner.text()
    assert store.scalar("SELECT count(*) FROM visits WHERE visit_id = ?", [twin]) == 0
    assert store.scalar("SELECT state FROM visits WHERE visit_id = ?", [first]) == "signed_in"
    panel.staff_filter.setCurrentIndex(0)  # everyone again: the void shown against its target
    _grab(panel, "audit_zh.png")
    voided = next(e for e in panel.entries if e["event_id"] == booking)
    assert voided["voided_by"]
    row = next(
        i
        for i in range(panel.table.rowCount())
        if panel.table.item(i, 0).data(Qt.ItemDataRole.UserRole) == booking
    )
    assert "已作废" in panel.table.item(row, 3).text() or "voided" in panel.table.item(row, 3).text()
    void_row = next(i for i, e in enumerate(panel.entries) if e.get("target", {}).get("event_id") == booking)
    detail = panel.table.item(void_row, 6).text()  # a void changes no field: no empty "：" before the reason
    assert detail.endswith("原因：重复登记") and "sign1" in detail and "： —" not in detail, detail


def test_the_pre_screen_desk_corrects_its_last_temperature_and_says_when_there_is_none(
    make_hub, qtbot, store
):
    from ui.pages.audit_panel import CorrectDialog
    from ui.pages.prescreen import PreScreenPage
    from ui.qt import Qt

    page = PreScreenPage(make_hub("pre1", ("prescreen",)))
    _show(qtbot, page)
    qtbot.mouseClick(page.correct_button, Qt.MouseButton.LeftButton)
    assert page.banner.kind == "warn" and page.findChild(CorrectDialog) is None  # nothing of hers yet
    visit = signin.walk_in(store, new_person("周九"), staff_id="sign1")["visit_id"]
    do_screen(store, visit, temperature=36.6)
    qtbot.mouseClick(page.correct_button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(CorrectDialog)
    assert set(dialog.fields) == {"temperature"} and dialog.fields["temperature"].text() == "36.6"
    dialog.fields["temperature"].setText("37.1")
    dialog.reason.setText("看错了")
    qtbot.mouseClick(dialog.correct_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible(), dialog.banner.text()
    assert store.scalar("SELECT temperature FROM screenings WHERE visit_id = ?", [visit]) == 37.1
