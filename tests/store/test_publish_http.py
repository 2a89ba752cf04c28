"""``/snapshots/``: the service serves the latest published snapshot (``ITUKG_PUBLISH_DIR``),
a new one as soon as it is published, and 404 problem+json when there is none."""

from __future__ import annotations

import gzip
import hashlib

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef

from itukg.api.app import create_app
from itukg.graph.publish import publish
from itukg.graph.store import open_store
from itukg.settings import Settings


@pytest.fixture()
def served(tmp_path, build_corpus):
    settings = build_corpus(tmp_path)
    pub = tmp_path / "pub"
    settings = Settings.model_validate({**settings.model_dump(), "publish_dir": pub,
                                        "query_workers": 1})
    with TestClient(create_app(settings)) as client:
        yield settings, pub, client


def test_nothing_published_is_a_404_problem(served, tmp_path, build_corpus):
    settings, pub, client = served
    r = client.get("/snapshots/latest")
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
    assert "nothing has been published" in r.json()["detail"]
    plain = Settings.model_validate({**settings.model_dump(), "publish_dir": None})
    with TestClient(create_app(plain)) as other:
        r = other.get("/snapshots/")
        assert r.status_code == 404 and "ITUKG_PUBLISH_DIR" in r.json()["detail"]


def test_latest_dump_and_description_follow_each_publish(served):
    settings, pub, client = served
    v1 = publish(settings, pub, service_url="http://testserver").snapshot
    r = client.get("/snapshots/latest")
    assert r.status_code == 200 and r.headers["content-type"] == "application/gzip"
    assert hashlib.sha256(r.content).hexdigest() == v1.manifest["dump"]["sha256"]
    assert r.headers["etag"] == f'"{v1.manifest["dump"]["sha256"]}"'
    assert b"<" + settings.reference_graph.encode() + b"> ." in gzip.decompress(r.content)
    d = client.get("/snapshots/")
    assert d.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=d.text, format="turtle")
    assert (URIRef(v1.manifest["iri"]), None, None) in g
    with open_store(settings) as s:
        s.load(b'<http://example.org/a> <http://example.org/p> "x" .\n', "ntriples",
               settings.file_graph("extra.nt"))
    v2 = publish(settings, pub, service_url="http://testserver").snapshot
    r2 = client.get("/snapshots/latest", headers={"If-None-Match": r.headers["etag"]})
    assert r2.status_code == 200 and r2.headers["x-itukg-snapshot"] == v2.name
    assert client.get("/snapshots/latest", headers={"If-None-Match": r2.headers["etag"]}).status_code == 304
    changes = client.get("/snapshots/latest/snapshot.json").json()["changes"]
    assert changes["previous"] == v1.name and changes["added"] == 1
    # the previous version stays reachable, cached as immutable; the download URL in the
    # description is the one served
    old = client.get(f"/snapshots/{v1.name}/itukg.nq.gz")
    assert hashlib.sha256(old.content).hexdigest() == v1.manifest["dump"]["sha256"]
    assert "immutable" in old.headers["cache-control"]
    url = v2.manifest["dump"]["url"]
    assert hashlib.sha256(client.get(url).content).hexdigest() == v2.manifest["dump"]["sha256"]
    part = client.get("/snapshots/latest", headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.content) == 100


@pytest.mark.parametrize("path", ["/snapshots/..%2F..%2Fetc/passwd", "/snapshots/latest/.lock",
                                  "/snapshots/v1/itukg.nq.gz", "/snapshots/latest/generation.json"])
def test_only_snapshot_files_are_served(served, path):
    settings, pub, client = served
    publish(settings, pub)
    r = client.get(path)
    assert r.status_code == 404 and r.headers["content-type"] == "application/problem+json"
