"""Subcommands of the ``itukg`` CLI: one module each, discovered by :mod:`itukg.cli`.

Each module defines ``register(subparsers)`` that adds its subparser(s) with
``set_defaults(func=...)``; ``func(args, settings)`` returns the exit code.
"""
