"""The ``xlfuncs`` command line: one sub-command per job.

Each sub-command lives in its own module with ``register(subparsers)`` that
adds its parser and sets ``handler`` (a function of the parsed arguments that
returns the exit code). Building the parser imports every command module, so
those keep heavy imports (openpyxl, price data) inside their handler.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence

from .._version import __version__

#: Modules that add a sub-command, in the order ``--help`` lists them.
COMMAND_MODULES: list[str] = [
    "xlfuncs.cli.prices_command",
    "xlfuncs.cli.templates_command",
    "xlfuncs.cli.generate_command",
    "xlfuncs.cli.tornado_command",
    "xlfuncs.cli.sweep_command",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xlfuncs",
        description="What AI options really cost: Excel functions, templates and batch workbooks.",
    )
    parser.add_argument("--version", action="version", version=f"xlfuncs {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    handler = getattr(arguments, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(handler(arguments) or 0)
    except BrokenPipeError:
        # Whoever reads the output stopped early (xlfuncs tornado --csv | head):
        # nothing is wrong here, so no traceback; and nothing more to write.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
