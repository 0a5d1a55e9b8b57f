"""The site admin desk driven as a person would: today's counts, staff, rules, conflicts."""

from __future__ import annotations

import pytest

from station import bookings, inject, observe, prescreen, signin
from station import staff as staffmod
from station.errors import DomainError
from station.messages import render
from station.status import day_status
from station.store import Store
from tests.conftest import DAY, PIN, new_person
from tests.domainkit import answers, drive
from ui.qt import Qt

pytestmark = pytest.mark.usefixtures("fast_pins")


@pytest.fixture
def hub(make_hub):
    return make_hub("admin1", ("admin",))


@pytest.fixture
def page(hub, qtbot):
    from ui.pages.admin import AdminPage

    page = AdminPage(hub)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    page.activateWindow()
    return page


def book(store, n: int = 1) -> list[str]:
    return [
        bookings.add_booking(store, new_person(), DAY, "08:00-08:30", staff_id="admin1") for _ in range(n)
    ]


def column(table, c: int) -> list[str]:
    return [table.item(i, c).text() for i in range(table.rowCount())]


def go_to(qtbot, page, n: int) -> None:
    """Alt+n opens the n-th tab."""
    qtbot.keyClick(page.focusWidget() or page, Qt.Key(Qt.Key.Key_0 + n), Qt.KeyboardModifier.AltModifier)
    assert page.tabs.currentIndex() == n - 1


def press(qtbot, page, key) -> None:
    qtbot.keyClick(page.focusWidget() or page, key)


def select_row(table, key: str) -> None:
    rows = [i for i in range(table.rowCount()) if table.item(i, 0).data(Qt.ItemDataRole.UserRole) == key]
    assert rows, key
    table.setFocus()
    table.setCurrentCell(rows[0], 0)


# --- Today ------------------------------------------------------------------------------------


def test_today_counts_match_the_visits_driven(page, store, clock):
    for target, n in [
        ("booked", 2),
        ("signed_in", 1),
        ("screened", 1),
        ("turned_away", 2),  # a fever
        ("cancelled", 1),
        ("injected", 1),
        ("observing", 2),
        ("released", 1),
    ]:
        for v in book(store, n):
            drive(store, clock, v, target)
    (pregnant,) = book(store)
    drive(store, clock, pregnant, "signed_in")
    prescreen.screen(
        store, pregnant, staff_id="pre1", answers=answers(), temperature=36.5, turn_away_reason="pregnancy"
    )
    (sent,) = book(store)  # a serious reaction handed over to hospital: not observing, not released
    drive(store, clock, sent, "observing")
    observe.report_aefi(
        store, sent, staff_id="obs1", category="anaphylaxis", severity="severe", handling="transferred_to_hospital"
    )
    page.refresh()

    shown = {key: int(tile.value.text()) for key, tile in page.tiles.items()}
    assert shown == {
        "bookings": 13,
        "signed_in": 10,
        "screened": 9,  # 3 turned away + 6 passed
        "turned_away": 3,
        "cancelled": 1,
        "injected": 5,
        "released": 1,
        "observing": 2,
        "transferred": 1,
        "w_prescreen": 1,
        "w_inject": 1,
        "w_observe": 1,
        "conflicts": 0,
        "bookings_left": 2,
        "doses_left": 50 - 5,
    }
    st = day_status(store, DAY)
    assert shown["doses_left"] == st["doses_left"] and shown["screened"] == st["screened"]
    reasons = page.hub.rules.reasons
    assert [column(page.reasons, 0), column(page.reasons, 1)] == [
        [reasons["fever"].label_zh, reasons["pregnancy"].label_zh],
        ["2", "1"],
    ]


def test_today_follows_other_desks(page, qtbot, store, clock):
    (v,) = book(store)
    qtbot.waitUntil(lambda: page.tiles["bookings"].value.text() == "1", timeout=2000)
    drive(store, clock, v, "injected")
    qtbot.waitUntil(lambda: page.tiles["injected"].value.text() == "1", timeout=2000)
    assert page.tiles["doses_left"].value.text() == "49"


# --- Staff ------------------------------------------------------------------------------------


def fill_new_staff(qtbot, page, staff_id: str, name: str, roles: list[str], pin: str, again: str) -> None:
    go_to(qtbot, page, 2)
    assert page.new_id.hasFocus()
    qtbot.keyClicks(page.new_id, staff_id)
    page.new_name.insert(name)  # Chinese through the input method
    for role in roles:
        page.new_roles[role].setFocus()
        qtbot.keyClick(page.new_roles[role], Qt.Key.Key_Space)
    qtbot.keyClicks(page.new_pin, pin)
    qtbot.keyClick(page.new_pin, Qt.Key.Key_Return)
    assert page.new_pin2.hasFocus()
    qtbot.keyClicks(page.new_pin2, again)
    qtbot.keyClick(page.new_pin2, Qt.Key.Key_Return)


def test_add_staff_then_they_can_log_in(page, qtbot, store):
    fill_new_staff(qtbot, page, "lg09", "留观 钱护士", ["observer", "vaccinator"], "864213", "864213")
    assert page.banner.kind == "ok"
    member = staffmod.login(store, "lg09", "864213")
    assert member.name == "留观 钱护士" and member.roles == ("vaccinator", "observer") and member.active
    assert store.scalar("SELECT staff_id FROM events WHERE type = 'StaffAdded' ORDER BY pos DESC") == "admin1"
    assert "lg09" in column(page.staff_table, 0)
    row = column(page.staff_table, 0).index("lg09")
    assert page.staff_table.item(row, 2).text() == "、".join(
        page.role_label(r) for r in ("vaccinator", "observer")
    )
    assert page.new_id.text() == page.new_pin.text() == "" and page.new_id.hasFocus()
    assert not any(box.isChecked() for box in page.new_roles.values())


def test_pin_mismatch_is_refused_and_nothing_recorded(page, qtbot, store):
    events = store.scalar("SELECT count(*) FROM events")
    fill_new_staff(qtbot, page, "lg09", "留观 钱护士", ["observer"], "864213", "864231")
    assert page.banner.kind == "error"
    assert staffmod.get(store, "lg09") is None
    assert store.scalar("SELECT count(*) FROM events") == events
    assert page.new_pin.text() == page.new_pin2.text() == "" and page.new_pin.hasFocus()
    assert page.new_id.text() == "lg09"  # the rest of the form stays


def test_weak_pin_and_no_role_are_refused_by_the_domain(page, qtbot, store):
    fill_new_staff(qtbot, page, "lg09", "留观 钱护士", ["observer"], "12", "12")
    assert page.banner.kind == "error" and page.banner.text() == render("pin_too_weak", "zh")
    page.new_pin.clear()
    page.new_pin2.clear()
    page.new_roles["observer"].setChecked(False)
    qtbot.keyClicks(page.new_pin, "8642")
    qtbot.keyClicks(page.new_pin2, "8642")
    press(qtbot, page, Qt.Key.Key_F2)
    assert page.banner.kind == "error"
    assert staffmod.get(store, "lg09") is None


def test_disable_then_enable_staff(page, qtbot, store):
    go_to(qtbot, page, 2)
    select_row(page.staff_table, "vac1")
    press(qtbot, page, Qt.Key.Key_F3)
    assert page.banner.kind == "ok"
    assert not staffmod.get(store, "vac1").active
    with pytest.raises(DomainError) as info:
        staffmod.login(store, "vac1", PIN)
    assert info.value.code == "staff_disabled"
    row = column(page.staff_table, 0).index("vac1")
    assert page.staff_table.item(row, 3).text() == page.tr("Disabled")
    assert page.staff_table.currentRow() == row  # still selected after the refresh

    press(qtbot, page, Qt.Key.Key_F3)
    assert staffmod.login(store, "vac1", PIN).active
    assert page.staff_table.item(row, 3).text() == page.tr("Active")


def test_admin_cannot_disable_themselves(page, qtbot, store):
    go_to(qtbot, page, 2)
    select_row(page.staff_table, "admin1")
    press(qtbot, page, Qt.Key.Key_F3)
    assert page.banner.kind == "error"
    assert staffmod.get(store, "admin1").active


# --- Rules ------------------------------------------------------------------------------------


def test_rules_tab_lists_every_product_and_question(page, qtbot, hub):
    go_to(qtbot, page, 3)
    rules = hub.rules
    names = column(page.products_table, 0)
    assert len(names) == len(rules.products)
    for product, shown in zip(rules.products.values(), names, strict=True):
        assert product.name_zh in shown and product.manufacturer_zh in shown
    intervals = column(page.products_table, 2)
    assert "21" in intervals[0] and "56" in intervals[0]  # BBIBP dose 2: 21-56 days
    assert column(page.questions_table, 0) == [q.text_zh for q in rules.questions]
    fever_row = column(page.questions_table, 1)[0]
    assert rules.reasons["fever"].label_zh in fever_row
    assert str(rules.observation_minutes) in page.observation_line.text()


# --- Conflicts --------------------------------------------------------------------------------


@pytest.fixture
def conflict(store, clock, tmp_path):
    """Two laptops cut off from each other both inject the same person; then they sync."""
    other = Store.open(tmp_path / "b.sqlite3", origin="test-b", now=clock)
    try:
        other.ingest(store.events())
        (v,) = book(store)
        drive(store, clock, v, "screened")
        have = other.version_vector()
        other.ingest([e for e in store.events() if e.seq > have.get(e.origin, 0)])
        inject.inject(store, v, staff_id="vac1", lot_no="LOT-A", desk="1")
        inject.inject(other, v, staff_id="vac1", lot_no="LOT-A", desk="4")
        for dst, src in ((store, other), (other, store)):
            have = dst.version_vector()
            dst.ingest([e for e in src.events() if e.seq > have.get(e.origin, 0)])
    finally:
        other.close()
    assert bookings.visit(store, v)["conflict"] == 1
    return v


def test_a_conflict_is_shown_and_resolved_with_a_note(page, qtbot, store, conflict):
    page.refresh()
    assert page.tiles["conflicts"].value.text() == "1"
    go_to(qtbot, page, 4)
    assert page.resolution.hasFocus()
    table = page.conflicts_table
    assert table.rowCount() == 1
    event_id, origin = store.one(
        "SELECT c.event_id, e.origin FROM conflicts c JOIN events e ON e.id = c.event_id"
    ).values()
    visit = bookings.visit(store, conflict)
    cells = [table.item(0, c).text() for c in range(table.columnCount())]
    assert cells[2] == signin.queue_label(visit) == f"A{visit['queue_no']:03d}"
    assert cells[4] == render("already_injected", "zh")
    assert cells[5] == origin
    assert "1" in page.tabs.tabText(3)

    select_row(table, event_id)
    # the two injections side by side: which laptop and desk each came from, and who gave it
    this, other = page.sides["this"], page.sides["other"]
    assert this["step"].text() == other["step"].text() == "接种"
    assert {this["laptop"].text(), other["laptop"].text()} == {store.origin, "test-b"}
    assert this["laptop"].text() == origin
    desks = {this["facts"].text(), other["facts"].text()}
    assert any("接种台：1" in d for d in desks) and any("接种台：4" in d for d in desks), desks
    assert "vac1" in this["staff"].text() and visit["queue_no"] is not None
    assert this["person"].text().startswith(signin.queue_label(visit))
    page.resolution.setFocus()
    qtbot.keyClick(page.resolution, Qt.Key.Key_Return)  # no note: refused
    assert page.banner.kind == "error" and page.banner.text() == render("resolution_missing", "zh")
    assert store.scalar("SELECT resolution FROM conflicts") is None

    page.resolution.insert("核实为同一次接种，4号台重复录入")
    qtbot.keyClick(page.resolution, Qt.Key.Key_Return)
    row = store.one("SELECT * FROM conflicts WHERE event_id = ?", [event_id])
    assert row["resolution"] == "核实为同一次接种，4号台重复录入" and row["resolved_by"] == "admin1"
    assert bookings.visit(store, conflict)["conflict"] == 0
    assert page.banner.kind == "ok"
    assert table.rowCount() == 0 and page.resolution.text() == ""
    assert page.tiles["conflicts"].value.text() == "0"
    assert page.sides["this"]["step"].text() == page.sides["other"]["laptop"].text() == ""


def test_resolve_without_a_chosen_conflict_does_nothing(page, qtbot, store, conflict):
    go_to(qtbot, page, 4)
    page.conflicts_table.setCurrentCell(-1, -1)
    page.resolution.insert("随便")
    press(qtbot, page, Qt.Key.Key_F4)
    assert page.banner.kind == "warn"
    assert store.scalar("SELECT resolution FROM conflicts") is None


def test_page_is_disabled_for_staff_who_do_not_manage_staff(make_hub, qtbot):
    from ui.pages.admin import AdminPage

    page = AdminPage(make_hub("obs1", ("admin",)))
    qtbot.addWidget(page)
    page.refresh()
    assert not page.isEnabled()
