"""The link chart: how persons, cases, rings, phones, vehicles, identity documents and
wanted notices connect, across own and received records.

The page starts from one node and asks ``web:linkchart_expand`` for one step at a time.
Nodes are records the reader may see (``visible_to``) or identifiers found in them: a phone
number (E.164), an identity-document number, a vehicle plate (named in a case's summary or
route). Each record node carries its origin country and TLP. Every person an expansion
returns is recorded in the audit log as read, in one entry per person per expansion.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid as uuid_module
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from liaison.cooperation.models import WantedNotice
from liaison.core.countries import country_name
from liaison.core.middleware import client_address, request_user
from liaison.core.models import User
from liaison.core.node import this_node
from liaison.crime import services as crime_services
from liaison.crime.models import DrugCase, Person, TraffickingRing
from liaison.matching import normalise_id, normalise_phone, normalise_plate
from liaison.web.formatting import format_date
from liaison.web.links import record_url, timeline_url

KINDS = ("person", "case", "ring", "notice", "phone", "vehicle", "document")
START_KINDS = ("person", "case", "ring", "phone", "vehicle", "document")
MAX_NEIGHBOURS = 150
_PHONE_SPLIT = re.compile(r"[,;/]|\s{2,}")
# Plates as written in case texts: Vietnamese "29A-123.45", "75C1 234.56"; Lao "ກທ 1234".
_PLATE = re.compile(r"\b\d{2}[A-Z]{1,2}\d?[-\s]?\d{3}\.?\d{2}\b|[\u0e81-\u0eae]{2}\s?\d{4}")


def kind_labels() -> dict[str, str]:
    return {
        "person": _("Person"),
        "case": _("Case"),
        "ring": _("Ring"),
        "notice": _("Wanted notice"),
        "phone": _("Phone"),
        "vehicle": _("Vehicle"),
        "document": _("Identity document"),
    }


@dataclass
class Graph:
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: dict[str, dict[str, str]] = field(default_factory=dict)
    persons: dict[int, Person] = field(default_factory=dict)
    truncated: bool = False

    def link(self, a: str, b: str, label: str = "") -> None:
        key = "|".join(sorted((a, b)))
        self.edges.setdefault(key, {"id": key, "source": a, "target": b, "label": label})


@dataclass
class Filters:
    kinds: set[str]
    start: dt.date | None
    end: dt.date | None

    def keeps(self, node: dict[str, Any]) -> bool:
        if node["kind"] not in self.kinds:
            return False
        day = node.get("day")
        if not day:
            return True
        return (self.start is None or day >= self.start.isoformat()) and (
            self.end is None or day <= self.end.isoformat()
        )


def _record_node(kind: str, obj: Any, label: str, day: dt.date | None) -> dict[str, Any]:
    own = obj.origin == this_node().id
    return {
        "id": f"{kind}:{obj.uuid}",
        "kind": kind,
        "label": label,
        "origin": obj.origin_country,
        "originName": country_name(obj.origin_country),
        "own": own,
        "tlp": obj.tlp,
        "day": day.isoformat() if day else "",
        "date": format_date(day) if day else "",
        "url": record_url(_RECORD_KINDS[kind], obj.uuid),
        "timeline": timeline_url(_RECORD_KINDS[kind], obj.uuid),
    }


_RECORD_KINDS = {
    "person": "persons",
    "case": "cases",
    "ring": "rings",
    "notice": "wanted-notices",
}


def _value_node(kind: str, value: str, shown: str) -> dict[str, Any]:
    return {
        "id": f"{kind}:{value}",
        "kind": kind,
        "label": shown,
        "origin": "",
        "originName": "",
        "own": True,
        "tlp": "",
        "day": "",
        "date": "",
        "url": "",
        "timeline": "",
    }


def person_node(p: Person) -> dict[str, Any]:
    return _record_node("person", p, str(p), p.detected_on)


def case_node(c: DrugCase) -> dict[str, Any]:
    return _record_node("case", c, c.case_ref, c.detected_on)


def ring_node(r: TraffickingRing) -> dict[str, Any]:
    return _record_node("ring", r, r.name, r.identified_on)


def notice_node(n: WantedNotice) -> dict[str, Any]:
    return _record_node("notice", n, f"{n.reference} {n.full_name}", n.issued_at.date())


def phones_of(p: Person) -> list[str]:
    found = []
    for part in _PHONE_SPLIT.split(p.phones or ""):
        number = normalise_phone(part)
        if number and number not in found:
            found.append(number)
    return found


def plates_in(text: str) -> list[tuple[str, str]]:
    """(key, as written) of the plates a text names."""
    out: dict[str, str] = {}
    for match in _PLATE.finditer(text or ""):
        out.setdefault(normalise_plate(match.group(0)), match.group(0))
    return list(out.items())


def _documents_of_notice(n: WantedNotice) -> list[tuple[str, str]]:
    out = []
    for doc in n.id_documents or []:
        number = str(doc.get("number", "")) if isinstance(doc, dict) else ""
        key = normalise_id(number)
        if key:
            out.append((key, number))
    return out


def _spread(tail: str, gap: str) -> str:
    """A database regex for ``tail`` written with separators between its characters, so
    "+84 912 345 678" is found for "+84912345678" (the Python check then decides)."""
    return gap.join(re.escape(c) for c in tail)


# ----------------------------------------------------------------------------- neighbours


class Expander:
    def __init__(self, user: User, filters: Filters) -> None:
        self.user = user
        self.filters = filters
        self.graph = Graph()
        self.count = 0

    def persons(self) -> Any:
        return Person.objects.visible_to(self.user).select_related("case")

    def add(self, centre: str, node: dict[str, Any], person: Person | None = None) -> None:
        if node["id"] == centre or not self.filters.keeps(node):
            return
        if node["id"] not in self.graph.nodes:
            if self.count >= MAX_NEIGHBOURS:
                self.graph.truncated = True
                return
            self.count += 1
            self.graph.nodes[node["id"]] = node
            if person is not None:
                self.graph.persons[person.pk] = person
        self.graph.link(centre, node["id"])

    def centre(self, node: dict[str, Any], person: Person | None = None) -> str:
        self.graph.nodes[node["id"]] = node
        if person is not None:
            self.graph.persons[person.pk] = person
        return str(node["id"])

    def expand(self, node_id: str) -> Graph:
        kind, _sep, key = node_id.partition(":")
        handler = getattr(self, f"_{kind}", None)
        if kind not in KINDS or handler is None or not key:
            raise LookupError(node_id)
        handler(key)
        return self.graph

    def _uuid(self, key: str) -> uuid_module.UUID:
        try:
            return uuid_module.UUID(key)
        except ValueError as exc:
            raise LookupError(key) from exc

    def _person(self, key: str) -> None:
        p = crime_services.get_visible(Person, self.user, uuid=self._uuid(key))
        me = self.centre(person_node(p), p)
        self.add(me, case_node(p.case))
        for ring in TraffickingRing.objects.visible_to(self.user).filter(members=p):
            self.add(me, ring_node(ring))
        for number in phones_of(p):
            self.add(me, _value_node("phone", number, number))
        if p.id_number:
            key_id = normalise_id(p.id_number, p.nationality)
            self.add(me, _value_node("document", key_id, p.id_number))

    def _case(self, key: str) -> None:
        c = crime_services.get_visible(DrugCase, self.user, uuid=self._uuid(key))
        me = self.centre(case_node(c))
        members = list(self.persons().filter(case=c))
        for p in members:
            self.add(me, person_node(p), p)
        rings = TraffickingRing.objects.visible_to(self.user).filter(members__in=members)
        for ring in rings.distinct():
            self.add(me, ring_node(ring))
        for plate, written in plates_in(f"{c.summary}\n{c.route}"):
            self.add(me, _value_node("vehicle", plate, written))

    def _ring(self, key: str) -> None:
        ring = crime_services.get_visible(TraffickingRing, self.user, uuid=self._uuid(key))
        me = self.centre(ring_node(ring))
        for p in self.persons().filter(pk__in=ring.members.values("pk")):
            self.add(me, person_node(p), p)

    def _notice(self, key: str) -> None:
        notice = WantedNotice.objects.visible_to(self.user).filter(uuid=self._uuid(key)).first()
        if notice is None:
            raise LookupError(key)
        me = self.centre(notice_node(notice))
        for doc_key, written in _documents_of_notice(notice):
            self.add(me, _value_node("document", doc_key, written))

    def _phone(self, key: str) -> None:
        number = normalise_phone(key) or key
        me = self.centre(_value_node("phone", number, number))
        digits = re.sub(r"\D", "", number)
        if len(digits) < 6:
            return
        for p in self.persons().filter(phones__regex=_spread(digits[-7:], r"[^0-9]*")):
            if number in phones_of(p):
                self.add(me, person_node(p), p)

    def _document(self, key: str) -> None:
        wanted = normalise_id(key)
        me = self.centre(_value_node("document", wanted, key))
        if not wanted:
            return
        pattern = _spread(wanted[-5:], r"[^0-9A-Za-z]*")
        for p in self.persons().filter(id_number__iregex=pattern):
            if wanted in (normalise_id(p.id_number, p.nationality), normalise_id(p.id_number)):
                self.add(me, person_node(p), p)
        notices = WantedNotice.objects.visible_to(self.user).filter(id_documents__iregex=pattern)
        for n in notices:
            if wanted in {k for k, _w in _documents_of_notice(n)}:
                self.add(me, notice_node(n))

    def _vehicle(self, key: str) -> None:
        plate = normalise_plate(key)
        me = self.centre(_value_node("vehicle", plate, key))
        tail = re.sub(r"\D", "", plate)[-4:]
        if not tail:
            return
        cases = DrugCase.objects.visible_to(self.user).filter(
            Q(summary__contains=tail[:2]) | Q(route__contains=tail[:2])
        )
        for c in cases.order_by("-detected_on")[:5000]:
            if plate in {k for k, _w in plates_in(f"{c.summary}\n{c.route}")}:
                self.add(me, case_node(c))


# ----------------------------------------------------------------------------- views


def _filters(request: HttpRequest) -> Filters:
    chosen = {k for k in request.GET.getlist("kind") if k in KINDS} or set(KINDS)

    def day(name: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(request.GET.get(name) or "")
        except ValueError:
            return None

    return Filters(chosen, day("date_from"), day("date_to"))


@login_required
def linkchart_page(request: HttpRequest) -> HttpResponse:
    labels = kind_labels()
    config = {
        "expandUrl": reverse("web:linkchart_expand"),
        "startUrl": reverse("web:linkchart_start"),
        "start": request.GET.get("start", ""),
        "kinds": labels,
        "labels": {
            "open": _("Open the record"),
            "timeline": _("Timeline"),
            "expand": _("Expand"),
            "own": _("own record"),
            "received": _("received from %(country)s"),
            "identifier": _("identifier found in records"),
            "nothing": _("Nothing found."),
            "truncated": _("Only the first %(n)s links are shown.") % {"n": MAX_NEIGHBOURS},
            "choose": _("Choose where to start"),
        },
    }
    return render(
        request,
        "web/linkchart/chart.html",
        {"config": config, "kinds": labels.items(), "start_kinds": START_KINDS},
    )


@login_required
@require_GET
def linkchart_expand(request: HttpRequest) -> JsonResponse:
    """One step out from ``node``: the node itself, its neighbours and the links."""
    user = request_user(request)
    expander = Expander(user, _filters(request))
    try:
        graph = expander.expand(request.GET.get("node", ""))
    except LookupError:
        return JsonResponse({"error": _("No such record, or not yours to see.")}, status=404)
    if graph.persons:
        crime_services.read_persons(
            list(graph.persons.values()),
            user=user,
            source=client_address(request),
            via="linkchart",
        )
    return JsonResponse(
        {
            "nodes": list(graph.nodes.values()),
            "edges": list(graph.edges.values()),
            "truncated": graph.truncated,
        }
    )


@login_required
@require_GET
def linkchart_start(request: HttpRequest) -> JsonResponse:
    """Candidates to start from: records matching the words given, or the identifier."""
    user = request_user(request)
    kind = request.GET.get("kind", "")
    q = (request.GET.get("q") or "").strip()
    results: list[dict[str, Any]] = []
    if not q or kind not in START_KINDS:
        return JsonResponse({"results": results})
    if kind == "person":
        persons = list(
            Person.objects.visible_to(user)
            .select_related("case")
            .filter(Q(full_name__icontains=q) | Q(latin_name__icontains=q) | Q(id_number=q))[:20]
        )
        crime_services.read_persons(
            persons, user=user, source=client_address(request), via="linkchart-search"
        )
        results = [person_node(p) for p in persons]
    elif kind == "case":
        cases = DrugCase.objects.visible_to(user).filter(case_ref__icontains=q)[:20]
        results = [case_node(c) for c in cases]
    elif kind == "ring":
        rings = TraffickingRing.objects.visible_to(user).filter(
            Q(name__icontains=q) | Q(ring_ref__icontains=q)
        )[:20]
        results = [ring_node(r) for r in rings]
    elif kind == "phone":
        number = normalise_phone(q)
        results = [_value_node("phone", number, number)] if number else []
    elif kind == "vehicle":
        plate = normalise_plate(q)
        results = [_value_node("vehicle", plate, q)] if plate else []
    elif kind == "document":
        number = normalise_id(q)
        results = [_value_node("document", number, q)] if number else []
    return JsonResponse({"results": results})
