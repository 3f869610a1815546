"""Admin for reference data only. Records are created and changed through the pages, the API
and the importer, which go through ``services`` (audit log, versions, access checks)."""

from django.contrib import admin

from liaison.crime.models import ConversionFactor, ConversionTable, Drug


@admin.register(Drug)
class DrugAdmin(admin.ModelAdmin):
    list_display = ["code", "category", "name_en", "name_vi", "name_lo", "name_ru", "default_unit"]


class FactorInline(admin.TabularInline):
    model = ConversionFactor
    extra = 0


@admin.register(ConversionTable)
class ConversionTableAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_default"]
    inlines = [FactorInline]
