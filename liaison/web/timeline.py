"""Timelines: the events of a case, a wanted notice, an assistance request or a joint case
from every side, in order, each with its origin and what is known of its delivery (sent to a
partner and confirmed by its receipt, or received here from the partner).

Every event comes from a record this node holds: the record itself, the linked records
either side added (status events, responses, joint-case entries, patrol results), and the
federation's own bookkeeping (releases, the outbox with the partners' receipts, holdings).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from liaison.cooperation.models import (
    AssistanceRequest,
    JointCase,
    JointCaseEntry,
    PatrolResult,
    RequestResponse,
    WantedEvent,
    WantedNotice,
)
from liaison.core.countries import country_name
from liaison.core.middleware import request_user
from liaison.core.models import Record, User
from liaison.core.node import this_node
from liaison.core.services import get_or_404
from liaison.crime.models import DrugCase, Person, Seizure
from liaison.exchange.models import Holding, OutboxEntry, Release
from liaison.web.formatting import format_date, format_datetime, format_quantity
from liaison.web.links import record_url
from liaison.web.names import province_display, unit_display


@dataclass
class Event:
    at: dt.datetime | dt.date
    title: str
    origin: str = ""
    detail: str = ""
    by: str = ""
    url: str = ""
    record_uuid: str = ""
    delivery: list[str] = field(default_factory=list)

    @property
    def sort_key(self) -> dt.datetime:
        if isinstance(self.at, dt.datetime):
            return self.at
        start = dt.datetime.combine(self.at, dt.time.min)
        return timezone.make_aware(start, timezone.get_current_timezone())

    @property
    def when(self) -> str:
        if isinstance(self.at, dt.datetime):
            return format_datetime(self.at)
        return format_date(self.at)

    @property
    def own(self) -> bool:
        return not self.origin or self.origin == this_node().country

    @property
    def origin_name(self) -> str:
        return country_name(self.origin) if self.origin else ""


def _from(record: Record, at: dt.datetime | dt.date, title: str, **kw: Any) -> Event:
    return Event(
        at=at, title=title, origin=record.origin_country, record_uuid=str(record.uuid), **kw
    )


def _peer_text(peer: Any) -> str:
    return f"{peer.name} ({country_name(peer.country)})"


def _deliveries(uuids: Iterable[str]) -> tuple[dict[str, list[str]], list[Event]]:
    """Delivery lines per record, and the release events (released, withdrawn)."""
    wanted = [u for u in set(uuids) if u]
    lines: dict[str, list[str]] = defaultdict(list)
    events: list[Event] = []
    for entry in OutboxEntry.objects.filter(record_uuid__in=wanted).select_related("peer"):
        peer = _peer_text(entry.peer)
        key = str(entry.record_uuid)
        if entry.refused:
            text = _("refused by %(peer)s: %(reason)s") % {"peer": peer, "reason": entry.refused}
        elif entry.acked_at and entry.op == "recall":
            text = _("recall confirmed by %(peer)s at %(time)s") % {
                "peer": peer,
                "time": format_datetime(entry.acked_at),
            }
        elif entry.acked_at:
            text = _("delivered to %(peer)s, receipt at %(time)s") % {
                "peer": peer,
                "time": format_datetime(entry.acked_at),
            }
        else:
            text = _("sent to %(peer)s at %(time)s, no receipt yet") % {
                "peer": peer,
                "time": format_datetime(entry.created_at),
            }
        lines[key].append(text)
    for holding in Holding.objects.filter(record_uuid__in=wanted).select_related("peer"):
        lines[str(holding.record_uuid)].append(
            _("received from %(peer)s at %(time)s (version %(version)s)")
            % {
                "peer": _peer_text(holding.peer),
                "time": format_datetime(holding.applied_at),
                "version": holding.version,
            }
        )
    own = this_node().country
    for release in Release.objects.filter(record_uuid__in=wanted).select_related(
        "peer", "released_by"
    ):
        if release.state not in ("active", "withdrawn"):
            continue
        by = release.released_by.username if release.released_by else ""
        events.append(
            Event(
                at=release.approved_at or release.released_at,
                title=_("Released to %(peer)s") % {"peer": _peer_text(release.peer)},
                origin=own,
                detail=f"TLP:{release.tlp} · {release.handling} · {release.basis}",
                by=by,
            )
        )
        if release.withdrawn_at:
            events.append(
                Event(
                    at=release.withdrawn_at,
                    title=_("Release to %(peer)s withdrawn; recall sent")
                    % {"peer": _peer_text(release.peer)},
                    origin=own,
                    by=release.withdrawn_by.username if release.withdrawn_by else "",
                )
            )
    return lines, events


def _finish(events: list[Event]) -> list[Event]:
    lines, release_events = _deliveries(e.record_uuid for e in events)
    for event in events:
        event.delivery = lines.get(event.record_uuid, [])
    return sorted([*events, *release_events], key=lambda e: e.sort_key)


def _version_event(record: Record, what: str) -> list[Event]:
    if record.version > 1:
        text = _("%(what)s changed by its origin (version %(version)s)")
        return [_from(record, record.updated_at, text % {"what": what, "version": record.version})]
    return []


# ----------------------------------------------------------------------------- per kind


def case_events(case: DrugCase, user: User) -> list[Event]:
    events = [
        _from(case, case.detected_on, _("Detected"), detail=province_display(case.province)),
        _from(
            case,
            case.created_at,
            _("Case %(ref)s recorded") % {"ref": case.case_ref},
            detail=case.summary[:300],
            url=record_url("cases", case.uuid),
        ),
        *_version_event(case, _("Case")),
    ]
    persons = list(Person.objects.filter(case=case).order_by("created_at"))
    if persons:
        count = len(persons)
        events.append(
            _from(
                persons[0],
                persons[0].created_at,
                ngettext("%(n)s person recorded", "%(n)s persons recorded", count) % {"n": count},
            )
        )
    for seizure in Seizure.objects.filter(case=case).select_related("drug"):
        events.append(
            _from(
                seizure,
                seizure.created_at,
                _("Seizure: %(drug)s, %(quantity)s")
                % {
                    "drug": seizure.drug,
                    "quantity": format_quantity(seizure.quantity, seizure.unit),
                },
            )
        )
    for entry in JointCaseEntry.objects.filter(link_uuid=case.uuid).select_related("joint_case"):
        events.append(
            _from(
                entry,
                entry.at,
                _("Linked to joint case %(ref)s") % {"ref": entry.joint_case.reference}
                if entry.joint_case is not None
                else entry.parent_recalled,
                by=unit_display(entry.by_unit),
                url=record_url("joint-cases", entry.joint_case.uuid) if entry.joint_case else "",
            )
        )
    for result in PatrolResult.objects.filter(cases__icontains=str(case.uuid)).select_related(
        "patrol"
    ):
        events.append(
            _from(
                result,
                result.at,
                _("Reported in the results of patrol %(ref)s") % {"ref": result.patrol.reference}
                if result.patrol is not None
                else result.parent_recalled,
                detail=result.note[:300],
                by=unit_display(result.by_unit),
                url=record_url("patrols", result.patrol.uuid) if result.patrol else "",
            )
        )
    return events


def notice_events(notice: WantedNotice, user: User) -> list[Event]:
    events = [
        _from(
            notice,
            notice.issued_at,
            _("Notice %(ref)s issued") % {"ref": notice.reference},
            detail=notice.get_notice_type_display(),
            by=unit_display(notice.issuing_unit_name),
            url=record_url("wanted-notices", notice.uuid),
        ),
        *_version_event(notice, _("Notice")),
    ]
    if notice.warrant_date:
        events.append(
            _from(
                notice,
                notice.warrant_date,
                _("Warrant %(ref)s") % {"ref": notice.warrant_reference},
            )
        )
    for step in WantedEvent.objects.filter(notice=notice):
        events.append(
            _from(
                step,
                step.at,
                step.get_status_display(),
                detail=" · ".join(p for p in (step.place, step.reason) if p),
                by=" · ".join(p for p in (unit_display(step.by_unit), step.by_user) if p),
            )
        )
    if notice.withdrawn_at:
        events.append(
            _from(notice, notice.withdrawn_at, _("Withdrawn"), detail=notice.withdrawal_reason)
        )
    for request in AssistanceRequest.objects.visible_to(user).filter(wanted_notice=notice):
        events.append(
            _from(
                request,
                request.sent_at,
                _("Request %(ref)s sent") % {"ref": request.reference},
                detail=request.get_request_type_display(),
                url=record_url("requests", request.uuid),
            )
        )
    return events


def request_events(request: AssistanceRequest, user: User) -> list[Event]:
    events = [
        _from(
            request,
            request.sent_at,
            _("Request %(ref)s sent to %(to)s")
            % {
                "ref": request.reference,
                "to": unit_display(request.to_unit_name) or country_name(request.to_country),
            },
            detail=request.get_request_type_display(),
            by=unit_display(request.from_unit_name),
            url=record_url("requests", request.uuid),
        ),
        *_version_event(request, _("Request")),
    ]
    if request.deadline:
        late = request.deadline < timezone.localdate() and request.status in ("open", "assigned")
        title = _("Deadline (passed, no answer)") if late else _("Deadline")
        events.append(_from(request, request.deadline, title))
    for response in RequestResponse.objects.filter(request=request):
        events.append(
            _from(
                response,
                response.at,
                response.get_kind_display(),
                detail=(response.text or response.assignee)[:300],
                by=" · ".join(p for p in (unit_display(response.by_unit), response.by_user) if p),
            )
        )
    if request.closed_at:
        events.append(_from(request, request.closed_at, _("Closed")))
    return events


def joint_events(joint: JointCase, user: User) -> list[Event]:
    events = [
        _from(
            joint,
            joint.opened_on,
            _("Joint case %(ref)s opened") % {"ref": joint.reference},
            detail=joint.title,
            by=unit_display(joint.opened_by_unit),
            url=record_url("joint-cases", joint.uuid),
        ),
    ]
    for entry in JointCaseEntry.objects.filter(joint_case=joint):
        detail = entry.text or entry.person_name or entry.link_label
        if entry.kind == "task" and entry.assigned_to:
            detail = f"{detail} → {entry.assigned_to}"
        url = record_url(entry.link_kind, entry.link_uuid) if entry.link_uuid else ""
        events.append(
            _from(
                entry,
                entry.at,
                entry.get_kind_display(),
                detail=detail[:300],
                by=" · ".join(p for p in (unit_display(entry.by_unit), entry.by_user) if p),
                url=url,
            )
        )
    for case in DrugCase.objects.visible_to(user).filter(joint_case_ref=joint.reference):
        events.append(
            _from(
                case,
                case.detected_on,
                _("Case %(ref)s detected") % {"ref": case.case_ref},
                detail=province_display(case.province),
                url=record_url("cases", case.uuid),
            )
        )
    if joint.closed_on:
        events.append(_from(joint, joint.closed_on, _("Closed")))
    return events


TIMELINE_KINDS: dict[str, tuple[Any, Any]] = {
    "cases": (DrugCase, case_events),
    "wanted-notices": (WantedNotice, notice_events),
    "requests": (AssistanceRequest, request_events),
    "joint-cases": (JointCase, joint_events),
}


def _title(kind: str, obj: Any) -> str:
    names = {
        "cases": _("Timeline of case %(ref)s"),
        "wanted-notices": _("Timeline of wanted notice %(ref)s"),
        "requests": _("Timeline of request %(ref)s"),
        "joint-cases": _("Timeline of joint case %(ref)s"),
    }
    ref = getattr(obj, "case_ref", None) or getattr(obj, "reference", "")
    return names[kind] % {"ref": ref}


@login_required
def timeline(request: HttpRequest, kind: str, uuid: Any) -> HttpResponse:
    if kind not in TIMELINE_KINDS:
        raise Http404(_("No timeline for this kind of record."))
    user = request_user(request)
    model, collect = TIMELINE_KINDS[kind]
    obj = get_or_404(model.objects.visible_to(user), uuid=uuid)
    events = _finish(collect(obj, user))
    return render(
        request,
        "web/timeline/timeline.html",
        {
            "title": _title(kind, obj),
            "record": obj,
            "record_url": record_url(kind, obj.uuid),
            "events": events,
            "own_country": this_node().country,
        },
    )
