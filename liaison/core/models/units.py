"""The unit tree of a node, its users and their API tokens."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    DEPARTMENT = "department", _("Department")
    PROVINCE_POLICE = "province_police", _("Province police")
    DISTRICT_POLICE = "district_police", _("District police")
    COMMUNE_POLICE = "commune_police", _("Commune police")
    BORDER_POST = "border_post", _("Border post")
    BORDER_LIAISON_OFFICE = "border_liaison_office", _("Border liaison office")


#: The hotline level each kind of unit works at.
UNIT_LEVEL = {
    UnitKind.MINISTRY: "ministry",
    UnitKind.DEPARTMENT: "ministry",
    UnitKind.PROVINCE_POLICE: "province",
    UnitKind.DISTRICT_POLICE: "district",
    UnitKind.COMMUNE_POLICE: "commune",
    UnitKind.BORDER_POST: "commune",
    UnitKind.BORDER_LIAISON_OFFICE: "district",
}

#: How high each kind of unit stands (0: the national root). A node admin manages only
#: units that rank strictly below their own unit.
UNIT_RANK = {
    UnitKind.MINISTRY: 0,
    UnitKind.DEPARTMENT: 1,
    UnitKind.PROVINCE_POLICE: 2,
    UnitKind.DISTRICT_POLICE: 3,
    UnitKind.BORDER_LIAISON_OFFICE: 3,
    UnitKind.COMMUNE_POLICE: 4,
    UnitKind.BORDER_POST: 4,
}


class Unit(models.Model):
    """A police unit. ``path`` is the materialised path of zero-padded ids
    ("/0000001/0000004/") so that a subtree is one indexed prefix query."""

    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    province = models.ForeignKey(
        "core.Province",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("province"),
    )
    code = models.CharField(_("code"), max_length=40, unique=True)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="/")

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    @property
    def level(self) -> str:
        return UNIT_LEVEL[UnitKind(self.kind)]

    def contains(self, other: Unit | None) -> bool:
        """True when ``other`` is this unit or below it."""
        return other is not None and other.path.startswith(self.path)

    def subtree(self) -> models.QuerySet[Unit]:
        return Unit.objects.filter(path__startswith=self.path)


class Role(models.TextChoices):
    OFFICER = "officer", _("Officer")
    ANALYST = "analyst", _("Analyst")
    SUPERVISOR = "supervisor", _("Supervisor")
    NODE_ADMIN = "node_admin", _("Node admin")


class User(AbstractUser):
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("unit"),
    )
    roles = models.JSONField(_("roles"), default=list, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    failed_logins = models.PositiveIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)
    must_change_password = models.BooleanField(default=False)

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def has_role(self, role: str) -> bool:
        return role in (self.roles or [])

    @property
    def is_node_admin(self) -> bool:
        return self.has_role(Role.NODE_ADMIN)

    @property
    def is_supervisor(self) -> bool:
        return self.has_role(Role.SUPERVISOR)

    def role_labels(self) -> list[str]:
        return [str(Role(r).label) for r in self.roles if r in Role.values]


class TokenScope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SHA-256 is stored. It works until it
    expires or is revoked, and a read token only for GET, HEAD and OPTIONS."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    label = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)
    #: Empty only on tokens made before expiry existed; the migration set theirs.
    expires_at = models.DateTimeField(null=True)
    scope = models.CharField(max_length=8, choices=TokenScope.choices, default=TokenScope.WRITE)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
