"""Names as a reader wants them: partner units romanised beside the original, provinces with
their era, record fields and sex in the reader's language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from liaison.core.models import Province
from liaison.web.names import display_value, province_display, unit_display

LAO_UNIT = "ກອງບັນຊາການ ປກສ ແຂວງ ຜົ້ງສາລີ"


def test_partner_unit_romanised_for_readers_of_another_script() -> None:
    with translation.override("vi"):
        shown = unit_display(LAO_UNIT)
    assert shown.endswith(f"({LAO_UNIT})") and "Phongsali" in shown
    with translation.override("lo"):
        assert unit_display(LAO_UNIT) == LAO_UNIT
    with translation.override("ru"):
        assert unit_display("Пограничное управление") == "Пограничное управление"
    with translation.override("en"):
        assert unit_display("Công an tỉnh Nghệ An") == "Công an tỉnh Nghệ An"
        assert unit_display("Пограничное управление").startswith("Pogranichnoe")


@pytest.mark.django_db
def test_provinces_of_both_eras_differ(units) -> None:  # type: ignore[no-untyped-def]
    with translation.override("vi"):
        old = province_display(Province.objects.get(code="VN-22"))
        new = province_display(Province.objects.get(code="VN:40"))
    assert old != new and "2025" in old and "2025" in new


def test_field_values_and_sex_in_the_reader_language() -> None:
    with translation.override("vi"):
        assert display_value(Decimal("15.7")) == "15,7"
        assert display_value(dt.date(2026, 11, 30)) != "2026-11-30"
        assert "+00:00" not in display_value(dt.datetime(2026, 12, 1, 23, 3, 1, tzinfo=dt.UTC))
        sex = Template("{% load liaison_format %}{{ s|sex }}").render(Context({"s": "F"}))
        assert sex == "Nữ"
