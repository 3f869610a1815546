"""The base of every record that can cross a border (DESIGN.md, "The record model")."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from liaison.core.models.units import User


class Tlp(models.TextChoices):
    """Traffic Light Protocol 2.0 (FIRST)."""

    CLEAR = "CLEAR", "TLP:CLEAR"
    GREEN = "GREEN", "TLP:GREEN"
    AMBER = "AMBER", "TLP:AMBER"
    AMBER_STRICT = "AMBER+STRICT", "TLP:AMBER+STRICT"
    RED = "RED", "TLP:RED"


class Handling(models.TextChoices):
    H0 = "H0", _("H0: use for drug-crime prevention only")
    H1 = "H1", _("H1: not for court without the originator's consent")
    H2 = "H2", _("H2: no further dissemination without consent")
    H3 = "H3", _("H3: other conditions")


class RecordQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> RecordQuerySet:
        """Records of the user's unit subtree (received copies are routed to a unit too)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        if user.unit_id is None:
            return self.none()
        return self.filter(owner_unit__path__startswith=user.unit.path)  # type: ignore[union-attr]

    def local(self) -> RecordQuerySet:
        from liaison.core.node import this_node

        return self.filter(origin=this_node().id)

    def received(self) -> RecordQuerySet:
        from liaison.core.node import this_node

        return self.exclude(origin=this_node().id)


#: How far ahead of this node's clock a time may be: a partner's clock, or an officer's
#: computer, may run a few minutes fast.
CLOCK_SKEW = dt.timedelta(minutes=10)


def future_date_errors(record: models.Model, fields: tuple[str, ...]) -> dict[str, str]:
    """The fields among ``fields`` whose date or time lies in the future, with the error."""
    latest = timezone.now() + CLOCK_SKEW
    errors = {}
    for name in fields:
        value = getattr(record, name, None)
        if isinstance(value, dt.datetime):
            aware = value if timezone.is_aware(value) else timezone.make_aware(value)
            future = aware > latest
        elif isinstance(value, dt.date):
            future = value > timezone.localdate(latest)
        else:
            continue
        if future:
            label = getattr(record._meta.get_field(name), "verbose_name", name)
            errors[name] = gettext("%(field)s cannot be in the future (%(value)s).") % {
                "field": str(label).capitalize(),
                "value": formats.localize(value),
            }
    return errors


class Record(models.Model):
    """Abstract base: global id, origin node, version, timestamps and release markings.

    Only the origin changes a record; a partner holds a read-only copy and adds linked
    records. ``owner_unit`` is the unit responsible for it on this node (for a received
    copy, the unit it was routed to), which is what access control follows.
    """

    #: Plural name used in the API, the CLI and federation (``cases``, ``wanted-notices``).
    record_kind: ClassVar[str] = ""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    origin = models.CharField(_("origin node"), max_length=64, db_index=True, editable=False)
    origin_country = models.CharField(_("origin country"), max_length=2, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created"), editable=False)
    updated_at = models.DateTimeField(_("updated"), editable=False)
    owner_unit = models.ForeignKey(
        "core.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit in charge"),
    )
    tlp = models.CharField(_("TLP"), max_length=12, choices=Tlp.choices, default=Tlp.AMBER)
    handling = models.CharField(
        _("handling code"), max_length=2, choices=Handling.choices, default=Handling.H0
    )
    handling_note = models.CharField(_("handling conditions"), max_length=300, blank=True)

    #: Fields that record something that has happened, so can never lie in the future.
    past_dates: ClassVar[tuple[str, ...]] = ()

    objects = RecordQuerySet.as_manager()

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        errors = future_date_errors(self, self.past_dates)
        if errors:
            raise ValidationError(errors)

    @property
    def is_local(self) -> bool:
        from liaison.core.node import this_node

        return self.origin == this_node().id

    def can_leave_node(self) -> bool:
        return self.tlp != Tlp.RED
