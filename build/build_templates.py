"""Rebuild the template workbooks in templates/ from their builders.

Usage: python build/build_templates.py [--out FOLDER]

The builds are deterministic (fixed timestamps), so a rebuild of unchanged
builders gives byte-identical files; tests compare templates/ with a fresh
build.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # build from this checkout, not from an installed copy

from xlfuncs.templates import TEMPLATE_NAMES, build_all  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "templates", help="output folder")
    parser.add_argument("names", nargs="*", default=list(TEMPLATE_NAMES), help="templates")
    arguments = parser.parse_args(argv)
    for path in build_all(arguments.out, arguments.names):
        print(f"built {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
