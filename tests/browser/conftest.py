"""Browser tests import the shared fixtures of tests/ (pages_support, servers)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# the browser and the server once for every module here: two Playwright instances cannot share
# the thread (its sync API refuses to start inside the first one's loop)
from pages_support import chromium, live_pages, pages_store  # noqa: E402,F401 (fixtures)
