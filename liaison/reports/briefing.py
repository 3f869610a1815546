"""The briefing paragraph of a report, in the style of conference communiqués.

Figures are rounded honestly: a count rounded down is "more than" (hơn, ກວ່າ, более),
rounded up "nearly" (gần, ເກືອບ, почти), an exact one is given as it is; kg-equivalents are
estimates by nature and always "about" (khoảng, ປະມານ, около). Counts under 1,000 are never rounded; larger ones keep
three significant digits (four from 10,000), and from a million they are told in millions.

The text is kept here, per language, rather than in the message catalogs: the language of a
report is chosen by ``--lang``, not by the reader's interface, and the wording is part of the
statistics' meaning. Russian puts most figures after a dash ("обвиняемых — 3"), the
statistical style that needs no agreement of the noun with the number; where a noun follows a
number, ``{n:form|form|form}`` picks its form by the number (CLDR plural rules).
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

from liaison.core.countries import country_name

LANGS = ("en", "vi", "lo", "ru")

WORDS = {
    "en": {
        "about": "about",
        "more": "more than",
        "nearly": "nearly",
        "million": "million",
        "t": "t",
        "kg": "kg",
    },
    "vi": {
        "about": "khoảng",
        "more": "hơn",
        "nearly": "gần",
        "million": "triệu",
        "t": "tấn",
        "kg": "kg",
    },
    "lo": {
        "about": "ປະມານ",
        "more": "ກວ່າ",
        "nearly": "ເກືອບ",
        "million": "ລ້ານ",
        "t": "ໂຕນ",
        "kg": "ກິໂລ",
    },
    "ru": {
        "about": "около",
        "more": "более",
        "nearly": "почти",
        "million": "млн",
        "t": "т",
        "kg": "кг",
    },
}

SENTENCES = {
    "en": {
        "lead": "From {start} to {end}, the police of {where} detected {cases} drug cases with "
        "{defendants} defendants{foreign}, seizing {kg} of drugs (kg-equivalent){detail}.",
        "foreign": " ({n} of them foreign nationals)",
        "detail": ", including {items}",
        "pills": "{n} synthetic pills",
        "drug_kg": "{q} of {drug}",
        "after": "{hotspots} drug hotspots were eradicated and {rings} trafficking rings "
        "dismantled.",
        "joint": " The two sides conducted {n} joint cases.",
        "border": "the {n} provinces bordering {partner}",
        "one": "{name}",
        "some": "{n} provinces",
        "all": "the whole country",
        "and": " and ",
    },
    "vi": {
        "lead": "Từ ngày {start} đến ngày {end}, lực lượng Công an {where} đã phát hiện {cases} "
        "vụ án về ma túy với {defendants} bị can{foreign}, thu giữ {kg} ma túy (quy đổi theo "
        "trọng lượng){detail}.",
        "foreign": " (trong đó {n} người nước ngoài)",
        "detail": ", trong đó có {items}",
        "pills": "{n} viên ma túy tổng hợp",
        "drug_kg": "{q} {drug}",
        "after": "Đã triệt xóa {hotspots} tụ điểm, điểm phức tạp về ma túy và triệt phá {rings} "
        "đường dây mua bán ma túy.",
        "joint": " Hai bên đã phối hợp xác lập {n} chuyên án chung.",
        "border": "{n} tỉnh biên giới giáp {partner}",
        "one": "{name}",
        "some": "{n} tỉnh, thành phố",
        "all": "toàn quốc",
        "and": " và ",
    },
    "lo": {
        "lead": "ແຕ່ວັນທີ {start} ຫາ ວັນທີ {end}, ເຈົ້າໜ້າທີ່ຕຳຫຼວດ{where} ໄດ້ກວດພົບຄະດີຢາເສບຕິດ {cases} "
        "ຄະດີ, ຜູ້ຕ້ອງຫາ {defendants} ຄົນ{foreign}, ຍຶດໄດ້ຢາເສບຕິດ {kg} (ທຽບເທົ່ານ້ຳໜັກ){detail}.",
        "foreign": " (ໃນນັ້ນເປັນຄົນຕ່າງປະເທດ {n} ຄົນ)",
        "detail": ", ໃນນັ້ນມີ {items}",
        "pills": "ຢາບ້າ {n} ເມັດ",
        "drug_kg": "{drug} {q}",
        "after": "ໄດ້ລົບລ້າງຈຸດເສບ-ຈຳໜ່າຍຢາເສບຕິດ {hotspots} ຈຸດ ແລະ ທຳລາຍເຄືອຂ່າຍການຄ້າຢາເສບຕິດ "
        "{rings} ເຄືອຂ່າຍ.",
        "joint": " ສອງຝ່າຍໄດ້ຮ່ວມກັນດຳເນີນຄະດີຮ່ວມ {n} ຄະດີ.",
        "border": " {n} ແຂວງຊາຍແດນທີ່ຕິດກັບ{partner}",
        "one": " {name}",
        "some": " {n} ແຂວງ",
        "all": "ທົ່ວປະເທດ",
        "and": " ແລະ ",
    },
    "ru": {
        "lead": "С {start} по {end} полицией {where} выявлено преступлений в сфере незаконного "
        "оборота наркотиков — {cases}, установлено обвиняемых — {defendants}{foreign}; изъято "
        "наркотиков (в пересчёте на вес) — {kg}{detail}.",
        "foreign": " (в том числе иностранных граждан — {n})",
        "detail": ", в том числе: {items}",
        "pills": "синтетические наркотики в таблетках (шт.) — {n}",
        "drug_kg": "{drug} — {q}",
        "after": "Ликвидировано наркоточек — {hotspots}, преступных групп наркоторговцев — "
        "{rings}.",
        "joint": " Сторонами проведено совместных расследований — {n}.",
        "border": "{n:приграничной провинции|приграничных провинций|приграничных провинций} "
        "({partners:~сопредельное государство|сопредельные государства|сопредельные государства}"
        " — {partner})",
        "one": "провинции {name}",
        "some": "{n:провинции|провинций|провинций}",
        "all": "всей страны",
        "and": " и ",
    },
}

#: kg-weighed drugs worth naming in the briefing, in this order
BRIEF_DRUGS = ("crystal_methamphetamine", "heroin", "cannabis_herb", "opium", "ketamine", "cocaine")


def number(value: float | Decimal | int, lang: str, decimals: int = 0) -> str:
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=lang)


def rounded(value: float | Decimal | int) -> tuple[Decimal, int]:
    """The figure as a communiqué would say it: (rounded value, decimals shown)."""
    v = Decimal(str(value))
    if v < 1000:
        return (v, 0) if v == v.to_integral_value() else (v.quantize(Decimal("0.1")), 1)
    digits = 4 if v >= 10000 else 3
    step = Decimal(10) ** (int(math.floor(math.log10(float(v)))) + 1 - digits)
    return (v / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step, 0


def approx(value: float | Decimal | int, lang: str, *, estimate: bool = False) -> str:
    """``14128`` → "nearly 14,130"; ``19963`` → "more than 19,960"; ``560`` → "560";
    ``3012345`` → "more than 3.0 million"; estimates always "about"."""
    words = WORDS[lang]
    v = Decimal(str(value))
    if v >= 1_000_000:
        millions = (v / 1_000_000).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        r, text = millions * 1_000_000, f"{number(millions, lang, 1)} {words['million']}"
    else:
        r, decimals = rounded(v)
        text = number(r, lang, decimals)
    if estimate:
        word = words["about"]
    elif r == v:
        return text
    else:
        word = words["more"] if r < v else words["nearly"]
    return f"{word} {text}"


def weight(kg: float | Decimal, lang: str) -> str:
    """A kg-equivalent as "about 2,000 kg" or, from 10 t, "about 15.9 t"."""
    kg = Decimal(str(kg))
    words = WORDS[lang]
    if kg >= 10_000:
        tonnes = (kg / 1000).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return f"{words['about']} {number(tonnes, lang, 1)} {words['t']}"
    if kg >= 1000:
        return f"{approx(kg, lang, estimate=True)} {words['kg']}"
    decimals = 0 if kg >= 10 else 1
    shown = kg.quantize(Decimal(1) if decimals == 0 else Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{words['about']} {number(shown, lang, decimals)} {words['kg']}"


def format_day(day: dt.date, lang: str) -> str:
    if lang == "en":
        return f"{day.day} {day.strftime('%B')} {day.year}"
    if lang == "ru":
        return format_date(day, "long", locale=lang)  # 1 января 2024 г.
    return day.strftime("%d/%m/%Y")


class _Count(int):
    """A whole number in a sentence: ``{n}`` is the number, ``{n:one|few|many}`` the number and
    the noun after it in the form the number asks for (CLDR's one, few, many/other forms), and
    ``{n:~one|few|many}`` that noun alone."""

    lang = "en"

    @classmethod
    def of(cls, value: int, lang: str) -> _Count:
        count = cls(value)
        count.lang = lang
        return count

    def __format__(self, spec: str) -> str:
        if not spec:
            return str(int(self))
        word_only = spec.startswith("~")
        forms = dict(zip(("one", "few", "many"), spec.lstrip("~").split("|"), strict=True))
        word = forms.get(Locale.parse(self.lang).plural_form(int(self)), forms["many"])
        return word if word_only else f"{int(self)} {word}"


def where(data: dict[str, Any], lang: str, province_names: dict[str, str]) -> str:
    s = SENTENCES[lang]
    provinces = data["provinces"]
    # Across the 2025 merger count the units as they were at the end of the period.
    count = data.get("province_count") or len(provinces)
    partners = data.get("partners") or ([data["partner"]] if data.get("partner") else [])
    if data.get("border_provinces") and partners:
        names = _listing([country_name(code, lang) for code in partners], lang)
        return s["border"].format(
            n=_Count.of(count, lang), partners=_Count.of(len(partners), lang), partner=names
        )
    if len(provinces) == 1:
        return s["one"].format(name=province_names.get(provinces[0], provinces[0]))
    if data.get("all_provinces"):
        return s["all"]
    return s["some"].format(n=_Count.of(count, lang))


def _listing(items: list[str], lang: str) -> str:
    """ "a", "a and b", "a, b and c" in the report's language."""
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + SENTENCES[lang]["and"] + items[-1]


def _lower(name: str, lang: str) -> str:
    """A drug name inside a sentence: "Heroin" → "heroin" (not "MDMA", not in Lao)."""
    if lang == "lo" or name[:2].isupper():
        return name
    return name[:1].lower() + name[1:]


def briefing(
    data: dict[str, Any],
    lang: str,
    drug_names: dict[str, str],
    province_names: dict[str, str] | None = None,
) -> str:
    s = SENTENCES[lang]
    start, end = dt.date.fromisoformat(data["from"]), dt.date.fromisoformat(data["to"])
    items = []
    pills = sum(Decimal(str(r["quantity"])) for r in data["seizures"] if r["unit"] == "tablet")
    if pills:
        items.append(s["pills"].format(n=approx(pills, lang)))
    kg_by_drug: dict[str, Decimal] = {}
    for r in data["seizures"]:
        if r["drug"] in BRIEF_DRUGS and r["kg_equivalent"]:
            kg_by_drug[r["drug"]] = kg_by_drug.get(r["drug"], Decimal(0)) + Decimal(
                str(r["kg_equivalent"])
            )
    for code in BRIEF_DRUGS:
        if kg_by_drug.get(code):
            items.append(
                s["drug_kg"].format(
                    q=weight(kg_by_drug[code], lang), drug=_lower(drug_names.get(code, code), lang)
                )
            )
    detail = ""
    if items:
        detail = s["detail"].format(items=_listing(items, lang))
    foreign = data.get("foreign_defendants", 0)
    text = s["lead"].format(
        start=format_day(start, lang),
        end=format_day(end, lang),
        where=where(data, lang, province_names or {}),
        cases=approx(data["cases"], lang),
        defendants=approx(data["defendants"], lang),
        foreign=s["foreign"].format(n=approx(foreign, lang)) if foreign else "",
        kg=weight(data["kg_equivalent_total"], lang),
        detail=detail,
    )
    if data.get("hotspots_eradicated") or data.get("rings_dismantled"):
        text += " " + s["after"].format(
            hotspots=approx(data.get("hotspots_eradicated", 0), lang),
            rings=approx(data.get("rings_dismantled", 0), lang),
        )
    if data.get("joint_cases"):
        text += s["joint"].format(n=approx(data["joint_cases"], lang))
    return text
