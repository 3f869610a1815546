"""The map: province boundaries of both eras, border gates, dual-function stations, police
stations built by cooperation projects, hotspots by status,
patrols with their routes and gates, and cases per province for a period (choropleth).

Three addresses: the page (``web:map``), the provinces as GeoJSON (``web:map_provinces``,
the same for every reader but for the names) and the layers as JSON (``web:map_layers``,
computed from what the reader may see: ``visible_to(user)`` on every record). Nothing is
fetched from outside the node: the base map is the boundaries themselves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from liaison.cooperation.models import CapacityProject, Channel, Patrol
from liaison.core.countries import own_country, partner_countries
from liaison.core.gazetteer import MERGER_DATE, dual_function_stations
from liaison.core.middleware import request_user
from liaison.core.models import BorderGate, Province, User
from liaison.crime.models import DrugCase, Hotspot
from liaison.web import geo
from liaison.web.formatting import format_date, format_number
from liaison.web.links import list_url, record_url
from liaison.web.names import province_display, province_era

DEFAULT_DAYS = 365


def _day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    """The period the reader chose (``date_from``, ``date_to``), by default the last year."""
    today = timezone.localdate()
    end = _day(request.GET.get("date_to")) or today
    start = _day(request.GET.get("date_from")) or end - dt.timedelta(days=DEFAULT_DAYS)
    if start > end:
        start, end = end, start
    return start, end


def map_countries() -> list[str]:
    return [c for c in [own_country(), *partner_countries()] if c]


def _era(p: Province) -> str:
    if p.valid_to and p.valid_to < MERGER_DATE:
        return "before"
    if p.valid_from and p.valid_from >= MERGER_DATE:
        return "after"
    return ""


def _centre(p: Province, geometry: dict[str, Any] | None) -> tuple[float, float] | None:
    if p.latitude is not None and p.longitude is not None:
        return p.latitude, p.longitude
    if geometry is not None:
        return geo.representative_point(geometry)
    return None


@login_required
def map_page(request: HttpRequest) -> HttpResponse:
    start, end = period(request)
    config = {
        "provincesUrl": reverse("web:map_provinces"),
        "layersUrl": reverse("web:map_layers") + "?" + request.GET.urlencode(),
        "era": "after" if end >= MERGER_DATE else "before",
        "labels": {
            "before": _("Provinces to %(date)s")
            % {"date": format_date(MERGER_DATE - dt.timedelta(days=1))},
            "after": _("Provinces from %(date)s") % {"date": format_date(MERGER_DATE)},
            "gates": _("Border gates"),
            "stations": _("Police stations (cooperation projects)"),
            "dualStations": _("Dual-function stations"),
            "hotspotsActive": _("Hotspots: active"),
            "hotspotsEradicated": _("Hotspots: eradicated"),
            "patrols": _("Joint patrols and routes"),
            "cases": _("Cases in the period"),
            "noBoundaries": _(
                "The province boundaries are not installed on this node (run make install)."
            ),
            "approximate": _("position approximate: centre of the province"),
            "open": _("Open the record"),
            "casesLink": _("Cases"),
            "hotspotsLink": _("Hotspots"),
            "channels": _("Hotline channels"),
            "legend": _("Cases per province"),
        },
    }
    source = geo.source_info()
    return render(
        request,
        "web/map/map.html",
        {
            "config": config,
            "date_from": start.isoformat(),
            "date_to": end.isoformat(),
            "period_text": f"{format_date(start)} – {format_date(end)}",
            "source": source,
        },
    )


@login_required
@require_GET
def map_provinces(request: HttpRequest) -> JsonResponse:
    """Provinces of the node's and its partners' countries, every era, as GeoJSON."""
    provinces = list(
        Province.objects.filter(country__code__in=map_countries()).select_related("country")
    )
    shapes = geo.province_geometries(provinces)
    features = []
    for p in provinces:
        geometry = shapes.get(p.id)
        if geometry is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "code": p.code,
                    "country": p.country.code,
                    "name": province_display(p),
                    "era": _era(p),
                    "eraText": province_era(p),
                    "border": p.is_border,
                },
            }
        )
    response = JsonResponse({"type": "FeatureCollection", "features": features})
    response["Cache-Control"] = "private, max-age=300"
    return response


def _spread(
    centre: tuple[float, float] | None, key: Any, radius: float = 0.12
) -> tuple[float, float] | None:
    """A point near ``centre``, the same for the same record: records placed at a province
    centre for want of coordinates do not hide one another."""
    if centre is None:
        return None
    digest = hashlib.sha256(str(key).encode()).digest()
    angle = digest[0] / 255 * 2 * math.pi
    distance = radius * (0.3 + 0.7 * digest[1] / 255)
    return (
        round(centre[0] + distance * math.sin(angle), 4),
        round(centre[1] + distance * math.cos(angle), 4),
    )


def _gates(user: User, centres: dict[int, tuple[float, float]]) -> list[dict[str, Any]]:
    channels: dict[int, list[dict[str, str]]] = {}
    own = Channel.objects.filter(gate__isnull=False, active=True)
    if not user.is_superuser:
        own = own.filter(local_unit__path__startswith=user.unit.path if user.unit else "-")
    for ch in own.select_related("local_unit"):
        channels.setdefault(ch.gate_id, []).append(  # type: ignore[arg-type]
            {"label": str(ch), "url": reverse("cooperation:channel", kwargs={"pk": ch.pk})}
        )
    out = []
    for gate in BorderGate.objects.select_related("province", "partner_province"):
        approximate = gate.latitude is None or gate.longitude is None
        position = centres.get(gate.province_id) if approximate else (gate.latitude, gate.longitude)
        if position is None:
            continue
        out.append(
            {
                "name": gate.name,
                "lat": position[0],
                "lon": position[1],
                "approximate": approximate,
                "provinces": f"{province_display(gate.province)} – "
                f"{province_display(gate.partner_province)}",
                "channels": channels.get(gate.pk, []),
                "patrols": [],
            }
        )
    return out


def _hotspots(user: User, centres: dict[int, tuple[float, float]]) -> list[dict[str, Any]]:
    out = []
    rows = Hotspot.objects.visible_to(user).select_related("province").order_by("-identified_on")
    for h in rows[:2000]:
        approximate = h.latitude is None or h.longitude is None
        if approximate:
            position = _spread(centres.get(h.province_id), h.uuid)
        else:
            position = (h.latitude, h.longitude)
        if position is None:
            continue
        out.append(
            {
                "name": h.name,
                "ref": h.hotspot_ref,
                "status": h.status,
                "statusText": h.get_status_display(),
                "kindText": h.get_kind_display(),
                "province": province_display(h.province),
                "origin": h.origin_country,
                "tlp": h.tlp,
                "since": format_date(h.identified_on),
                "eradicated": format_date(h.eradicated_on) if h.eradicated_on else "",
                "lat": position[0],
                "lon": position[1],
                "approximate": approximate,
                "url": record_url("hotspots", h.uuid),
            }
        )
    return out


def _stations(
    user: User, centres: dict[int, tuple[float, float]], gates: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Police stations built under cooperation projects: at their gate when the project names
    one as its location, else at the centre of their province."""
    at_gate = {g["name"]: (g["lat"], g["lon"]) for g in gates}
    out = []
    for s in CapacityProject.objects.visible_to(user).filter(kind="station"):
        position = at_gate.get(s.location)
        approximate = position is None
        if position is None and s.province_id is not None:
            position = _spread(centres.get(s.province_id), s.uuid)
        if position is None:
            continue
        out.append(
            {
                "name": s.title,
                "location": s.location,
                "statusText": s.get_status_display(),
                "origin": s.origin_country,
                "lat": position[0],
                "lon": position[1],
                "approximate": approximate,
                "url": record_url("capacity-projects", s.uuid),
            }
        )
    return out


def _dual_stations(gates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Border-guard stations that are also drug control points, at their gate's position, with
    the gate's hotline channels and patrols (call after :func:`_patrols`)."""
    by_name = {g["name"]: g for g in gates}
    out = []
    for station in dual_function_stations():
        gate = by_name.get(station.gate.name)
        if gate is None:
            continue
        if gate["approximate"]:
            where = _("position approximate: centre of the province")
        elif station.commune_centre:
            where = _("position: the gate's, the centre of its commune (gazetteer)")
        else:
            where = _("position: the gate's (gazetteer)")
        out.append(
            {
                "name": _("Dual-function station %(gate)s") % {"gate": station.gate.local_name},
                "gate": gate["name"],
                "provinces": gate["provinces"],
                "lat": gate["lat"],
                "lon": gate["lon"],
                "position": where,
                "links": gate["patrols"] + gate["channels"],
            }
        )
    return out


def _patrols(
    user: User, start: dt.date, end: dt.date, gates: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    by_name = {g["name"]: g for g in gates}
    out = []
    rows = Patrol.objects.visible_to(user).filter(starts_on__lte=end, ends_on__gte=start)
    for p in rows.order_by("-starts_on")[:500]:
        stops = [by_name[name] for name in p.gates if name in by_name]
        item = {
            "title": f"{p.reference} {p.title}",
            "kindText": p.get_kind_display(),
            "statusText": p.get_status_display(),
            "dates": f"{format_date(p.starts_on)} – {format_date(p.ends_on)}",
            "area": p.area,
            "gates": [g["name"] for g in stops],
            "route": [[g["lat"], g["lon"]] for g in stops],
            "origin": p.origin_country,
            "tlp": p.tlp,
            "url": record_url("patrols", p.uuid),
        }
        for g in stops:
            g["patrols"].append({"label": item["title"], "url": item["url"]})
        if stops:
            out.append(item)
    return out


def _case_counts(user: User, start: dt.date, end: dt.date) -> dict[str, dict[str, Any]]:
    rows = (
        DrugCase.objects.visible_to(user)
        .filter(detected_on__gte=start, detected_on__lte=end)
        .values("province__code")
        .annotate(n=Count("id"))
    )
    out = {}
    for row in rows:
        code = row["province__code"]
        out[code] = {
            "n": row["n"],
            "text": format_number(row["n"]),
            "casesUrl": list_url(
                "cases", province=code, date_from=start.isoformat(), date_to=end.isoformat()
            ),
            "hotspotsUrl": list_url("hotspots", province=code),
        }
    return out


@login_required
@require_GET
def map_layers(request: HttpRequest) -> JsonResponse:
    """The reader's records on the map, for the chosen period."""
    user = request_user(request)
    start, end = period(request)
    provinces = list(Province.objects.filter(country__code__in=map_countries()))
    shapes = geo.province_geometries(provinces)
    centres = {}
    for p in provinces:
        centre = _centre(p, shapes.get(p.id))
        if centre is not None:
            centres[p.id] = centre
    gates = _gates(user, centres)
    patrols = _patrols(user, start, end, gates)
    counts = _case_counts(user, start, end)
    return JsonResponse(
        {
            "period": {"from": start.isoformat(), "to": end.isoformat()},
            "gates": gates,
            "stations": _stations(user, centres, gates),
            "dualStations": _dual_stations(gates),
            "hotspots": _hotspots(user, centres),
            "patrols": patrols,
            "cases": counts,
            "casesMax": max((c["n"] for c in counts.values()), default=0),
        }
    )
