"""A realistic demo day, modelled on a street office's pilot day.

1 sign-in desk, 2 pre-screen desks, 6 injection desks, 100 observation seats; about 1,005
bookings in half-hour slots from 07:30 to 18:30 with fewer at lunch; about 5% turned away at
pre-screen with the reasons seen in practice. Every record goes through the same domain
commands the desks use, so the demo day is a real event log.
"""

from __future__ import annotations

import heapq
import json
import random
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from station import bookings, coldchain, inject, observe, packcodes, prescreen, signin, stock
from station import staff as staffmod
from station.errors import DomainError
from station.identity import make_resident_id
from station.rules import PastDose, load_rules
from station.store import Store

DEMO_PIN = "1234"
DEMO_STAFF = [
    ("admin", "站长 王建国", ["admin"]),
    ("qd01", "签到 李娜", ["signin"]),
    ("yj01", "预检 张医生", ["prescreen"]),
    ("yj02", "预检 刘医生", ["prescreen"]),
    *[
        (f"jz0{i}", f"接种 {n}", ["vaccinator"])
        for i, n in enumerate(["陈静", "杨芳", "赵敏", "黄丽", "周燕", "吴霞"], 1)
    ],
    ("lg01", "留观 孙医生", ["observer"]),
    ("lg02", "留观 马护士", ["observer", "vaccinator"]),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅玉兰志强海燕文斌晓东丹丹佳怡子涵浩然欣怡宇轩雨萱梓涵一诺"
REGIONS = ["110101", "110102", "110105", "110106", "110108", "130102", "370102", "410105", "230203", "231084"]
UNITS = [
    "街道办事处",
    "朝阳区第一小学",
    "华联超市",
    "明星网吧",
    "金色年华歌厅",
    "社区卫生服务中心",
    "顺丰速运站点",
    "物业公司",
    None,
    None,
]
# Half-hour slots with the lunch dip the pilot asked for (12:30-14:00 fewer numbers).
SLOTS = [(time(h, m), time(h + (m + 30) // 60, (m + 30) % 60)) for h in range(7, 19) for m in (0, 30)][1:-1]
TURNED_AWAY_SHARE = 54 / 1005
# (reason picked by the doctor or answer given, share of those turned away)
TURN_AWAY = [
    ("fever", 14),
    ("acute_illness", 11),
    ("recent_other_vaccine", 8),
    ("too_early_for_dose", 7),
    ("chronic_uncontrolled", 6),
    ("pregnancy", 3),
    ("allergy_vaccine_component", 2),
    ("declined_by_person", 2),
    ("no_id_document", 1),
]


@dataclass
class DemoSummary:
    day: date
    bookings: int
    events: int
    seconds: float


def _slot_weight(start: time) -> float:
    if time(12, 30) <= start < time(14, 0):
        return 0.35
    if start < time(9, 0) or start >= time(17, 30):
        return 0.7
    return 1.0


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _phone(rng: random.Random) -> str:
    return (
        rng.choice(["13", "15", "18", "17", "19"])
        + str(rng.randint(0, 9))
        + f"{rng.randint(0, 99999999):08d}"
    )


def _booking_no(day: date, n: int) -> str:
    return f"YY{day:%m%d}{n:04d}"


def already_loaded(store: Store, day: date) -> bool:
    """Whether the demo's own bookings for ``day`` are here (other bookings that day do not count)."""
    return bool(
        store.scalar(
            "SELECT 1 FROM visits WHERE day = ? AND source = 'import' AND booking_no = ? LIMIT 1",
            [day.isoformat(), _booking_no(day, 1)],
        )
    )


def needs_admin(store: Store) -> bool:
    """Whether loading the demo needs an administrator's login: its staff are missing from a station
    that has staff of its own (the demo's admin with its known PIN must not appear unasked)."""
    missing = any(staffmod.get(store, staff_id) is None for staff_id, _, _ in DEMO_STAFF)
    return missing and bool(staffmod.list_staff(store))


def _add_staff(store: Store, by: str | None) -> None:
    missing = [m for m in DEMO_STAFF if staffmod.get(store, m[0]) is None]
    if not missing:
        return
    demo_hash = staffmod.hash_pin(DEMO_PIN)  # one PIN for all: hashed once (a third of a second each)
    for staff_id, name, roles in missing:
        staffmod.add(store, staff_id, name, roles, DEMO_PIN, by=by, pin_hash=demo_hash)
        if by is None and staff_id == DEMO_STAFF[0][0]:  # an empty station: its first member, the
            by = staffmod.login(store, staff_id, DEMO_PIN)  # demo's admin, adds the others


def load(
    store: Store,
    day: date,
    *,
    bookings_total: int = 1005,
    until: time | None = None,
    seed: int = 20210422,
    by: str | None = None,
) -> DemoSummary:
    """Fill ``store`` with a demo day. ``until`` stops the day part-way, leaving people at every step.

    ``by``: an administrator's Session, needed when the station has staff but not the demo's.
    """
    import time as _time

    started = _time.perf_counter()
    rng = random.Random(seed)
    rules = load_rules()
    events_before = store.scalar("SELECT count(*) FROM events")
    real_now = store.now
    tz = real_now().tzinfo

    def at(t: datetime) -> None:
        store.now = lambda: t

    open_at = datetime.combine(day, time(7, 20), tz)
    trusted = store.trusts_named_staff
    store.trusts_named_staff = True  # the demo plays its staff: their desk work without their PINs
    try:
        with store.transaction():
            at(open_at - timedelta(hours=1))
            _add_staff(store, by)
            _receive_delivery(store, day, rules)
            at(open_at - timedelta(days=1))
            people = _book(store, rng, day, bookings_total)
            _run_day(store, rng, day, people, until, at, rules)
    finally:
        store.now = real_now
        store.trusts_named_staff = trusted
    events = store.scalar("SELECT count(*) FROM events") - events_before
    return DemoSummary(day, len(people), events, _time.perf_counter() - started)


# The day's delivery from the district's cold chain: lot numbers are per delivery day; each carton of
# 20 vials is scanned in by the GS1 DataMatrix on it (GTINs of resources/rules/stock.toml). The
# CoronaVac lot goes into the cold box, which has the day's excursion.
DELIVERY = [
    ("A017", "sinopharm_bbibp", 700, "fridge1"),
    ("A021", "sinopharm_bbibp", 500, "fridge1"),
    ("C008", "sinovac_coronavac", 120, "coldbox1"),
]
CARTON_VIALS = 20


def _receive_delivery(store: Store, day: date, rules: object) -> None:
    stock_rules = stock.load_stock_rules()
    for suffix, product, vials, fridge in DELIVERY:
        lot_no = f"{day:%Y%m%d}{suffix}"
        if stock.lot(store, lot_no) is not None:
            continue
        gtin = stock_rules.product(product).gtins[-1]  # the carton's GTIN (pack level 1)
        expiry = day + timedelta(days=150)
        for n in range(vials // CARTON_VIALS):
            stock.receive(
                store,
                staff_id="admin",
                code=packcodes.gs1_text(gtin, lot_no, expiry, f"{day:%y%m%d}{suffix}{n + 1:03d}"),
                vials=CARTON_VIALS,
                delivery_note=f"PS{day:%Y%m%d}-01",
                fridge=fridge,
                rules=rules,  # type: ignore[arg-type]
                stock_rules=stock_rules,
            )


def _cold_chain(store: Store, day: date, plan: Callable[[datetime, str, Callable[[], None]], None]) -> None:
    """Readings at the site's set times in the fridge and the cold box; the cold box's lid left open
    at lunch (8.9 °C at 12:30), its lot held until the admin decides to keep using it."""
    tz = store.now().tzinfo
    readings = [("08:00", 4.6, 5.1), ("12:30", 4.9, 8.9), ("12:45", 4.8, 6.2), ("17:30", 4.4, 5.3)]
    for hhmm, fridge_c, box_c in readings:
        when = datetime.combine(day, time.fromisoformat(hhmm), tz)
        for fridge, celsius in (("fridge1", fridge_c), ("coldbox1", box_c)):
            plan(
                when,
                "cold",
                lambda f=fridge, c=celsius, w=when: coldchain.record_reading(
                    store, staff_id="jz01", celsius=c, fridge=f, at=w
                ),
            )
    decided = datetime.combine(day, time(12, 50), tz)
    plan(
        decided,
        "decide",
        lambda: coldchain.decide(
            store,
            staff_id="admin",
            lot_no=f"{day:%Y%m%d}C008",
            decision="use",
            reason="冷藏包开盖约15分钟，最高8.9°C，已恢复；按说明书可继续使用",
        ),
    )


def _broken_vial(store: Store, day: date) -> None:
    """A vial dropped at desk 3 as it was opened: its dose is wasted."""
    vial = stock.open_vial(store, staff_id="jz03", desk="3", lot_no=f"{day:%Y%m%d}A017")
    stock.discard_vial(store, staff_id="jz03", vial_id=vial["vial_id"], reason="broken", note="开启时掉落")


def _count_stock(store: Store) -> None:
    """The end-of-day count: every lot counted as expected."""
    sheet = stock.count_sheet(store)
    stock.count_stock(
        store,
        staff_id="admin",
        counts=[
            {"lot_no": r["lot_no"], "vials": r["expected_vials"], "doses": r["expected_doses"]} for r in sheet
        ],
    )


@dataclass
class _Person:
    visit_id: str
    arrival: datetime
    history: list[PastDose]
    turn_away: str | None
    no_show: bool


def _book(store: Store, rng: random.Random, day: date, total: int) -> list[_Person]:
    weights = [_slot_weight(s) for s, _ in SLOTS]
    per_slot = [round(total * w / sum(weights)) for w in weights]
    per_slot[len(per_slot) // 3] += total - sum(per_slot)
    people: list[_Person] = []
    shares = [s for _, s in TURN_AWAY]
    for (start, end), count in zip(SLOTS, per_slot, strict=True):
        for _ in range(count):
            age = rng.choice([rng.randint(18, 59)] * 6 + [rng.randint(60, 80)])
            birth = date(day.year - age, rng.randint(1, 12), rng.randint(1, 28))
            if birth > day - timedelta(days=365 * age):
                birth = birth.replace(year=birth.year - 1)
            number = make_resident_id(rng.choice(REGIONS), birth, rng.randint(1, 999))
            person = bookings.person_record(
                name=_name(rng), id_number=number, phone=_phone(rng), unit=rng.choice(UNITS), today=day
            )
            if bookings.visit_on(store, person["person_id"], day):
                continue
            visit_id = bookings.add_booking(
                store,
                person,
                day,
                f"{start:%H:%M}-{end:%H:%M}",
                staff_id="admin",
                booking_no=_booking_no(day, len(people) + 1),
            )
            history: list[PastDose] = []
            if rng.random() < 0.35:  # coming for the second dose, first given 3-8 weeks ago elsewhere
                history.append(PastDose("sinopharm_bbibp", 1, day - timedelta(days=rng.randint(21, 56))))
            arrival = datetime.combine(day, start, store.now().tzinfo) + timedelta(
                minutes=rng.uniform(-10, 28)
            )
            people.append(_Person(visit_id, arrival, history, None, no_show=False))
    # The pilot: 1,005 booked, 1,004 signed in, 54 turned away at pre-screen.
    no_show, *turned = rng.sample(people, 1 + round(len(people) * TURNED_AWAY_SHARE))
    no_show.no_show = True
    for person in turned:
        person.turn_away = rng.choices([r for r, _ in TURN_AWAY], shares)[0]
        if person.turn_away == "too_early_for_dose":
            person.history = [PastDose("sinopharm_bbibp", 1, day - timedelta(days=rng.randint(7, 18)))]
    return people


def _run_day(
    store: Store,
    rng: random.Random,
    day: date,
    people: list[_Person],
    until: time | None,
    at: Callable[[datetime], None],
    rules: object,
) -> None:
    """A small discrete-event simulation: each desk serves the queue in queue-number order."""
    stop = datetime.combine(day, until, store.now().tzinfo) if until else None
    actions: list[tuple[datetime, int, str, Callable[[], None]]] = []
    counter = iter(range(10**9))
    opening = datetime.combine(day, time(7, 20), store.now().tzinfo)

    def plan(when: datetime, label: str, fn: Callable[[], None]) -> None:
        heapq.heappush(actions, (when, next(counter), label, fn))

    signin_free = opening
    prescreen_free = [opening] * 2
    inject_free = [opening] * 6
    arrived = sorted((p for p in people if not p.no_show), key=lambda p: p.arrival)
    for person in arrived:
        t_sign = max(person.arrival, signin_free) + timedelta(seconds=rng.uniform(15, 30))
        signin_free = t_sign
        desk = min(range(2), key=prescreen_free.__getitem__)
        t_screen = max(t_sign + timedelta(minutes=1), prescreen_free[desk]) + timedelta(
            seconds=rng.uniform(30, 70)
        )
        prescreen_free[desk] = t_screen
        plan(
            t_sign,
            "signin",
            lambda p=person: signin.sign_in(store, p.visit_id, staff_id="qd01", desk="1", method="qr"),
        )
        plan(t_screen, "screen", lambda p=person, d=desk: _screen(store, rng, p, f"yj0{d + 1}"))
        if person.turn_away:
            continue
        jdesk = min(range(6), key=inject_free.__getitem__)
        t_inject = max(t_screen + timedelta(minutes=1), inject_free[jdesk]) + timedelta(
            seconds=rng.uniform(90, 150)
        )
        inject_free[jdesk] = t_inject
        t_observe = t_inject + timedelta(minutes=1)
        t_release = t_observe + timedelta(minutes=30 + rng.uniform(0, 6))
        plan(t_inject, "inject", lambda p=person, d=jdesk: _inject(store, p, d + 1))
        plan(
            t_observe,
            "observe",
            lambda p=person: observe.start_observation(store, p.visit_id, staff_id="lg01"),
        )
        if rng.random() < 0.004:
            plan(
                t_observe + timedelta(minutes=12),
                "aefi",
                lambda p=person: observe.report_aefi(
                    store,
                    p.visit_id,
                    staff_id="lg01",
                    category=rng.choice(["vasovagal_syncope", "allergic_rash", "local_pain"]),
                    severity="mild",
                    handling="treated_on_site",
                    notes="平卧休息后好转",
                ),
            )
            t_release += timedelta(minutes=30)
        plan(t_release, "release", lambda p=person: observe.release(store, p.visit_id, staff_id="lg02"))
    _cold_chain(store, day, plan)
    plan(datetime.combine(day, time(10, 0, 30), opening.tzinfo), "broken", lambda: _broken_vial(store, day))
    plan(datetime.combine(day, time(19, 30), opening.tzinfo), "count", lambda: _count_stock(store))
    while actions:
        when, _, _, fn = heapq.heappop(actions)
        if stop and when > stop:
            break
        at(when)
        try:
            fn()
        except DomainError as exc:
            # Someone the rules turned away at pre-screen (e.g. a returning person whose next dose
            # is not due yet) is not called to the injection desk: their later steps do not happen.
            if exc.code not in ("visit_turned_away", "not_injected"):
                raise


def _screen(store: Store, rng: random.Random, person: _Person, staff_id: str) -> None:
    rules = load_rules()
    answers = {q.id: False for q in rules.questions if q.kind == "yesno"}
    temperature = round(rng.uniform(36.0, 37.1), 1)
    reason = person.turn_away
    picked = None
    if reason == "fever":
        temperature = round(rng.uniform(37.3, 38.4), 1)
    elif reason in answers:
        answers[reason] = True
    elif reason in ("declined_by_person", "no_id_document"):
        picked = reason
    prescreen.screen(
        store,
        person.visit_id,
        staff_id=staff_id,
        answers=answers,
        temperature=temperature,
        declared_doses=person.history,
        turn_away_reason=picked,
    )


def _inject(store: Store, person: _Person, desk: int) -> None:
    planned = inject.plan(store, person.visit_id)
    lot = planned["lot"] or stock.suggest_lot(store, "sinovac_coronavac", store.now().date())
    product = lot["product"] if lot else planned["product"]
    inject.inject(
        store,
        person.visit_id,
        staff_id=f"jz0{desk}",
        lot_no=lot["lot_no"] if lot else "-",
        desk=str(desk),
        product=product,
    )


# --- the demo camera's pictures -------------------------------------------------------------------

BOOKING_PICTURE = "01-booking.jpg"  # the bundled booking QR's picture, replaced by one for the day
_BOOKING_NO_OK = re.compile(r"[A-Za-z0-9-]{1,32}")


def _demo_booking(store: Store, day: date) -> dict | None:
    """The booking the demo's booking QR shows on ``day``: the first one still waiting (the demo's own
    before any other), else the first of the day; None when nobody is booked that day."""
    return store.one(
        """SELECT v.booking_no, v.slot, v.state, p.name, p.id_number FROM visits v JOIN people p USING (person_id)
           WHERE v.day = ? AND p.id_type = 'resident_id' AND v.state != 'cancelled'
           ORDER BY v.state != 'booked', NOT (v.source = 'import' AND v.booking_no LIKE 'YY%'),
                    v.slot, v.booked_at, v.visit_id
           LIMIT 1""",
        [day.isoformat()],
    )


def booking_qr_text(store: Store, day: date) -> str:
    """The demo booking QR's text for ``day``: a person booked that day (see ``_demo_booking``); with
    nobody booked, the bundled picture's person on that day (the desk offers walk-in registration)."""
    from station.scan.payloads import booking_text
    from station.scan.sources import demo_dir

    row = _demo_booking(store, day)
    if row is None:
        entries = json.loads((demo_dir() / "demo.json").read_text(encoding="utf-8"))
        bundled = next(e["text"] for e in entries if e["file"] == BOOKING_PICTURE).split("|")
        return booking_text(f"B{day:%Y%m%d}-0042", bundled[2], bundled[3], day, bundled[5])
    number = row["booking_no"] if _BOOKING_NO_OK.fullmatch(row["booking_no"] or "") else f"B{day:%Y%m%d}-0001"
    return booking_text(number, row["name"], row["id_number"], day, row["slot"] or "08:00-08:30")


def booking_picture(text: str):
    """A camera-like picture (1280x720, BGR) of a phone showing the booking QR ``text``."""
    import cv2
    import numpy as np
    import segno

    w, h = 1280, 720
    ramp = np.linspace(0.0, 1.0, w, dtype=np.float32)[:, None]
    row = (1 - ramp) * np.array([80, 150, 120], np.float32) + ramp * np.array([60, 170, 80], np.float32)
    image = np.ascontiguousarray(np.broadcast_to(row.astype(np.uint8), (h, w, 3)))
    cv2.circle(image, (1210, 175), 95, (230, 70, 80), -1)
    cv2.circle(image, (20, 610), 75, (140, 40, 40), -1)
    cv2.line(image, (400, 270), (720, 430), (40, 70, 120), 3)
    # the phone: a dark frame, a white screen with the QR and a few grey lines under it
    phone = np.zeros((640, 420, 3), np.uint8)
    phone[:] = (30, 40, 40)
    phone[70:625, 12:408] = (238, 232, 236)
    qr = segno.make(text, error="m", micro=False, mask=0)  # a fixed mask: no search, several times quicker
    modules = np.array([list(r) for r in qr.matrix_iter(border=2)], bool)
    px = max(1, 340 // modules.shape[0])
    code = np.where(modules[..., None], np.uint8(20), np.uint8(238)).repeat(3, axis=2)
    code = cv2.resize(code, None, fx=px, fy=px, interpolation=cv2.INTER_NEAREST)
    ch, cw = code.shape[:2]
    top, left = 100, (420 - cw) // 2
    phone[top : top + ch, left : left + cw] = code
    for i, width in enumerate((250, 260, 170, 200, 130)):
        y = top + ch + 30 + i * 26
        cv2.line(phone, (210 - width // 2, y), (210 + width // 2, y), (110, 110, 110), 6)
    # held a little askew, as a person holds a phone up to the camera
    turn = cv2.getRotationMatrix2D((210, 320), -4, 1.0)
    turn[:, 2] += (740, 40)
    mask = cv2.warpAffine(np.full(phone.shape[:2], 255, np.uint8), turn, (w, h))
    layer = cv2.warpAffine(phone, turn, (w, h), flags=cv2.INTER_LINEAR)
    np.copyto(image, layer, where=(mask > 127)[..., None])
    return cv2.GaussianBlur(image, (3, 3), 0)  # a camera's softness


def scan_pictures(store: Store, day: date, folder: Path) -> Path:
    """The demo camera's pictures for ``day`` in ``folder``: the bundled ones, with the booking QR
    made for a person booked that day (``booking_qr_text``), so that the demo signs in on its own
    day. Written again at every call (the person shown moves on once signed in); returns ``folder``."""
    import cv2

    from station.scan.sources import demo_dir, image_files

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stills = {p.name: p for p in image_files(demo_dir()) if p.name != BOOKING_PICTURE}
    for old in image_files(folder):
        if old.name != BOOKING_PICTURE and old.name not in stills:
            old.unlink()
    for name, still in stills.items():
        copy = folder / name
        if not copy.exists() or copy.stat().st_size != still.stat().st_size:
            shutil.copyfile(still, copy)
    text = booking_qr_text(store, day)
    said = folder / (BOOKING_PICTURE + ".txt")  # the text the picture shows: made again only when it changes
    picture = folder / BOOKING_PICTURE
    if picture.exists() and said.exists() and said.read_text(encoding="utf-8") == text:
        return folder
    ok, data = cv2.imencode(".jpg", booking_picture(text), [cv2.IMWRITE_JPEG_QUALITY, 90])
    if not ok:
        raise OSError("cannot encode the demo booking picture")
    tmp = folder / (BOOKING_PICTURE + ".tmp")
    tmp.write_bytes(data.tobytes())
    tmp.replace(picture)
    said.write_text(text, encoding="utf-8")
    return folder
