"""Browser tests share the fixtures of tests/ (pages_support, servers), defined once here: a
session fixture imported into each test module would be a second instance per module (a second
store, server and Playwright, and Playwright's sync API refuses to start inside another's loop)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# the browser and the server once for every module here: two Playwright instances cannot share
# the thread (its sync API refuses to start inside the first one's loop)
from pages_support import chromium, live_pages, pages_store  # noqa: E402,F401 (fixtures)
