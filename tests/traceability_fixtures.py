"""Fixtures for the named-query, traceability-API and linked-data tests.

Import them into a test module (``from traceability_fixtures import audited_corpus, ...``).

``audited_corpus``  (session) Settings of a copy of the corpus store with the audit graph that
                    ``itukg audit`` writes (the real :func:`itukg.graph.audit.run_audit`).
``api_client``      (session) a TestClient on ``create_app`` over that store (lifespan run:
                    query workers up; stopped at the end of the session).
``live_api``        (session) a real uvicorn on 127.0.0.1 serving that store (tests/servers.py).
``two_documents``   (session) Settings of a store holding the corpus and a second document
                    (the corpus under another symbol), so every output code is ambiguous;
                    audited (the audit graph is stored).
``corpus_lines``    the corpus as a list of lines (index 0 = line 1).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from itukg.settings import Settings


@pytest.fixture(scope="session")
def audited_corpus(corpus_store, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    from itukg.graph.audit import run_audit
    from itukg.graph.store import open_store

    settings, _ = corpus_store
    root = tmp_path_factory.mktemp("audited") / "store"
    shutil.copytree(settings.store, root, symlinks=True)
    audited = Settings(store=root)
    with open_store(audited) as store:
        run_audit(store, audited, store_report=True)
    return audited


@pytest.fixture(scope="session")
def api_client(audited_corpus: Settings) -> Iterator:
    from fastapi.testclient import TestClient

    from itukg.api.app import create_app

    app = create_app(Settings(store=audited_corpus.store, query_workers=2, query_timeout=30))
    with TestClient(app) as client:
        yield client


@pytest.fixture(scope="session")
def live_api(audited_corpus: Settings) -> Iterator:
    from servers import LiveServer, settings_env

    with LiveServer(settings_env(audited_corpus.store)) as server:
        yield server


@pytest.fixture(scope="session")
def corpus_lines(corpus_dir: Path) -> list[str]:
    return (corpus_dir / "ACP-22A14-4.zh.txt").read_text(encoding="utf-8").splitlines()


def second_document(corpus_file: Path, out_dir: Path) -> Path:
    """The corpus under another symbol (its first line's last number plus 100): a second
    document of the family whose outputs carry the same codes."""
    text = corpus_file.read_text(encoding="utf-8")
    first, rest = text.split("\n", 1)
    m = re.search(r"(\d+)\s*$", first)
    assert m, f"no symbol number on the first line: {first!r}"
    new_first = first[: m.start(1)] + str(int(m.group(1)) + 100) + first[m.end(1):]
    out = out_dir / (corpus_file.name.replace(".zh.txt", "-copy.zh.txt"))
    out.write_text(new_first + "\n" + rest, encoding="utf-8")
    return out


@pytest.fixture(scope="session")
def two_documents(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    from itukg.graph.build import build

    d = tmp_path_factory.mktemp("two-docs")
    copy = second_document(corpus_dir / "ACP-22A14-4.zh.txt", d)
    settings = Settings(store=d / "store")
    build([corpus_dir / "ACP-22A14-4.zh.txt", copy], settings)
    from itukg.graph.audit import run_audit
    from itukg.graph.store import open_store

    with open_store(settings) as store:
        run_audit(store, settings, store_report=True)
    return settings
