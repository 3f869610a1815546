"""The drug taxonomy and the conversion tables, as data (loaded by a migration).

Drug codes are DESIGN.md section 3: extend, never rename.

kg-equivalents are bulk weight, not purity-adjusted (UNODC practice): 1 l = 1 kg, 1 ml = 1 g.
Tablets: ``lao-mps-2024`` counts 0.1 g a tablet, as the Lao Ministry of Public Security does
(158.9 million pills = about 15.9 t); ``unodc-2024`` counts 90 mg, the UNODC SMART figure for
methamphetamine ("yaba") tablets. Plants and hectares are not weights: seizures in those
units are reported in their own unit, get no kg-equivalent, and stay out of the kg total.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

#: code, UNODC category, English, Vietnamese, Lao, Russian, usual unit
DRUGS: list[tuple[str, str, str, str, str, str, str]] = [
    (
        "methamphetamine_tablets",
        "Amphetamine-type stimulants",
        "Methamphetamine tablets",
        "Ma túy tổng hợp dạng viên",
        "ຢາບ້າ (ຢາເມັດ)",
        "Метамфетамин в таблетках",
        "tablet",
    ),
    (
        "crystal_methamphetamine",
        "Amphetamine-type stimulants",
        "Crystalline methamphetamine",
        "Ma túy đá",
        "ຢາໄອສ໌",
        "Кристаллический метамфетамин",
        "kg",
    ),
    ("heroin", "Opioids", "Heroin", "Heroin", "ເຮໂຣອີນ", "Героин", "kg"),
    ("opium", "Opioids", "Opium", "Thuốc phiện", "ຝິ່ນ", "Опий", "kg"),
    ("cannabis_herb", "Cannabis", "Cannabis herb", "Cần sa", "ກັນຊາ", "Марихуана", "kg"),
    (
        "cannabis_plants",
        "Cannabis",
        "Cannabis plants",
        "Cây cần sa",
        "ຕົ້ນກັນຊາ",
        "Растения конопли",
        "plant",
    ),
    (
        "ketamine",
        "Ketamine and phencyclidine-type substances",
        "Ketamine",
        "Ketamine",
        "ເຄຕາມີນ",
        "Кетамин",
        "kg",
    ),
    (
        "mdma",
        "Ecstasy-type substances",
        "MDMA (ecstasy)",
        "Thuốc lắc (MDMA)",
        "ຢາອີ (MDMA)",
        "МДМА (экстази)",
        "tablet",
    ),
    ("cocaine", "Cocaine-type", "Cocaine", "Cocaine", "ໂຄເຄນ", "Кокаин", "kg"),
    (
        "opium_poppy_plants",
        "Opioids",
        "Opium poppy plants",
        "Cây thuốc phiện",
        "ຕົ້ນຝິ່ນ",
        "Растения опийного мака",
        "plant",
    ),
    (
        "cannabis_resin",
        "Cannabis",
        "Cannabis resin (hashish)",
        "Nhựa cần sa (hashish)",
        "ຢາງກັນຊາ (ຮາຊິດ)",
        "Гашиш",
        "kg",
    ),
    (
        "synthetic_cathinones",
        "New psychoactive substances",
        "Synthetic cathinones (mephedrone, α-PVP)",
        "Ma túy tổng hợp nhóm cathinone (mephedrone, α-PVP)",
        "ຢາເສບຕິດສັງເຄາະກຸ່ມຄາທິໂນນ (ເມເຟໂດຣນ, α-PVP)",
        "Синтетические катиноны (мефедрон, α-PVP)",
        "kg",
    ),
    (
        "precursor",
        "Precursors (1988 Convention Tables I/II)",
        "Precursor chemicals",
        "Tiền chất",
        "ສານເຄມີຕັ້ງຕົ້ນ",
        "Прекурсоры",
        "l",
    ),
]

DRUG_CODES = frozenset(d[0] for d in DRUGS)
UNITS = ("kg", "g", "t", "tablet", "plant", "l", "ml", "ha")

NOT_WEIGHED = (
    "Plants and hectares are counted, not weighed: reported in their own unit and left out "
    "of the kg-equivalent total."
)

_COMMON: dict[str, Decimal | None] = {
    "kg": Decimal("1"),
    "g": Decimal("0.001"),
    "t": Decimal("1000"),
    "l": Decimal("1"),
    "ml": Decimal("0.001"),
    "plant": None,
    "ha": None,
}

#: code -> (name, source, is_default, {unit: kg per unit})
TABLES: dict[str, tuple[str, str, bool, dict[str, Decimal | None]]] = {
    "lao-mps-2024": (
        "Lao Ministry of Public Security practice (0.1 g a tablet)",
        "Viet Nam–Laos ministerial conference 2024: 158.9 million pills = about 15.9 t. "
        "Bulk weight; 1 l = 1 kg. " + NOT_WEIGHED,
        True,
        {**_COMMON, "tablet": Decimal("0.0001")},
    ),
    "unodc-2024": (
        "UNODC SMART practice (90 mg a tablet)",
        "UNODC Global SMART: methamphetamine tablets about 90 mg; bulk weight, not "
        "purity-adjusted; 1 l = 1 kg. " + NOT_WEIGHED,
        False,
        {**_COMMON, "tablet": Decimal("0.00009")},
    ),
}
DEFAULT_TABLE = "lao-mps-2024"


def install(drug_model: Any, table_model: Any, factor_model: Any) -> None:
    """Create or update the taxonomy rows (used by the data migration; idempotent)."""
    # The model as of the calling migration: names in languages added later are left out.
    fields = {f.name for f in drug_model._meta.get_fields()}
    for order, (code, category, en, vi, lo, ru, unit) in enumerate(DRUGS):
        names = {"name_en": en, "name_vi": vi, "name_lo": lo, "name_ru": ru}
        drug_model.objects.update_or_create(
            code=code,
            defaults={
                "category": category,
                **{field: name for field, name in names.items() if field in fields},
                "default_unit": unit,
                "sort_order": order,
            },
        )
    for code, (name, source, is_default, factors) in TABLES.items():
        table, _ = table_model.objects.update_or_create(
            code=code, defaults={"name": name, "source": source, "is_default": is_default}
        )
        for unit, kg in factors.items():
            factor_model.objects.update_or_create(
                table=table,
                drug=None,
                unit=unit,
                defaults={"kg_per_unit": kg, "note": "" if kg is not None else NOT_WEIGHED},
            )
