"""Shared fixtures. Keep this file small.

``corpus_store``  (session) ``(settings, store)``: the bundled ``corpus/`` built ONCE per test
                  session into a temporary store directory by the real ``build()``;
                  ``store`` is an open read-only :class:`itukg.graph.store.Store` on it and
                  ``settings.store`` its directory (pass ``--store`` / ``Settings`` to commands,
                  or start a service on it). Do not write to it: tests that write build their
                  own store (``build_corpus(tmp_path)``) or copy it
                  (``shutil.copytree(settings.store, tmp_path / "s", symlinks=True)``).
``corpus_report`` (session) the :class:`itukg.graph.build.BuildReport` of that build.
``corpus_dir``    the bundled ``corpus/`` folder (a Path).
``pages_store``, ``live_pages``, ``chromium`` (session) the audited corpus store, a uvicorn
                  serving it, a headless chromium (``tests/pages_support.py``): defined here
                  ONCE for the session; importing them into a test module would make a second
                  instance there (another build, server and Playwright).
``build_corpus``  a function ``build_corpus(tmp_path, paths=None) -> Settings`` that builds a
                  fresh store (default: the corpus) in ``tmp_path / "store"``.

Backends (docs/store.md, "Backends"): the same tests on the embedded store, the Oxigraph server
and Virtuoso. Servers start once per session (``tests/sparql_servers.py``), on free loopback ports in
temporary directories, and stop at its end.

``backend``         (session, parametrised) ``embedded``, ``oxigraph-server``, ``virtuoso``.
``backend_corpus``  (session) ``(settings, store)``: the corpus built ONCE into that backend.
``sparql_servers``  (session) ``servers(kind, purpose)``: a running server of that kind, one per
                    purpose (``corpus``, ``scratch``...); skipped when not installed, failed under
                    CI=true.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pages_support import chromium, live_pages, pages_store  # noqa: F401 (fixtures, see above)

from itukg.graph.build import BuildReport, build, bundled_corpus
from itukg.graph.store import Store, open_store
from itukg.settings import Settings

BACKENDS = ("embedded", "oxigraph-server", "virtuoso")

BROWSER = "browser"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright's sync API keeps an event loop running in the main thread
    from the first browser test to the end of the session, and the slowest tests go last."""
    items.sort(key=lambda item: BROWSER in item.path.relative_to(Path(__file__).parent).parts[:1])


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return bundled_corpus()


def _build_into(directory: Path, paths: list[Path] | None = None) -> tuple[Settings, BuildReport]:
    settings = Settings(store=directory / "store")
    report = build(paths or [bundled_corpus()], settings)
    return settings, report


@pytest.fixture(scope="session")
def _corpus_built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, BuildReport]:
    return _build_into(tmp_path_factory.mktemp("corpus-store"))


@pytest.fixture(scope="session")
def corpus_report(_corpus_built: tuple[Settings, BuildReport]) -> BuildReport:
    return _corpus_built[1]


@pytest.fixture(scope="session")
def corpus_store(_corpus_built: tuple[Settings, BuildReport]) -> Iterator[tuple[Settings, Store]]:
    settings = _corpus_built[0]
    store = open_store(settings, read_only=True)
    yield settings, store
    store.close()


@pytest.fixture()
def build_corpus() -> Callable[..., Settings]:
    def _build(tmp_path: Path, paths: list[Path] | None = None) -> Settings:
        return _build_into(tmp_path, paths)[0]

    return _build


@pytest.fixture(scope="session")
def sparql_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str, str], object]]:
    from sparql_servers import (OxigraphServer, OxigraphUnionServer, VirtuosoServer,
                                VirtuosoShortTimeServer, VirtuosoSmallTransactionServer,
                                missing_backend)

    kinds = {"oxigraph-server": OxigraphServer, "oxigraph-union": OxigraphUnionServer,
             "virtuoso": VirtuosoServer, "virtuoso-small-txn": VirtuosoSmallTransactionServer,
             "virtuoso-short-time": VirtuosoShortTimeServer}
    running: dict[tuple[str, str], object] = {}

    def get(kind: str, purpose: str = "corpus") -> object:
        if (kind, purpose) not in running:
            cls = kinds[kind]
            if cls.binary() is None:
                missing_backend(cls.name)
            root = tmp_path_factory.mktemp(f"{kind}-{purpose}")
            running[(kind, purpose)] = cls(root).start()
        return running[(kind, purpose)]

    try:
        yield get
    finally:
        for server in running.values():
            server.stop()  # type: ignore[attr-defined]


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def backend_corpus(backend: str, _corpus_built: tuple[Settings, BuildReport],
                   sparql_servers: Callable[[str, str], object]) -> Iterator[tuple[Settings, Store]]:
    if backend == "embedded":
        settings = _corpus_built[0]
    else:
        settings = sparql_servers(backend, "corpus").settings()  # type: ignore[attr-defined]
        build([bundled_corpus()], settings)
    store = open_store(settings, read_only=True)
    yield settings, store
    store.close()
