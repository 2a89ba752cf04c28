"""``itukg serve``: start the HTTP service (SPARQL endpoint, API, linked data) with uvicorn.

In order, so that nothing slow happens before a check that can fail (decision 0146): checks the
settings (updates need a strong token) and that the address can be bound (a taken port is exit
2 with the address, before any build; ``--check-port`` stops there), builds the store from the
bundled corpus when there is none (``--no-build`` refuses instead), audits a store that holds no
audit report (so ``/api/audit`` and ``/audit`` always have one), prints where the pages and the
SPARQL endpoint are, and serves ``itukg.api.app.create_app(settings)``.
"""

from __future__ import annotations

import argparse
import errno
import importlib.util
import socket
import sys

from itukg.settings import Settings


def _store_exists(settings: Settings) -> bool:
    from itukg.graph.store import store_exists

    return store_exists(settings)


def check_port(host: str, port: int) -> str | None:
    """``None`` when ``host:port`` can be bound now, else why not (``address already in use``).
    The socket is closed at once; uvicorn binds it again with ``SO_REUSEADDR``, as here, so a
    port left in TIME_WAIT by a stopped server is not reported taken. Raises nothing."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError as exc:
        return f"cannot resolve host {host!r}: {exc.strerror or exc}"
    family, kind, proto, _, addr = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(addr)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return "address already in use (another server is listening there; pick another PORT)"
            return exc.strerror or str(exc)
    return None


def audit_if_missing(settings: Settings, *, out=sys.stderr) -> bool:
    """Audit the store when it holds documents but no audit report (built with ``itukg build``
    alone), so the service never answers "no audit". A store of loaded files only has nothing
    to audit and is left alone. Returns True when it audited. Raises the audit's errors
    (:class:`itukg.errors.ItukgError`); a failed audit leaves the store as it was."""
    from itukg.graph.store import open_store

    store = open_store(settings, read_only=True)
    try:
        graphs = store.graphs()
    finally:
        store.close()
    documents = settings.document_graph("")
    if settings.audit_graph in graphs or not any(g.startswith(documents) for g in graphs):
        return False
    print("itukg serve: the store has no audit report; auditing it first (itukg audit)", file=out)
    _audit(settings, out)
    return True


def _audit(settings: Settings, out) -> None:
    import itukg.graph.audit as audit
    from itukg.graph.store import open_store

    store = open_store(settings, read_only=False)
    try:
        result = audit.run_audit(store, settings)
    except BaseException:
        abort = getattr(store, "abort", None)
        (abort or store.close)()
        raise
    store.close()
    print(f"itukg serve: audit done ({_summary(result)}); report in the graph <{settings.audit_graph}>",
          file=out)


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
        _audit(settings, out)
    return True


def _summary(result: object) -> str:
    for attr in ("conforms",):
        if hasattr(result, attr):
            return f"conforms: {getattr(result, attr)}"
    if isinstance(result, dict) and "conforms" in result:
        return f"conforms: {result['conforms']}"
    return "report in the audit graph"


def run(args: argparse.Namespace, settings: Settings) -> int:
    settings = _with_options(args, settings)
    try:
        settings.check_for_serving()
    except ValueError as exc:
        print(f"itukg serve: refusing to start: {exc}", file=sys.stderr)
        return 2
    taken = check_port(settings.host, settings.port)
    if taken:
        print(f"itukg serve: cannot listen on {settings.host}:{settings.port}: {taken}", file=sys.stderr)
        return 2
    if args.check_port:
        print(f"itukg serve: {settings.host}:{settings.port} is free", file=sys.stderr)
        return 0
    if not _store_exists(settings):
        if not args.build:
            print(f"itukg serve: no store at {settings.store}; run `itukg build` first", file=sys.stderr)
            return 2
        build_if_missing(settings)
    elif args.audit:
        audit_if_missing(settings)
    return _serve(args, settings)


def _with_options(args: argparse.Namespace, settings: Settings) -> Settings:
    """The settings with the command line's options over the environment's."""
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
    return settings


def addresses(settings: Settings) -> list[str]:
    """The lines that say where the service is: the pages, the SPARQL endpoint, the API docs.
    A wildcard bind address is shown as the loopback name a browser on this machine can open."""
    host = settings.host
    shown = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}.get(host, host)
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    root = f"http://{shown}:{settings.port}"
    return [f"itukg serve: {root}/ pages for people",
            f"itukg serve: {root}/sparql SPARQL endpoint",
            f"itukg serve: {root}/docs API documentation"]


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from itukg.graph.store.processes import prespawn

    prespawn(settings.query_workers)  # they import while the app does (decision 0185)

    import uvicorn

    from itukg.api.app import create_app
    from itukg.api.edges import http_protocol

    app = create_app(settings)
    for line in addresses(settings):
        print(line, file=sys.stderr)
    print(
        f"itukg serve: store {settings.store}, {settings.query_workers} query workers, "
        f"deadline {settings.query_timeout:g} s, updates {'ON' if settings.allow_updates else 'off'}",
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
    p.add_argument("--no-audit", dest="audit", action="store_false", default=True,
                   help="serve a store that holds no audit report as it is (default: audit it first)")
    p.add_argument("--check-port", action="store_true",
                   help="only check that HOST:PORT can be bound (exit 0), or say why not (exit 2)")
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    p.add_argument("--no-access-log", dest="access_log", action="store_false", help="no per-request log lines")
    p.set_defaults(func=run)
