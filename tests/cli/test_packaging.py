"""The project's packaging: ``pip install`` prints no warning of its own, and a wheel carries
every module and data file the runtime reads (decision 0149).

A real pip in a fresh virtual environment, run without build isolation (setuptools from the
machine's package index, no project dependencies), so the test sees exactly what setuptools
says about ``pyproject.toml``."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
ROOTS = PYPROJECT["tool"]["setuptools"]["package-dir"]


def _pip(python: Path, *args: str, timeout: int = 600) -> str:
    proc = subprocess.run([str(python), "-m", "pip", "--disable-pip-version-check", *args],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    return out


def _project_warnings(out: str) -> list[str]:
    """Lines where setuptools warns about the project (not pip's notes about its own indexes,
    which are upper-case ``WARNING:``, nor ``warning: byte-compiling is disabled``)."""
    return [ln for ln in out.splitlines() if "Warning" in ln or "deprecated" in ln.lower()
            or "absent from the `packages`" in ln]


@pytest.fixture(scope="module")
def build_env(tmp_path_factory) -> Path:
    """A venv with a current pip and setuptools (no project dependencies): pip 26 prints the
    build backend's warnings, older ones do not."""
    d = tmp_path_factory.mktemp("pkg-venv")
    venv.EnvBuilder(with_pip=True).create(d)
    python = d / "bin" / "python"
    _pip(python, "install", "--quiet", "--upgrade", "pip>=25", "setuptools>=77", "wheel")
    return python


def test_every_importable_folder_is_a_declared_package():
    """A folder Python can import (code or data) that ``packages`` does not list is dropped
    from a wheel and warned about by setuptools."""
    declared = set(PYPROJECT["tool"]["setuptools"]["packages"])
    found = set()
    for pkg, folder in ROOTS.items():
        base = ROOT / folder
        for d in [base, *base.rglob("*")]:
            rel = d.relative_to(base).parts
            if not d.is_dir() or "__pycache__" in rel or not all(p.isidentifier() for p in rel):
                continue
            if any(f.is_file() for f in d.iterdir()):
                found.add(".".join([pkg, *rel]))
    assert found - declared == set(), "add these to [tool.setuptools] packages"
    for pkg in declared:  # and each declared one is a folder (intermediate ones may hold no file)
        root = next(r for r in sorted(ROOTS, key=len, reverse=True) if pkg == r or pkg.startswith(r + "."))
        assert (ROOT / ROOTS[root] / pkg[len(root):].lstrip(".").replace(".", "/")).is_dir(), pkg


def test_license_is_an_spdx_string():
    assert PYPROJECT["project"]["license"] == "Apache-2.0"


def test_editable_install_prints_no_packaging_warning(build_env):
    out = _pip(build_env, "install", "-v", "--no-deps", "--no-build-isolation", "-e", ".")
    assert _project_warnings(out) == []
    assert "Successfully installed itukg" in out


def test_wheel_carries_the_data_the_runtime_reads(build_env, tmp_path):
    out = _pip(build_env, "wheel", "-v", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), ".")
    assert _project_warnings(out) == []
    wheel = next(tmp_path.glob("itukg-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    # every data file of the source tree that the runtime opens is in the wheel, at its place
    for pkg, folder in ROOTS.items():
        prefix = pkg.replace(".", "/")
        for f in (ROOT / folder).rglob("*"):
            if not f.is_file() or "__pycache__" in f.parts or f.suffix in (".pyc", ".mo"):
                continue
            if re.search(r"\.(py|rq|ttl|html|css|js|svg|po|pot|yaml|yml|csv|txt|md|xml)$", f.name):
                if pkg == "itukg" and f.relative_to(ROOT / folder).parts[0] not in ("commands", "messages") \
                        and f.suffix != ".py":
                    continue
                assert f"{prefix}/{f.relative_to(ROOT / folder).as_posix()}" in names, f
