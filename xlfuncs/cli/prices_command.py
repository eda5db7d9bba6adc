"""``xlfuncs prices MODEL ...``: list prices by model name, with the date of the price data."""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import date

from .._genai_prices import INSTALL_COMMAND

_HEADERS = ["model", "matched", "provider", "input", "output", "cached input", "since", "notes"]
_CSV_HEADERS = [
    "model",
    "matched_model",
    "provider",
    "input",
    "output",
    "cached_input",
    "price_since",
    "as_of",
    "source",
    "source_newest_change",
]
_NOTES = {
    "tiered": "base tier: the price is higher above some context length",
    "hourly": "price varies by hour: the one charged for most of the day",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "prices",
        help="list prices of models in US dollars per 1,000,000 tokens (genai-prices data)",
        description=(
            "Print the input, output and cache-read list prices of each model, in US dollars "
            "per 1,000,000 tokens, from the price data bundled with genai-prices "
            f"({INSTALL_COMMAND}), with the date of that data."
        ),
    )
    parser.add_argument("models", nargs="+", metavar="MODEL", help="model name, e.g. gpt-4o")
    parser.add_argument("--provider", help="whose list prices, e.g. openai, azure, anthropic")
    parser.add_argument(
        "--as-of",
        metavar="DATE",
        type=_iso_date,
        help="day of the prices, as YYYY-MM-DD (default: today)",
    )
    parser.add_argument("--csv", action="store_true", help="print CSV for scripts")
    parser.set_defaults(handler=run)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date as YYYY-MM-DD: {text!r}") from None


def _price(value: float | None, *, plain: bool = False) -> str:
    """A price as stored (2.5 -> 2.50 in the table, 2.5 in CSV); blank if there is none."""
    if value is None:
        return ""
    if plain:
        return format(value, ".15g")
    return f"{value:.2f}" if round(value, 2) == value else format(value, ".15g")


def run(arguments: argparse.Namespace) -> int:
    from .._errors import InputError, MissingDependencyError
    from .._genai_prices import UPGRADE_COMMAND, lookup_prices, price_source

    try:
        source = price_source()
    except MissingDependencyError as error:
        print(f"xlfuncs {error}", file=sys.stderr)
        return 1
    described = f"{source.package} {source.version}"
    newest = source.newest_change.isoformat() if source.newest_change else ""
    rows, failed = [], False
    for model in arguments.models:
        try:
            prices = lookup_prices(model, arguments.provider, arguments.as_of, function="prices")
        except InputError as error:
            print(f"xlfuncs {error}", file=sys.stderr)
            failed = True
            continue
        flags = (("tiered", prices.tiered), ("hourly", prices.time_of_day))
        notes = [key for key, flag in flags if flag]
        rows.append((model, prices, notes))
    as_of = rows[0][1].as_of if rows else None

    if arguments.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(_CSV_HEADERS)
        for model, p, _ in rows:
            writer.writerow(
                [
                    model,
                    p.model,
                    p.provider,
                    *(_price(v, plain=True) for v in (p.input, p.output, p.cached_input)),
                    p.since.isoformat() if p.since else "",
                    p.as_of.isoformat(),
                    described,
                    newest,
                ]
            )
        return 1 if failed else 0

    if rows:
        table = [_HEADERS] + [
            [
                model,
                p.model,
                p.provider,
                *(_price(v) for v in (p.input, p.output, p.cached_input)),
                p.since.isoformat() if p.since else "-",
                ", ".join(notes),
            ]
            for model, p, notes in rows
        ]
        widths = [max(len(row[i]) for row in table) for i in range(len(_HEADERS))]
        numeric = {3, 4, 5}
        for row in table:
            cells = [
                cell.rjust(w) if i in numeric else cell.ljust(w)
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            ]
            print("  ".join(cells).rstrip())
        print()
        print(f"US dollars per 1,000,000 tokens on {as_of.isoformat()}.")
        used = sorted({key for _, _, notes in rows for key in notes})
        for key in used:
            print(f"{key}: {_NOTES[key]}.")
        print("since: the day the price took effect; -: the first price the data records.")
    print(
        f"Price data: bundled with {described} (newest price change in it: {newest or 'none'}); "
        f"newer data comes with: {UPGRADE_COMMAND}"
    )
    return 1 if failed else 0
