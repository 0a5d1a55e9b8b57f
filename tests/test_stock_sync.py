"""Stock across laptops: two laptops cut off from each other open vials of one lot and receive the
same carton; once their records meet (ingest, in either order) no vial is shared, the counts add up,
the second receipt of the carton is a conflict not counted, and rebuild --check is exact."""

from __future__ import annotations

from datetime import timedelta

import pytest

from station import bookings, coldchain, inject, packcodes, signin, stock
from station.store import Store
from tests.conftest import DAY, add_staff, new_person
from tests.domainkit import do_screen, refused
from tests.syncbed import assert_converged, digest

pytestmark = pytest.mark.usefixtures("fast_pins")

BBIBP = "sinopharm_bbibp"
CARTON = packcodes.gs1_hri("06903561000011", "M2", DAY + timedelta(days=200), "CARTON-9")


def _exchange(*stores: Store) -> None:
    for target in stores:
        for source in stores:
            if source is not target:
                target.ingest(source.events())


@pytest.fixture
def laptops(tmp_path, clock):
    a = Store.open(tmp_path / "a.sqlite3", origin="laptop-a", now=clock)
    b = Store.open(tmp_path / "b.sqlite3", origin="laptop-b", now=clock)
    add_staff(a)
    stock.receive(a, staff_id="admin1", lot_no="M2", product=BBIBP, expiry=DAY + timedelta(days=200),
                  vials=10, doses_per_vial=2)  # fmt: skip
    for i in range(4):
        bookings.add_booking(a, new_person(name=f"接种者{i}"), DAY, None, staff_id="admin1")
    _exchange(a, b)
    yield a, b
    a.close()
    b.close()


def _through_inject(store: Store, visit_id: str, desk: str) -> dict:
    signin.sign_in(store, visit_id, staff_id="sign1", desk="S" + desk)
    do_screen(store, visit_id)
    return inject.inject(store, visit_id, staff_id="vac1", desk=desk, lot_no="M2")


def test_two_laptops_cut_off_never_share_a_vial_and_a_carton_counts_once(laptops, clock, tmp_path):
    a, b = laptops
    visits = [r["visit_id"] for r in a.all("SELECT visit_id FROM visits ORDER BY booking_no, visit_id")]
    # cut off: each desk opens "the next vial" of the same lot and receives the same carton
    va = stock.open_vial(a, staff_id="vac1", desk="1", lot_no="M2")
    vb = stock.open_vial(b, staff_id="vac1", desk="2", lot_no="M2")
    assert va["vial_id"] != vb["vial_id"]
    doses_a = [_through_inject(a, v, "1") for v in visits[:2]]
    clock.advance(minutes=1)
    doses_b = [_through_inject(b, v, "2") for v in visits[2:]]
    assert {d["vial_id"] for d in doses_a} == {va["vial_id"]} and {d["vial_id"] for d in doses_b} == {
        vb["vial_id"]
    }
    stock.receive(a, staff_id="admin1", code=CARTON, vials=10)
    clock.advance(minutes=1)
    stock.receive(b, staff_id="admin1", code=CARTON, vials=10)
    # a third laptop hears of b before a: the order of arrival must not matter
    c = Store.open(tmp_path / "c.sqlite3", origin="laptop-c", now=clock)
    c.ingest(b.events())
    c.ingest(a.events())
    _exchange(a, b)
    assert_converged(a, b)
    assert digest(c) == digest(a)
    for store in (a, b, c):
        lot = stock.lot(store, "M2")
        assert (lot["vials_received"], lot["vials_opened"], lot["doses_used"]) == (20, 2, 4)
        assert (lot["doses_received"], lot["doses_left"]) == (40, 36)
        used = {r["vial_id"]: r["doses_used"] for r in store.all("SELECT * FROM vials")}
        assert used == {va["vial_id"]: 2, vb["vial_id"]: 2}
        dup = store.all("SELECT * FROM receipts WHERE carton_code IS NOT NULL ORDER BY hlc")
        assert [r["duplicate"] for r in dup] == [0, 1]
        conflict = store.one("SELECT * FROM conflicts WHERE code = 'carton_already_received'")
        assert conflict["event_id"] == dup[1]["event_id"]
    # once the records met, the carton is refused everywhere
    with refused("carton_already_received"):
        stock.receive(b, staff_id="admin1", code=CARTON, vials=10)
    c.close()


def test_an_excursion_and_its_decision_on_two_laptops_agree(laptops, clock):
    a, b = laptops
    coldchain.record_reading(a, staff_id="vac1", celsius=10.5)
    _exchange(a, b)
    assert stock.lot(b, "M2")["status"] == "hold"
    coldchain.decide(b, staff_id="admin1", lot_no="M2", decision="use", reason="20分钟内恢复")
    _exchange(a, b)
    assert_converged(a, b)
    assert stock.lot(a, "M2")["status"] == "ok"


@pytest.fixture
def site(tmp_path, clock, store_url):
    """A hub on each backend: SQLite (a site hub) and PostgreSQL (a district's store)."""
    from tests.syncbed import Site

    s = Site(tmp_path, clock, hub_db=store_url)
    yield s
    s.close()


def test_two_injection_laptops_cut_off_from_the_hub_then_synced(site, clock):
    """Through a real hub: the admin laptop receives a carton, two injection laptops draw from the
    lot while the hub is out of reach (no sync), then sync; the second laptop's copy of the same
    carton is refused once it has heard of the first."""
    from tests.syncbed import first_morning

    admin = site.station("desk-admin")
    visits = first_morning(admin, bookings_count=4)
    stock.receive(admin, staff_id="admin1", code=CARTON, vials=10, doses_per_vial=2)
    jz1, jz2 = site.station("desk-jz1"), site.station("desk-jz2")
    site.sync(admin, jz1, jz2)
    va = stock.open_vial(jz1, staff_id="vac1", desk="1", lot_no="M2")
    vb = stock.open_vial(jz2, staff_id="vac1", desk="2", lot_no="M2")
    for store, desk, mine in ((jz1, "1", visits[:2]), (jz2, "2", visits[2:])):
        for visit_id in mine:
            signin.sign_in(store, visit_id, staff_id="sign1", desk="S" + desk)
            do_screen(store, visit_id)
            inject.inject(store, visit_id, staff_id="vac1", desk=desk)  # the desk's open vial
    site.sync(admin, jz1, jz2)
    assert_converged(admin, jz1, jz2)
    for store in (admin, jz1, jz2):
        used = {r["vial_id"]: (r["desk"], r["doses_used"]) for r in store.all("SELECT * FROM vials")}
        assert used == {va["vial_id"]: ("1", 2), vb["vial_id"]: ("2", 2)}
        lot = stock.lot(store, "M2")
        assert (lot["vials_opened"], lot["doses_used"], lot["doses_left"]) == (2, 4, 16)
    with refused("carton_already_received"):
        stock.receive(jz2, staff_id="admin1", code=CARTON, vials=10)


def test_two_laptops_opening_the_last_vial_together_show_the_lot_overdrawn(laptops, clock):
    a, b = laptops
    stock.receive(
        a, staff_id="admin1", lot_no="LAST", product=BBIBP, expiry=DAY + timedelta(days=30), vials=1
    )
    _exchange(a, b)
    stock.open_vial(a, staff_id="vac1", desk="1", lot_no="LAST")
    stock.open_vial(b, staff_id="vac1", desk="2", lot_no="LAST")
    assert not next(r for r in stock.summary(a)["lots"] if r["lot_no"] == "LAST")["overdrawn"]
    _exchange(a, b)
    assert_converged(a, b)
    row = next(r for r in stock.summary(b)["lots"] if r["lot_no"] == "LAST")
    assert (row["vials_opened"], row["overdrawn"]) == (2, True)
