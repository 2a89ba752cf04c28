#!/usr/bin/env bash
# Install what the browser tests and screenshots need, from Debian's packages only:
# chromium (never `playwright install`: it downloads a browser build of its own and fails here)
# and a CJK font so Chinese labels render. Idempotent: installs nothing when both are present.
set -euo pipefail

CHROMIUM="${ITUKG_CHROMIUM:-/usr/bin/chromium}"
need=()
[ -x "$CHROMIUM" ] || need+=(chromium)
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  need+=(fonts-noto-cjk)
fi

if [ "${#need[@]}" -eq 0 ]; then
  echo "setup-browser: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM") and a CJK font present"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-browser: missing ${need[*]} and no apt-get here; install them (or set ITUKG_CHROMIUM)" >&2
  exit 1
fi

SUDO=""
[ "$(id -u)" = "0" ] || SUDO="sudo"

echo "setup-browser: installing ${need[*]} (Debian packages)"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
"$CHROMIUM" --version
