"""The W3C SPARQL 1.1 Protocol cases and the client libraries against the service in front of
each backend (embedded, Oxigraph server, Virtuoso): the service answers the same protocol
whatever holds the graph. The cases and client checks are those of tests/api, run here on the
``backend`` fixture."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import httpx
import pytest

from servers import LiveServer, load_w3c, settings_env, w3c_cases, w3c_store  # noqa: F401

HERE = Path(__file__).resolve().parent


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"itukg_remote_{name}", HERE.parent / "api" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


PROTOCOL = _module("test_protocol_w3c")
CLIENTS = _module("test_clients")
CASES = w3c_cases()


@pytest.fixture(scope="module")
def live_backend(backend, sparql_servers, w3c_store):  # noqa: F811
    """The service on the W3C graphs held by ``backend``."""
    if backend == "embedded":
        env = settings_env(w3c_store, query_timeout=5)
    else:
        server = sparql_servers(backend, "w3c")
        load_w3c(server.settings())
        env = {**settings_env(server.url, query_timeout=5), **server.env()}
    with LiveServer(env) as live:
        yield live


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_w3c_case_on_each_backend(case: dict, live_backend) -> None:
    with httpx.Client(timeout=30) as client:
        PROTOCOL._run_case(case, live_backend.url, client.send)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_on_each_backend(live_backend, method) -> None:
    CLIENTS.test_sparqlwrapper(live_backend, method)
    CLIENTS.test_sparqlwrapper_errors(live_backend)


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_rdflib_sparqlstore_on_each_backend(live_backend, fmt) -> None:
    CLIENTS.test_rdflib_sparqlstore(live_backend, "POST", fmt)
