"""The HTML view of a resource (linked-data IRIs, named graphs, the ontology, the VoID
description): ONE template function, :func:`render_resource`, so the pages can restyle it in one
place. Self-contained: inline CSS, no script, no asset from the network; text keeps its
language (``lang`` attributes) so Chinese inside an English page is marked as such.
"""

from __future__ import annotations

from jinja2 import Environment, select_autoescape

from itukg.graph.reads.linked_data import ResourceView

_TEMPLATE = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} · itukg</title>
{% for name, href, media in view.alternates %}<link rel="alternate" type="{{ media }}" href="{{ href }}" title="{{ name }}">
{% endfor %}<style>
body{font-family:system-ui,"Noto Sans CJK SC","Noto Sans",sans-serif;max-width:72rem;margin:0 auto;padding:1rem;line-height:1.45;color:#1b1b1b}
header p{margin:.2rem 0;color:#555;word-break:break-all}
h1{font-size:1.5rem;margin:.2rem 0}
h2{font-size:1.1rem;margin-top:1.6rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:.3rem .5rem;border-bottom:1px solid #eee}
th{width:14rem;font-weight:600;color:#333}
ul{margin:0;padding-left:1.1rem}
.lang{font-size:.75rem;color:#777;margin-left:.3rem}
.dt{font-size:.75rem;color:#777}
.src{font-family:ui-monospace,monospace;white-space:pre-wrap;background:#f6f6f6;padding:.2rem .4rem}
nav a{margin-right:.8rem}
a{color:#0b5cad}
@media (max-width:40rem){th{width:auto;display:block}td{display:block}}
</style>
</head>
<body>
<header>
<nav aria-label="formats">{% for name, href, media in view.alternates %}<a href="{{ href }}" type="{{ media }}">{{ name }}</a>{% endfor %}</nav>
<h1>{% if view.labels %}{% for l in view.labels[:2] %}<span{% if l.lang %} lang="{{ l.lang }}"{% endif %}>{{ l.text }}</span>{% if not loop.last %} · {% endif %}{% endfor %}{% else %}{{ short }}{% endif %}</h1>
<p><code>{{ view.iri }}</code></p>
{% if view.types %}<p>{% for t in view.types %}<a href="{{ t.href }}">{{ t.label or t.text }}</a>{% if not loop.last %}, {% endif %}{% endfor %}</p>{% endif %}
{% if view.note %}<p>{{ view.note }}</p>{% endif %}
</header>
<main>
{% if view.labels|length > 2 %}<h2>Labels</h2><ul>{% for l in view.labels %}<li{% if l.lang %} lang="{{ l.lang }}"{% endif %}>{{ l.text }}{% if l.lang %}<span class="lang">@{{ l.lang }}</span>{% endif %}</li>{% endfor %}</ul>{% endif %}
{% macro values(vals) %}{% if vals|length == 1 %}{{ value(vals[0]) }}{% else %}<ul>{% for v in vals %}<li>{{ value(v) }}</li>{% endfor %}</ul>{% endif %}{% endmacro %}
{% macro value(v) %}{% if v.iri %}<a href="{{ v.href }}">{{ v.label or v.text }}</a>{% if v.label %} <span class="dt">{{ v.text }}</span>{% endif %}{% else %}<span{% if v.lang %} lang="{{ v.lang }}"{% endif %}>{{ v.text }}</span>{% if v.lang %}<span class="lang">@{{ v.lang }}</span>{% elif v.datatype %} <span class="dt">{{ v.datatype }}</span>{% endif %}{% endif %}{% endmacro %}
{% if view.properties %}<h2>Properties</h2>
<table>{% for row in view.properties %}<tr><th scope="row"><a href="{{ row.predicate_href }}">{{ row.predicate_label }}</a></th><td>{{ values(row.values) }}</td></tr>{% endfor %}</table>{% endif %}
{% if view.incoming %}<h2>Links to this resource</h2>
<table>{% for row in view.incoming %}<tr><th scope="row"><a href="{{ row.predicate_href }}">{{ row.predicate_label }}</a> of</th><td>{{ values(row.values) }}</td></tr>{% endfor %}</table>{% endif %}
{% if view.provenance %}<h2>Provenance</h2>
<table><tr><th scope="col">statement</th><th scope="col">source line</th></tr>
{% for p in view.provenance %}<tr><td>{% if p.what %}{{ p.what }} {% if p.target %}{{ value(p.target) }}{% endif %}{% if p.as_written %} <span class="dt">as written: “{{ p.as_written }}”</span>{% endif %}{% else %}this resource{% endif %}</td>
<td><a href="{{ p.href }}">line {{ p.line }}</a>{% if p.section %} <span class="dt">{{ p.section }}</span>{% endif %}<div class="src">{{ p.text }}</div></td></tr>
{% endfor %}</table>{% endif %}
</main>
<footer><p><a href="/void">Dataset description</a> · <a href="/sparql">SPARQL endpoint</a> · <a href="/api/queries">Named queries</a> · <a href="/docs">API</a></p></footer>
</body>
</html>
"""

_ENV = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
_PAGE = _ENV.from_string(_TEMPLATE)


def render_resource(view: ResourceView, *, lang: str = "en") -> str:
    """The HTML page of ``view``. Raises nothing (all text is escaped)."""
    # pages (issue 5): restyled in the site's layout by the pages' template; the
    # self-contained template above stays as the fallback if the pages package is absent.
    try:
        from itukg.api.pages.resource import render_view
    except ImportError:  # pragma: no cover
        pass
    else:
        return render_view(view, lang=lang)
    short = view.iri.rstrip("/").rsplit("/", 1)[-1]
    first = view.labels[0].text if view.labels else short
    return _PAGE.render(view=view, lang=lang, title=first, short=short)
