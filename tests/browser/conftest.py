"""Browser tests: their fixtures (``chromium``, ``live_pages``, ``pages_store``) are defined once
for the session in ``tests/conftest.py``, and these tests are collected last (see there)."""
