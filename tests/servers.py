"""Test helpers for the service: a store of the W3C protocol test data, a real uvicorn on a
free loopback port, and a TCP listener that records connection attempts.

Import the fixtures into a test module (``from servers import w3c_store, ...``). Every server
started here is stopped by its fixture; nothing is left running.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
# the W3C SPARQL 1.1 protocol data; the project's own copy first (runs without ../shared)
_W3C_DIRS = [
    ROOT / "tests" / "data" / "w3c-protocol",
    ROOT.parent / "shared" / "conformance" / "sparql11" / "protocol",
]
KASEI = "http://kasei.us/2009/09/sparql/data/data{}.rdf"


def w3c_dir() -> Path:
    for d in _W3C_DIRS:
        if (d / "cases.json").is_file():
            return d
    pytest.skip("W3C SPARQL protocol test data not found")


def w3c_cases() -> list[dict]:
    return json.loads((w3c_dir() / "cases.json").read_text())["tests"]


def build_w3c_store(root: Path) -> Path:
    """A store (one generation) holding data1..3.nt as <http://kasei.us/.../dataN.rdf>, plus a
    graph big enough to make cross-product queries slow. Returns ``root``."""
    from itukg.graph.store import Generation

    with Generation.begin(root) as gen:
        _load_w3c_graphs(gen.store)
        gen.commit()
    return root


def load_w3c(settings) -> None:
    """The W3C protocol graphs of :func:`build_w3c_store` into the store of ``settings`` (any
    backend), through the protocol's writer."""
    from itukg.graph.store import begin_generation

    with begin_generation(settings, kind="test") as gen:
        _load_w3c_graphs(gen.store)
        gen.commit()


def _load_w3c_graphs(store) -> None:
    """data1..3.nt as <http://kasei.us/.../dataN.rdf>, and <http://example.org/big>."""
    d = w3c_dir()
    for i in (1, 2, 3):
        store.load((d / f"data{i}.nt").read_bytes(), "ntriples", KASEI.format(i))
    # 200 triples: a 4-way cross product is 1.6e9 rows (never finishes within a test deadline)
    lines = "".join(
        f"<http://example.org/s{i}> <http://example.org/p> \"{i}\" .\n" for i in range(200)
    )
    store.load(lines.encode(), "ntriples", "http://example.org/big")


def free_socket() -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(128)
    return s


def terminate(proc: subprocess.Popen, grace: float) -> None:
    """Stop ``proc``: SIGTERM, then SIGKILL after ``grace`` seconds."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


_LAUNCH = """
import os, sys, uvicorn
from itukg.settings import Settings
from itukg.api.app import create_app
settings = Settings()
app = create_app(settings)
uvicorn.run(app, fd=int(sys.argv[1]), log_level=os.environ.get("TEST_LOG_LEVEL", "warning"),
            access_log=False)
"""


class LiveServer:
    """``uvicorn`` serving ``create_app(Settings())`` in a child process on 127.0.0.1.

    ``env``: ITUKG_* settings. The listening socket is bound here (port 0 → a free port) and
    handed to uvicorn, so there is no race for the port.
    """

    def __init__(self, env: dict[str, str], *, startup_timeout: float = 60.0):
        self.env = env
        self.startup_timeout = startup_timeout
        self.proc: subprocess.Popen | None = None
        self.url = ""
        self.output = b""

    def start(self) -> LiveServer:
        sock = free_socket()
        host, port = sock.getsockname()
        self.url = f"http://{host}:{port}"
        env = {**os.environ, **self.env}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _LAUNCH, str(sock.fileno())],
            pass_fds=(sock.fileno(),),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        sock.close()
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.output = self.proc.stdout.read() if self.proc.stdout else b""
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.output.decode()[-2000:]}")
            try:
                r = httpx.get(self.url + "/health", timeout=2)
                if r.status_code == 200 and r.json().get("status") == "ok":
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not become ready")

    def stop(self) -> None:
        if self.proc is None:
            return
        terminate(self.proc, 15)
        if self.proc.stdout:
            with contextlib.suppress(Exception):
                self.output = self.proc.stdout.read()
                self.proc.stdout.close()
        self.proc = None

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class ConnectionRecorder:
    """A TCP listener on 127.0.0.1 that records every connection attempt (and answers
    nothing useful). ``address`` is ``host:port``; ``connections`` counts accepted sockets."""

    def __init__(self) -> None:
        self.sock = free_socket()
        self.sock.settimeout(0.2)
        self.host, self.port = self.sock.getsockname()
        self.connections = 0
        self.requests: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            self.connections += 1
            with conn:
                conn.settimeout(1)
                with contextlib.suppress(OSError):
                    self.requests.append(conn.recv(65536))
                    conn.sendall(b"HTTP/1.1 500 recorder\r\nContent-Length: 0\r\n\r\n")

    def __enter__(self) -> ConnectionRecorder:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


# ------------------------------------------------------------------------------------------
# fixtures
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def w3c_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Store directory holding the W3C protocol test graphs (built once per session)."""
    return build_w3c_store(tmp_path_factory.mktemp("w3c-store") / "store")


def settings_env(store: Path, **extra: object) -> dict[str, str]:
    env = {"ITUKG_STORE": str(store), "ITUKG_QUERY_WORKERS": "2", "ITUKG_ALLOW_UPDATES": "false"}
    env.pop("ITUKG_UPDATE_TOKEN", None)
    for k, v in extra.items():
        env[f"ITUKG_{k.upper()}"] = str(v).lower() if isinstance(v, bool) else str(v)
    return env


@pytest.fixture(scope="module")
def live_w3c(w3c_store: Path) -> Iterator[LiveServer]:
    """A real uvicorn serving the W3C store (module-scoped; stopped at the end)."""
    with LiveServer(settings_env(w3c_store, query_timeout=5)) as server:
        yield server


@pytest.fixture(scope="module")
def w3c_client(w3c_store: Path):
    """A TestClient (lifespan run: store and workers up) on the W3C store."""
    from fastapi.testclient import TestClient

    from itukg.api.app import create_app
    from itukg.settings import Settings

    app = create_app(Settings(store=w3c_store, query_timeout=5, query_workers=2))
    with TestClient(app) as client:
        yield client
