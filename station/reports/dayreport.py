"""The day report (日报 / 晚调度): ``day_figures`` laid out on A4 pages, Chinese or English.

``build_day_report(figures, lang)`` returns the PDF's bytes; ``write_day_report`` is `station report`.
Every number printed comes from the figures, so the PDF, ``--json`` and the admin page agree.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from reportlab.platypus.flowables import Flowable

from station import pdf as pdfmod
from station.messages import render
from station.reports import layout
from station.reports.charts import half_hour_chart
from station.reports.figures import day_figures
from station.reports.labels import (
    aefi_label,
    dose_label,
    handling_label,
    manufacturer_label,
    product_label,
    reason_label,
    severity_label,
    text,
    unit_label,
)
from station.rules import Rules, load_rules
from station.store import Store

TOTAL_KEYS = (
    "booked",
    "walk_ins",
    "signed_in",
    "screened",
    "vaccinated",
    "doses",
    "turned_away",
    "cancelled",
    "no_shows",
    "in_progress",
    "released",
    "reactions",
)


def build_day_report(figures: dict[str, Any], lang: str = "zh", rules: Rules | None = None) -> bytes:
    """The day report as PDF bytes (A4, the bundled CJK font embedded)."""
    rules = rules or load_rules()
    t = lambda key, **kw: text(key, lang, **kw)  # noqa: E731
    st = layout.styles()
    from reportlab.platypus import Paragraph

    title = t("day_title")
    site = figures.get("site") or ""
    story: list[Flowable] = [
        Paragraph(f"{title}　{figures['day']}" if lang == "zh" else f"{title} {figures['day']}", st["title"]),
        Paragraph(
            "　".join(
                x
                for x in (
                    f"{t('site')}: {site}" if site else "",
                    f"{t('generated')}: {figures['generated_at'][:16].replace('T', ' ')}",
                )
                if x
            ),
            st["sub"],
        ),
        layout.gap(6),
    ]
    # the day in numbers: two label/number pairs per row
    tot = figures["totals"]
    pairs = [(t(k), tot[k]) for k in TOTAL_KEYS] + [(t("serious"), tot["serious_reactions"])]
    rows = []
    for i in range(0, len(pairs), 2):
        a, b = pairs[i], pairs[i + 1] if i + 1 < len(pairs) else ("", "")
        rows.append([a[0], a[1], b[0], b[1]])
    story += [
        layout.heading(t("totals")),
        _numbers_table(rows),
        layout.heading(t("half_hours_title")),
        half_hour_chart(figures["half_hours"], lang, layout.WIDTH),
        layout.note(t("over_booked_note")),
    ]
    # turned away
    story.append(layout.heading(f"{t('turned_away_by_reason')}（{tot['turned_away']}）" if lang == "zh"
                                else f"{t('turned_away_by_reason')} ({tot['turned_away']})"))  # fmt: skip
    if figures["turned_away"]:
        rows = [
            [reason_label(r["reason"], lang, rules), t(f"outcome_{r['outcome']}"), r["count"]]
            for r in figures["turned_away"]
        ]
        rows.append([t("total"), "", tot["turned_away"]])
        story.append(layout.table([t("reason"), t("outcome"), t("count")], rows, [300, 110, 100],
                                  numeric_from=2, total=True))  # fmt: skip
    else:
        story.append(layout.note(t("none")))
    # doses: by number, by product
    story.append(layout.heading(t("by_dose")))
    rows = [[dose_label(r["dose"], lang), r["count"]] for r in figures["doses_by_number"]]
    rows.append([t("total"), tot["doses"]])
    story.append(layout.table([t("dose"), t("doses")], rows, [300, 210], total=True))
    story.append(layout.heading(t("by_product")))
    rows = [
        [product_label(r["product"], lang, rules), manufacturer_label(r["product"], lang, rules), r["doses"]]
        for r in figures["products"]
    ]
    rows.append([t("total"), "", tot["doses"]])
    story.append(layout.table([t("product"), t("manufacturer"), t("doses")], rows, [230, 190, 90],
                              numeric_from=2, total=True))  # fmt: skip
    # desks and vaccinators
    story.append(layout.heading(t("by_desk")))
    rows = [[r["desk"], r["doses"], r["first"], r["last"]] for r in figures["desks"]]
    rows.append([t("total"), tot["doses"], "", ""])
    story.append(layout.table([t("desk"), t("doses"), t("first"), t("last")], rows, [150, 120, 120, 120],
                              total=True))  # fmt: skip
    story.append(layout.heading(t("by_vaccinator")))
    rows = [[r["name"], r["staff_id"], ", ".join(r["desks"]), r["doses"]] for r in figures["vaccinators"]]
    rows.append([t("total"), "", "", tot["doses"]])
    story.append(layout.table([t("vaccinator"), t("staff_id"), t("desk"), t("doses")], rows,
                              [190, 110, 100, 110], numeric_from=3, total=True))  # fmt: skip
    # units
    story.append(layout.heading(t("by_unit")))
    keys = ("booked", "signed_in", "vaccinated", "turned_away", "no_shows")
    rows = [[unit_label(r["unit"], lang), *(r[k] for k in keys)] for r in figures["units"]]
    rows.append([t("total"), *(tot[k] for k in keys)])
    story.append(
        layout.table([t("unit"), *(t(k) for k in keys)], rows, [185, 65, 65, 65, 65, 65], total=True)
    )
    story += _reactions(figures["reactions"], lang)
    story += _stock(figures["stock"], lang, rules)
    story += _conflicts(figures["conflicts"], lang)
    story += _checklist(figures.get("checklist") or [], lang)
    # the half hours as numbers, under the chart's colours
    story.append(layout.heading(t("half_hours_title")))
    hh = figures["half_hours"]
    rows = [
        [f"{h['start']}-{h['end']}", h["booked"], h["signed_in"], h["injected"], h["waiting_end"],
         t("over_booked") if h["over_booked"] else ""]
        for h in hh
    ]  # fmt: skip
    rows.append([t("total"), sum(h["booked"] for h in hh), sum(h["signed_in"] for h in hh),
                 sum(h["injected"] for h in hh), "", ""])  # fmt: skip
    story.append(
        layout.table(
            [t("slot"), t("booked"), t("arrivals"), t("injections"), t("waiting_end"), ""],
            rows,
            [110, 80, 80, 80, 80, 80],
            marked=[i for i, h in enumerate(hh) if h["over_booked"]],
            total=True,
        )
    )
    footer = f"{title} {figures['day']}" + (f" · {site}" if site else "")
    return layout.build(story, title=f"{title} {figures['day']}", footer=footer)


def _numbers_table(rows: list[list[Any]]) -> Flowable:
    from reportlab.platypus import TableStyle

    t = layout.table(None, rows, [170, 85, 170, 85])
    t.setStyle(TableStyle([("ALIGN", (2, 0), (2, -1), "LEFT"), ("BACKGROUND", (0, 0), (0, -1), layout.HEAD_FILL),
                           ("BACKGROUND", (2, 0), (2, -1), layout.HEAD_FILL)]))  # fmt: skip
    return t


def _reactions(reactions: dict[str, Any], lang: str) -> list[Flowable]:
    t = lambda key, **kw: text(key, lang, **kw)  # noqa: E731
    out: list[Flowable] = [layout.heading(t("reactions_title"))]
    if not reactions["total"]:
        out.append(layout.note(t("none")))
        return out
    sev = ("mild", "moderate", "severe")
    rows = [
        [aefi_label(r["category"], lang), t(f"kind_{r['kind']}"), *(r[s] for s in sev), r["total"]]
        for r in reactions["by_category"]
    ]
    rows.append([t("total"), "", *(reactions["by_severity"][s] for s in sev), reactions["total"]])
    out.append(layout.table([t("category"), t("kind"), *(t(s) for s in sev), t("total")], rows,
                            [170, 80, 65, 65, 65, 65], numeric_from=2, total=True))  # fmt: skip
    out.append(layout.gap(4))
    rows = [
        [c["at"], c["onset"], c["queue"], aefi_label(c["category"], lang), severity_label(c["severity"], lang),
         handling_label(c["handling"], lang), t("yes") if c["serious"] else t("no")]
        for c in reactions["cases"]
    ]  # fmt: skip
    out.append(
        layout.table(
            [t("time"), t("onset"), t("queue"), t("category"), t("severity"),
             t("handling"), t("serious_case")],
            rows,
            [55, 55, 55, 130, 55, 110, 50],
            numeric_from=99,
            marked=[i for i, c in enumerate(reactions["cases"]) if c["serious"]],
        )
    )  # fmt: skip
    return out


def _stock(stock: dict[str, Any], lang: str, rules: Rules) -> list[Flowable]:
    t = lambda key, **kw: text(key, lang, **kw)  # noqa: E731
    out: list[Flowable] = [layout.heading(t("stock_title"))]
    keys = ("received", "used_today", "used", "wasted", "left", "counted", "difference")
    rows = [
        [r["lot_no"], product_label(r["product"], lang, rules), r["expiry"], t(f"status_{r['status']}"),
         *(r[k] for k in keys)]
        for r in stock["lots"]
    ]  # fmt: skip
    total = stock["total"]
    rows.append([t("total"), "", "", "", *(total.get(k) for k in keys)])
    marked = [
        i for i, r in enumerate(stock["lots"]) if r["difference"] or r["overdrawn"] or r["status"] != "ok"
    ]
    out.append(
        layout.table(
            [t("lot"), t("product"), t("expiry"), t("status"), *(t(k) for k in keys)],
            rows,
            [68, 96, 52, 36, 38, 38, 38, 34, 36, 36, 38],
            numeric_from=4,
            marked=marked,
            total=True,
        )
    )
    if not stock["counted"]:
        out.append(layout.note(t("stock_not_counted")))
    reasons = [f"{r['lot_no']}: {r['count_reason']}" for r in stock["lots"] if r["count_reason"]]
    if reasons:
        out.append(layout.note("；".join(reasons) if lang == "zh" else "; ".join(reasons)))
    return out


def _conflicts(conflicts: list[dict[str, Any]], lang: str) -> list[Flowable]:
    t = lambda key, **kw: text(key, lang, **kw)  # noqa: E731
    out: list[Flowable] = [layout.heading(f"{t('conflicts_title')}（{len(conflicts)}）" if lang == "zh"
                                          else f"{t('conflicts_title')} ({len(conflicts)})")]  # fmt: skip
    if not conflicts:
        out.append(layout.note(t("none")))
        return out
    rows = [
        [c["at"], c["queue"], c["name"], render(c["code"], lang, **c["detail"]), c["origin"]]
        for c in conflicts
    ]
    out.append(layout.table([t("time"), t("queue"), t("person"), t("conflict"), t("laptop")], rows,
                            [45, 50, 70, 255, 90], numeric_from=99))  # fmt: skip
    return out


def _checklist(rows: list[dict[str, Any]], lang: str) -> list[Flowable]:
    """每日检查: each item, who ticked it and when, and what is missing (#15)."""
    t = lambda key, **kw: text(key, lang, **kw)  # noqa: E731
    done = sum(r["done"] for r in rows)
    out: list[Flowable] = [layout.heading(f"{t('checklist_title')}（{done}/{len(rows)}）" if lang == "zh"
                                          else f"{t('checklist_title')} ({done}/{len(rows)})")]  # fmt: skip
    if not rows:
        out.append(layout.note(t("none")))
        return out
    label = "label_zh" if lang == "zh" else "label_en"
    table = [
        [r[label], f"{r['staff_name']} ({r['staff_id']})" if r["done"] else t("checklist_not_done"),
         r["at"] if r["done"] else "", r["note"]]
        for r in rows
    ]  # fmt: skip
    missing = [r[label] for r in rows if not r["done"]]
    out.append(layout.table([t("checklist_item"), t("checklist_by"), t("time"), t("checklist_note")], table,
                            [200, 130, 50, 130], numeric_from=99,
                            marked=[i for i, r in enumerate(rows) if not r["done"]]))  # fmt: skip
    sep = "、" if lang == "zh" else ", "
    out.append(layout.note(t("checklist_missing", n=len(missing), items=sep.join(missing)) if missing
                           else t("checklist_all_done")))  # fmt: skip
    return out


def write_day_report(
    store: Store, day: date, out: Path, *, lang: str = "zh", site: str = ""
) -> dict[str, Any]:
    """Build the day report for ``day`` and write it to ``out`` (atomically); returns the figures."""
    figures = day_figures(store, day, site=site)
    data = build_day_report(figures, lang)
    pdfmod.write_atomic(out, data, error_code="report_write_failed")
    return figures
