"""Django admin for the node's reference data: read-only views for the technical operator.
Units and users are managed through the node admin pages, which go through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from liaison.core.forms import AdminLockoutAuthenticationForm
from liaison.core.models import AuditEntry, BorderGate, Country, Province, Unit, User


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Country)
class CountryAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "name_en", "name_vi", "name_lo"]


@admin.register(Province)
class ProvinceAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "name_en", "name_lo", "valid_from", "valid_to", "is_border"]
    list_filter = ["country", "is_border"]
    search_fields = ["code", "name", "name_en", "name_lo"]


@admin.register(BorderGate)
class BorderGateAdmin(ReadOnlyAdmin):
    list_display = ["name", "province", "partner_province", "kind"]


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "code", "province"]
    search_fields = ["name", "name_en", "code"]


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["username", "unit", "roles", "is_active", "last_login"]
    search_fields = ["username", "first_name"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["seq", "at", "username", "unit", "action", "object_kind", "object_id", "source"]
    list_filter = ["action"]
    search_fields = ["username", "object_id"]


# /admin/login/ counts failures and locks accounts like the site's sign-in.
admin.site.login_form = AdminLockoutAuthenticationForm
