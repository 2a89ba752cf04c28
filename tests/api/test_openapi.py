"""The API described and explained by the service itself (issue 14, decisions 0141-0142):
the OpenAPI document lists the parameters of ``/sparql`` and of each named query (whose
examples run as they are), every error is declared as problem+json, every problem type
resolves to a page and JSON, and the vendored browser files are served with their media type
and the hashes ``tools/vendor.py`` recorded."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from itukg.api.app import create_app
from itukg.api.problems import PROBLEM_TYPE_BASE, _subclasses, problem_type, problem_types
from itukg.errors import ItukgError
from itukg.graph.reads.named import named_queries
from itukg.settings import DEFAULT_BASE_IRI, Settings
from traceability_fixtures import api_client, audited_corpus  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "api" / "static" / "vendor"
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> TestClient:
    """The app without its lifespan: documents, problem pages and static files need no store."""
    return TestClient(create_app(Settings(store=tmp_path_factory.mktemp("nostore") / "store")))


@pytest.fixture(scope="module")
def doc(client) -> dict:
    r = client.get("/openapi.json")
    assert r.status_code == 200
    return r.json()


def _params(op: dict) -> dict[str, dict]:
    return {p["name"]: p for p in op.get("parameters", [])}


def test_sparql_get_and_post_declare_the_protocol(doc):
    get = doc["paths"]["/sparql"]["get"]
    params = _params(get)
    assert {"query", "default-graph-uri", "named-graph-uri", "format"} <= set(params)
    assert "SELECT" in params["query"]["example"] and "PREFIX ikg:" in params["query"]["example"]
    assert params["default-graph-uri"]["schema"]["type"] == "array"
    post = doc["paths"]["/sparql"]["post"]
    content = post["requestBody"]["content"]
    assert set(content) == {"application/x-www-form-urlencoded", "application/sparql-query",
                            "application/sparql-update"}
    form = content["application/x-www-form-urlencoded"]["schema"]["properties"]
    assert {"query", "update", "default-graph-uri", "named-graph-uri"} <= set(form)
    assert "text/csv" in get["responses"]["200"]["content"]


def test_each_named_query_has_its_own_typed_parameters(doc):
    queries = named_queries(DEFAULT_BASE_IRI)
    assert queries
    for name, q in queries.items():
        op = doc["paths"][f"/api/queries/{name}"]["get"]
        params = _params(op)
        assert set(params) == {p.name for p in q.params} | {"format"}, name
        for p in q.params:
            declared = params[p.name]
            assert declared["required"] == p.required and declared["example"] == p.example
            assert p.type in declared["description"]
            assert declared["schema"]["type"] == ("integer" if p.type == "integer" else "string")
        assert op["summary"] == q.summary
    assert len({op["get"]["operationId"] for path, op in doc["paths"].items()
                if path.startswith("/api/queries/") and "{" not in path}) == len(queries)


def test_every_error_response_is_problem_json(doc):
    assert doc["components"]["schemas"]["Problem"]["required"] == ["type", "title", "status"]
    seen = 0
    for path, item in doc["paths"].items():
        for method, op in item.items():
            for code, resp in op["responses"].items():
                if code[0] in "45":
                    seen += 1
                    assert resp["content"] == {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}, (path, method, code)
            assert "500" in op["responses"], (path, method)
    assert seen > 20


def test_named_query_examples_run_as_declared(api_client, doc):  # noqa: F811
    """What "Try it out" sends with the examples: every named query answers."""
    for path, item in doc["paths"].items():
        if not path.startswith("/api/queries/") or "{" in path:
            continue
        params = {p["name"]: p["example"] for p in item["get"]["parameters"] if "example" in p}
        r = api_client.get(path, params=params, headers={"accept": "application/sparql-results+json"})
        assert r.status_code == 200, (path, r.text[:300])
        assert "results" in r.json()


def test_every_problem_type_resolves(client):
    types = problem_types()
    for cls in [ItukgError, *_subclasses(ItukgError)]:
        if cls.__name__.startswith("_"):
            continue  # a private base: never raised as itself
        assert problem_type(cls).removeprefix(PROBLEM_TYPE_BASE) in types
    for slug, t in types.items():
        r = client.get(f"/problem/{slug}", headers={"accept": "application/json"})
        assert r.status_code == 200 and r.json()["status"] == t.status and r.json()["title"] == t.title
        page = client.get(f"/problem/{slug}", headers={"accept": "text/html"})
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert f"<h1>{t.title}</h1>" in page.text and t.description.split()[0] in page.text
    index = client.get("/problem", headers={"accept": "text/html"}).text
    assert all(f'href="/problem/{slug}"' in index for slug in types)
    r = client.get("/problem/no-such-thing")
    assert r.status_code == 404 and r.headers["content-type"] == PROBLEM


def test_a_real_error_links_to_its_explanation(api_client):  # noqa: F811
    r = api_client.get("/sparql", params={"query": "SELECT WHERE {"},
                       headers={"accept": "application/sparql-results+json"})
    assert r.status_code == 400 and r.headers["content-type"] == PROBLEM
    slug = r.json()["type"].removeprefix(PROBLEM_TYPE_BASE)
    assert api_client.get(f"/problem/{slug}").json()["title"] == r.json()["title"]


def test_vendored_files_are_served_as_recorded(client):
    manifest = json.loads((VENDOR / "VENDOR.json").read_text(encoding="utf-8"))
    assert {"yasgui", "swagger-ui", "redoc"} <= set(manifest)
    media = {".js": "text/javascript", ".css": "text/css", ".txt": "text/plain"}
    for folder, record in manifest.items():
        assert any(n.startswith("LICENSE") for n in record["files"]), folder
        for name, digest in record["files"].items():
            r = client.get(f"/static/vendor/{folder}/{name}")
            assert r.status_code == 200, name
            assert hashlib.sha256(r.content).hexdigest() == digest
            want = media.get(Path(name).suffix)
            if want:
                assert r.headers["content-type"].split(";")[0] == want, name
    for bad in ("/static/vendor/../../app.py", "/static/vendor/yasgui/package.json",
                "/static/vendor/%2e%2e/style.css"):
        r = client.get(bad)
        assert r.status_code == 404 and r.headers["content-type"] == PROBLEM, bad
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "vendor.py"), "--check"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("path,asset", [("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")])
def test_docs_pages_load_nothing_from_the_network(client, path, asset):
    html = client.get(path).text
    urls = re.findall(r'(?:src|href)=["\']([^"\']+)', html) + re.findall(r"url: *['\"]([^'\"]+)", html)
    assert any(u.endswith(asset) for u in urls)
    assert urls and all(u.startswith("/") for u in urls), urls
    assert "fonts.googleapis" not in html and "cdn.jsdelivr" not in html
    for u in urls:
        assert client.get(u).status_code == 200, u


def test_editor_terms_come_from_the_prefix_map_and_the_ontology(client):
    from itukg.graph.ontology import PREFIXES

    body = client.get("/api/editor/terms").json()
    assert body["prefixes"] == PREFIXES
    names = {t["name"]: t for t in body["terms"]}
    assert names["ikg:Output"]["kind"] == "class"
    assert names["ikg:servesTarget"]["kind"] == "property"
    assert all(t["iri"] == PREFIXES[t["name"].split(":")[0]] + t["name"].split(":", 1)[1] for t in body["terms"])
