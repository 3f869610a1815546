"""How cooperation records travel: which peer gets what, and how received copies are filed.

Cooperation is exchange by nature: a hotline message *is* sent to the partner, a wanted
notice issued to the partner *is* a release, and a receipt, status event, response or
joint-case entry goes back to the node that holds the record it belongs to. So services
release these records automatically (with the legal basis named below) instead of waiting
for a separate release step; exchange then signs them, queues them and applies them at the
partner through :func:`apply_received`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.utils import timezone

from liaison.core.models import Record, Tlp, Unit, User

#: Legal basis recorded on automatic releases.
BASIS = "Viet Nam–Laos cooperation agreement on drug control (hotline / cooperation channel)"


def _exchange() -> Any:
    try:
        from liaison.exchange import services
    except ImportError:  # pragma: no cover - exchange is always installed in practice
        return None
    return services


def peers_of_country(country: str) -> list[Any]:
    from liaison.exchange.models import Peer, PeerStatus

    return list(Peer.objects.filter(country=country.upper(), status=PeerStatus.ACTIVE))


def peer_of_node(node_id: str) -> list[Any]:
    from liaison.exchange.models import Peer, PeerStatus

    return list(Peer.objects.filter(node_id=node_id, status=PeerStatus.ACTIVE))


def holders(obj: Record) -> list[Any]:
    """Peers a local record is released to."""
    from liaison.exchange.models import Peer, Release, ReleaseState

    ids = Release.objects.filter(record_uuid=obj.uuid, state=ReleaseState.ACTIVE).values("peer_id")
    return list(Peer.objects.filter(pk__in=ids))


def peers_for_linked(parent: Record) -> list[Any]:
    """Where a linked record (receipt, event, response, entry) about ``parent`` goes: back to
    the parent's origin when we hold a partner's record, else to every peer holding it."""
    if parent.is_local:
        return holders(parent)
    return peer_of_node(parent.origin)


def share(
    obj: Record, peers: Iterable[Any], *, user: User | None = None, basis: str = BASIS
) -> int:
    """Release ``obj`` to ``peers`` now (no supervisor step: see the module docstring).
    A TLP:RED record never leaves the node. Returns the number of envelopes queued."""
    peers = list(peers)
    if not peers or obj.tlp == Tlp.RED or not obj.is_local:
        return 0
    from liaison.exchange.services import auto_release

    return int(auto_release(obj, peers, basis=basis, user=user) or 0)


def delivery(obj: Record) -> list[dict[str, Any]]:
    """Per peer: what it holds of ``obj`` and when it confirmed it."""
    ex = _exchange()
    if ex is None or not obj.is_local:
        return []
    return list(ex.delivery_status(obj.uuid))


def file_path(kind: str, uuid: str, sha256: str) -> str:
    return f"/federation/v1/cooperation/files/{kind}/{uuid}/{sha256}"


def fetch_file(origin: str, kind: str, uuid: str, sha256: str, limit: int) -> bytes:
    """Fetch a file of a record from its origin node with a signed request."""
    import httpx
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    ex = _exchange()
    peers = peer_of_node(origin)
    if ex is None or not peers:
        raise ValidationError(_("The partner node that holds this file is not reachable."))
    peer = peers[0]
    path = file_path(kind, uuid, sha256)
    headers = ex.sign_request("GET", path, b"", peer.node_id)
    try:
        with httpx.stream("GET", peer.url.rstrip("/") + path, headers=headers, timeout=60) as r:
            if r.status_code != 200:
                raise ValidationError(
                    _("The partner did not give the file (HTTP %(s)s).") % {"s": r.status_code}
                )
            data = b""
            for chunk in r.iter_bytes():
                data += chunk
                if len(data) > limit:
                    raise ValidationError(_("The partner's file is over the size limit."))
    except httpx.HTTPError as exc:
        raise ValidationError(_("The partner node that holds this file is not reachable.")) from exc
    return data


# --- receiving ---------------------------------------------------------------------------

Router = Callable[[Record], Unit]
AfterApply = Callable[[Record], None]


def root_unit() -> Unit:
    unit = Unit.objects.filter(parent__isnull=True).order_by("path").first()
    if unit is None:
        raise RuntimeError("this node has no ministry unit")
    return unit


def unit_by_code(code: str) -> Unit | None:
    return Unit.objects.filter(code=code).first() if code else None


def make_apply(
    model: type[Record], route: Router, after: AfterApply | None = None, kind: str = ""
) -> Any:
    """An exchange ``apply`` for ``model``: store the partner's version, file the copy under
    the unit ``route`` picks, then run ``after`` (e.g. refresh a notice's status). A
    contribution that would change what its sender does not own is refused
    (:mod:`liaison.cooperation.contributions`); a state change it causes is audited."""
    from liaison.cooperation import contributions

    def apply(envelope: Any, fields: dict[str, Any], existing: Record | None) -> None:
        now = timezone.now()
        common = {
            "origin": envelope.origin,
            "origin_country": envelope.origin_country,
            "version": envelope.version,
            "tlp": envelope.markings.tlp,
            "handling": envelope.markings.handling,
            "handling_note": envelope.markings.handling_note[:300],
        }
        if existing is None:
            fields.setdefault("created_at", now)
            fields.setdefault("updated_at", now)
            obj = model(uuid=envelope.uuid, **common, **fields)
        else:
            obj = existing
            for key, value in {**common, **fields}.items():
                setattr(obj, key, value)
        obj.owner_unit = route(obj)
        contributions.check(kind, obj, envelope.origin)
        before = contributions.lifecycle_of(contributions.parent_of(kind, obj))
        obj.save()
        if after is not None:
            after(obj)
        contributions.audit_change(kind, obj, envelope.origin, before)

    return apply
