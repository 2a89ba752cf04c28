"""The app core: factory without globals, router discovery, problem+json mapping, deps, the
executor's structured API, the serve command."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from fastapi.testclient import TestClient
from rdflib import Literal, URIRef

import itukg.api.routers as routers_pkg
from itukg.api.app import create_app, discover_routers
from itukg.errors import QueryError, StoreError
from itukg.settings import Settings
from servers import KASEI, ROOT, LiveServer, settings_env, w3c_store  # noqa: F401

PLUGIN = textwrap.dedent(
    '''
    from typing import Annotated
    from fastapi import APIRouter, HTTPException, Query
    from itukg.api.deps import ExecutorDep, SettingsDep, StoreDep
    from itukg.errors import NotFound, QueryError

    router = APIRouter()
    ORDER = 10

    @router.get("/plugin/graphs")
    def graphs(store: StoreDep) -> list[str]:
        return store.graphs()

    @router.get("/plugin/types")
    async def types(executor: ExecutorDep, settings: SettingsDep, iri: str) -> dict:
        from rdflib import URIRef
        res = await executor.select("SELECT ?s ?t WHERE { ?s a ?t }", {"s": URIRef(iri)})
        return {"types": [str(r[1]) for r in res.rows], "base": settings.base_iri}

    @router.get("/plugin/notfound")
    def notfound() -> None:
        raise NotFound("no output 9.9 in this document", source="ACP-22A14-4.zh.txt", line=12)

    @router.get("/plugin/teapot")
    def teapot() -> None:
        raise HTTPException(418, "short and stout")

    @router.get("/plugin/typed")
    def typed(n: Annotated[int, Query(ge=1)]) -> dict:
        return {"n": n}

    @router.get("/plugin/boom")
    def boom() -> None:
        raise ZeroDivisionError("secret internals")
    '''
)


@pytest.fixture(scope="module")
def plugin_client(tmp_path_factory, w3c_store):  # noqa: F811
    d = tmp_path_factory.mktemp("routers")
    (d / "zz_test_plugin.py").write_text(PLUGIN)
    routers_pkg.__path__.append(str(d))
    try:
        app = create_app(Settings(store=w3c_store, query_workers=1))
        with TestClient(app, raise_server_exceptions=False) as client:
            yield client
    finally:
        routers_pkg.__path__.remove(str(d))
        sys.modules.pop("itukg.api.routers.zz_test_plugin", None)


def test_no_module_level_app() -> None:
    import itukg.api.app as m

    assert not any(type(v).__name__ == "FastAPI" for v in vars(m).values())
    assert not any(isinstance(v, Settings) for v in vars(m).values())


def test_router_discovery(plugin_client) -> None:
    names = [n for n, _ in discover_routers()]
    assert "sparql" in names and "zz_test_plugin" in names
    assert names.index("zz_test_plugin") < names.index("sparql")  # ORDER = 10 before 50
    r = plugin_client.get("/plugin/graphs")
    assert r.status_code == 200 and KASEI.format(1) in r.json()


def test_deps_and_structured_select(plugin_client) -> None:
    r = plugin_client.get("/plugin/types", params={"iri": KASEI.format(2)})
    assert r.json() == {"types": ["http://xmlns.com/foaf/0.1/Document"], "base": "https://w3id.org/itukg/"}


def test_problem_mapping(plugin_client) -> None:
    r = plugin_client.get("/plugin/notfound")
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    assert r.json() == {
        "type": "https://w3id.org/itukg/problem/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "ACP-22A14-4.zh.txt:12: no output 9.9 in this document",
        "instance": "/plugin/notfound",
        "source": "ACP-22A14-4.zh.txt",
        "line": 12,
    }
    r = plugin_client.get("/plugin/teapot")
    assert r.status_code == 418 and r.json()["title"] == "I'm a Teapot" and r.json()["type"] == "about:blank"
    r = plugin_client.get("/plugin/typed", params={"n": "0"})
    p = r.json()
    assert r.status_code == 422 and p["errors"][0]["loc"] == ["query", "n"] and "query.n" in p["detail"]
    r = plugin_client.get("/plugin/typed")
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    r = plugin_client.get("/plugin/boom")
    assert r.status_code == 500 and r.headers["content-type"] == "application/problem+json"
    assert "secret" not in r.text


def test_executor_api(w3c_store) -> None:  # noqa: F811
    app = create_app(Settings(store=w3c_store, query_workers=1))
    with TestClient(app) as client:
        ex = app.state.executor
        call = client.portal.call

        async def scenario():
            out = {}
            res = await ex.select(
                "SELECT ?s ?n WHERE { GRAPH <http://example.org/big> { ?s ?p ?n } }",
                {"n": Literal("7")},
            )
            out["select"] = res.rows
            out["ask"] = await ex.ask("ASK { ?s a ?t }", {"s": URIRef(KASEI.format(3))})
            out["construct"] = await ex.construct(f"DESCRIBE <{KASEI.format(1)}>")
            out["run"] = await ex.run("SELECT (1 AS ?x) {}", result_format="tsv")
            out["ds"] = await ex.select("SELECT ?s WHERE { ?s ?p ?o }", default_graph=[KASEI.format(2)])
            out["sizes"] = await ex.graph_sizes()
            for bad in ("ASK {}",):
                try:
                    await ex.select(bad)
                except QueryError as e:
                    out["not_select"] = str(e)
            try:
                await ex.run("SELECT * {}", result_format="turtle")
            except QueryError as e:
                out["wrong_format"] = str(e)
            return out

        out = call(scenario)
        assert out["select"] == [(URIRef("http://example.org/s7"), Literal("7"))]
        assert out["ask"] is True
        assert out["construct"] == [(URIRef(KASEI.format(1)), URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef("http://xmlns.com/foaf/0.1/Document"))]
        assert out["run"].kind == "select" and out["run"].body == b"?x\n1\n"
        assert out["run"].media_type.startswith("text/tab-separated-values")
        assert [str(r[0]) for r in out["ds"].rows] == [KASEI.format(2)]
        assert out["sizes"][KASEI.format(1)] == 1 and out["sizes"]["http://example.org/big"] == 200
        assert "SELECT" in out["not_select"]
        assert "turtle" in out["wrong_format"]


def test_missing_store_refuses_to_start(tmp_path) -> None:
    app = create_app(Settings(store=tmp_path / "nothing"))
    with pytest.raises(StoreError, match="no store"):
        with TestClient(app):
            pass


def test_serve_no_build_without_store(tmp_path) -> None:
    p = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "itukg"), "--store", str(tmp_path / "none"), "serve", "--no-build"],
        capture_output=True, text=True, timeout=60,
    )
    assert p.returncode == 2 and "run `itukg build` first" in p.stderr


def test_serve_command_serves(w3c_store) -> None:  # noqa: F811
    """`itukg serve` on an existing store answers a SPARQL query over real HTTP."""
    import httpx

    from servers import free_socket

    s = free_socket()
    port = s.getsockname()[1]
    s.close()
    env = settings_env(w3c_store)
    import os

    proc = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "itukg"), "serve", "--port", str(port), "--workers", "1", "--no-build",
         "--no-access-log", "--log-level", "warning"],
        env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        import time

        for _ in range(300):
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        assert r.status_code == 200 and r.json()["boolean"] is True
        assert httpx.get(f"http://127.0.0.1:{port}/health").json()["queryWorkers"] == 1
    finally:
        proc.terminate()
        proc.wait(20)
        out = proc.stdout.read().decode()
        proc.stdout.close()
    assert "itukg serve: http://127.0.0.1" in out


def test_serve_builds_and_audits_when_there_is_no_store(tmp_path) -> None:
    """`itukg serve` on an empty store directory builds the bundled corpus (and audits it when
    the audit module is installed), then serves it."""
    import importlib.util
    import os
    import time

    import httpx

    from servers import free_socket

    s = free_socket()
    port = s.getsockname()[1]
    s.close()
    store = tmp_path / "store"
    proc = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "itukg"), "--store", str(store), "serve", "--port", str(port),
         "--workers", "1", "--no-access-log", "--log-level", "warning"],
        env={k: v for k, v in os.environ.items() if not k.startswith("ITUKG_")},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        r = None
        for _ in range(1200):  # bounded: the build takes a few seconds
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/sparql", headers={"accept": "text/turtle"}, timeout=5)
                break
            except httpx.HTTPError:
                if proc.poll() is not None:
                    break
                time.sleep(0.1)
        assert r is not None and r.status_code == 200, proc.stdout.read().decode() if proc.poll() is not None else ""
        settings = Settings(store=store)
        assert f"<{settings.ontology_graph}>" in r.text and f"<{settings.reference_graph}>" in r.text
        if importlib.util.find_spec("itukg.graph.audit") is not None:
            assert f"<{settings.audit_graph}>" in r.text
    finally:
        proc.terminate()
        proc.wait(30)
        out = proc.stdout.read().decode()
        proc.stdout.close()
    assert "building it from" in out
