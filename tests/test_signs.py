"""The site's printed signs (#15): read back as text, the booking QR decoded from the rendered page,
the observation minutes from the site's rules, the step names the same as the desks'."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from pyzbar.pyzbar import decode

from station import signs
from station.errors import DomainError
from station.paths import resource_dir
from station.rules import load_rules
from station.settings import Settings
from station.steps import STEPS, desk_title

URL = "https://yuyue.example.cn/book?site=xf01"


def _settings(**kw) -> Settings:
    base = {"site_name": "幸福街道临时接种点", "emergency_phone": "120 / 0571-8888 1234", "booking_url": URL}
    return Settings(**{**base, **kw})


def _text(path: Path) -> list[str]:
    """Each page's text (pdftotext; pages end with a form feed)."""
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout.split("\f")[:-1]


def _page_size(path: Path) -> tuple[float, float]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    line = next(x for x in info.splitlines() if x.startswith("Page size:"))
    w, _, h = line.split(":", 1)[1].split()[:3]
    return float(w), float(h)


def _render(path: Path, page: int, out: Path, dpi: int = 100) -> Path:
    stem = out.with_suffix("")
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            "-png",
            str(path),
            str(stem),
        ],
        check=True,
    )
    return stem.with_suffix(".png")


def test_signs_carry_the_steps_the_order_rule_the_minutes_phone_and_exit(tmp_path):
    path = signs.write_signs(tmp_path / "signs.pdf", _settings())
    pages = _text(path)
    joined = "\n".join(pages)
    assert len(pages) == 10
    assert all("幸福街道临时接种点" in p for p in pages)
    for step in STEPS:  # the overview and one sign per step
        assert step.name("zh") in pages[0]
        assert step.name("zh") in pages[step.number]
        assert f"第{step.number}步" in pages[step.number]
    assert "下一步：2 预检" in pages[1]
    assert "请按序号顺序办理，不得跳号" in joined.replace(" ", "")
    assert "留观30分钟" in pages[5].replace(" ", "")
    assert "接种流程" in joined and "现场预约流程" in joined
    assert "急救点" in pages[8] and "0571-8888 1234" in pages[8]
    assert "出口" in pages[9]


def test_the_minutes_come_from_the_sites_rules(tmp_path):
    rules_dir = tmp_path / "rules"
    shutil.copytree(resource_dir() / "rules", rules_dir)
    site = rules_dir / "site.toml"
    site.write_text(
        site.read_text(encoding="utf-8").replace("observation_minutes = 30", "observation_minutes = 45")
    )
    rules = load_rules(rules_dir)
    pages = _text(signs.write_signs(tmp_path / "s.pdf", _settings(), rules))
    assert "留观45分钟" in pages[5].replace(" ", "")
    assert "留观30分钟" not in "".join(pages).replace(" ", "")


def test_the_printed_booking_qr_decodes_back_to_the_booking_url(tmp_path):
    path = signs.write_signs(tmp_path / "signs.pdf", _settings())
    png = _render(path, 8, tmp_path / "booking")
    found = [d.data.decode() for d in decode(Image.open(png))]
    assert found == [URL]


def test_no_booking_url_no_qr(tmp_path):
    path = signs.write_signs(tmp_path / "signs.pdf", _settings(booking_url=""))
    assert decode(Image.open(_render(path, 8, tmp_path / "booking"))) == []
    assert "现场预约流程" in _text(path)[7]


def test_a3_is_landscape_and_larger(tmp_path):
    a4 = _page_size(signs.write_signs(tmp_path / "a4.pdf", _settings()))
    a3 = _page_size(signs.write_signs(tmp_path / "a3.pdf", _settings(), size="a3"))
    assert a4[0] > a4[1] and a3[0] > a3[1]
    assert a3[0] > 1.4 * a4[0]


def test_english_signs(tmp_path):
    pages = _text(signs.write_signs(tmp_path / "en.pdf", _settings(), lang="en"))
    assert "Sign-in" in pages[1] and "Follow the numbers in order" in pages[1]


def test_a_wrong_size_is_refused_with_its_code():
    with pytest.raises(DomainError) as exc:
        signs.build_signs(_settings(), size="B5")
    assert exc.value.code == "signs_size_unknown"


def test_station_signs_command(tmp_path):
    data = tmp_path / "data"
    _settings().save(data)
    out = tmp_path / "out" / "signs.pdf"
    cmd = [
        sys.executable,
        "-m",
        "station.cli",
        "--data",
        str(data),
        "signs",
        "--out",
        str(out),
        "--size",
        "A3",
    ]
    done = subprocess.run(cmd, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "幸福街道临时接种点" in _text(out)[0]
    bad = subprocess.run(cmd[:-1] + ["B5"], capture_output=True, text=True)
    assert bad.returncode != 0
    assert "A4 或 A3" in bad.stdout + bad.stderr and "Traceback" not in bad.stderr


def test_desk_tabs_and_signs_share_the_step_names(make_hub, qtbot):
    """The desks' tab titles are the signs' step titles ("1 签到"): one source, station/steps.py."""
    from ui.pages.inject import InjectPage
    from ui.pages.observe import ObservePage
    from ui.pages.prescreen import PreScreenPage
    from ui.pages.signin import SignInPage

    pages = {"signin": SignInPage, "prescreen": PreScreenPage, "inject": InjectPage, "observe": ObservePage}
    hub = make_hub("admin1", ("signin", "prescreen", "inject", "observe"))
    for step in STEPS:
        page = pages[step.role](hub)
        qtbot.addWidget(page)
        assert page.title() == desk_title(step.role, "zh") == f"{step.number} {step.name('zh')}"
    en = make_hub("admin1", ("signin",), lang="en")
    page = SignInPage(en)
    qtbot.addWidget(page)
    assert page.title() == "1 Sign-in"


def test_print_signs_from_the_admin_page(make_hub, qtbot, tmp_path):
    """Reports → Print signs…: built, shown, saved and printed (a PDF file stands in for the printer)."""
    from ui.pages.admin import AdminPage
    from ui.qt import QPrinter

    hub = make_hub("admin1", ("admin",))
    hub.settings.booking_url = URL
    page = AdminPage(hub)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    page.tabs.setCurrentWidget(page.reports_panel)
    panel = page.reports_panel
    assert panel.signs_button.text() == "打印标识..."
    panel.signs_button.click()
    qtbot.waitUntil(lambda: panel.pdf is not None and panel.print_button.isEnabled(), timeout=30_000)
    assert panel.pages_layout.count() == 10
    saved = tmp_path / "signs.pdf"
    panel.save_pdf(str(saved))
    pages = _text(saved)
    assert "测试接种点" in pages[0] and "签到" in pages[1]
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    panel.print_pdf(printer)
    assert panel.banner.kind == "ok" and printed.stat().st_size > 0
