"""Translations follow Django's own workflow (issue #14): message ids are English in code and templates and
`zh_Hant` is the one maintained catalogue, translating every id."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "tongxing"
CATALOGUE = PACKAGE / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.po"
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+")


# --- the catalogue ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The zh_Hant catalogue as `makemessages` makes it from today's sources, merged into the maintained one
    (run on a copy, so the checkout is never written)."""
    copy = tmp_path_factory.mktemp("sources") / "tongxing"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "static", "*.mo"))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}  # only the copy's locale/
    subprocess.run([sys.executable, "-m", "django", "makemessages", "-l", "zh_Hant", "--no-location", "--no-wrap"],
                   cwd=copy, env=env, check=True, capture_output=True)
    return polib.pofile(str(copy / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.po"))


def _name(entry):
    return repr(entry.msgid) + (f" (context {entry.msgctxt!r})" if entry.msgctxt else "")


def test_every_message_id_has_a_reviewed_chinese_translation(extracted):
    entries = [e for e in extracted if not e.obsolete]
    assert len(entries) > 1000  # the extraction found the code's and the templates' strings
    untranslated = [_name(e) for e in entries if not e.translated() and "fuzzy" not in e.flags]
    fuzzy = [_name(e) for e in entries if "fuzzy" in e.flags]
    assert not untranslated, "add these to the zh_Hant catalogue: " + ", ".join(untranslated)
    assert not fuzzy, "fuzzy (a guess by msgmerge, not a translation): " + ", ".join(fuzzy)


def test_message_ids_are_english(extracted):
    chinese = [_name(e) for e in extracted if not e.obsolete and CJK.search(e.msgid + (e.msgid_plural or ""))]
    assert not chinese, "message ids are English; the Chinese goes in the catalogue: " + ", ".join(chinese)


def test_the_catalogue_is_as_makemessages_and_compilemessages_leave_it():
    """Translations' placeholders match (msgfmt --check-format), and the compiled .mo is the .po's."""
    checked = subprocess.run(["msgfmt", "--check-format", "-o", os.devnull, str(CATALOGUE)],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    po = polib.pofile(str(CATALOGUE))
    assert [e for e in po if "fuzzy" in e.flags] == []
    wanted = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in po.translated_entries()}
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural)
                for e in polib.mofile(str(CATALOGUE.with_suffix(".mo")))}
    compiled.pop((None, ""), None)
    assert compiled == wanted, "run compilemessages -l zh_Hant after editing the catalogue"


def test_there_is_no_other_catalogue_to_maintain():
    assert sorted(p.name for p in (PACKAGE / "locale").iterdir()) == ["zh_Hant"]
