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

    d = w3c_dir()
    with Generation.begin(root) as gen:
        for i in (1, 2, 3):
            gen.store.load((d / f"data{i}.nt").read_bytes(), "ntriples", KASEI.format(i))
        # 200 triples: a 4-way cross product is 1.6e9 rows (never finishes within a test deadline)
        lines = "".join(
            f"<http://example.org/s{i}> <http://example.org/p> \"{i}\" .\n" for i in range(200)
        )
        gen.store.load(lines.encode(), "ntriples", "http://example.org/big")
        gen.commit()
    return root


def load_w3c(settings) -> None:
    """The W3C protocol graphs of :func:`build_w3c_store` into the store of ``settings`` (any
    backend), through the protocol's writer."""
    from itukg.graph.store import begin_generation

    d = w3c_dir()
    with begin_generation(settings, kind="test") as gen:
        for i in (1, 2, 3):
            gen.store.load((d / f"data{i}.nt").read_bytes(), "ntriples", KASEI.format(i))
        lines = "".join(
            f"<http://example.org/s{i}> <http://example.org/p> \"{i}\" .\n" for i in range(200)
        )
        gen.store.load(lines.encode(), "ntriples", "http://example.org/big")
        gen.commit()


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


# -- SPARQL servers for the remote store backend (docs/store.md, "Backends") -------------------
def free_port() -> int:
    """A loopback port that was free a moment ago (for servers that bind their own port)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def missing_backend(what: str) -> None:
    """Skip a test whose server is not installed, except under CI=true: there the setup
    (tools/setup-system.sh, the test extra) installs it, so its absence is a failure."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is not installed (tools/setup-system.sh and .[test] install it)")
    pytest.skip(f"{what} is not installed")


class SparqlServer:
    """A SPARQL server in a child process on 127.0.0.1 and a temporary directory, stopped by
    :meth:`stop` (SIGTERM, then SIGKILL). ``url``: the store URL to give itukg."""

    name = "server"

    def __init__(self, root: Path, *, startup_timeout: float = 60.0):
        self.root = root
        self.startup_timeout = startup_timeout
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.log = root / "server.log"

    def command(self) -> list[str]:  # pragma: no cover - each server says
        raise NotImplementedError

    @property
    def url(self) -> str:
        raise NotImplementedError

    @property
    def query_url(self) -> str:
        return self.url + "/query"

    def ready(self) -> bool:
        try:
            r = httpx.post(self.query_url, data={"query": "ASK {}"},
                           headers={"Accept": "application/sparql-results+json"}, timeout=2)
            return r.status_code == 200 and (b"boolean" in r.content or b"__ASK_RETVAL" in r.content)
        except httpx.HTTPError:
            return False

    def start(self) -> SparqlServer:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(self.command(), cwd=self.root, stdout=log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         start_new_session=True)
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log.read_text()[-2000:]}")
            if self.ready():
                self.after_start()
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} did not become ready: {self.log.read_text()[-2000:]}")

    def after_start(self) -> None:
        """Server-specific setup once it answers."""

    def settings(self, **extra: object):
        from itukg.settings import Settings

        return Settings(store=self.url, network_isolation="off", **self.endpoints(), **extra)

    def endpoints(self) -> dict[str, str]:
        return {}

    def env(self) -> dict[str, str]:
        """ITUKG_* variables that point itukg at this server."""
        env = {"ITUKG_STORE": self.url}
        env.update({f"ITUKG_{k.upper()}": v for k, v in self.endpoints().items()})
        return env

    def stop(self) -> None:
        if self.proc is not None:
            terminate(self.proc, 30)
        self.proc = None


class OxigraphServer(SparqlServer):
    """``oxigraph serve`` (the ``oxigraph`` package of the test extra) on its own database."""

    name = "oxigraph server"

    @staticmethod
    def binary() -> str | None:
        local = Path(sys.executable).parent / "oxigraph"
        if local.is_file():
            return str(local)
        import shutil

        return shutil.which("oxigraph")

    def command(self) -> list[str]:
        return [self.binary() or "oxigraph", "serve", "--location", str(self.root / "db"),
                "--bind", f"127.0.0.1:{self.port}"]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


VIRTUOSO_INI = """[Database]
DatabaseFile = {root}/virtuoso.db
ErrorLogFile = {root}/virtuoso.log
LockFile = {root}/virtuoso.lck
TransactionFile = {root}/virtuoso.trx
xa_persistent_file = {root}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0

[TempDatabase]
DatabaseFile = {root}/virtuoso-temp.db
TransactionFile = {root}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{isql_port}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = {root}
CheckpointInterval = 0
VADInstallDir = /usr/share/virtuoso-opensource-7/vad/

[HTTPServer]
ServerPort = 127.0.0.1:{port}
ServerRoot = {root}
MaxClientConnections = 8
ServerThreads = 8

[SPARQL]
; the default cap is 10,000 rows, applied silently: raised here (docs/store.md, "Virtuoso")
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 0
DefaultQuery = ASK {{}}
"""


class VirtuosoServer(SparqlServer):
    """Virtuoso 7 (Debian ``virtuoso-opensource``) on its own database, its SPARQL endpoint
    allowed to update (``SPARQL_UPDATE`` granted to the anonymous ``SPARQL`` user: a test
    server on loopback only)."""

    name = "virtuoso"

    def __init__(self, root: Path, **kw: object):
        super().__init__(root, **kw)  # type: ignore[arg-type]
        self.isql_port = free_port()

    @staticmethod
    def binary() -> str | None:
        import shutil

        return shutil.which("virtuoso-t")

    def command(self) -> list[str]:
        ini = self.root / "virtuoso.ini"
        ini.write_text(VIRTUOSO_INI.format(root=self.root, port=self.port, isql_port=self.isql_port))
        return [self.binary() or "virtuoso-t", "+foreground", "+configfile", str(ini)]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return self.url + "/sparql"

    def endpoints(self) -> dict[str, str]:
        return {"store_query_url": self.url + "/sparql", "store_update_url": self.url + "/sparql",
                "store_gsp_url": self.url + "/sparql-graph-crud"}

    def after_start(self) -> None:
        import shutil

        isql = shutil.which("isql-vt") or shutil.which("isql")
        sql = ('GRANT SPARQL_UPDATE TO "SPARQL";'
               ' GRANT EXECUTE ON DB.DBA.SPARQL_INSERT_DICT_CONTENT TO "SPARQL";'
               ' DB.DBA.RDF_DEFAULT_USER_PERMS_SET (\'nobody\', 7);')
        subprocess.run([isql, f"127.0.0.1:{self.isql_port}", "dba", "dba", f"exec={sql}"],
                       check=True, capture_output=True, timeout=60)
