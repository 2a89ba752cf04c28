"""Run a coroutine to completion from a synchronous test.

The browser tests (Playwright's sync API) leave an event loop running in the main thread, and
``asyncio.run`` refuses to start inside a running loop; a thread of its own has none.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
