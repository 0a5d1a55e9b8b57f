"""The site's printed signs (#15): numbered steps 1-4, one sign per desk and a flow overview, "follow
the numbers in order", the observation minutes, the on-site booking flow (with the site's booking
QR), the vaccination flow, the emergency point and its phone, the exit. Large Chinese type on A4
or A3, landscape, the site's name on each. reportlab only (no Qt): ``station signs`` and the admin
page's "Print signs…" both call :func:`build_signs`.

Texts are message codes (resources/messages/signs.toml); the step numbers and names come from
station/steps.py (the desk tabs use the same); the minutes from the site's rules (site.toml).
"""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from station import pdf
from station.errors import DomainError
from station.messages import render
from station.rules import Rules, load_rules
from station.settings import Settings
from station.steps import STEPS

SIZES = {"A4": A4, "A3": A3}
BLUE = (0.04, 0.19, 0.41)
RED = (0.64, 0.05, 0.15)
GREEN = (0.1, 0.5, 0.2)


class _Sign:
    """One landscape page with its scale (1.0 on A4; A3 is 1.41 times larger)."""

    def __init__(self, c: Canvas, size: tuple[float, float], site: str) -> None:
        self.c = c
        self.w, self.h = size
        self.k = self.w / landscape(A4)[0]
        self.site = site

    def frame(self, colour: tuple[float, float, float]) -> None:
        c, k = self.c, self.k
        c.setStrokeColorRGB(*colour)
        c.setLineWidth(6 * k)
        c.rect(12 * mm * k, 12 * mm * k, self.w - 24 * mm * k, self.h - 24 * mm * k)
        c.setFillColorRGB(0.35, 0.35, 0.35)
        if self.site:
            pdf.draw_text(c, self.w / 2, self.h - 26 * mm * k, self.site, 22 * k, align="center")

    def text(self, x: float, y: float, text: str, size: float, colour=(0, 0, 0), align="center", bold=False):
        self.c.setFillColorRGB(*colour)
        self.c.setStrokeColorRGB(*colour)  # fake bold strokes the outlines: same colour as the fill
        pdf.draw_text(self.c, x, y, text, size * self.k, align=align, bold=bold)

    def fit(self, text: str, size: float, width: float) -> float:
        """``size`` shrunk until ``text`` fits ``width`` points (sizes are A4 points)."""
        while size > 12 and pdf.text_width(text, size * self.k) > width:
            size -= 2
        return size

    def arrow(self, x: float, y: float, length: float, colour=BLUE) -> None:
        """A thick arrow pointing right, its tail at (x, y)."""
        c, k = self.c, self.k
        c.setFillColorRGB(*colour)
        c.setStrokeColorRGB(*colour)
        shaft = 10 * k
        head = 26 * k
        c.rect(x, y - shaft / 2, length - head, shaft, stroke=0, fill=1)
        p = c.beginPath()
        p.moveTo(x + length - head, y - head * 0.75)
        p.lineTo(x + length, y)
        p.lineTo(x + length - head, y + head * 0.75)
        p.close()
        c.drawPath(p, stroke=0, fill=1)

    def disc(self, x: float, y: float, r: float, number: str, colour=BLUE) -> None:
        c = self.c
        c.setFillColorRGB(*colour)
        c.circle(x, y, r * self.k, stroke=0, fill=1)
        c.setFillColorRGB(1, 1, 1)
        c.setStrokeColorRGB(1, 1, 1)
        size = r * 1.3
        pdf.draw_text(c, x, y - size * self.k * 0.36, number, size * self.k, align="center", bold=True)


def build_signs(
    settings: Settings, rules: Rules | None = None, *, size: str = "A4", lang: str = "zh"
) -> bytes:
    """The signs as one PDF: the step overview, one sign per step (1-4), observation minutes, the
    vaccination flow, the on-site booking flow, the emergency point, the exit."""
    size = (size or "A4").strip().upper()
    if size not in SIZES:
        raise DomainError("signs_size_unknown", size=size)
    rules = rules or load_rules()
    minutes = rules.observation_minutes
    page = landscape(SIZES[size])

    def t(code: str, **facts: object) -> str:
        return render(code, lang, **facts)

    buffer = io.BytesIO()
    with pdf.build_lock:
        c = pdf.new_canvas(buffer, *page, title=f"{settings.site_name} {t('sign_overview_title')}")
        s = _Sign(c, page, settings.site_name)
        w, h, k = s.w, s.h, s.k

        # 1. the overview: 1 -> 2 -> 3 -> 4 -> exit
        s.frame(BLUE)
        s.text(w / 2, h - 62 * mm * k, t("sign_overview_title"), 56, BLUE, bold=True)
        n = len(STEPS)
        slot = (w - 40 * mm * k) / n
        for i, step in enumerate(STEPS):
            cx = 20 * mm * k + slot * (i + 0.5)
            s.disc(cx, h / 2 + 4 * mm * k, 30, str(step.number))
            s.text(cx, h / 2 - 32 * mm * k, step.name(lang), s.fit(step.name(lang), 44, slot - 16 * mm * k))
            if i < n - 1:
                s.arrow(cx + 34 * k + 6 * mm * k, h / 2 + 4 * mm * k, slot - 68 * k - 12 * mm * k)
        s.text(
            w / 2,
            52 * mm * k,
            t("sign_in_order"),
            s.fit(t("sign_in_order"), 40, w - 50 * mm * k),
            RED,
            bold=True,
        )
        line = f"{t('sign_observe_minutes', minutes=minutes)}  ·  {t('sign_then_exit')}"
        s.text(w / 2, 30 * mm * k, line, 28)
        c.showPage()

        # 2-5. one sign per step, for its desk
        for i, step in enumerate(STEPS):
            s.frame(BLUE)
            s.text(w / 2, h - 50 * mm * k, t("sign_step", number=step.number), 36, BLUE)
            s.disc(w / 2 - 95 * mm * k, h / 2 + 6 * mm * k, 62, str(step.number))
            s.text(
                w / 2 + 40 * mm * k,
                h / 2 - 12 * mm * k,
                step.name(lang),
                s.fit(step.name(lang), 150, w / 2),
                BLUE,
                bold=True,
            )
            nxt = t("sign_next", title=STEPS[i + 1].title(lang)) if i + 1 < n else t("sign_then_exit")
            if step.role == "observe":
                nxt = f"{t('sign_observe_minutes', minutes=minutes)}  ·  {nxt}"
            s.arrow(w / 2 - 130 * mm * k, 58 * mm * k, 40 * mm * k)
            s.text(w / 2 - 80 * mm * k, 52 * mm * k, nxt, s.fit(nxt, 40, w / 2 + 60 * mm * k), align="left")
            s.text(w / 2, 30 * mm * k, t("sign_in_order"), 30, RED, bold=True)
            c.showPage()

        # 6. observe N minutes
        s.frame(GREEN)
        big = t("sign_observe_minutes", minutes=minutes)
        s.text(w / 2, h / 2 - 10 * mm * k, big, s.fit(big, 130, w - 50 * mm * k), GREEN, bold=True)
        note = t("sign_observe_note", minutes=minutes)
        s.text(w / 2, 45 * mm * k, note, s.fit(note, 30, w - 50 * mm * k))
        c.showPage()

        # 7. the vaccination flow, as a list
        s.frame(BLUE)
        s.text(w / 2, h - 55 * mm * k, t("sign_flow_title"), 60, BLUE, bold=True)
        s.text(w / 2, h - 75 * mm * k, t("sign_flow_bring"), 30)
        y = h - 100 * mm * k
        for step in STEPS:
            line = t(f"sign_flow_{step.number}", minutes=minutes)
            s.disc(40 * mm * k, y + 6 * mm * k, 16, str(step.number))
            s.text(52 * mm * k, y, line, s.fit(line, 38, w - 80 * mm * k), align="left")
            y -= 22 * mm * k
        s.text(w / 2, 26 * mm * k, t("sign_in_order"), 30, RED, bold=True)
        c.showPage()

        # 8. booking on site, with the site's booking QR when it has one
        s.frame(BLUE)
        s.text(w / 2, h - 55 * mm * k, t("sign_booking_title"), 60, BLUE, bold=True)
        url = settings.booking_url.strip()
        text_w = w - 60 * mm * k - (110 * mm * k if url else 0)
        y = h - 85 * mm * k
        for i, code in enumerate(("sign_booking_1", "sign_booking_2", "sign_booking_3"), 1):
            s.disc(36 * mm * k, y + 5 * mm * k, 14, str(i), GREEN)
            for j, part in enumerate(pdf.wrap(t(code), 34 * k, text_w)):
                s.text(48 * mm * k, y - j * 15 * mm * k, part, 34, align="left")
            y -= 34 * mm * k if len(pdf.wrap(t(code), 34 * k, text_w)) > 1 else 22 * mm * k
        s.text(w / 2, 28 * mm * k, t("sign_booking_desk"), s.fit(t("sign_booking_desk"), 28, w - 50 * mm * k))
        if url:
            side = 95 * mm * k
            qx, qy = w - 25 * mm * k - side, h / 2 - side / 2 - 5 * mm * k
            pdf.draw_qr(c, qx, qy, side, url)
            s.text(qx + side / 2, qy - 6 * mm * k, t("sign_booking_scan"), 30, BLUE, bold=True)
        c.showPage()

        # 9. the emergency point and its phone
        s.frame(RED)
        c.setFillColorRGB(*RED)
        cx, cy, arm = w / 2, h - 56 * mm * k, 12 * mm * k  # a red cross above the words
        c.rect(cx - arm / 3, cy - arm, arm * 2 / 3, arm * 2, stroke=0, fill=1)
        c.rect(cx - arm, cy - arm / 3, arm * 2, arm * 2 / 3, stroke=0, fill=1)
        s.text(w / 2, h / 2 - 5 * mm * k, t("sign_emergency_title"), 110, RED, bold=True)
        s.text(
            w / 2,
            h / 2 - 35 * mm * k,
            t("sign_emergency_text"),
            s.fit(t("sign_emergency_text"), 36, w - 50 * mm * k),
        )
        if settings.emergency_phone:
            phone = t("sign_emergency_phone", phone=settings.emergency_phone)
            s.text(w / 2, 40 * mm * k, phone, s.fit(phone, 54, w - 50 * mm * k), RED, bold=True)
        c.showPage()

        # 10. the exit
        s.frame(GREEN)
        s.text(w / 2 - 20 * mm * k, h / 2 - 5 * mm * k, t("sign_exit"), 160, GREEN, bold=True)
        s.arrow(w / 2 + 60 * mm * k, h / 2 + 15 * mm * k, 70 * mm * k, GREEN)
        s.text(w / 2, 40 * mm * k, t("sign_exit_text"), s.fit(t("sign_exit_text"), 36, w - 50 * mm * k))
        c.showPage()
        c.save()
    return buffer.getvalue()


def write_signs(
    path: Path | str, settings: Settings, rules: Rules | None = None, *, size: str = "A4", lang: str = "zh"
) -> Path:
    """Build the signs and write them to ``path`` atomically. Refusals: signs_size_unknown,
    signs_unwritable."""
    data = build_signs(settings, rules, size=size, lang=lang)
    return pdf.write_atomic(Path(path), data, error_code="signs_unwritable")
