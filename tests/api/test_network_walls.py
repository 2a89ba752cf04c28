"""Both walls against the corpus of spellings (``tests/data/network-spellings.txt``, decision
0129): over real HTTP (the screener answers first), and directly in a sandboxed query worker with
no screener at all (the second wall alone). A listener on 127.0.0.1 must see no connection.
"""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from servers import ROOT, ConnectionRecorder, LiveServer, build_w3c_store, settings_env

from itukg.graph.reads.runner import complete
from itukg.graph.store import sandbox
from itukg.graph.store.pool import Executor
from itukg.settings import Settings

CORPUS = ROOT / "tests" / "data" / "network-spellings.txt"
TOKEN = "k3Y9-pQ2x_Lm7Vb8Nc4Zt6Rw1Hs5Jd0Fg"
DATASET = {"default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri"}


@dataclass
class Spelling:
    kind: str  # query | update
    engine: str
    text: str
    what: str
    line: int
    expect: int = 400
    bare: bool | None = None  # connects with no wall at all (default: expect == 400)
    params: dict[str, str] = field(default_factory=dict)

    def at(self, address: str) -> tuple[str, dict[str, str]]:
        """The text and parameters aimed at the listener."""
        return (self.text.replace("ADDR", address),
                {k: v.replace("ADDR", address) for k, v in self.params.items()})


def load_corpus(path: Path = CORPUS) -> list[Spelling]:
    """Parse the corpus. Raises ValueError (with the line) for a malformed header."""
    out: list[Spelling] = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if raw.startswith("## "):
            head, _, what = raw[3:].partition("|")
            words = head.split()
            if len(words) < 3 or words[0] not in ("query", "update") or words[1] != "pyoxigraph":
                raise ValueError(f"{path}:{n}: malformed header")
            sp = Spelling(words[0], words[2], "", what.strip(), n)
            for w in words[3:]:
                k, _, v = w.partition("=")
                if k == "expect":
                    sp.expect = int(v)
                elif k == "bare":
                    sp.bare = v == "yes"
                elif k in DATASET:
                    sp.params[k] = v
                else:
                    raise ValueError(f"{path}:{n}: unknown field {k!r}")
            out.append(sp)
        elif out:  # the text of the entry (its "#" lines are SPARQL comments, kept)
            out[-1].text += raw + "\n"
    for sp in out:
        sp.text = sp.text.strip() + "\n"
        sp.bare = sp.expect == 400 if sp.bare is None else sp.bare
        if "ADDR" not in sp.text + "".join(sp.params.values()):
            raise ValueError(f"{path}:{sp.line}: the entry does not aim at ADDR")
    return out


SPELLINGS = load_corpus()
IDS = [f"{s.line}-{s.kind}" for s in SPELLINGS]


def test_corpus_covers_every_family() -> None:
    words = " ".join(s.text.lower() + " ".join(s.params) for s in SPELLINGS)
    for needle in ("\\u", "\\u0000", "service silent", "#", "prefix", "?svc", "load", "using",
                   "from", "default-graph-uri", "named-graph-uri", "base", "servi"):
        assert needle in words, needle
    assert sum(s.kind == "update" for s in SPELLINGS) >= 8
    assert len(SPELLINGS) >= 40


# -- wall 1 + 2 together: real HTTP ---------------------------------------------------------------


@pytest.fixture(scope="module")
def live_updates(tmp_path_factory: pytest.TempPathFactory):
    """A real uvicorn with updates enabled (token) on a store of its own."""
    store = build_w3c_store(tmp_path_factory.mktemp("walls") / "store")
    env = settings_env(store, query_timeout=10, allow_updates=True, update_token=TOKEN)
    with LiveServer(env) as server:
        yield server


def _send(spelling: Spelling, url: str, address: str) -> list[httpx.Response]:
    text, params = spelling.at(address)
    with httpx.Client(base_url=url, timeout=30) as c:
        if spelling.kind == "query":
            return [
                c.get("/sparql", params={"query": text, **params}),
                c.post("/sparql", data={"query": text, **params}),
                c.post("/sparql", params=params, content=text.encode(),
                       headers={"content-type": "application/sparql-query"}),
            ]
        auth = {"authorization": f"Bearer {TOKEN}"}
        return [
            c.post("/sparql", data={"update": text, **params}, headers=auth),
            c.post("/sparql", params=params, content=text.encode(),
                   headers={**auth, "content-type": "application/sparql-update"}),
        ]


@pytest.mark.parametrize("spelling", SPELLINGS, ids=IDS)
def test_over_http_no_connection(spelling: Spelling, live_updates: LiveServer) -> None:
    with ConnectionRecorder() as rec:
        for r in _send(spelling, live_updates.url, rec.address):
            assert r.status_code in (spelling.expect, 403), (spelling.what, r.status_code, r.text)
            if r.status_code >= 400:
                assert r.headers["content-type"].startswith("application/problem+json")
        time.sleep(0.2)
        assert rec.connections == 0, spelling.what


def test_health_says_isolated(live_updates: LiveServer) -> None:
    network = httpx.get(live_updates.url + "/health", timeout=10).json()["network"]
    assert network in (sandbox.ISOLATED,) or network.startswith(sandbox.NOT_ISOLATED)
    if _isolation_possible():
        assert network == sandbox.ISOLATED


# -- wall 2 alone: a sandboxed worker, no screener ---------------------------------------------------


def _isolation_possible() -> bool:
    import subprocess
    import sys

    code = "from itukg.graph.store import sandbox; print(sandbox.isolate_network())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    return out.stdout.strip() == sandbox.ISOLATED


def _request(spelling: Spelling, address: str) -> dict:
    text, params = spelling.at(address)
    if spelling.kind == "update":
        return {"op": "update", "sparql": text}
    # with the service's base IRI, as /sparql sends it (a relative IRI then resolves)
    return {"op": "run", "sparql": text, "result_format": "json", "base_iri": "http://example.org/",
            "default_graph": [params["default-graph-uri"]] if "default-graph-uri" in params else None,
            "named_graphs": [params["named-graph-uri"]] if "named-graph-uri" in params else None}


def _run_unscreened(mode: str, address: str, counter: ConnectionRecorder) -> list[int]:
    """Every spelling in one worker without the screener; the connections each one made."""
    settings = Settings(store=Path(os.devnull) / "none", network_isolation=mode)

    async def go() -> list[int]:
        ex = Executor(settings, workers=1, opener="unscreened_store:open_unscreened")
        await ex.start()
        made = []
        try:
            assert ex.network == (sandbox.ISOLATED if mode == "required" else "off")
            for sp in SPELLINGS:
                before = counter.connections
                try:
                    await ex._call(_request(sp, address), 20)
                except Exception:  # noqa: BLE001 - refused or failed: what counts is the listener
                    pass
                await asyncio.sleep(0.05)
                made.append(counter.connections - before)
        finally:
            await ex.close()
        return made

    return complete(go())


@pytest.fixture
def unscreened(monkeypatch: pytest.MonkeyPatch) -> None:
    here = str(ROOT / "tests" / "store")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([here, os.environ.get("PYTHONPATH", "")]))


def test_sandboxed_worker_alone_no_connection(unscreened) -> None:
    if not _isolation_possible():
        pytest.skip("no network namespaces on this machine")
    with ConnectionRecorder() as rec:
        made = _run_unscreened("required", rec.address, rec)
        time.sleep(0.3)
        assert sum(made) == 0 and rec.connections == 0
    # the control: the same corpus, the same engine, no wall. Every entry marked bare=yes really
    # reaches the network without the walls (or the corpus tests nothing), and every bare=no
    # entry does not (an engine upgrade that starts to accept one shows up here)
    with ConnectionRecorder() as rec:
        made = _run_unscreened("off", rec.address, rec)
    wrong = [(sp.line, sp.what, n) for sp, n in zip(SPELLINGS, made) if bool(n) != sp.bare]
    assert not wrong, wrong
    assert sum(sp.bare for sp in SPELLINGS) >= 25
