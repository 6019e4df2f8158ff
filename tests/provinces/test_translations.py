"""The English catalogue: complete, and the committed .mo is the compiled .po."""

import ast
import gettext
import re
from pathlib import Path

from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"


def po_entries(path: Path) -> list[dict]:
    """msgid/msgid_plural/msgstr[...] of each entry of a .po file, flags included."""
    entries, current, field = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if current and current.get("msgid") is not None:
                entries.append(current)
            current, field = None, None
            continue
        current = current or {"flags": ""}
        if line.startswith("#,"):
            current["flags"] += line
            continue
        if line.startswith("#"):
            continue
        match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) (".*")$', line)
        if match:
            field = match.group(1)
            current[field] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and field:
            current[field] += ast.literal_eval(line)
    return [entry for entry in entries if entry["msgid"]]


def test_every_english_entry_is_translated_and_none_is_fuzzy():
    entries = po_entries(LOCALE / "django.po")
    assert len(entries) > 100
    untranslated = [
        e["msgid"]
        for e in entries
        if not (e.get("msgstr") or (e.get("msgstr[0]") and e.get("msgstr[1]")))
    ]
    assert untranslated == []
    assert [e["msgid"] for e in entries if "fuzzy" in e["flags"]] == []


def test_placeholders_survive_translation():
    for entry in po_entries(LOCALE / "django.po"):
        wanted = set(re.findall(r"%\(\w+\)[sd]", entry["msgid"]))
        for key in ("msgstr", "msgstr[1]"):
            if entry.get(key):
                assert set(re.findall(r"%\(\w+\)[sd]", entry[key])) == wanted, entry["msgid"]


def test_committed_mo_is_compiled_from_the_po():
    with (LOCALE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    for entry in po_entries(LOCALE / "django.po"):
        context = entry.get("msgctxt")
        if "msgid_plural" in entry:
            args = (entry["msgid"], entry["msgid_plural"], 2)
            found = catalogue.npgettext(context, *args) if context else catalogue.ngettext(*args)
            assert found == entry["msgstr[1]"], entry["msgid"]
        else:
            found = catalogue.pgettext(context, entry["msgid"]) if context else catalogue.gettext(entry["msgid"])
            assert found == entry["msgstr"], entry["msgid"]
