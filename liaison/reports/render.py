"""A report's figures (``stats.compute``) as Markdown, XLSX or PDF, in English, Vietnamese or
Lao. Markdown and PDF open with the briefing paragraph; the PDF has the charts."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from liaison.core.models import Province
from liaison.crime.models import Drug, MeasureUnit
from liaison.reports import charts
from liaison.reports.briefing import briefing, number
from liaison.web.names import province_era

#: The report's headings and labels, by language (briefing.LANGS).
LABELS: dict[str, dict[str, str]] = json.loads(
    (Path(__file__).parent / "data" / "labels.json").read_text(encoding="utf-8")
)


def _quantity(value: float, lang: str) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return number(value, lang, decimals)


def _names(data: dict[str, Any], lang: str) -> tuple[dict[str, str], dict[str, str]]:
    drugs = {d.code: d.name(lang) for d in Drug.objects.all()}
    codes = set(data["provinces"]) | set(data.get("provinces_counted", []))
    provinces = {}
    with translation.override(lang):
        for p in Province.objects.filter(code__in=codes):
            # Both eras of Viet Nam's 2025 reform share names: say which one is meant.
            era = province_era(p)
            name = p.localised_name(lang)
            provinces[p.code] = f"{name} ({era})" if era else name
    return drugs, provinces


def unit_name(unit: str, lang: str) -> str:
    """A seizure's unit in the report's language ("viên", "ເມັດ", "кг")."""
    with translation.override(lang):
        return str(MeasureUnit(unit).label) if unit in MeasureUnit.values else unit


#: The columns of the seizure table, as keys of both the labels and the rows.
SEIZURE_COLUMNS = ("drug", "unit", "quantity", "kg", "count")


def _kg(value: float | None, lang: str) -> str:
    """A kg-equivalent, or a note where the unit is counted, not weighed."""
    return LABELS[lang]["not_weighed"] if value is None else number(value, lang, 1)


def _row(*cells: Any) -> str:
    """A row of a Markdown table."""
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def kg_by_drug(data: dict[str, Any]) -> dict[str, float]:
    """The kg-equivalent seized of each drug (units that are not weighed left out)."""
    totals: dict[str, float] = {}
    for r in data["seizures"]:
        if r["kg_equivalent"]:
            totals[r["drug"]] = totals.get(r["drug"], 0) + r["kg_equivalent"]
    return totals


def chart_number(lang: str) -> charts.Fmt:
    """A chart value in the report's language: "1.200", "6,4"."""
    return lambda v: number(v, lang, 0 if v >= 100 or v == int(v) else 1)


def context(data: dict[str, Any], lang: str) -> dict[str, Any]:
    """Everything a template needs: labels, briefing, formatted rows, charts."""
    labels = LABELS[lang]
    drugs, provinces = _names(data, lang)
    fmt = lambda v: number(v, lang)  # noqa: E731
    seizure_rows = [
        {
            "drug": drugs.get(r["drug"], r["drug"]),
            "code": r["drug"],
            "unit": unit_name(r["unit"], lang),
            "quantity": _quantity(r["quantity"], lang),
            "kg": _kg(r["kg_equivalent"], lang),
            "count": fmt(r.get("seizures", 0)),
        }
        for r in data["seizures"]
    ]
    summary = [
        (labels["cases"], fmt(data["cases"])),
        (labels["defendants"], fmt(data["defendants"])),
        (labels["foreign"], fmt(data["foreign_defendants"])),
        (labels["kg_total"], number(data["kg_equivalent_total"], lang, 1)),
        (labels["hotspots"], fmt(data.get("hotspots_eradicated", 0))),
        (labels["rings"], fmt(data.get("rings_dismantled", 0))),
        (labels["joint"], fmt(data.get("joint_cases", 0))),
    ]
    return {
        "lang": lang,
        "labels": labels,
        "data": data,
        "briefing": briefing(data, lang, drugs, provinces),
        "summary": summary,
        "seizure_rows": seizure_rows,
        "province_rows": [
            {
                "name": provinces.get(r["province"], r["name"]),
                "code": r["province"],
                "cases": fmt(r["cases"]),
                "defendants": fmt(r["defendants"]),
            }
            for r in data["by_province"]
        ],
        "province_names": ", ".join(f"{provinces.get(c, c)} ({c})" for c in data["provinces"]),
        "chart_month": charts.html_columns(
            [charts.Bar(m["month"], m["cases"]) for m in data["by_month"]],
            labels["by_month"],
            fmt=chart_number(lang),
        ),
        "chart_province": charts.html_bars(
            [
                charts.Bar(provinces.get(r["province"], r["name"]), r["cases"])
                for r in data["by_province"]
            ],
            f"{labels['cases']} – {labels['by_province']}",
            fmt=chart_number(lang),
        ),
        "chart_drug": charts.html_bars(
            [charts.Bar(drugs.get(k, k), v) for k, v in kg_by_drug(data).items()],
            labels["by_drug"],
            unit=unit_name("kg", lang),
            fmt=chart_number(lang),
        ),
    }


def markdown(data: dict[str, Any], lang: str) -> str:
    c = context(data, lang)
    labels = c["labels"]
    lines = [
        f"# {labels['title']}",
        "",
        f"{labels['period']}: {data['from']} – {data['to']}  ",
        f"{labels['provinces']}: {c['province_names']}",
        "",
        c["briefing"],
        "",
        f"## {labels['summary']}",
        "",
        _row(labels["figure"], labels["value"]),
        "|---|---:|",
        *(_row(label, value) for label, value in c["summary"]),
        "",
        f"## {labels['seizures']}",
        "",
        _row(*(labels[key] for key in SEIZURE_COLUMNS)),
        "|---|---|---:|---:|---:|",
        *(_row(*(r[key] for key in SEIZURE_COLUMNS)) for r in c["seizure_rows"]),
        "",
        f"## {labels['by_province']}",
        "",
        _row(labels["province"], labels["cases"], labels["defendants"]),
        "|---|---:|---:|",
        *(
            _row(f"{r['name']} ({r['code']})", r["cases"], r["defendants"])
            for r in c["province_rows"]
        ),
        "",
        f"{labels['table']}: `{data['conversion_table']}`. {data.get('conversion_note', '')}",
    ]
    if data.get("notes"):
        lines += ["", f"## {labels['notes']}", "", *(f"- {n}" for n in data["notes"])]
    return "\n".join(lines) + "\n"


def xlsx(data: dict[str, Any], lang: str) -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    c = context(data, lang)
    labels = c["labels"]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = labels["summary"][:31]
    bold = Font(bold=True)
    sheet.append([labels["title"]])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([labels["period"], f"{data['from']} – {data['to']}"])
    sheet.append([labels["provinces"], c["province_names"]])
    sheet.append([c["briefing"]])
    sheet.merge_cells("A4:F4")
    sheet["A4"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[4].height = 120
    sheet.append([])
    sheet.append([labels["figure"], labels["value"]])
    for cell in sheet[6]:
        cell.font = bold
    numbers = [
        data["cases"],
        data["defendants"],
        data["foreign_defendants"],
        data["kg_equivalent_total"],
        data.get("hotspots_eradicated", 0),
        data.get("rings_dismantled", 0),
        data.get("joint_cases", 0),
    ]
    for (label, _text), value in zip(c["summary"], numbers, strict=True):
        sheet.append([label, value])
    sheet.append([labels["table"], data["conversion_table"]])
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 24

    seizures = book.create_sheet(labels["seizures"][:31])
    seizures.append(
        [
            labels["drug"],
            labels["code"],
            labels["unit"],
            labels["quantity"],
            labels["kg"],
            labels["count"],
        ]
    )
    for r, raw in zip(c["seizure_rows"], data["seizures"], strict=True):
        seizures.append(
            [
                r["drug"],
                raw["drug"],
                unit_name(raw["unit"], lang),
                raw["quantity"],
                raw["kg_equivalent"],
                raw.get("seizures"),
            ]
        )
    provinces = book.create_sheet(labels["by_province"][:31])
    provinces.append([labels["province"], labels["code"], labels["cases"], labels["defendants"]])
    for r, raw in zip(c["province_rows"], data["by_province"], strict=True):
        provinces.append([r["name"], raw["province"], raw["cases"], raw["defendants"]])
    months = book.create_sheet(labels["by_month"][:31])
    months.append([labels["month"], labels["cases"]])
    for m in data["by_month"]:
        months.append([m["month"], m["cases"]])
    for ws in (seizures, provinces, months):
        for cell in ws[1]:
            cell.font = bold
        ws.column_dimensions["A"].width = 32
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def pdf(data: dict[str, Any], lang: str) -> bytes:
    from weasyprint import HTML

    html = render_to_string("reports/report_pdf.html", context(data, lang))
    result: bytes = HTML(string=html).write_pdf()
    return result


def render(data: dict[str, Any], fmt: str, lang: str) -> bytes:
    if fmt == "md":
        return markdown(data, lang).encode("utf-8")
    if fmt == "xlsx":
        return xlsx(data, lang)
    if fmt == "pdf":
        return pdf(data, lang)
    raise ValueError(f"unknown format {fmt!r}")
