"""The French catalogue holds every string of the interface and is compiled."""

import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT

PO = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
MAKEMESSAGES = [
    sys.executable, "manage.py", "makemessages", "-l", "fr", "--no-obsolete", "--no-location", "--no-wrap",
    "--ignore=.venv", "--ignore=test-results", "--ignore=staticfiles", "--ignore=tests", "--ignore=benchmarks",
]  # fmt: skip


def msgids(text: str) -> set[str]:
    return set(re.findall(r'^msgid "(.+)"$', text, re.M))


@pytest.mark.skipif(not shutil.which("xgettext"), reason="gettext is not installed")
def test_french_catalogue_is_up_to_date():
    committed = PO.read_text()
    try:
        subprocess.run(MAKEMESSAGES, cwd=ROOT, check=True, capture_output=True, timeout=120)
        fresh = PO.read_text()
    finally:
        PO.write_text(committed)
    missing = msgids(fresh) - msgids(committed)
    assert not missing, (
        f"run makemessages (README, « Langue »): {len(missing)} new strings, e.g. {sorted(missing)[:5]}"
    )


def test_compiled_catalogue_matches_the_po_file():
    import gettext

    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    singular = {m.split("\x00")[0] for m in compiled._catalog if isinstance(m, str)}
    singular |= {m[0] for m in compiled._catalog if isinstance(m, tuple)}
    missing = {m.replace('\\"', '"') for m in msgids(PO.read_text())} - singular
    assert not missing, f"compile the catalogue (./dev.sh messages): {sorted(missing)[:5]}"
    assert compiled.info()["plural-forms"] == "nplurals=2; plural=(n > 1);"


def test_french_translations_are_the_french_source_text():
    """French is the source language: a msgstr that differs from its msgid is a bad fuzzy guess."""
    text = PO.read_text()
    singular = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', text, re.M)
    plural = re.findall(r'^msgid "(.+)"\nmsgid_plural "(.+)"\nmsgstr\[0\] "(.*)"\nmsgstr\[1\] "(.*)"$', text, re.M)
    wrong = [(i, s) for i, s in singular if s != i]
    wrong += [(i, s0) for i, p, s0, s1 in plural if (s0, s1) != (i, p)]
    assert singular and not wrong, f"run ./dev.sh messages and check: {wrong[:5]}"
