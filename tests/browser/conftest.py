"""Browser tests import the shared fixtures of tests/ (pages_support, servers)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
