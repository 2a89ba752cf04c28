"""The one Jinja environment every HTML of the project is rendered with (``api/templates``):
the pages, the linked-data views and the audit's HTML report.

Importable without the web app (``itukg audit --format html`` renders through it with no
server running). Messages come from the gettext catalogues (:mod:`itukg.messages`) through
Jinja's i18n extension: the caller passes the callables of one language in the render context
(``Translator.template_globals()`` in :mod:`itukg.api.pages.i18n`), so the environment itself
holds no language and is shared by all requests.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

# Found through the package spec, not by path arithmetic: `itukg.api` is the `api` folder
# (pyproject.toml maps it), wherever it is installed; the spec does not import the web app.
TEMPLATES = Path(importlib.util.find_spec("itukg.api").origin).parent / "templates"  # type: ignore[union-attr, arg-type]


@functools.lru_cache(maxsize=1)
def environment() -> Environment:
    """The shared environment (created once). Raises nothing; a missing template raises
    ``jinja2.TemplateNotFound`` when it is asked for."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html", "svg"]),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # English until a render passes a language's callables; new-style: %(name)s formatting
    # with the values escaped.
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    return env
