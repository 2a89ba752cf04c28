"""Re-fetch the browser libraries the service serves itself (no CDN) and record what was taken.

    python tools/vendor.py            # fetch the pinned versions into api/static/vendor/
    python tools/vendor.py --check    # verify the vendored files against VENDOR.json

Each package is fetched with the npm client (``npm pack <name>@<version>``, the registry
tarball), its sha512 integrity checked against what the registry publishes, and only the
built files the pages load are copied, with the package's licence; the few edits of
:data:`PATCHES` (a URL that would leave the service) are applied and recorded. ``VENDOR.json`` records
for every package its version, the tarball's integrity and the sha256 of each copied file;
``--check`` recomputes those hashes (the test suite does the same).

Exits 2 with ``vendor.py: message`` when npm fails, a tarball does not match its integrity,
or (``--check``) a vendored file differs from its record. Not imported by the runtime.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "api" / "static" / "vendor"
MANIFEST = VENDOR / "VENDOR.json"

#: folder → (npm package, pinned version, {file in the tarball: name in the folder})
PACKAGES: dict[str, tuple[str, str, dict[str, str]]] = {
    "yasgui": ("@triply/yasgui", "4.2.28", {
        "package/build/yasgui.min.js": "yasgui.min.js",
        "package/build/yasgui.min.css": "yasgui.min.css",
        "package/build/yasgui.min.js.LICENSE.txt": "yasgui.min.js.LICENSE.txt",
        "package/LICENSE.txt": "LICENSE.txt",
    }),
    "swagger-ui": ("swagger-ui-dist", "5.35.0", {
        "package/swagger-ui-bundle.js": "swagger-ui-bundle.js",
        "package/swagger-ui.css": "swagger-ui.css",
        "package/swagger-ui-bundle.js.LICENSE.txt": "swagger-ui-bundle.js.LICENSE.txt",
        "package/LICENSE": "LICENSE",
        "package/NOTICE": "NOTICE",
    }),
    "redoc": ("redoc", "2.5.0", {
        "package/bundles/redoc.standalone.js": "redoc.standalone.js",
        "package/bundles/redoc.standalone.js.LICENSE.txt": "redoc.standalone.js.LICENSE.txt",
        "package/LICENSE": "LICENSE",
    }),
}

#: (folder/file) → (text, replacement): the only edits made to a package's files, each recorded
#: in VENDOR.json; Redoc's sidebar shows its logo from a CDN, which a page served offline
#: must not ask for
PATCHES: dict[str, list[tuple[str, str]]] = {
    "redoc/redoc.standalone.js": [("https://cdn.redoc.ly/redoc/logo-mini.svg", "/static/favicon.svg")],
}


class VendorError(Exception):
    """npm failed, a download does not match the registry's integrity, or a file its record."""


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _npm(*args: str, cwd: Path) -> str:
    """Run the npm client; its stdout. Raises VendorError when it fails or is missing."""
    try:
        done = subprocess.run(["npm", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise VendorError("npm is not installed") from None
    if done.returncode != 0:
        raise VendorError(f"npm {' '.join(args)} failed: {done.stderr.strip()[-400:]}")
    return done.stdout


def fetch(folder: str, tmp: Path) -> dict:
    """Download one pinned package, check its integrity, copy its files; its record.
    Raises VendorError."""
    name, version, files = PACKAGES[folder]
    info = json.loads(_npm("pack", f"{name}@{version}", "--json", cwd=tmp))[0]
    tarball = tmp / info["filename"]
    integrity = info["integrity"]  # what the registry published (sha512)
    algo, _, expected = integrity.partition("-")
    got = base64.b64encode(hashlib.new(algo, tarball.read_bytes()).digest()).decode()
    if got != expected:
        raise VendorError(f"{name}@{version}: tarball does not match the registry's {integrity}")
    dest = VENDOR / folder
    dest.mkdir(parents=True, exist_ok=True)
    record = {"package": name, "version": version, "integrity": integrity, "files": {}}
    with tarfile.open(tarball) as tar:
        for member, target in files.items():
            data = tar.extractfile(member)
            if data is None:
                raise VendorError(f"{name}@{version}: no file {member} in the tarball")
            body = data.read()
            for old, new in PATCHES.get(f"{folder}/{target}", []):
                if old.encode() not in body:
                    raise VendorError(f"{name}@{version}: {target} no longer contains {old!r}")
                body = body.replace(old.encode(), new.encode())
                record.setdefault("patches", []).append({"file": target, "from": old, "to": new})
            (dest / target).write_bytes(body)
            record["files"][target] = sha256(dest / target)
    return record


def check() -> list[str]:
    """Differences between the vendored files and VENDOR.json (empty when they agree)."""
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    problems = []
    for folder, record in manifest.items():
        for target, digest in record["files"].items():
            path = VENDOR / folder / target
            if not path.is_file():
                problems.append(f"{folder}/{target}: missing")
            elif sha256(path) != digest:
                problems.append(f"{folder}/{target}: sha256 differs from VENDOR.json")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="verify the vendored files")
    args = ap.parse_args(argv)
    try:
        if args.check:
            problems = check()
            for p in problems:
                print(f"vendor.py: {p}", file=sys.stderr)
            return 2 if problems else 0
        manifest = {}
        with tempfile.TemporaryDirectory() as tmp:
            for folder in PACKAGES:
                manifest[folder] = fetch(folder, Path(tmp))
                print(f"{folder}: {manifest[folder]['package']}@{manifest[folder]['version']}")
        MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    except VendorError as exc:
        print(f"vendor.py: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
