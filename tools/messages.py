"""Extract the interface messages and merge them into the catalogues.

    python tools/messages.py            # write itukg/messages/itukg.pot, update every catalogue
    python tools/messages.py --init fr  # start a catalogue for a new interface language

Then translate the new or changed (``#, fuzzy``) entries of each ``.po`` with any PO editor;
``tests/pages/test_catalogues.py`` names what is still missing. The same as pybabel:
``pybabel extract -F babel.cfg -k N_ -o itukg/messages/itukg.pot .`` then
``pybabel update -i itukg/messages/itukg.pot -d itukg/messages -D itukg``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from babel.messages.catalog import Catalog  # noqa: E402
from babel.messages.pofile import read_po, write_po  # noqa: E402

from itukg.messages import DOMAIN, HERE, catalogue_path, languages  # noqa: E402
from itukg.messages.extract import extract  # noqa: E402


def _entries(catalog: Catalog) -> list[tuple]:
    return [(m.id, m.context, m.locations) for m in catalog if m.id]


def _write(catalog: Catalog, path: Path) -> None:
    catalog.project, catalog.version = "itukg", "0.1"
    catalog.copyright_holder, catalog.msgid_bugs_address = "the itukg authors", ""
    catalog.fuzzy = False  # the header: gettext tools would otherwise ignore it
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, sort_output=False, omit_header=False)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--init", metavar="LANG", help="create the catalogue of a new language")
    args = ap.parse_args(argv)
    template = extract()
    pot = HERE / f"{DOMAIN}.pot"
    if pot.exists():  # same messages as before: keep the date, so that a rerun changes nothing
        with pot.open("rb") as fh:
            before = read_po(fh, domain=DOMAIN)
        if _entries(before) == _entries(template):
            template.creation_date = before.creation_date
    _write(template, pot)
    langs = list(languages()) + ([args.init] if args.init and args.init not in languages() else [])
    for lang in langs:
        path = catalogue_path(lang)
        if path.exists():
            with path.open("rb") as fh:
                catalog = read_po(fh, locale=lang, domain=DOMAIN)
        else:
            catalog = Catalog(locale=lang, domain=DOMAIN, project="itukg")
        catalog.update(template, no_fuzzy_matching=True)
        _write(catalog, path)
        missing = sum(1 for m in catalog if m.id and not all(m.string if isinstance(m.string, tuple) else [m.string]))
        print(f"{path.relative_to(HERE.parent)}: {len(catalog)} messages, {missing} untranslated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
