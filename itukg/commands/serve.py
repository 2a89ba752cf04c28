"""``itukg serve``: start the HTTP service (SPARQL endpoint, API, linked data) with uvicorn.

Builds the store first from the bundled corpus when there is none (``--no-build`` refuses
instead), runs the audit after such a build when the audit module is installed, checks the
settings (updates need a strong token) and serves ``itukg.api.app.create_app(settings)``.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys

from itukg.settings import Settings


def _store_exists(settings: Settings) -> bool:
    from itukg.graph.store import store_exists

    return store_exists(settings)


def build_if_missing(settings: Settings, *, out=sys.stderr) -> bool:
    """Build the store from the bundled corpus when there is none (and audit it when
    :mod:`itukg.graph.audit` exists). Returns True when it built. Raises the build's errors
    (:class:`itukg.errors.ItukgError`)."""
    if _store_exists(settings):
        return False
    from itukg.graph.build import build, bundled_corpus

    corpus = bundled_corpus()
    print(f"itukg serve: no store at {settings.store}; building it from {corpus}", file=out)
    report = build([corpus], settings)
    print(
        f"itukg serve: built {len(report.documents)} document(s), {report.total_triples} triples",
        file=out,
    )
    if importlib.util.find_spec("itukg.graph.audit") is not None:
        import itukg.graph.audit as audit

        run_audit = getattr(audit, "run_audit", None)
        if run_audit is not None:
            from itukg.graph.store import open_store

            store = open_store(settings, read_only=False)
            try:
                result = run_audit(store, settings)
            except BaseException:
                abort = getattr(store, "abort", None)
                (abort or store.close)()
                raise
            store.close()
            print(f"itukg serve: audit done ({_summary(result)})", file=out)
    return True


def _summary(result: object) -> str:
    for attr in ("conforms",):
        if hasattr(result, attr):
            return f"conforms: {getattr(result, attr)}"
    if isinstance(result, dict) and "conforms" in result:
        return f"conforms: {result['conforms']}"
    return "report in the audit graph"


def run(args: argparse.Namespace, settings: Settings) -> int:
    updates = {}
    if args.serve_store is not None:
        updates["store"] = args.serve_store
    if args.host is not None:
        updates["host"] = args.host
    if args.port is not None:
        updates["port"] = args.port
    if args.workers is not None:
        updates["query_workers"] = args.workers
    if args.timeout is not None:
        updates["query_timeout"] = args.timeout
    if updates:
        settings = Settings.model_validate({**settings.model_dump(), **updates})
    try:
        settings.check_for_serving()
    except ValueError as exc:
        print(f"itukg serve: refusing to start: {exc}", file=sys.stderr)
        return 2
    if not _store_exists(settings):
        if not args.build:
            print(f"itukg serve: no store at {settings.store}; run `itukg build` first", file=sys.stderr)
            return 2
        build_if_missing(settings)

    from itukg.graph.store.processes import prespawn

    prespawn(settings.query_workers)  # they import while the app does (decision 0185)

    import uvicorn

    from itukg.api.app import create_app
    from itukg.api.edges import http_protocol

    app = create_app(settings)
    print(
        f"itukg serve: http://{settings.host}:{settings.port}/sparql "
        f"(store {settings.store}, {settings.query_workers} query workers, "
        f"deadline {settings.query_timeout:g} s, updates {'ON' if settings.allow_updates else 'off'})",
        file=sys.stderr,
    )
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=args.log_level,
        access_log=args.access_log,
        proxy_headers=False,  # the client behind a proxy: ITUKG_TRUSTED_PROXIES (api/limits.py)
        server_header=False,
        # the server's own errors (unparsable requests, long URLs, big headers) as problem+json
        http=http_protocol(settings.max_url_bytes, settings.max_header_bytes),
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "serve",
        help="serve the SPARQL endpoint, API and linked data over HTTP",
        description="Start the HTTP service with uvicorn on the built store (building it from the "
        "bundled corpus first when there is none). Read-only unless ITUKG_ALLOW_UPDATES=true "
        "(then ITUKG_UPDATE_TOKEN must be a strong token). Stop with Ctrl-C.",
    )
    p.add_argument("--host", default=None, help="interface to bind (default: $ITUKG_HOST or 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port (default: $ITUKG_PORT or 8000)")
    p.add_argument("--store", dest="serve_store", default=None, help="store directory (same as the global --store)")
    p.add_argument(
        "--workers", type=int, default=None,
        help="query worker processes (default: $ITUKG_QUERY_WORKERS or 2)",
    )
    p.add_argument("--timeout", type=float, default=None, help="per-query deadline in seconds (default 30)")
    p.add_argument(
        "--build-if-missing", dest="build", action="store_true", default=True,
        help="build the store from the bundled corpus when there is none (the default)",
    )
    p.add_argument("--no-build", dest="build", action="store_false", help="fail instead of building")
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    p.add_argument("--no-access-log", dest="access_log", action="store_false", help="no per-request log lines")
    p.set_defaults(func=run)
