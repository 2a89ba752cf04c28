"""SPARQL servers for the remote store backend (docs/store.md, "Backends"): ``oxigraph serve``
and Virtuoso 7 in child processes on free loopback ports, each in a temporary directory, stopped
by :meth:`SparqlServer.stop` (the ``sparql_servers`` fixture in tests/conftest.py does)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from servers import terminate


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

    #: more options of ``oxigraph serve``
    options: tuple[str, ...] = ()

    def command(self) -> list[str]:
        return [self.binary() or "oxigraph", "serve", "--location", str(self.root / "db"),
                "--bind", f"127.0.0.1:{self.port}", *self.options]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class OxigraphUnionServer(OxigraphServer):
    """The Oxigraph server started as its docs suggest for a quad store,
    ``--union-default-graph``: a query that names no dataset sees every graph."""

    options = ("--union-default-graph",)


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
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
; the largest transaction (itukg's switch update); Virtuoso's default is 50 MB
TransactionAfterImageLimit = {txn_limit}
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
MaxQueryExecutionTime = {max_seconds}
MaxQueryCostEstimationTime = 0
DefaultQuery = ASK {{}}
"""


class VirtuosoServer(SparqlServer):
    """Virtuoso 7 (Debian ``virtuoso-opensource``) on its own database, its SPARQL endpoint
    allowed to update (``SPARQL_UPDATE`` granted to the anonymous ``SPARQL`` user: a test
    server on loopback only)."""

    name = "virtuoso"

    #: 8 KB pages of cache, and the largest transaction in bytes (Virtuoso's defaults: 50 MB)
    buffers = 20000
    txn_limit = 50_000_000
    #: seconds one request may take, updates too (the switch of a 1,000-document build takes
    #: longer than the tests' 60: SR171)
    max_seconds = 60

    def __init__(self, root: Path, *, buffers: int | None = None, txn_limit: int | None = None,
                 max_seconds: int | None = None, **kw: object):
        super().__init__(root, **kw)  # type: ignore[arg-type]
        self.isql_port = free_port()
        self.buffers = buffers or self.buffers
        self.txn_limit = txn_limit or self.txn_limit
        self.max_seconds = max_seconds or self.max_seconds

    @staticmethod
    def binary() -> str | None:
        import shutil

        return shutil.which("virtuoso-t")

    def command(self) -> list[str]:
        ini = self.root / "virtuoso.ini"
        ini.write_text(VIRTUOSO_INI.format(root=self.root, port=self.port, isql_port=self.isql_port,
                                           buffers=self.buffers, dirty=self.buffers * 3 // 4,
                                           txn_limit=self.txn_limit, max_seconds=self.max_seconds))
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


class VirtuosoSmallTransactionServer(VirtuosoServer):
    """Virtuoso whose largest transaction is 10 kB (its minimum): every switch of a build is
    too large for it (with the default 50 MB, the switch of a 300-document build is)."""

    txn_limit = 10_000


class VirtuosoShortTimeServer(VirtuosoServer):
    """Virtuoso that stops any request after 1 s (MaxQueryExecutionTime)."""

    max_seconds = 1
