"""The statistics page: figures, briefing, charts whose bars lead to the records behind them,
and downloads (Markdown, XLSX, PDF, JSON)."""

from __future__ import annotations

import calendar
import datetime as dt
import json
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from liaison.core.countries import country_choices, partner_countries
from liaison.core.gazetteer import GazetteerError
from liaison.core.models import Province
from liaison.crime.forms import ProvinceField, national_provinces
from liaison.crime.models import ConversionTable
from liaison.crime.taxonomy import DEFAULT_TABLE
from liaison.crime.views import list_url
from liaison.reports import charts, stats
from liaison.reports import render as report_render
from liaison.reports.api import unit_scope
from liaison.reports.briefing import LANGS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StatisticsForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=DATE)
    date_to = forms.DateField(label=_("To"), widget=DATE)
    border = forms.BooleanField(label=_("Border provinces"), required=False)
    partner = forms.ChoiceField(label=_("Bordering"), required=False, choices=())
    province: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Provinces"), queryset=Province.objects.none(), required=False, to_field_name="code"
    )
    table = forms.ChoiceField(label=_("Conversion table"), choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["province"]
        field.queryset = national_provinces()  # type: ignore[attr-defined]
        field.label_from_instance = ProvinceField.label_from_instance.__get__(field)  # type: ignore[attr-defined]
        field.widget.attrs["size"] = 6
        self.fields["partner"].choices = [  # type: ignore[attr-defined]
            ("", _("All partner countries")),
            *country_choices(partner_countries()),
        ]
        self.fields["table"].choices = [  # type: ignore[attr-defined]
            (t.code, f"{t.code} – {t.name}") for t in ConversionTable.objects.all()
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end is before the start."))
        return cleaned


def _defaults() -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "date_from": today.replace(year=today.year - 3, day=1).isoformat(),
        "date_to": today.isoformat(),
        "border": "on",
        "table": DEFAULT_TABLE,
    }


def _lang() -> str:
    lang = (get_language() or "en")[:2]
    return lang if lang in LANGS else "en"


def _compute(request: HttpRequest, form: StatisticsForm) -> dict[str, Any]:
    c = form.cleaned_data
    selection = stats.select(
        c["date_from"],
        c["date_to"],
        [p.code for p in c["province"]],
        border=c["border"],
        partner=c["partner"] or None,
    )
    return stats.compute(selection, c["table"], unit_path=unit_scope(request.user))


def _scope(data: dict[str, Any]) -> dict[str, Any]:
    """The list filters that select the records a report counted."""
    return {
        "province": data["provinces_counted"],
        "date_from": data["from"],
        "date_to": data["to"],
    }


def _links(data: dict[str, Any]) -> dict[str, Any]:
    """Links from every figure and every bar to the records behind it."""
    scope = _scope(data)
    months = []
    for m in data["by_month"]:
        year, month = (int(x) for x in m["month"].split("-"))
        first = dt.date(year, month, 1)
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        start = max(first, dt.date.fromisoformat(data["from"]))
        end = min(last, dt.date.fromisoformat(data["to"]))
        href = list_url(
            "cases",
            **{**scope, "date_from": start.isoformat(), "date_to": end.isoformat()},
        )
        months.append(charts.Bar(m["month"], m["cases"], href))
    return {
        "cases": list_url("cases", **scope),
        "defendants": list_url("persons", role="defendant", **scope),
        "foreign": list_url("persons", role="defendant", nationality="foreign", **scope),
        "hotspots": list_url("hotspots", hotspot_status="eradicated", **scope),
        "rings": list_url("rings", ring_status="dismantled", **scope),
        "joint": list_url("cases", **scope),
        "months": months,
    }


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    form = StatisticsForm(request.GET or _defaults())
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        try:
            data = _compute(request, form)
        except GazetteerError as exc:
            form.add_error("province", str(exc))
            return render(request, "reports/statistics.html", context)
        lang = _lang()
        ctx = report_render.context(data, lang)
        links = _links(data)
        drugs = {r["code"]: r["drug"] for r in ctx["seizure_rows"]}
        scope = _scope(data)
        labels = ctx["labels"]
        province_rows = [
            {
                **row,
                "href": list_url("cases", **{**scope, "province": [row["code"]]}),
            }
            for row in ctx["province_rows"]
        ]
        context.update(
            data=data,
            briefing=ctx["briefing"],
            labels=labels,
            links=links,
            seizure_rows=[
                {**row, "href": list_url("seizures", drug=row["code"], unit=raw["unit"], **scope)}
                for row, raw in zip(ctx["seizure_rows"], data["seizures"], strict=True)
            ],
            province_rows=province_rows,
            chart_month=charts.monthly_columns(
                links["months"], labels["by_month"], fmt=report_render.chart_number(lang)
            ),
            chart_province=charts.horizontal_bars(
                [
                    charts.Bar(r["name"], raw["cases"], r["href"])
                    for r, raw in zip(province_rows, data["by_province"], strict=True)
                ],
                f"{labels['cases']} – {labels['by_province']}",
                fmt=report_render.chart_number(lang),
            ),
            chart_drug=charts.horizontal_bars(
                [
                    charts.Bar(drugs.get(k, k), v, list_url("seizures", drug=k, **scope))
                    for k, v in report_render.kg_by_drug(data).items()
                ],
                labels["by_drug"],
                unit=report_render.unit_name("kg", lang),
                fmt=report_render.chart_number(lang),
            ),
            export_query=request.GET.urlencode() or urlencode(_defaults()),
        )
    return render(request, "reports/statistics.html", context)


@login_required
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    form = StatisticsForm(request.GET)
    if fmt not in ("json", "md", "xlsx", "pdf") or not form.is_valid():
        return HttpResponse(json.dumps(form.errors), status=400, content_type="application/json")
    data = _compute(request, form)
    lang = request.GET.get("lang") or _lang()
    lang = lang if lang in LANGS else "en"
    name = f"liaison-statistics-{data['from']}-{data['to']}.{fmt}"
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False, indent=2).encode()
        content_type = "application/json"
    else:
        body = report_render.render(data, fmt, lang)
        content_type = {
            "md": "text/markdown; charset=utf-8",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "pdf": "application/pdf",
        }[fmt]
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
