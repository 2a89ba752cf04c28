"""``python -m itukg.graph.mapping.reference ...``: see :func:`itukg.graph.mapping.reference._main`."""

import sys

from itukg.graph.mapping.reference import _main

raise SystemExit(_main(sys.argv[1:]))
