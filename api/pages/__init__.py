"""Pages for people: home, coverage heatmaps, trace diagrams, audit, resources, source, query.

Layout (thin routes, logic here):

- :mod:`.i18n` — how a request picks its language, and its translator (catalogues: ``itukg.messages``);
- :mod:`.text` — language-tagged text and label choice;
- :mod:`.data` — the graph reads the pages need (SPARQL with bound values, never pasted);
- :mod:`.svg` — pictures drawn from the graph at request time (server-side SVG);
- :mod:`.render` — the page context and rendering (the one Jinja environment: ``itukg.templating``);
- ``itukg.api.routers.pages`` — the routes.

Everything a page needs is served by the service itself: no asset comes from the network.
"""
