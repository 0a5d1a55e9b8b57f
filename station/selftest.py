"""``station --self-test``: is this install whole? Checked without a display, a camera or the network.

Everything happens in a temporary folder; the user's station is never opened. One line per check,
then a summary; the exit code is non-zero when any check failed, and its line says why.

The checks that need Qt (the window's translations) or the sync code live in their own layers and
join through the entry-point group ``vaccination_station.selftest`` (``ui.selftest``,
``sync.selftest``), as the commands do: ``station/`` imports neither.

What a check reads can be pointed at another copy, for the tests and for an IT helper chasing a
fault: ``STATION_SELFTEST_RULES`` (a rules folder), ``STATION_SELFTEST_FONT`` (a font file),
``STATION_SELFTEST_DB`` (a station database to copy and open instead of a new one),
``STATION_SELFTEST_I18N`` (a translations folder).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path

from station.errors import DomainError
from station.messages import render
from station.paths import resource_dir

GROUP = "vaccination_station.selftest"
QM_MAGIC = bytes.fromhex("3cb86418caef9c95cd211cbf60a1bddd")  # Qt's .qm header
TRANSLATIONS = ("station_zh_CN.qm", "station_en.qm")


class CheckFailed(Exception):
    """A check's reason, already in words (``lang``)."""


@dataclass
class Paths:
    rules: Path | None = None
    font: Path | None = None
    database: Path | None = None
    i18n: Path | None = None

    @classmethod
    def from_env(cls) -> Paths:
        def env(name: str) -> Path | None:
            value = os.environ.get(name)
            return Path(value) if value else None

        return cls(
            rules=env("STATION_SELFTEST_RULES"),
            font=env("STATION_SELFTEST_FONT"),
            database=env("STATION_SELFTEST_DB"),
            i18n=env("STATION_SELFTEST_I18N"),
        )


@dataclass
class Context:
    work: Path
    paths: Paths
    lang: str = "zh"
    store: object | None = None  # the database check's store, reused by the slip check
    notes: dict[str, str] = field(default_factory=dict)


@dataclass
class Result:
    key: str
    ok: bool
    detail: str
    seconds: float

    def line(self, lang: str) -> str:
        label = render(f"selftest_{self.key}", lang)  # an unknown check reads as its code
        mark = render("selftest_ok" if self.ok else "selftest_fail", lang)
        sep = "：" if lang == "zh" else ": "
        return f"{mark} {label}{sep}{self.detail} ({self.seconds:.2f} s)"


# --- the checks --------------------------------------------------------------------------------------


def check_database(ctx: Context) -> str:
    from station import db as dbmod
    from station import staff as staffmod
    from station.store import Store

    folder = ctx.work / "station"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "station.sqlite3"
    if ctx.paths.database:
        if not ctx.paths.database.is_file():
            raise DomainError("db_missing", path=str(ctx.paths.database))
        shutil.copy(ctx.paths.database, path)
    store = Store.open(path, origin=None if ctx.paths.database else "selftest")
    ctx.store = store
    applied = dbmod.schema_version(store.db)
    check = store.scalar("PRAGMA quick_check")
    if check != "ok":
        raise DomainError("db_not_station", path=str(path), detail=check)
    if not store.scalar("SELECT count(*) FROM staff"):
        staffmod.add(store, "selftest", "Self-test", ["admin"], "123456", by="selftest")
    events = store.scalar("SELECT count(*) FROM events")
    return render("selftest_database_ok", ctx.lang, migrations=len(applied), last=applied[-1], events=events)


def check_rules(ctx: Context) -> str:
    from station.rules import load_rules

    folder = ctx.paths.rules or resource_dir() / "rules"
    if not folder.is_dir():
        raise DomainError("selftest_missing", path=str(folder))
    rules = load_rules(folder)
    return render("selftest_rules_ok", ctx.lang, products=len(rules.products), path=str(folder))


def check_messages(ctx: Context) -> str:
    from station.messages import LANGS, catalogue

    codes = catalogue()
    bare = sorted(c for c, texts in codes.items() if any(not texts.get(lang) for lang in LANGS))
    if bare:
        raise CheckFailed(", ".join(bare[:5]))
    folder = ctx.paths.i18n or resource_dir() / "i18n"
    for name in TRANSLATIONS:
        path = folder / name
        try:
            head = path.read_bytes()[:16]
        except OSError:
            raise DomainError("selftest_missing", path=str(path)) from None
        if head != QM_MAGIC:
            raise DomainError("selftest_damaged", path=str(path))
    return render("selftest_messages_ok", ctx.lang, codes=len(codes), files=len(TRANSLATIONS))


def check_qr(ctx: Context) -> str:
    import numpy as np
    import segno

    from station.scan import decode_image
    from station.scan.decoders import PyzbarDecoder

    text = "VS-SELFTEST-接种-0001"
    matrix = np.array(segno.make(text, error="m").matrix, dtype=np.uint8)
    gray = np.kron(1 - matrix, np.ones((8, 8), dtype=np.uint8)) * 255
    gray = np.pad(gray, 48, constant_values=255)
    result = decode_image(np.dstack([gray] * 3))
    if result.text != text:
        raise CheckFailed(render("selftest_decode_wrong", ctx.lang, expected=text, got=str(result.text)))
    zbar = PyzbarDecoder()
    extra = "pyzbar" if zbar.error is None else render("selftest_no_zbar", ctx.lang)
    return render("selftest_qr_ok", ctx.lang, decoder=result.decoder or "-", ms=f"{result.ms:.0f}", zbar=extra)


def check_gs1(ctx: Context) -> str:
    from datetime import date

    import numpy as np
    import zxingcpp

    from station import packcodes
    from station.scan.decoders import read_pack_codes

    gtin, lot = "06903561000011", "SELFTEST1"
    hri = packcodes.gs1_hri(gtin, lot, date(2030, 6, 30), serial="0001")
    symbol = zxingcpp.create_barcode(hri, zxingcpp.BarcodeFormat.DataMatrix, gs1=True)
    gray = np.pad(np.array(symbol.to_image(scale=6)), 40, constant_values=255)
    codes = read_pack_codes(np.dstack([gray] * 3))
    if not codes:
        raise CheckFailed(render("selftest_decode_wrong", ctx.lang, expected=hri, got="-"))
    pack = packcodes.parse(codes[0])
    if pack.gtin != gtin or pack.lot_no != lot:
        raise CheckFailed(render("selftest_decode_wrong", ctx.lang, expected=hri, got=codes[0]))
    return render("selftest_gs1_ok", ctx.lang, gtin=gtin, lot=lot)


def check_font(ctx: Context) -> str:
    from reportlab.pdfbase.ttfonts import TTFont

    from station import pdf

    path = ctx.paths.font or pdf.font_path()
    try:
        font = TTFont("SelfTestCJK", str(path), subfontIndex=0)
    except Exception as exc:  # missing, unreadable or damaged
        raise DomainError("pdf_font_missing", path=str(path), detail=str(exc)) from None
    if not font.face.charToGlyph.get(ord("接")):
        raise DomainError("selftest_font_no_chinese", path=str(path))
    return render("selftest_font_ok", ctx.lang, path=path.name, glyphs=len(font.face.charToGlyph))


def check_slip(ctx: Context) -> str:
    from station import demo, slips
    from station.settings import Settings

    store = ctx.store
    if store is None:
        raise CheckFailed(render("selftest_needs_database", ctx.lang))
    day = store.now().date()
    if not demo.already_loaded(store, day):
        from station import staff as staffmod

        admin = None
        if staffmod.get(store, "selftest") is not None:  # the station's admin adds the demo's staff
            admin = staffmod.login(store, "selftest", "123456")
        demo.load(store, day, bookings_total=6, seed=1, by=admin)
    visit = store.scalar("SELECT visit_id FROM observations ORDER BY started_at LIMIT 1")
    data = slips.slip_data(store, visit, Settings(site_name="自检 Self-test", emergency_phone="120"))
    sizes = []
    for size in ("80mm", "a6"):
        pdf = slips.build_slip(data, size, ctx.lang)
        if not pdf.startswith(b"%PDF") or b"/FontFile2" not in pdf:
            raise DomainError("selftest_font_not_embedded", size=size)
        (ctx.work / f"slip-{size}.pdf").write_bytes(pdf)
        sizes.append(f"{size} {len(pdf) // 1024} KB")
    return render("selftest_slip_ok", ctx.lang, sizes=", ".join(sizes))


def check_cipher(ctx: Context) -> str:
    """SQLCipher is in this install (the built program bundles it): an encrypted database is made,
    holds no plaintext, opens with its passphrase and refuses another."""
    from station import cipher

    if not cipher.available():
        raise DomainError("cipher_missing")
    path = ctx.work / "cipher" / "station.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = "selftest-secret-name"
    conn = cipher.raw_connect(path, "self-test passphrase", isolation_level=None)
    conn.execute("CREATE TABLE t (x TEXT)")
    conn.execute("INSERT INTO t VALUES (?)", [secret])
    conn.close()
    if not cipher.is_encrypted(path) or secret.encode() in path.read_bytes():
        raise CheckFailed(render("selftest_cipher_plain", ctx.lang))
    cipher.check_passphrase(path, "self-test passphrase")
    try:
        cipher.check_passphrase(path, "another passphrase")
    except DomainError:
        return render("selftest_cipher_ok", ctx.lang, version=cipher.version())
    raise CheckFailed(render("selftest_cipher_plain", ctx.lang))


CHECKS: list[tuple[str, Callable[[Context], str]]] = [
    ("database", check_database),
    ("cipher", check_cipher),
    ("rules", check_rules),
    ("messages", check_messages),
    ("qr", check_qr),
    ("gs1", check_gs1),
    ("font", check_font),
    ("slip", check_slip),
]


def plugin_checks() -> list[tuple[str, Callable[[Context], str]]]:
    """The checks other layers add (``vaccination_station.selftest``), by name; a layer not installed
    here (Qt on a server) adds none."""
    out = []
    for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        try:
            fn = ep.load()
        except ImportError:
            continue
        out.append((ep.name, lambda ctx, fn=fn: fn(ctx.work, ctx.lang)))
    return out


def _reason(exc: BaseException, lang: str) -> str:
    if isinstance(exc, DomainError):
        return exc.message(lang)
    if isinstance(exc, CheckFailed):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def run(
    *,
    lang: str = "zh",
    paths: Paths | None = None,
    checks: list[tuple[str, Callable[[Context], str]]] | None = None,
    echo: Callable[[str], None] | None = None,
    work: Path | None = None,
) -> list[Result]:
    """Run every check in a temporary folder; ``echo`` gets each line as it is done."""
    lang = "en" if lang.startswith("en") else "zh"
    if checks is None:
        checks = CHECKS + plugin_checks()
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="station-selftest-", ignore_cleanup_errors=True) as tmp:
        ctx = Context(work=Path(work or tmp), paths=paths or Paths.from_env(), lang=lang)
        try:
            for key, fn in checks:
                start = time.perf_counter()
                try:
                    detail, ok = fn(ctx), True
                except Exception as exc:  # every failure is a line with its reason, never a traceback
                    detail, ok = _reason(exc, lang), False
                result = Result(key, ok, detail, time.perf_counter() - start)
                results.append(result)
                if echo:
                    echo(result.line(lang))
        finally:
            if ctx.store is not None:
                ctx.store.close()
    return results


def main(lang: str = "zh", echo: Callable[[str], None] = print) -> int:
    """The ``--self-test`` option: the lines, a summary, and the exit code (0 when all passed)."""
    start = time.perf_counter()
    results = run(lang=lang, echo=echo)
    failed = [r for r in results if not r.ok]
    seconds = f"{time.perf_counter() - start:.1f}"
    if failed:
        names = ", ".join(r.key for r in failed)
        echo(render("selftest_failed", lang, failed=len(failed), total=len(results), names=names))
        return 1
    echo(render("selftest_passed", lang, total=len(results), seconds=seconds))
    return 0
