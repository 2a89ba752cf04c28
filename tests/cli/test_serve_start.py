"""Starting the service the way people expect (issue 14, decision 0146): a taken port is an error
before any work, ``make run PORT=... HOST=...`` reaches ``itukg serve``, the server says where the
pages and the SPARQL endpoint are, and a store built without an audit is audited before serving.

Real processes on loopback, each bounded by a deadline and stopped by the test."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from servers import free_socket

from itukg.commands.serve import addresses, check_port
from itukg.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
ITUKG = [sys.executable, "-m", "itukg.cli"]
ENV = {k: v for k, v in os.environ.items() if not k.startswith("ITUKG_")}


def _taken() -> socket.socket:
    """A listening socket on a free loopback port: the port is taken while it is open."""
    return free_socket()


def test_check_port_names_a_taken_port_and_frees_a_free_one():
    with _taken() as s:
        port = s.getsockname()[1]
        assert "already in use" in check_port("127.0.0.1", port)
    assert check_port("127.0.0.1", port) is None
    assert "cannot resolve" in check_port("no-such-host.invalid", port)


def test_a_taken_port_fails_before_any_build(tmp_path):
    """With no store, ``itukg serve`` would build one: on a taken port it must not even start."""
    store = tmp_path / "store"
    with _taken() as s:
        port = s.getsockname()[1]
        r = subprocess.run([*ITUKG, "--store", str(store), "serve", "--port", str(port)],
                           capture_output=True, text=True, timeout=120, env=ENV)
    assert r.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}: address already in use" in r.stderr
    assert "Traceback" not in r.stderr and "building" not in r.stderr
    assert not store.exists()


def test_check_port_option_exits_0_on_a_free_port(tmp_path):
    s = free_socket()
    port = s.getsockname()[1]
    s.close()
    r = subprocess.run([*ITUKG, "--store", str(tmp_path / "none"), "serve", "--check-port", "--port", str(port)],
                       capture_output=True, text=True, timeout=120, env=ENV)
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / "none").exists()


def test_make_run_passes_port_and_host_and_checks_the_port_first():
    r = subprocess.run(["make", "-n", "run", "PORT=8123", "HOST=0.0.0.0"], cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    check = next(i for i, ln in enumerate(lines) if "serve --check-port --host 0.0.0.0 --port 8123" in ln)
    build = next(i for i, ln in enumerate(lines) if "itukg build" in ln)
    serve = next(i for i, ln in enumerate(lines) if "itukg serve --no-build --host 0.0.0.0 --port 8123" in ln)
    assert check < build < serve
    # the audit graph the message names is explained, not a bare "B graph/audit"
    assert "named graph <https://w3id.org/itukg/graph/audit>" in r.stdout


def test_addresses_name_the_pages_and_the_endpoint():
    lines = addresses(Settings(host="0.0.0.0", port=8005))
    assert "http://127.0.0.1:8005/ pages for people" in lines[0]
    assert "http://127.0.0.1:8005/sparql SPARQL endpoint" in lines[1]
    assert "http://[::1]:9/" in addresses(Settings(host="::", port=9))[0]


def _stop(proc: subprocess.Popen) -> str:
    """Stop the server (SIGTERM, bounded wait) and return what it printed."""
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
    with proc.stdout:
        return proc.stdout.read().decode()


def test_a_store_built_without_audit_is_audited_before_serving(build_corpus, tmp_path):
    settings = build_corpus(tmp_path)
    s = free_socket()
    port = s.getsockname()[1]
    s.close()
    proc = subprocess.Popen([*ITUKG, "--store", str(settings.store), "serve", "--port", str(port), "--workers", "1",
                             "--no-access-log", "--log-level", "warning"],
                            env=ENV, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        r = None
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/audit", timeout=10)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        assert r is not None and r.status_code == 200, r
        assert r.json()["findings"], "the corpus has findings"
        page = httpx.get(f"http://127.0.0.1:{port}/audit", timeout=30)
        assert page.status_code == 200 and "No audit has been run" not in page.text
    finally:
        out = _stop(proc)
    assert "no audit report; auditing it first" in out
    assert f"http://127.0.0.1:{port}/ pages for people" in out
    assert f"http://127.0.0.1:{port}/sparql SPARQL endpoint" in out
