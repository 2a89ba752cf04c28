"""The project's build backend: setuptools' own, with one informational message silenced.

itukg installs its top-level folders under one import root (``itukg.graph`` = ``graph/``, ...,
decision 0000), so an editable install cannot be a plain path entry (that would make ``graph``
and ``api`` importable as top-level modules); setuptools then uses an import hook and says so
with an ``InformationOnly`` warning ("Editable installation. Please be careful with folders in
your working directory with the same name as your package"), which pip prints as a warning of
the project's build. Nothing is wrong and nothing can be done about it (decision 0149), so that
one message, matched by its text, is filtered here; every other setuptools warning still shows
(``tests/cli/test_packaging.py`` fails on any).
"""

import warnings

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F401,F403 - the PEP 517/660 hooks, unchanged

warnings.filterwarnings("ignore", message=r"Editable installation\.", category=UserWarning)

__all__ = _setuptools.__all__
