"""The store owns its lifecycle: open_store picks the backend from the settings through the
registry and returns a Store; writers, generation ids, info and memory copies are protocol
calls (decision 0082). Real stores on disk, real pyoxigraph."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from itukg.errors import StoreError
from itukg.graph.store import (
    Store,
    StoreInfo,
    Writer,
    begin_generation,
    open_store,
    store_exists,
    store_generation,
    store_info,
)
from itukg.graph.store import registry
from itukg.settings import Settings

G = "http://example.org/g"
NT = b'<http://example.org/a> <http://example.org/p> "one" .\n'


def _settings(tmp_path: Path) -> Settings:
    return Settings(store=tmp_path / "store")


def test_a_writer_publishes_on_commit_and_ids_follow(tmp_path):
    settings = _settings(tmp_path)
    assert not store_exists(settings) and store_generation(settings) is None
    assert store_info(settings) is None
    with begin_generation(settings, kind="build") as writer:
        assert isinstance(writer, Writer)
        writer.bulk_load(NT, "ntriples", G)
        assert store_generation(settings) is None  # not published yet
        gen = writer.commit(documents=[])
    assert store_exists(settings) and store_generation(settings) == gen
    info = store_info(settings)
    assert isinstance(info, StoreInfo)
    assert (info.generation, info.read_only, info.engine) == (gen, True, "oxigraph-rocksdb")
    assert info.size > 0 and info.location == str(settings.store)


def test_an_aborted_writer_leaves_the_store_as_it_was(tmp_path):
    settings = _settings(tmp_path)
    with begin_generation(settings) as writer:
        writer.bulk_load(NT, "ntriples", G)
        first = writer.commit()
    with pytest.raises(RuntimeError), begin_generation(settings, copy_current=True) as writer:
        writer.store.drop_graph(G)
        raise RuntimeError("interrupted")
    assert store_generation(settings) == first
    with open_store(settings, read_only=True) as store:
        assert store.graphs() == [G]


def test_open_store_returns_a_store_that_tells_what_it_is(tmp_path):
    settings = _settings(tmp_path)
    with begin_generation(settings) as writer:
        writer.bulk_load(NT, "ntriples", G)
        gen = writer.commit()
    reader = open_store(settings, read_only=True)
    try:
        assert isinstance(reader, Store)
        info = reader.info()
        assert (info.session, info.read_only, info.generation) == ("reader", True, gen)
        memory = reader.copy_to_memory()
        assert memory.info().engine == "oxigraph-memory" and memory.info().size == 0
        assert memory.triples_per_graph() == {G: 1}
    finally:
        reader.close()
    writer = open_store(settings)
    assert writer.info().session == "writer" and not writer.info().read_only
    writer.update("INSERT DATA { GRAPH <http://example.org/h> { <http://e/a> <http://e/p> 1 } }")
    writer.close()  # publishes
    assert store_generation(settings) != gen
    with open_store(settings, read_only=True) as store:
        assert store.graphs() == [G, "http://example.org/h"]


def test_the_backend_comes_from_the_setting_through_the_registry(tmp_path, monkeypatch):
    """A new backend is one module plus a setting: here a module that serves every location
    from one in-memory store."""
    from itukg.graph.store import memory_store

    shared = memory_store()
    shared.load(NT, "ntriples", G)
    module = types.ModuleType("itukg_test_backend")
    module.open = lambda location, *, read_only: shared  # type: ignore[attr-defined]
    module.generation = lambda location: "only"  # type: ignore[attr-defined]
    module.info = lambda location: shared.info()  # type: ignore[attr-defined]
    module.begin = lambda location, **kw: (_ for _ in ()).throw(StoreError("read-only"))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "itukg_test_backend", module)
    monkeypatch.setitem(registry.BACKENDS, "test", "itukg_test_backend")
    settings = Settings(store=tmp_path / "nowhere", store_backend="test")
    assert open_store(settings, read_only=True) is shared
    assert store_generation(settings) == "only" and store_exists(settings)
    assert store_info(settings).engine == "oxigraph-memory"
    with pytest.raises(StoreError, match="read-only"):
        begin_generation(settings)


def test_an_unknown_backend_is_a_clear_error(tmp_path):
    settings = Settings(store=tmp_path / "s", store_backend="nosuch")
    with pytest.raises(StoreError, match="unknown store backend 'nosuch'"):
        open_store(settings)
    assert store_generation(settings) is None  # readers see "no store", never a crash
