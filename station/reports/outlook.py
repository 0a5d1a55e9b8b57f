"""The morning brief and N-day outlook (早会商 / 提前三天告知接种计划): ``outlook_figures`` on A4.

Per day: bookings per slot and per unit; then doses needed against doses in stock per product (a
shortage shaded and marked); then the staff on duty by role. For the district and the street office.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from reportlab.platypus import Paragraph
from reportlab.platypus.flowables import Flowable

from station import pdf as pdfmod
from station.reports import layout
from station.reports.figures import outlook_figures
from station.reports.labels import product_label, text, unit_label
from station.rules import Rules, load_rules
from station.store import Store


def build_outlook(figures: dict[str, Any], lang: str = "zh", rules: Rules | None = None) -> bytes:
    """The outlook as PDF bytes (A4, the bundled CJK font embedded)."""
    rules = rules or load_rules()
    t = lambda key, **kw: text(key, lang, **kw)  # noqa: E731
    st = layout.styles()
    days = figures["days"]
    title = t("outlook_title", days=len(days))
    site = figures.get("site") or ""
    story: list[Flowable] = [
        Paragraph(title, st["title"]),
        Paragraph(
            "　".join(
                x
                for x in (
                    f"{t('site')}: {site}" if site else "",
                    f"{t('outlook_from')}: {figures['from']}",
                    f"{t('generated')}: {figures['generated_at'][:16].replace('T', ' ')}",
                )
                if x
            ),
            st["sub"],
        ),
        layout.gap(4),
    ]
    # the days side by side: bookings, and the stock against them
    story.append(layout.heading(t("stock_vs_needed")))
    rows, marked = [], []
    for p in figures["stock"]:
        for k, d in enumerate(days):
            short = p["short"][k]
            if short:
                marked.append(len(rows))
            rows.append(
                [product_label(p["product"], lang, rules), d["day"], p["in_stock"][k], p["needed"][k],
                 sum(p["needed"][: k + 1]), p["left_after"][k], t("shortage") if short else t("enough")]
            )  # fmt: skip
    story.append(
        layout.table(
            [t("product"), t("day"), t("in_stock"), t("needed"), t("needed_total"), t("left_after"), ""],
            rows,
            [178, 66, 52, 46, 54, 52, 50],
            numeric_from=2,
            marked=marked,
        )
    )
    story.append(layout.note(t("stock_note")))
    # bookings per day
    story.append(layout.heading(t("bookings")))
    rows = [[d["day"], d["bookings"], d["to_come"], d["cancelled"]] for d in days]
    rows.append([t("total"), sum(d["bookings"] for d in days), sum(d["to_come"] for d in days),
                 sum(d["cancelled"] for d in days)])  # fmt: skip
    story.append(layout.table([t("day"), t("bookings"), t("needed"), t("cancelled")], rows,
                              [150, 120, 120, 120], total=True))  # fmt: skip
    for d in days:
        story.append(layout.heading(f"{d['day']}：{t('bookings')} {d['bookings']}" if lang == "zh"
                                    else f"{d['day']}: {t('bookings')} {d['bookings']}"))  # fmt: skip
        if not d["bookings"]:
            story.append(layout.note(t("no_bookings")))
            continue
        slot_rows = [[s["slot"], s["booked"]] for s in d["slots"]]
        unit_rows = [[unit_label(u["unit"], lang), u["booked"]] for u in d["units"]]
        # slots and units next to each other: two tables, padded to the same number of rows
        n = max(len(slot_rows), len(unit_rows))
        slot_rows += [["", ""]] * (n - len(slot_rows))
        unit_rows += [["", ""]] * (n - len(unit_rows))
        both = [s + u for s, u in zip(slot_rows, unit_rows, strict=True)]
        both.append([t("total"), d["bookings"], t("total"), d["bookings"]])
        story.append(layout.table([t("slot"), t("bookings"), t("unit"), t("bookings")], both,
                                  [120, 80, 230, 80], left=[2], total=True))  # fmt: skip
    # staff on duty
    story.append(layout.heading(t("staff_title")))
    rows = [
        [t(f"role_{r['role']}"), "、".join(f"{m['name']}（{m['staff_id']}）" for m in r["staff"])
         if lang == "zh" else ", ".join(f"{m['name']} ({m['staff_id']})" for m in r["staff"]),
         len(r["staff"])]
        for r in figures["staff"]
    ]  # fmt: skip
    story.append(layout.table([t("role"), t("people"), t("count")], rows, [70, 395, 45], numeric_from=2))
    footer = f"{title} {figures['from']}" + (f" · {site}" if site else "")
    return layout.build(story, title=f"{title} {figures['from']}", footer=footer)


def write_outlook(
    store: Store, start: date, days: int, out: Path, *, lang: str = "zh", site: str = ""
) -> dict[str, Any]:
    """Build the outlook from ``start`` for ``days`` days and write it to ``out``; returns the figures."""
    figures = outlook_figures(store, start, days, site=site)
    pdfmod.write_atomic(out, build_outlook(figures, lang), error_code="report_write_failed")
    return figures
