"""Dates, times, numbers and quantities in the reader's language and the node's time zone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from liaison.web import formatting as f

MOMENT = dt.datetime(2026, 11, 30, 23, 3, 1, 409650, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("language", "day", "number", "kilos", "tablets"),
    [
        ("vi", "30 thg 11, 2026", "133.400,5", "15,7 kg", "20.000 viên"),
        ("lo", "30 ພ.ຈ. 2026", "133.400,5", "15,7 ກິໂລ", "20.000 ເມັດ"),
        ("en", "Nov 30, 2026", "133,400.5", "15.7 kg", "20,000 tablets"),
    ],
)
def test_each_language_its_own_formats(language, day, number, kilos, tablets) -> None:  # type: ignore[no-untyped-def]
    with translation.override(language):
        assert f.format_date(dt.date(2026, 11, 30)) == day
        assert f.format_number(Decimal("133400.500000")) == number
        assert f.format_quantity(Decimal("15.700000"), "kg") == kilos
        assert f.format_quantity(Decimal("20000"), "tablet") == tablets


def test_times_are_shown_in_the_node_time_zone(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    with translation.override("vi"):
        # 23:03 UTC on 30 Nov is 06:03 on 1 Dec in Viet Nam: never a raw timestamp.
        text = f.format_datetime(MOMENT)
        assert "06:03:01" in text and "1 thg 12, 2026" in text
        assert "+00:00" not in text and ".409650" not in text
    with translation.override("en"):
        assert f.format_time(MOMENT) == "6:03\u202fAM"


def test_partial_dates_and_odd_values_pass_through() -> None:
    with translation.override("vi"):
        assert f.format_partial_date("1988") == "1988"
        assert f.format_partial_date("1988-04") == "thg 4 1988"
        assert f.format_partial_date("1988-04-17") == "17 thg 4, 1988"
        assert f.format_date("") == "" and f.format_date(None) == ""
        assert f.format_number("n/a") == "n/a"
        assert f.format_quantity(Decimal("0.0005"), "g") == "0,0005 g"


def test_template_filters() -> None:
    template = Template(
        "{% load liaison_format %}{{ day|local_date:'long' }}|{{ n|local_number }}|"
        "{{ share|local_number:1 }}|{{ q|quantity:'plant' }}"
    )
    context = Context({"day": dt.date(2026, 12, 2), "n": 1234567, "share": 15.66, "q": 3})
    with translation.override("vi"):
        assert template.render(context) == "2 tháng 12, 2026|1.234.567|15,7|3 cây"
    with translation.override("en"):
        assert template.render(context) == "December 2, 2026|1,234,567|15.7|3 plants"


@pytest.mark.django_db
def test_dashboard_numbers_and_date_in_the_reader_language(desk, login) -> None:  # type: ignore[no-untyped-def]
    client = login(desk.analyst)
    client.cookies["liaison_language"] = "vi"
    html = client.get("/").content.decode()
    assert "tháng" in html  # today's date written out in Vietnamese
    assert 'href="/map/"' in html and "Bản đồ" in html and "Sơ đồ liên kết" in html
