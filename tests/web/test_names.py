"""Names as a reader wants them: partner units romanised beside the original, provinces with
their era, record fields and sex in the reader's language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from liaison.core.models import Province, Role
from liaison.web.names import display_value, province_display, unit_display

LAO_UNIT = "ກອງບັນຊາການ ປກສ ແຂວງ ຜົ້ງສາລີ"


@pytest.mark.django_db
def test_partner_unit_romanised_for_readers_of_another_script() -> None:
    district = "ກອງບັນຊາການ ປກສ ເມືອງ ຂວາ"  # no translation in the data: romanised (lao2ipa)
    with translation.override("vi"):
        shown = unit_display(district)
    assert shown.endswith(f"({district})") and "PKS" in shown and "Khva" in shown
    with translation.override("lo"):
        assert unit_display(district) == district
    with translation.override("ru"):
        assert unit_display("Пограничное управление") == "Пограничное управление"
    with translation.override("en"):
        assert unit_display("Công an tỉnh Nghệ An") == "Công an tỉnh Nghệ An"
        assert unit_display("Пограничное управление").startswith("Pogranichnoe")  # iuliia


@pytest.mark.django_db
def test_national_units_in_the_reader_language_with_the_original_beside() -> None:
    with translation.override("vi"):
        assert unit_display(LAO_UNIT) == f"Bộ Chỉ huy Công an tỉnh Phông-xa-lỳ ({LAO_UNIT})"
        assert unit_display("ກະຊວງປ້ອງກັນຄວາມສະຫງົບ") == "Bộ An ninh Lào (ກະຊວງປ້ອງກັນຄວາມສະຫງົບ)"
        assert unit_display("Công an Nghệ An") == "Công an Nghệ An"  # the reader's own
    with translation.override("en"):
        assert unit_display(LAO_UNIT) == (
            f"Phongsaly Provincial Public Security Command ({LAO_UNIT})"
        )
    with translation.override("lo"):
        assert unit_display(LAO_UNIT) == LAO_UNIT
        assert unit_display("Công an Nghệ An") == "ປກສ ແຂວງ ເງະອານ (Công an Nghệ An)"
        assert unit_display("Bộ Công an") == "ກະຊວງປ້ອງກັນຄວາມສະຫງົບ ສສ ຫວຽດນາມ (Bộ Công an)"
    with translation.override("ru"):
        assert unit_display(LAO_UNIT) == (
            f"Командование общественной безопасности провинции Phongsaly ({LAO_UNIT})"
        )


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


@pytest.fixture
def channels(units, make_user):  # type: ignore[no-untyped-def]
    from liaison.cooperation import services as coop

    coop.ensure_default_channels()
    return make_user(units.nghe_an, [Role.OFFICER, Role.SUPERVISOR], username="nghean")


HOUAPHANH_POLICE = "ກອງບັນຊາການ ປກສ ແຂວງ ຫົວພັນ"
HOUAPHANH_VI = f"Bộ Chỉ huy Công an tỉnh Hủa Phăn ({HOUAPHANH_POLICE})"


@pytest.mark.django_db
def test_partner_units_on_hotline_request_form_and_request_pages(channels, login) -> None:  # type: ignore[no-untyped-def]
    from liaison.cooperation import services as coop
    from liaison.cooperation.models import Channel

    client = login(channels)
    client.cookies["liaison_language"] = "vi"
    hotline = client.get("/hotline/").content.decode()
    assert HOUAPHANH_VI in hotline
    channel = Channel.objects.get(partner_unit_name=HOUAPHANH_POLICE, local_unit=channels.unit)
    assert HOUAPHANH_VI in client.get(f"/hotline/channels/{channel.pk}/").content.decode()
    form = client.get("/requests/new/").content.decode()
    assert f">{HOUAPHANH_VI}</option>" in form
    request = coop.send_request(
        channels,
        request_type="information",
        to_unit_code=channel.partner_unit_code,
        to_unit_name=HOUAPHANH_POLICE,
        requesting_authority="Công an Nghệ An",
        investigation_subject="Đường dây ma túy",
        investigating_authority="Công an Nghệ An",
        facts_summary="Tóm tắt",
        assistance_sought="Xác minh",
        purpose="Điều tra",
    )
    assert HOUAPHANH_VI in client.get("/requests/").content.decode()
    assert HOUAPHANH_VI in client.get(f"/requests/{request.uuid}/").content.decode()


@pytest.mark.django_db
def test_the_request_error_banner_names_fields_as_the_form_does(channels, login) -> None:  # type: ignore[no-untyped-def]
    client = login(channels)
    client.cookies["liaison_language"] = "vi"
    response = client.post("/requests/new/", {"request_type": "verification", "tlp": "AMBER"})
    assert response.status_code == 200
    banner = " ".join(str(m) for m in response.context["messages"])
    assert "cơ quan yêu cầu" in banner.casefold()  # "requesting authority", as the form says
    for raw in ("persons", "requesting_authority", "facts_summary", "_"):
        assert raw not in banner, banner


@pytest.mark.django_db
def test_api_input_errors_in_the_reader_language(units, make_user) -> None:  # type: ignore[no-untyped-def]
    from django.test import Client

    officer = make_user(units.nghe_an, [Role.OFFICER])
    client = Client(headers={"accept-language": "vi"})
    client.force_login(officer)
    body = {"case_ref": "NA-9", "detected_on": "30/11/2026", "province": "VN-22"}
    response = client.post("/api/v1/cases", body, content_type="application/json")
    assert response.status_code == 422
    error = next(e for e in response.json()["detail"] if e["loc"][-1] == "detected_on")
    assert error["msg"] == "Nhập ngày theo dạng YYYY-MM-DD."
    assert error["type"] in ("date_parsing", "date_from_datetime_parsing")
    assert "Input should" not in response.content.decode()


@pytest.mark.django_db
def test_a_province_of_the_wrong_era_is_refused_in_the_reader_words(
    units, make_user, login
) -> None:  # type: ignore[no-untyped-def]
    officer = make_user(units.ministry, [Role.OFFICER])
    client = login(officer)
    client.cookies["liaison_language"] = "vi"
    son_la = Province.objects.get(code="VN-05")  # to 30 June 2025
    response = client.post(
        "/crime/cases/new/",
        {
            "case_ref": "SL-1",
            "detected_on": "2026-01-15",
            "province": son_la.pk,
            "tlp": "AMBER",
            "handling": "H0",
        },
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["province"])
    assert "Sơn La (đến 30 thg 6, 2025)" in errors and "2026-01-15" not in errors
