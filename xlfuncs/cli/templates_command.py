"""``xlfuncs templates``: write the template workbooks into a folder.

The workbooks ship inside the package (``xlfuncs/_templates``); in a source
checkout without them they are built on the spot, byte for byte the same.
A file that already exists is never replaced unless ``--overwrite`` is given.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from .._errors import InputError
from .._printable import printable
from ..templates import TEMPLATE_NAMES, check_name  # light: the package imports openpyxl lazily

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "templates",
        help="write the template workbooks (TCO comparison, break-even, margins...)",
        description="Write the template workbooks into a folder. They calculate in Excel, "
        "LibreOffice and Google Sheets without Python: type your numbers in the yellow cells.",
    )
    parser.add_argument("--out", type=Path, default=Path("."), help="folder (default: here)")
    parser.add_argument(
        "--overwrite", action="store_true", help="replace workbooks that already exist"
    )
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help="templates to write (default: all): " + ", ".join(TEMPLATE_NAMES),
    )
    parser.add_argument(
        "--describe",
        metavar="NAME",
        help="list a template's inputs (unit, default, allowed values, meaning) instead",
    )
    parser.set_defaults(handler=_write_templates)


def _packaged(filename: str) -> bytes | None:
    """The workbook shipped in the package, or None in a checkout without built files."""
    from importlib import resources

    try:
        return resources.files("xlfuncs").joinpath("_templates", filename).read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None


def _built(name: str) -> bytes:
    from ..templates import template

    module = template(name)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / module.FILENAME
        module.build({}, path)
        return path.read_bytes()


def _write_templates(arguments: argparse.Namespace) -> int:
    if arguments.describe:
        from ..batch.read.describe import describe

        try:
            print(describe(arguments.describe))
        except ValueError as error:
            print(f"xlfuncs templates: {error}", file=sys.stderr)
            return 2
        return 0
    names = arguments.names or list(TEMPLATE_NAMES)
    try:
        names = [check_name(n) for n in names]
    except InputError as error:
        print(f"xlfuncs templates: {error}", file=sys.stderr)
        return 2
    from .._files.output_folder import OutputFolderError, output_problem, prepare_folder
    from .._files.saving import save_atomically, write_bytes

    out: Path = arguments.out
    try:
        prepare_folder(out)
    except OutputFolderError as error:
        print(f"xlfuncs templates: {printable(str(error))}", file=sys.stderr)
        return 1
    kept = 0
    for name in names:
        filename = f"{name}.xlsx"
        target = out / filename
        if target.is_dir():
            print(
                f"xlfuncs templates: {printable(str(target))} is a folder, so the workbook "
                "cannot be written under that name",
                file=sys.stderr,
            )
            return 1
        if target.exists() and not arguments.overwrite:
            _say_kept(target)
            kept += 1
            continue
        data = _packaged(filename) or _built(name)
        # Written beside the target, then renamed: never a half-written workbook.
        try:
            save_atomically(
                lambda path, data=data: write_bytes(path, data), target, arguments.overwrite
            )
        except FileExistsError:  # appeared meanwhile
            _say_kept(target)
            kept += 1
            continue
        except OSError as error:  # read-only, full, not ours ...
            problem = output_problem(error, out) or (
                f"cannot write {target}: {error.strerror or error}"
            )
            print(f"xlfuncs templates: {printable(problem)}", file=sys.stderr)
            return 1
        print(f"wrote {printable(str(target))}")
    return 1 if kept else 0


def _say_kept(target: Path) -> None:
    print(
        f"kept {printable(str(target))}: it already exists (use --overwrite to replace it)",
        file=sys.stderr,
    )
