"""The ``/diff`` page: two documents side by side, the changes highlighted, each side linking
to its lines on the source view (``/source/{slug}#L{n}``)."""

from __future__ import annotations

from fastapi.responses import HTMLResponse

from itukg.errors import ItukgError
from itukg.graph.reads.diff import diff, documents
from itukg.graph.reads.diff.render import rows
from .render import PageContext


def diff_page(ctx: PageContext, from_: str, to: str) -> HTMLResponse:
    """The page; with no documents given, a form to pick two. A 404 or 422 page (saying what
    was wrong) for an unknown or ambiguous document; raises what the store raises."""
    docs = documents(ctx.data.store)
    if not from_ and not to:
        return ctx.render("diff.html", active="diff", docs=docs, result=None, rows=[],
                          from_=from_, to=to)
    try:
        data = diff(ctx.data.store, ctx.settings, from_, to)
    except ItukgError as exc:
        if exc.status not in (404, 422):
            raise
        return ctx.render("diff.html", status=exc.status, active="diff", docs=docs, result=None,
                          rows=[], from_=from_, to=to, error=exc.message)
    return ctx.render("diff.html", active="diff", docs=docs, result=data, rows=rows(data),
                      from_=from_, to=to,
                      json_url=ctx.url("/api/diff", **{"from": from_, "to": to}),
                      csv_url=ctx.url("/api/diff", **{"from": from_, "to": to, "format": "csv"}))
