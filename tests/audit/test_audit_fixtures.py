"""Stores the audit tests share (built once per session with the real build, in tmp dirs).

Import the fixtures you need in a test module::

    from test_audit_fixtures import corpus_settings  # noqa: F401
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from itukg.graph.build import build
from itukg.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus" / "ACP-22A14-4.zh.txt"
CLEAN = ROOT / "tests" / "data" / "docs" / "audit-clean.zh.txt"
GOLDEN = ROOT / "tests" / "data" / "golden" / "ACP-22A14-4.zh.audit.yaml"
GENERATOR = ROOT / "benchmarks" / "generate.py"
CORPUS_SLUG = "acp-22a14-4-zh"


def build_store(root: Path, *paths: Path) -> Settings:
    """A new store at ``root`` built from ``paths`` (the real ``itukg build``)."""
    settings = Settings(store=root)
    build([str(p) for p in paths], settings, workers=1)
    return settings


def copy_store(settings: Settings, root: Path) -> Settings:
    """A copy of a built store (for tests that write to it)."""
    shutil.copytree(settings.store, root, symlinks=True)
    return Settings(store=root)


def generate(n: int, outdir: Path, seed: int) -> list[Path]:
    """``n`` documents written by the benchmark generator."""
    subprocess.run(
        [sys.executable, str(GENERATOR), str(n), str(outdir), "--seed", str(seed)],
        check=True, capture_output=True,
    )
    return sorted(outdir.glob("*.txt"))


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return build_store(tmp_path_factory.mktemp("audit-corpus") / "store", CORPUS)


@pytest.fixture(scope="session")
def clean_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return build_store(tmp_path_factory.mktemp("audit-clean") / "store", CLEAN)


@pytest.fixture(scope="session")
def generated_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Three generated documents plus the corpus and the clean document."""
    if not GENERATOR.exists():
        pytest.skip("benchmarks/generate.py is not there")
    base = tmp_path_factory.mktemp("audit-generated")
    docs = generate(3, base / "docs", seed=11)
    return build_store(base / "store", *docs, CORPUS, CLEAN)
