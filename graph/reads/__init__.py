"""Store → answers: the one read layer shared by the JSON API, the pages and the CLI.

Every question is a ``.rq`` file (decision 0085): the public named queries in ``queries/*.rq``
(:mod:`.named`, parameter types in :mod:`.params`), the readers' own in ``queries/reads/**``
(:func:`.sparql.read_query`). The readers:

* :mod:`.trace`: ``/api/outputs``, ``/api/sdg``, ``/api/resolutions`` (JSON models in :mod:`.models`);
* :mod:`.coverage`: mandate and SDG coverage (``itukg coverage``, ``/api/coverage``, the pages);
* :mod:`.findings`: the audit graph (``/api/audit``, the audit page);
* :mod:`.linked_data`, :mod:`.void`: resource descriptions and the dataset description;
* :mod:`.views`: what the pages show (:class:`~.views.PageData` and the view models).

They run their queries through :mod:`.runner` (the service's executor, or a plain store), sort
codes with :func:`.codes.code_key` and share :mod:`.common` (terms, documents, provenance).
"""
