"""Pages for people: home, coverage heatmaps, trace diagrams, audit, resources, source, query.

Layout (thin routes, logic here):

- :mod:`.i18n` — interface words in English and Chinese, and how a request picks its language;
- :mod:`.text` — language-tagged text and label choice;
- :mod:`.data` — the graph reads the pages need (SPARQL with bound values, never pasted);
- :mod:`.svg` — pictures drawn from the graph at request time (server-side SVG);
- :mod:`.render` — the Jinja environment and the resource HTML view other routers call;
- ``itukg.api.routers.pages`` — the routes.

Everything a page needs is served by the service itself: no asset comes from the network.
"""
