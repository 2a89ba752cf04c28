"""All HTML comes from Jinja templates (api/templates): no Python string in api/, graph/ or
itukg/ builds markup. Comments and docstrings may talk about tags; string values may not."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("api", "graph", "itukg")
MARKUP = re.compile(r"<html|<div|<td|<p>|<a href", re.IGNORECASE)
# Files still building HTML in Python, each with the change that removes it. An entry whose file
# no longer builds HTML fails test_pending_entries_are_still_needed: drop the entry then.
PENDING: dict[str, str] = {}  # file → why it still builds HTML (empty: none does)


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings or other bare string statements."""
    return {id(n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)}


def markup_in(path: Path, root: Path = ROOT) -> list[str]:
    """``"file:line: text"`` for every string value in ``path`` that looks like HTML markup."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    skip = _docstrings(tree)
    hits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            m = MARKUP.search(node.value)
            if m:
                hits.append(f"{path.relative_to(root)}:{node.lineno}: {node.value[max(0, m.start() - 20):m.end() + 30]!r}")
    return hits


def _sources() -> list[Path]:
    return sorted(p for folder in FOLDERS for p in (ROOT / folder).rglob("*.py"))


def test_no_html_is_built_in_python() -> None:
    hits = [h for p in _sources() if str(p.relative_to(ROOT)) not in PENDING for h in markup_in(p)]
    assert not hits, "HTML built in Python (render a template instead):\n" + "\n".join(hits)


def test_pending_entries_are_still_needed() -> None:
    done = [f for f in PENDING if not (ROOT / f).exists() or not markup_in(ROOT / f)]
    assert not done, f"no HTML left in {done}: remove them from PENDING"


def test_the_check_sees_markup_in_code_but_not_in_docstrings(tmp_path: Path) -> None:
    src = tmp_path / "m.py"
    src.write_text('"""A <div> in a docstring."""\n# a <td> in a comment\n'
                   'def f(x):\n    """<p> here too."""\n    return f"<td>{x}</td>"\n')
    assert [h.split(": ")[0] for h in markup_in(src, tmp_path)] == ["m.py:5"]
