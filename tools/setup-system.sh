#!/usr/bin/env bash
# Install the system packages itukg needs, from Debian's apt only, and only when missing.
# Idempotent: on a machine that has everything it installs nothing and does not touch apt.
# Runs as root (or through sudo), without a terminal (CI=true, no stdin).
#
# To add a requirement: write a `need_<thing>` function below that appends Debian package names
# to NEED when the thing is missing, and add it to CHECKS. `apt-get update` runs once, then one
# `apt-get install` installs everything missing.
set -euo pipefail

NEED=()

# Python's venv module (Debian ships it apart from python3): `make setup` creates .venv with it.
need_python_venv() {
  local py="${PYTHON:-python3}"
  if ! "$py" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    local ver
    ver="$("$py" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
    NEED+=("python${ver}-venv")
  fi
}

# A Java runtime: owlready2 runs its reasoner (HermiT) with `java`.
need_java() {
  command -v java >/dev/null 2>&1 || NEED+=(default-jre-headless)
}

# Browser tests and screenshots: Debian's chromium (never `playwright install`, which downloads
# its own browser build) and a CJK font so Chinese labels render.
need_browser() {
  local chromium="${ITUKG_CHROMIUM:-/usr/bin/chromium}"
  [ -x "$chromium" ] || NEED+=(chromium)
  if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
    NEED+=(fonts-noto-cjk)
  fi
}

# Graphviz `dot`: tools/gen_diagram.py draws the ontology diagram (docs/ontology.svg) with it.
need_graphviz() {
  command -v dot >/dev/null 2>&1 || NEED+=(graphviz)
}

# cairo: the heatmaps' PNG downloads are drawn by cairosvg, which loads libcairo.
need_cairo() {
  ldconfig -p 2>/dev/null | grep -q 'libcairo\.so\.2' || NEED+=(libcairo2)
}

# nginx: the tested replica layout (docs/deploy.md, tests/api/test_replicas.py) puts nginx in
# front of several `itukg serve` processes; the tests start their own nginx on a free port.
need_nginx() {
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || NEED+=(nginx-light)
}

# Virtuoso 7: the remote-store tests run the suite against it too (tests/sparql_servers.py starts one
# on a loopback port in a temporary directory; docs/store.md, "Backends").
need_virtuoso() {
  command -v virtuoso-t >/dev/null 2>&1 || NEED+=(virtuoso-opensource)
}

CHECKS=(need_python_venv need_java need_browser need_graphviz need_cairo need_nginx need_virtuoso)

for check in "${CHECKS[@]}"; do
  "$check"
done

if [ "${#NEED[@]}" -eq 0 ]; then
  echo "setup-system: all system packages present"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-system: missing ${NEED[*]} and there is no apt-get here; install them yourself" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" != "0" ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo -n"
  else
    echo "setup-system: need root (or sudo) to install ${NEED[*]}" >&2
    exit 1
  fi
fi

# Servers among these packages (nginx, Virtuoso) must not start system-wide on install (port 80): Debian's
# policy-rc.d hook (exit 101 = "not allowed") stops invoke-rc.d while we install, and is removed
# after unless it was there before. The tests start their own instances on free loopback ports.
POLICY=/usr/sbin/policy-rc.d
OWN_POLICY=""
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null
  $SUDO chmod +x "$POLICY"
  OWN_POLICY=1
fi
cleanup() { if [ -n "$OWN_POLICY" ]; then $SUDO rm -f "$POLICY"; fi; }
trap cleanup EXIT

echo "setup-system: installing ${NEED[*]} (Debian packages)"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${NEED[@]}" </dev/null
echo "setup-system: done"
