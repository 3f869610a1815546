"""Gazetteer: countries, provinces (with Viet Nam's 2025 merger), districts, communes, gates."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class LocalisedName(models.Model):
    """Name in the original script plus Vietnamese, Lao and English forms."""

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    name_vi = models.CharField(_("Vietnamese name"), max_length=200, blank=True)
    name_lo = models.CharField(_("Lao name"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.localised_name()

    def localised_name(self, language: str | None = None) -> str:
        language = (language or get_language() or "en")[:2]
        return getattr(self, f"name_{language}", "") or self.name_en or self.name


class Country(LocalisedName):
    code = models.CharField(_("ISO 3166-1 code"), max_length=2, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")


class Province(LocalisedName):
    """A first-level unit, valid for a period.

    ``code`` is the ISO 3166-2 code where one exists (all pre-2025 Vietnamese and all Lao
    provinces); the units formed on 1 July 2025 use their statistics code (``VN:44``).
    """

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="provinces")
    code = models.CharField(_("code"), max_length=12, unique=True)
    stats_code = models.CharField(_("statistics code"), max_length=8, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    is_border = models.BooleanField(_("faces the partner country"), default=False)
    faces = models.ManyToManyField(
        "self", blank=True, symmetrical=True, verbose_name=_("partner provinces it faces")
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["country__code", "code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        indexes = [models.Index(fields=["country", "stats_code"])]

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class ProvinceSuccession(models.Model):
    """Which post-merger unit a pre-2025 province became part of."""

    predecessor = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="successions")
    successor = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="predecessions")
    effective = models.DateField()

    class Meta:
        unique_together = [("predecessor", "successor")]

    def __str__(self) -> str:
        return f"{self.predecessor.code} → {self.successor.code}"


class District(LocalisedName):
    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="districts")
    code = models.CharField(_("code"), max_length=16, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class Commune(LocalisedName):
    """A commune or ward; before 2025 under a district, after 2025 directly under a province."""

    province = models.ForeignKey(Province, on_delete=models.CASCADE, related_name="communes")
    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="communes", null=True, blank=True
    )
    code = models.CharField(_("code"), max_length=20, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")


class BorderGate(models.Model):
    """A pair of facing border gates (one on each side)."""

    name = models.CharField(_("name"), max_length=200)
    local_name = models.CharField(_("gate on this side"), max_length=100)
    partner_name = models.CharField(_("gate on the partner side"), max_length=100)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="gates")
    partner_province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="partner_gates"
    )
    kind = models.CharField(_("kind"), max_length=20, default="international")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("border gate")
        verbose_name_plural = _("border gates")

    def __str__(self) -> str:
        return self.name
