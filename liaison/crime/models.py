"""National drug-crime records: cases, persons, seizures, the drug taxonomy and conversion
tables, trafficking rings, hotspots, cultivation sites and precursor incidents.

Persons and seizures carry a copy of their case's ``detected_on`` and ``province`` so that the
statistics queries run on one covering index each (see ``liaison.reports.stats``); the
services keep the copies in step when a case changes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from liaison.core.models import Record

# --- taxonomy ------------------------------------------------------------------------


class MeasureUnit(models.TextChoices):
    """Units a seizure is reported in (DESIGN.md section 3)."""

    KG = "kg", _("kg")
    G = "g", _("g")
    T = "t", _("t")
    TABLET = "tablet", _("tablets")
    PLANT = "plant", _("plants")
    L = "l", _("l")
    ML = "ml", _("ml")
    HA = "ha", _("ha")


class Drug(models.Model):
    """A drug in the taxonomy. Codes are stable: extend, never rename."""

    code = models.CharField(_("code"), max_length=40, primary_key=True)
    category = models.CharField(_("UNODC category"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=100)
    name_vi = models.CharField(_("Vietnamese name"), max_length=100)
    name_lo = models.CharField(_("Lao name"), max_length=100)
    name_ru = models.CharField(_("Russian name"), max_length=100, default="")
    default_unit = models.CharField(_("usual unit"), max_length=8, choices=MeasureUnit.choices)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("drug")
        verbose_name_plural = _("drugs")

    def __str__(self) -> str:
        return self.name()

    def name(self, language: str | None = None) -> str:
        language = (language or get_language() or "en")[:2]
        return getattr(self, f"name_{language}", "") or self.name_en


class ConversionTable(models.Model):
    """A versioned table of kg-equivalents; a report names the table it used."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    source = models.TextField(_("source"), blank=True)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("conversion table")
        verbose_name_plural = _("conversion tables")

    def __str__(self) -> str:
        return self.code


class ConversionFactor(models.Model):
    """kg-equivalent of one reported unit. ``drug`` empty = any drug in this unit.

    ``kg_per_unit`` empty means the unit is not converted to kg (plants, hectares): such
    seizures are reported in their own unit and left out of the kg total, with ``note``.
    """

    table = models.ForeignKey(ConversionTable, on_delete=models.CASCADE, related_name="factors")
    drug = models.ForeignKey(Drug, on_delete=models.CASCADE, null=True, blank=True)
    unit = models.CharField(
        pgettext_lazy("measure", "unit"), max_length=8, choices=MeasureUnit.choices
    )
    kg_per_unit = models.DecimalField(
        _("kg per unit"), max_digits=20, decimal_places=9, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("conversion factor")
        verbose_name_plural = _("conversion factors")
        constraints = [
            models.UniqueConstraint(fields=["table", "drug", "unit"], name="crime_factor_unique")
        ]

    def __str__(self) -> str:
        return f"{self.table_id}:{self.drug_id or '*'}:{self.unit}"


# --- choices -------------------------------------------------------------------------


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    INVESTIGATING = "investigating", _("Under investigation")
    PROSECUTED = "prosecuted", _("Sent for prosecution")
    CLOSED = "closed", _("Closed")


class TransportMode(models.TextChoices):
    NONE = "", _("—")
    FOOT = "foot", _("On foot")
    MOTORBIKE = "motorbike", _("Motorbike")
    CAR = "car", _("Car")
    TRUCK = "truck", _("Truck")
    BUS = "bus", _("Bus")
    BOAT = "boat", _("Boat")
    AIR = "air", _("Air")
    POST = "post", _("Post / courier")
    OTHER = "other", _("Other")


class Sex(models.TextChoices):
    UNKNOWN = "", _("Unknown")
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class PersonRole(models.TextChoices):
    DEFENDANT = "defendant", _("Defendant")
    SUSPECT = "suspect", _("Suspect")
    WITNESS = "witness", _("Witness")


class DatePrecision(models.TextChoices):
    YEAR = "year", _("year")
    MONTH = "month", _("month")
    DAY = "day", _("day")


# --- records -------------------------------------------------------------------------


class DrugCase(Record):  # type: ignore[django-manager-missing]
    record_kind: ClassVar[str] = "cases"
    past_dates = ("detected_on",)

    case_ref = models.CharField(_("case reference"), max_length=64)
    detected_on = models.DateField(_("detected on"))
    # Indexed by crime_case_prov_date (province first).
    province = models.ForeignKey(
        "core.Province",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("province"),
        db_index=False,
    )
    district = models.CharField(_("district"), max_length=200, blank=True)
    commune = models.CharField(_("commune"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    route = models.CharField(_("trafficking route"), max_length=300, blank=True)
    transport_mode = models.CharField(
        _("mode of transport"), max_length=20, choices=TransportMode.choices, blank=True
    )
    joint_case_ref = models.CharField(_("joint case reference"), max_length=64, blank=True)

    class Meta:
        ordering = ["-detected_on", "-id"]
        verbose_name = _("drug case")
        verbose_name_plural = _("drug cases")
        constraints = [
            models.UniqueConstraint(fields=["origin", "case_ref"], name="crime_case_ref_unique")
        ]
        indexes = [
            models.Index(fields=["province", "detected_on"], name="crime_case_prov_date"),
            models.Index(fields=["detected_on"], name="crime_case_date"),
            models.Index(fields=["joint_case_ref"], name="crime_case_joint"),
            # Few cases are joint: a partial index lets the report read just those.
            models.Index(
                fields=["joint_case_ref", "province", "detected_on"],
                condition=models.Q(joint_case_ref__gt=""),
                name="crime_case_joint_stats",
            ),
        ]

    def __str__(self) -> str:
        return self.case_ref


class Person(Record):
    record_kind: ClassVar[str] = "persons"

    # Fewer indexes, faster imports: a composite index leading with the column serves each
    # of these foreign keys (the unique (case, ref) constraints, the statistics indexes).
    case = models.ForeignKey(
        DrugCase,
        on_delete=models.CASCADE,
        related_name="persons",
        verbose_name=_("case"),
        db_index=False,
    )
    person_ref = models.CharField(_("person reference"), max_length=64)
    full_name = models.CharField(_("full name (original script)"), max_length=200)
    latin_name = models.CharField(_("name in Latin script"), max_length=200, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.CharField(_("birth date"), max_length=10, blank=True)
    birth_precision = models.CharField(
        _("birth date precision"), max_length=5, choices=DatePrecision.choices, blank=True
    )
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    birth_month = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    birth_day = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    nationality = models.CharField(_("nationality"), max_length=2, blank=True)
    id_number = models.CharField(_("identity document number"), max_length=64, blank=True)
    phones = models.CharField(_("phone numbers"), max_length=300, blank=True)
    photo = models.ImageField(_("photo"), upload_to="persons/", blank=True)
    role = models.CharField(
        _("role"), max_length=12, choices=PersonRole.choices, default=PersonRole.DEFENDANT
    )
    # Copies of the case's fields, for the statistics index.
    detected_on = models.DateField(editable=False)
    province = models.ForeignKey(
        "core.Province", on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )

    class Meta:
        ordering = ["case", "person_ref"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = [
            models.UniqueConstraint(fields=["case", "person_ref"], name="crime_person_ref_unique")
        ]
        indexes = [
            models.Index(
                fields=["province", "detected_on", "role", "nationality"],
                name="crime_person_stats",
            ),
            models.Index(fields=["id_number"], name="crime_person_idno"),
        ]

    def __str__(self) -> str:
        if self.latin_name and self.latin_name != self.full_name:
            return f"{self.full_name} ({self.latin_name})"
        return self.full_name


class Seizure(Record):
    record_kind: ClassVar[str] = "seizures"

    case = models.ForeignKey(
        DrugCase,
        on_delete=models.CASCADE,
        related_name="seizures",
        verbose_name=_("case"),
        db_index=False,
    )
    drug = models.ForeignKey(
        Drug, on_delete=models.PROTECT, related_name="+", verbose_name=_("drug"), db_index=False
    )
    quantity = models.DecimalField(_("quantity"), max_digits=20, decimal_places=6)
    unit = models.CharField(
        pgettext_lazy("measure", "unit"), max_length=8, choices=MeasureUnit.choices
    )
    #: Idempotency key within the case: drug|unit|quantity|occurrence (see services).
    natural_key = models.CharField(max_length=120, editable=False)
    detected_on = models.DateField(editable=False)
    province = models.ForeignKey(
        "core.Province", on_delete=models.PROTECT, related_name="+", editable=False, db_index=False
    )

    class Meta:
        ordering = ["case", "id"]
        verbose_name = _("seizure")
        verbose_name_plural = _("seizures")
        constraints = [
            models.UniqueConstraint(fields=["case", "natural_key"], name="crime_seizure_key")
        ]
        indexes = [
            # Drug and unit lead, so that "GROUP BY drug, unit" streams in index order
            # (the report names every drug and unit in IN lists); see reports.stats.
            models.Index(
                fields=["drug", "unit", "province", "detected_on", "quantity"],
                name="crime_seizure_stats2",
            ),
        ]

    def __str__(self) -> str:
        return f"{format_quantity(self.quantity)} {self.unit} {self.drug_id}"


class RingStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DISMANTLED = "dismantled", _("Dismantled")


class TraffickingRing(Record):
    record_kind: ClassVar[str] = "rings"
    past_dates = ("identified_on", "dismantled_on")

    ring_ref = models.CharField(_("reference"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    province = models.ForeignKey(
        "core.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    leader = models.CharField(_("leader"), max_length=200, blank=True)
    route = models.CharField(_("trafficking route"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=RingStatus.choices, default=RingStatus.ACTIVE
    )
    identified_on = models.DateField(_("identified on"), null=True, blank=True)
    dismantled_on = models.DateField(_("dismantled on"), null=True, blank=True)
    members = models.ManyToManyField(
        Person, blank=True, related_name="rings", verbose_name=_("members")
    )

    class Meta:
        ordering = ["-identified_on", "name"]
        verbose_name = _("trafficking ring")
        verbose_name_plural = _("trafficking rings")
        constraints = [
            models.UniqueConstraint(fields=["origin", "ring_ref"], name="crime_ring_ref_unique")
        ]
        indexes = [models.Index(fields=["province", "dismantled_on"], name="crime_ring_stats")]

    def __str__(self) -> str:
        return self.name


class HotspotKind(models.TextChoices):
    RETAIL = "retail", _("Retail / selling point")
    DEN = "den", _("Drug-use den")
    TRANSIT = "transit", _("Transit / storage point")
    CROSSING = "crossing", _("Border crossing path")
    CULTIVATION = "cultivation", _("Cultivation area")


class HotspotStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ERADICATED = "eradicated", _("Eradicated")


class Hotspot(Record):
    record_kind: ClassVar[str] = "hotspots"
    past_dates = ("identified_on", "eradicated_on")

    hotspot_ref = models.CharField(_("reference"), max_length=64)
    name = models.CharField(_("place"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=HotspotKind.choices)
    province = models.ForeignKey(
        "core.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    district = models.CharField(_("district"), max_length=200, blank=True)
    commune = models.CharField(_("commune"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=HotspotStatus.choices, default=HotspotStatus.ACTIVE
    )
    identified_on = models.DateField(_("identified on"))
    eradicated_on = models.DateField(_("eradicated on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-identified_on", "name"]
        verbose_name = _("hotspot")
        verbose_name_plural = _("hotspots")
        constraints = [
            models.UniqueConstraint(
                fields=["origin", "hotspot_ref"], name="crime_hotspot_ref_unique"
            )
        ]
        indexes = [models.Index(fields=["province", "eradicated_on"], name="crime_hotspot_stats")]

    def __str__(self) -> str:
        return self.name


class CultivationSite(Record):
    record_kind: ClassVar[str] = "cultivation-sites"
    past_dates = ("found_on", "destroyed_on")

    site_ref = models.CharField(_("reference"), max_length=64)
    province = models.ForeignKey(
        "core.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    district = models.CharField(_("district"), max_length=200, blank=True)
    commune = models.CharField(_("commune"), max_length=200, blank=True)
    crop = models.ForeignKey(
        Drug, on_delete=models.PROTECT, related_name="+", verbose_name=_("crop")
    )
    plants = models.PositiveIntegerField(_("plants"), default=0)
    area_ha = models.DecimalField(_("area (ha)"), max_digits=12, decimal_places=4, default=0)
    found_on = models.DateField(_("found on"))
    destroyed_on = models.DateField(_("destroyed on"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        ordering = ["-found_on"]
        verbose_name = _("cultivation site")
        verbose_name_plural = _("cultivation sites")
        constraints = [
            models.UniqueConstraint(fields=["origin", "site_ref"], name="crime_site_ref_unique")
        ]
        indexes = [models.Index(fields=["province", "found_on"], name="crime_site_stats")]

    def __str__(self) -> str:
        return self.site_ref


class PrecursorIncident(Record):
    record_kind: ClassVar[str] = "precursor-incidents"
    past_dates = ("occurred_on",)

    incident_ref = models.CharField(_("reference"), max_length=64)
    occurred_on = models.DateField(_("date"))
    province = models.ForeignKey(
        "core.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    chemical = models.CharField(_("chemical"), max_length=200)
    convention_table = models.CharField(
        _("1988 Convention table"),
        max_length=3,
        choices=[("I", "Table I"), ("II", "Table II"), ("", "—")],
        blank=True,
    )
    quantity = models.DecimalField(_("quantity"), max_digits=20, decimal_places=6)
    unit = models.CharField(
        pgettext_lazy("measure", "unit"), max_length=8, choices=MeasureUnit.choices
    )
    case = models.ForeignKey(
        DrugCase,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="precursor_incidents",
        verbose_name=_("case"),
    )
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        ordering = ["-occurred_on"]
        verbose_name = _("precursor incident")
        verbose_name_plural = _("precursor incidents")
        constraints = [
            models.UniqueConstraint(
                fields=["origin", "incident_ref"], name="crime_precursor_ref_unique"
            )
        ]
        indexes = [models.Index(fields=["province", "occurred_on"], name="crime_precursor_stats")]

    def __str__(self) -> str:
        return self.incident_ref


class TallyKind(models.TextChoices):
    """What a tally counts (internal: never shown)."""

    CASE = "case"
    DEFENDANT = "defendant"
    SEIZURE = "seizure"


class TallySpan(models.TextChoices):
    """How long a tally's period is (internal: never shown)."""

    DAY = "D"
    MONTH = "M"
    YEAR = "Y"


class Tally(models.Model):
    """What the statistics count, summed by the services in the writer's transaction
    (``crime.tallies``): per kind, province, period (a day, a month or a year from
    ``start``) and owner unit, with the defendants' nationality and the seizures' drug and
    unit. ``n`` records; ``quantity`` the seizures' quantities in millionths of their unit
    (exact integers). The report reads these instead of the records (``reports.stats``)."""

    kind = models.CharField(max_length=9, choices=TallyKind.choices)
    province = models.ForeignKey(
        "core.Province", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    span = models.CharField(max_length=1, choices=TallySpan.choices)
    start = models.DateField()
    owner_unit = models.ForeignKey(
        "core.Unit", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    drug = models.CharField(max_length=40, blank=True)
    unit = models.CharField(max_length=8, blank=True)
    nationality = models.CharField(max_length=2, blank=True)
    n = models.BigIntegerField(default=0)
    quantity = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "kind",
                    "province",
                    "span",
                    "start",
                    "owner_unit",
                    "drug",
                    "unit",
                    "nationality",
                ],
                name="crime_tally_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.province_id} {self.span}{self.start}: {self.n}"


RECORD_MODELS: dict[str, type[Record]] = {
    m.record_kind: m
    for m in (
        DrugCase,
        Person,
        Seizure,
        TraffickingRing,
        Hotspot,
        CultivationSite,
        PrecursorIncident,
    )
}


def format_quantity(value: Decimal) -> str:
    """A Decimal without trailing zeros and never in exponent form: 1.500000 -> "1.5"."""
    text = format(value.normalize(), "f")
    return text
