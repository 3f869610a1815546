from liaison.core.models.audit import AuditEntry, AuditHead
from liaison.core.models.gazetteer import (
    BorderGate,
    Commune,
    Country,
    District,
    Province,
    ProvinceSuccession,
)
from liaison.core.models.records import Handling, Record, RecordQuerySet, Tlp
from liaison.core.models.units import ApiToken, Role, TokenScope, Unit, UnitKind, User

__all__ = [
    "ApiToken",
    "AuditEntry",
    "AuditHead",
    "BorderGate",
    "Commune",
    "Country",
    "District",
    "Handling",
    "Province",
    "ProvinceSuccession",
    "Record",
    "RecordQuerySet",
    "Role",
    "Tlp",
    "TokenScope",
    "Unit",
    "UnitKind",
    "User",
]
