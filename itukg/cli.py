"""The ``itukg`` command line.

Exit status: 0 success, 1 a check failed (e.g. ``itukg audit`` found violations),
2 usage or input error (the message says what and where), 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

from itukg import __version__
from itukg.errors import ItukgError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="itukg",
        description="A knowledge graph of ITU-D mandates and their links to the UN SDGs.",
    )
    parser.add_argument("--version", action="version", version=f"itukg {__version__}")
    parser.add_argument(
        "--store",
        default=None,  # a string: a folder, or the URL of a SPARQL server (Settings decides)
        help="store directory or SPARQL server URL (default: $ITUKG_STORE or ./var/store)",
    )
    parser.add_argument(
        "--base-iri", default=None, help="base IRI of minted identifiers (default: $ITUKG_BASE_IRI)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    import itukg.commands as commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"itukg.commands.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from pydantic import ValidationError

    from itukg.settings import Settings

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    overrides = {}
    if args.store is not None:
        overrides["store"] = args.store
    if args.base_iri is not None:
        overrides["base_iri"] = args.base_iri
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        print(f"itukg: invalid setting: {exc}", file=sys.stderr)
        return 2
    try:
        return int(args.func(args, settings) or 0)
    except ItukgError as exc:
        print(f"itukg: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("itukg: interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        print("itukg: error: out of memory (the store was left as it was)", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - a bug: one line for the user, never a traceback
        if settings.debug:
            raise
        print(f"itukg: internal error: {type(exc).__name__}: {exc} (the store was left as it "
              "was; ITUKG_DEBUG=1 shows the traceback)", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
