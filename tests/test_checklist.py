"""The daily checklist in the domain (#15): ticks are events with staff and time, projected,
rebuilt from the log, overridable per station, and the reminder after the opening time."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from station import checklist, rebuild
from station.errors import DomainError
from station.settings import Settings
from tests.conftest import CST, DAY, proven


def test_the_bundled_checklist_has_the_pilots_items():
    ids = [it.id for it in checklist.load_items()]
    labels = "".join(it.label_zh for it in checklist.load_items())
    assert "staff_temperature" in ids and "one_metre_line" in ids and "fridge_temperature" in ids
    for word in ("消毒", "测温", "验码", "一米线", "肾上腺素", "冰箱温度"):
        assert word in labels


def test_a_tick_is_an_event_with_staff_time_and_note(store, clock):
    row = checklist.tick(store, staff_id=proven(store, "sign1"), item="staff_temperature", note=" 全员 正常 ")
    assert row["staff_id"] == "sign1" and row["note"] == "全员 正常"
    event = store.one("SELECT * FROM events WHERE type = 'ChecklistItemTicked'")
    assert event["staff_id"] == "sign1"
    rows = {r["item"]: r for r in checklist.day_checklist(store, DAY)}
    assert rows["staff_temperature"]["done"] and rows["staff_temperature"]["staff_name"] == "Staff sign1"
    assert rows["staff_temperature"]["at"].startswith("2026-11-26T08:00")
    assert not rows["one_metre_line"]["done"]
    assert "一米线已设置" in checklist.missing(store, DAY)


def test_untick_and_rebuild(store, clock):
    admin = proven(store)
    checklist.tick(store, staff_id=admin, item="code_check")
    checklist.tick(store, staff_id=admin, item="one_metre_line")
    checklist.untick(store, staff_id=admin, item="code_check")
    checklist.untick(store, staff_id=admin, item="code_check")  # not ticked: nothing more recorded
    assert store.scalar("SELECT count(*) FROM events WHERE type = 'ChecklistItemUnticked'") == 1
    assert [r["item"] for r in checklist.day_checklist(store, DAY) if r["done"]] == ["one_metre_line"]
    report = rebuild.check(store)
    assert report.ok and report.tables["checklist"] == 1


@pytest.mark.sessions_only
def test_refusals(store):
    with pytest.raises(DomainError) as exc:
        checklist.tick(store, staff_id=proven(store), item="no_such_item")
    assert exc.value.code == "checklist_item_unknown"
    with pytest.raises(DomainError) as exc:
        checklist.tick(store, staff_id=proven(store), item="code_check", note="长" * 201)
    assert exc.value.code == "checklist_note_too_long"
    with pytest.raises(DomainError) as exc:  # a bare id: no PIN proven
        checklist.tick(store, staff_id="sign1", item="code_check")
    assert exc.value.code == "session_required"
    assert store.scalar("SELECT count(*) FROM checklist") == 0


def test_a_station_edits_its_own_checklist(tmp_path):
    own = tmp_path / "rules" / "checklist.toml"
    own.parent.mkdir()
    own.write_text(
        '[[items]]\nid = "tent"\nlabel_zh = "帐篷已固定"\nlabel_en = "Tent secured"\n', encoding="utf-8"
    )
    assert [it.label_zh for it in checklist.load_items(tmp_path)] == ["帐篷已固定"]
    own.write_text("[[items]]\nid = 'Bad Id'\n", encoding="utf-8")
    with pytest.raises(DomainError) as exc:
        checklist.load_items(tmp_path)
    assert exc.value.code == "rules_invalid"


def test_reminder_after_the_opening_time_until_done(store, clock):
    items = checklist.load_items()
    opening = checklist.opening_time("07:30")
    assert checklist.reminder(store, datetime(2026, 11, 26, 7, 0, tzinfo=CST), opening, items) == []
    due = checklist.reminder(store, datetime(2026, 11, 26, 7, 31, tzinfo=CST), opening, items)
    assert len(due) == len(items)
    for it in items:
        checklist.tick(store, staff_id=proven(store), item=it.id)
    assert checklist.reminder(store, datetime(2026, 11, 26, 9, 0, tzinfo=CST), opening, items) == []


def test_opening_time_setting_and_its_fallback(tmp_path):
    assert checklist.opening_time("", {"day_start": "08:15"}) == time(8, 15)
    assert checklist.opening_time("07:00", {"day_start": "08:15"}) == time(7, 0)
    (tmp_path / "settings.json").write_text('{"opening_time": "25:99", "booking_url": " https://b.cn "}')
    s = Settings.load(tmp_path)
    assert s.opening_time == "" and s.booking_url == "https://b.cn"
    assert any("opening_time" in p for p in s.load_problems)
