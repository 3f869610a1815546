from django.contrib import admin

from liaison.core.admin import ReadOnlyAdmin
from liaison.screening.models import MatchAlert


@admin.register(MatchAlert)
class MatchAlertAdmin(ReadOnlyAdmin):
    """Read-only: alerts are raised and decided through the services (audited)."""

    list_display = ["id", "status", "score", "subject_kind", "candidate_kind", "created_at"]
    list_filter = ["status", "subject_kind", "candidate_kind"]
