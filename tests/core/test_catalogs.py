"""Vietnamese, Lao, Russian and English catalogs are complete and match the source's strings."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2] / "liaison"
APPS = sorted(p.parent.name for p in ROOT.glob("*/locale"))
#: Every interface language has a catalog in every app; English is the source language,
#: so its catalog may leave a message untranslated (the msgid is shown).
LANGUAGES = [code for code, _name in settings.LANGUAGES]
TRANSLATED = [code for code in LANGUAGES if code != "en"]
#: What a translation must carry over unchanged: %(name)s, %s, %% and {name}.
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdifr]|%[sdifr%]|\{[A-Za-z_0-9]*\}")


def _catalog(path: Path):  # type: ignore[no-untyped-def]
    with path.open("rb") as fh:
        return read_po(fh)


def _po(app: str, lang: str) -> Path:
    return ROOT / app / "locale" / lang / "LC_MESSAGES" / "django.po"


def _msgids(path: Path) -> set[str]:
    """The messages of a catalog (a plural message by its singular)."""
    return {m.id if isinstance(m.id, str) else m.id[0] for m in _catalog(path) if m.id}


def _placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text))


def test_every_language_is_offered() -> None:
    assert {"vi", "lo", "en", "ru"} <= set(LANGUAGES)


def test_every_app_with_text_has_catalogs() -> None:
    assert {"core", "web"} <= set(APPS)
    for app in APPS:
        for lang in LANGUAGES:
            assert _po(app, lang).exists(), (app, lang)


@pytest.mark.parametrize("app", APPS)
@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated(app: str, lang: str) -> None:
    catalog = _catalog(_po(app, lang))
    untranslated = [
        m.id
        for m in catalog
        if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not untranslated, f"{app}/{lang}: untranslated {untranslated[:10]}"
    assert not fuzzy, f"{app}/{lang}: fuzzy {fuzzy[:10]}"


@pytest.mark.parametrize("app", APPS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_the_placeholders(app: str, lang: str) -> None:
    """A translation has the placeholders of its message, no more and no fewer: a lost
    %(name)s hides a value, a new one breaks the formatting."""
    wrong = []
    for m in _catalog(_po(app, lang)):
        if not m.id:
            continue
        source = m.id if isinstance(m.id, str) else m.id[-1]
        forms = m.string if isinstance(m.string, tuple) else (m.string,)
        wanted = _placeholders(source)
        wrong += [(source, form) for form in forms if form and _placeholders(form) != wanted]
    assert not wrong, f"{app}/{lang}: placeholders differ {wrong[:5]}"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext is installed by make test")
@pytest.mark.parametrize("app", APPS)
def test_catalog_holds_every_string_of_the_source(app: str, tmp_path: Path) -> None:
    copy = tmp_path / app
    shutil.copytree(ROOT / app, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "vi", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "DJANGO_SETTINGS_MODULE": "liaison.settings",
            "LIAISON_HOME": str(tmp_path / "h"),
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(ROOT.parent),
        },
    )
    extracted = _msgids(copy / "locale/vi/LC_MESSAGES/django.po")
    missing = {lang: sorted(extracted - _msgids(_po(app, lang))) for lang in LANGUAGES}
    missing = {lang: ids[:10] for lang, ids in missing.items() if ids}
    assert not missing, f"{app}: strings not in the catalogs (run makemessages): {missing}"
