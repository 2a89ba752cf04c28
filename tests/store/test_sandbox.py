"""The second wall (decision 0128): query workers and ``itukg query`` run without network.

These tests do NOT go through the screener: the workers open a store without it
(``unscreened_store``), so a ``SERVICE`` or ``LOAD`` reaches the real engine, and a real listener
on 127.0.0.1 counts the connections the engine makes. The control runs the same query in a worker
with ``ITUKG_NETWORK_ISOLATION=off``: it must connect, or the test proves nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from servers import ConnectionRecorder

from itukg import errors as E
from itukg.graph.reads.runner import complete
from itukg.graph.store import sandbox
from itukg.graph.store.pool import Executor
from itukg.settings import Settings

HERE = Path(__file__).resolve().parent
UNSCREENED = "unscreened_store:open_unscreened"


def _can_isolate() -> bool:
    """Whether a child process of this machine can enter a network namespace."""
    code = "from itukg.graph.store import sandbox; print(sandbox.isolate_network())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    return out.stdout.strip() == sandbox.ISOLATED


needs_isolation = pytest.mark.skipif(not _can_isolate(), reason="no network namespaces here")


@pytest.fixture
def unscreened(monkeypatch: pytest.MonkeyPatch):
    """Workers started from here can import ``unscreened_store``."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]))


def run_in_workers(settings: Settings, requests: list[dict], opener: str = UNSCREENED) -> tuple[str, list]:
    """Start one worker, send each raw request (no screener on the way), stop it. Returns the
    pool's network state and each answer (a payload, or the exception raised)."""

    async def go() -> tuple[str, list]:
        ex = Executor(settings, workers=1, opener=opener)
        await ex.start()
        out: list = []
        try:
            for req in requests:
                try:
                    out.append((await ex._call(req, 20))[1])
                except Exception as exc:  # noqa: BLE001 - the answer is what we observe
                    out.append(exc)
            return ex.network, out
        finally:
            await ex.close()

    return complete(go())


def service_query(address: str) -> dict:
    return {"op": "run", "result_format": "json",
            "sparql": f"SELECT * WHERE {{ SERVICE <http://{address}/sparql> {{ ?s ?p ?o }} }}"}


@needs_isolation
def test_sandboxed_worker_makes_no_connection_and_the_control_does(tmp_path: Path, unscreened) -> None:
    with ConnectionRecorder() as rec:
        base = Settings(store=tmp_path / "none")
        state, answers = run_in_workers(base, [service_query(rec.address)])
        assert state == sandbox.ISOLATED
        assert isinstance(answers[0], E.ItukgError)  # the engine tried, and could not get out
        assert rec.connections == 0
        # the control: the same query, the same engine, no wall: it connects
        off = Settings(store=tmp_path / "none", network_isolation="off")
        state, answers = run_in_workers(off, [service_query(rec.address)])
        assert state == "off"
        assert rec.connections >= 1, "the control did not connect: the test cannot fail"


@needs_isolation
def test_sandboxed_update_cannot_load_from_the_network(tmp_path: Path, unscreened) -> None:
    with ConnectionRecorder() as rec:
        load = {"op": "update", "sparql": f"LOAD <http://{rec.address}/data.ttl>"}
        _, answers = run_in_workers(Settings(store=tmp_path / "none"), [load])
        assert isinstance(answers[0], E.ItukgError)
        assert rec.connections == 0
        _, answers = run_in_workers(Settings(store=tmp_path / "none", network_isolation="off"), [load])
        assert rec.connections >= 1


@needs_isolation
def test_service_workers_report_isolated(corpus_store) -> None:
    settings, _ = corpus_store

    async def go() -> tuple[str, object]:
        ex = Executor(settings, workers=2)
        await ex.start()
        try:
            return ex.network, await ex.query("ASK { ?s ?p ?o }")
        finally:
            await ex.close()

    state, answer = complete(go())
    assert state == sandbox.ISOLATED
    assert answer is True  # the store still opens and answers inside the namespace


def test_required_isolation_refuses_when_the_kernel_says_no(monkeypatch: pytest.MonkeyPatch) -> None:
    # in this process, unshare is made to fail as on a kernel without namespaces; the real
    # syscall is never made here (it would take this test process off the network)
    monkeypatch.setattr(sandbox, "_unshare", lambda flags: 1)
    with pytest.raises(E.StoreError, match="ITUKG_NETWORK_ISOLATION=required"):
        sandbox.enter("required")
    assert sandbox.enter("best-effort").startswith(sandbox.NOT_ISOLATED)
    assert sandbox.enter("off") == "off"


@needs_isolation
def test_cli_query_runs_isolated(corpus_store, unscreened, capsys) -> None:
    settings, _ = corpus_store
    # the way itukg query runs its query (a sandboxed child), with the bare engine as the
    # command: it cannot connect; with the wall off (the control) it does
    probe = "unscreened_store:service_probe"
    with ConnectionRecorder() as rec:
        request = {"sparql": f"SELECT * WHERE {{ SERVICE <http://{rec.address}/> {{ ?s ?p ?o }} }}"}
        assert sandbox.run_isolated(probe, request, settings) == 0
        assert capsys.readouterr().out.startswith("refused")
        assert rec.connections == 0
        off = settings.model_copy(update={"network_isolation": "off"})
        assert sandbox.run_isolated(probe, request, off) == 0
        capsys.readouterr()
        assert rec.connections >= 1, "the control did not connect: the test cannot fail"
    # the command itself, in this process: answers from the store, prints no warning, and
    # leaves this process its network (a listener on 127.0.0.1 still works)
    from itukg.cli import main

    assert main(["--store", str(settings.store), "query", "ASK { ?s ?p ?o }"]) == 0
    out = capsys.readouterr()
    assert out.out.strip() == "true" and "warning" not in out.err
    with ConnectionRecorder():
        pass
    assert main(["--store", str(settings.store), "query", "SELECT ?s WHERE { ?s ?p }"]) == 2
    assert "itukg: error:" in capsys.readouterr().err


def test_cli_query_required_isolation_in_a_real_process(corpus_store) -> None:
    settings, _ = corpus_store
    env = {**os.environ, "ITUKG_NETWORK_ISOLATION": "required"}
    out = subprocess.run(
        [sys.executable, "-m", "itukg.cli", "--store", str(settings.store), "query",
         "ASK { ?s ?p ?o }"], capture_output=True, text=True, timeout=60, env=env,
    )
    if _can_isolate():
        assert out.returncode == 0 and out.stdout.strip() == "true", out.stderr
    else:  # refused, with the reason, no traceback
        assert out.returncode == 2 and "ITUKG_NETWORK_ISOLATION=required" in out.stderr
        assert "Traceback" not in out.stderr
