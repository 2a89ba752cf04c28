"""The store owns its lifecycle: outside ``graph/store/`` nothing imports pyoxigraph, reads the
embedded backend's disk layout or reaches into its classes; everything goes through the Store
protocol and the functions of ``itukg.graph.store`` (decision 0082). Checked on the syntax tree
of every module of the application, the tools and the benchmarks (tests may build stores by hand).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TREES = ("graph", "api", "itukg", "tools", "benchmarks")
OWNER = ROOT / "graph" / "store"
# The read layer's named-query checks still import pyoxigraph; the read-layer rewrite (issue 9,
# helper "reads") moves them behind the store. Remove this exception then.
PENDING: set[Path] = set()  # files allowed to break the rule for now (none)

LAYOUT_STRINGS = {"current", "db"}  # exact string constants: the link, the database directory
LAYOUT_FRAGMENTS = ("generation.json", "snapshot.nq")
BACKEND_NAMES = {"current_generation", "Generation", "WritableStore", "OxigraphStore",
                 "memory_copy", "database_bytes", "SNAPSHOT"}
BACKEND_ATTRIBUTES = BACKEND_NAMES | {"ox", "dirty"}  # the engine handle, the write flag


def _modules() -> list[Path]:
    out = []
    for tree in TREES:
        for p in sorted((ROOT / tree).rglob("*.py")):
            if OWNER in p.parents or p in PENDING or ".venv" in p.parts:
                continue
            out.append(p)
    return out


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def violations(path: Path) -> list[str]:
    """What in ``path`` reaches past the store's protocol (empty when nothing). Raises
    SyntaxError for a module that does not parse."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    docs = _docstrings(tree)
    found = []
    name = path.relative_to(ROOT) if ROOT in path.parents else path
    for node in ast.walk(tree):
        where = f"{name}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import):
            found += [f"{where} imports {a.name}" for a in node.names if a.name.split(".")[0] == "pyoxigraph"]
        elif isinstance(node, ast.ImportFrom):
            if (node.module or "").split(".")[0] == "pyoxigraph":
                found.append(f"{where} imports from pyoxigraph")
            found += [f"{where} imports {a.name}" for a in node.names if a.name in BACKEND_NAMES]
        elif isinstance(node, ast.Name) and node.id in BACKEND_NAMES:
            found.append(f"{where} uses {node.id}")
        elif isinstance(node, ast.Attribute) and node.attr in BACKEND_ATTRIBUTES:
            found.append(f"{where} uses .{node.attr}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            if node.value in LAYOUT_STRINGS or any(f in node.value for f in LAYOUT_FRAGMENTS):
                found.append(f"{where} names the disk layout ({node.value!r})")
    return found


def test_nothing_outside_the_store_reaches_past_its_protocol() -> None:
    problems = [v for p in _modules() for v in violations(p)]
    assert problems == []


@pytest.mark.parametrize("source", [
    "import pyoxigraph as ox\n",
    "from pyoxigraph import Store\n",
    "from itukg.graph.store import current_generation\n",
    "gen = root / 'current'\n",
    "meta = gen / 'generation.json'\n",
    "if isinstance(store, OxigraphStore): pass\n",
    "store.ox.update(q)\n",
    "store.dirty = True\n",
])
def test_the_check_sees_each_kind_of_violation(tmp_path: Path, source: str) -> None:
    p = tmp_path / "probe.py"
    p.write_text('"""A docstring may say current, db and snapshot.nq."""\n' + source)
    assert len(violations(p)) == 1
