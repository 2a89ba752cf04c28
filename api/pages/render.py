"""The Jinja environment of the pages and the per-request page context.

:class:`PageContext` bundles what every page needs: the interface language (and the links that
switch it), the translator (messages from the catalogues), the graph reads
(:class:`~itukg.graph.reads.views.PageData`, whose queries run through the service's query
executor: deadline, size caps, no network) and rendering.

Handlers are plain ``def`` functions (FastAPI runs them in its threadpool); the executor is
async, so the reads go through :class:`itukg.graph.reads.runner.ThreadStore`, which hands each
query to the event loop and waits for it.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, pass_context
from markupsafe import Markup, escape

from itukg.graph.reads.text import Text
from itukg.graph.reads.views import PageData
from itukg.messages import language_name
from itukg.settings import Settings
from itukg.templating import environment as shared_environment

from .i18n import COOKIE, LANGS, Translator, pick_lang

STATIC = Path(__file__).resolve().parent.parent / "static"



def _tx(ctx: Any, value: Any) -> Markup:
    """Render a :class:`Text` (or anything) escaped; text in another language than the page's
    goes through the ``other_language`` macro (``lang``, bidi isolation, a visible ``[xx]``)."""
    if value is None:
        return Markup("")
    if isinstance(value, Text):
        short = value.short_lang
        if short and short != ctx.get("lang"):
            # a fallback label: marked visibly by the macro (docs/pages.md, languages)
            mark = ctx.environment.get_template("macros.html").module.other_language
            return Markup(mark(value.value, short, language_name(short)))
        return escape(value.value)
    return escape(str(value))


def environment() -> Environment:
    """The project's one Jinja environment (:mod:`itukg.templating`) with the pages' filter."""
    env = shared_environment()
    env.filters["tx"] = pass_context(_tx)  # idempotent: the same function every call
    return env


def static_version() -> str:
    """A short fingerprint of the static files, appended to their URLs so a browser never
    keeps a stale stylesheet after an upgrade."""
    import hashlib

    h = hashlib.sha1()
    for p in sorted(STATIC.glob("*")):
        if not p.is_file():
            continue  # vendor/: pinned versions, recorded in vendor/VENDOR.json
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:10]


class PageContext:
    """Everything one page request needs. Raises nothing on construction."""

    def __init__(self, request: Request, settings: Settings, store: Any):
        self.request = request
        self.settings = settings
        self.lang = pick_lang(request.query_params, request.cookies, request.headers.get("accept-language"))
        self.t = Translator(self.lang)
        self.data = PageData(store, settings.base_iri, self.lang)

    def url(self, path: str, **params: Any) -> str:
        """``path`` with the non-empty ``params`` as a query string."""
        q = [(k, v) for k, v in params.items() if v not in (None, "", [])]
        return path + ("?" + urlencode(q, doseq=True) if q else "")

    def lang_url(self, lang: str) -> str:
        items = [(k, v) for k, v in self.request.query_params.multi_items() if k != "lang"]
        items.append(("lang", lang))
        return self.request.url.path + "?" + urlencode(items)

    def render(self, template: str, *, status: int = 200, active: str = "", **ctx: Any) -> HTMLResponse:
        env = environment()
        html = env.get_template(template).render(
            **self.t.template_globals(), active=active, data=self.data, href=self.data.href,
            lang_urls={lg: self.lang_url(lg) for lg in LANGS}, url=self.url,
            static_v=_static_v(), path=self.request.url.path, **ctx,
        )
        return self.finish(HTMLResponse(html, status_code=status))

    def finish(self, resp: HTMLResponse) -> HTMLResponse:
        """Language headers, and the cookie that remembers a language picked with ``?lang=``."""
        resp.headers["Content-Language"] = self.lang
        resp.headers["Vary"] = "Accept, Accept-Language, Cookie"
        if self.request.query_params.get("lang") in LANGS:
            resp.set_cookie(COOKIE, self.lang, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
        return resp


@functools.lru_cache(maxsize=1)
def _static_v() -> str:
    return static_version()
