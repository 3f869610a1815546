"""REST API of releases: /api/v1/releases (list, release, approve, withdraw) and
/api/v1/releases/status/{kind}/{uuid}. Writes go through the release services (the same checks
as the web pages: supervisors release, officers propose, TLP:RED never)."""

import datetime as dt
from typing import Annotated, Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import FilterLookup, Query, Router, Schema, Status
from ninja.pagination import paginate

from liaison.core.listing import KeysetPagination, ListFilter
from liaison.core.middleware import request_user as _user
from liaison.core.models import Role
from liaison.core.services import get_or_404
from liaison.exchange.models import Peer, PeerStatus, Release, ReleaseState
from liaison.exchange.registry import get_kind
from liaison.exchange.services.outbox import delivery_status
from liaison.exchange.services.release import (
    approve_release,
    decline_release,
    propose_release,
    release_to,
    withdraw_release,
)
from liaison.exchange.services.scope import visible_releases

router = Router()


class ReleaseOut(Schema):
    id: int
    kind: str
    record_uuid: UUID
    peer: str
    tlp: str
    handling: str
    handling_note: str
    basis: str
    state: str
    released_by: str | None
    released_at: dt.datetime
    approved_by: str | None
    approved_at: dt.datetime | None

    @staticmethod
    def resolve_peer(obj: Release) -> str:
        return obj.peer.name

    @staticmethod
    def resolve_released_by(obj: Release) -> str | None:
        return obj.released_by.username if obj.released_by else None

    @staticmethod
    def resolve_approved_by(obj: Release) -> str | None:
        return obj.approved_by.username if obj.approved_by else None


class ReleaseIn(Schema):
    kind: str
    record_uuid: UUID
    peers: list[str]
    tlp: str
    handling: str
    basis: str
    handling_note: str = ""


class DeliveryOut(Schema):
    peer: str
    op: str
    version: int
    held_version: int | None
    confirmed_at: str | None
    refused: str
    text: str


class ReleaseFilter(ListFilter):
    state: Annotated[str | None, FilterLookup("state")] = None
    peer: Annotated[str | None, FilterLookup("peer__name")] = None
    kind: Annotated[str | None, FilterLookup("kind")] = None


@router.get("/releases", response=list[ReleaseOut])
@paginate(KeysetPagination, order=("-released_at", "-id"))
def list_releases(request: HttpRequest, filters: Query[ReleaseFilter]) -> QuerySet[Release]:
    """Newest first; only releases of records the caller may see (its unit subtree; a
    national-level user sees all). Officers see the releases they proposed. Filters:
    ``state``, ``peer`` (name), ``kind``."""
    user = _user(request)
    releases = visible_releases(user).select_related("peer", "released_by", "approved_by")
    if not (user.is_superuser or user.has_role(Role.SUPERVISOR) or user.has_role(Role.NODE_ADMIN)):
        releases = releases.filter(released_by=user)
    return filters.filter(releases)  # type: ignore[no-any-return]


def _record(request: HttpRequest, kind: str, uuid: UUID) -> Any:
    spec = get_kind(kind)
    if spec is None:
        raise ValidationError({"kind": _("Unknown kind %(k)s.") % {"k": kind}})
    return get_or_404(spec.model.objects.visible_to(_user(request)), uuid=uuid)  # type: ignore[attr-defined]


@router.post("/releases", response={201: list[ReleaseOut]})
def create_release(request: HttpRequest, payload: ReleaseIn) -> Status:
    """A supervisor releases at once; anyone else with a writer role proposes."""
    user = _user(request)
    obj = _record(request, payload.kind, payload.record_uuid)
    peers = list(Peer.objects.filter(name__in=payload.peers, status=PeerStatus.ACTIVE))
    missing = set(payload.peers) - {p.name for p in peers}
    if missing or not peers:
        raise ValidationError(
            {"peers": _("No such active peer: %(p)s") % {"p": ", ".join(sorted(missing)) or "-"}}
        )
    args = {
        "tlp": payload.tlp,
        "handling": payload.handling,
        "basis": payload.basis,
        "handling_note": payload.handling_note,
    }
    if user.is_superuser or user.has_role(Role.SUPERVISOR):
        return Status(201, release_to(user, obj, peers, **args))
    return Status(201, [propose_release(user, obj, peer, **args) for peer in peers])


def _release(request: HttpRequest, pk: int) -> Release:
    """A release of a record the caller may see; any other is a 404, like one that does not
    exist."""
    scoped = visible_releases(_user(request)).select_related("peer")
    release = scoped.filter(pk=pk).first()
    if release is None:
        raise Http404(_("No such release."))
    return release


@router.post("/releases/{pk}/approve", response=ReleaseOut)
def approve(request: HttpRequest, pk: int) -> Release:
    return approve_release(_user(request), _release(request, pk))


@router.post("/releases/{pk}/withdraw", response=ReleaseOut)
def withdraw(request: HttpRequest, pk: int) -> Release:
    release = _release(request, pk)
    if release.state == ReleaseState.PROPOSED:
        return decline_release(_user(request), release)
    return withdraw_release(_user(request), release)


@router.get("/releases/status/{kind}/{uuid}", response=list[DeliveryOut])
def delivery(request: HttpRequest, kind: str, uuid: UUID) -> list[dict[str, Any]]:
    """Which partner holds which version of a record; recall confirmations."""
    obj = _record(request, kind, uuid)
    if not obj.is_local:
        raise PermissionDenied(_("Only the origin of a record tracks its delivery."))
    return delivery_status(obj.uuid)
