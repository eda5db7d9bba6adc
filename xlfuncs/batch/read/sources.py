"""Where scenarios come from: a scenario file of any supported kind, or Python objects.

YAML and JSON files nest their scenarios (:mod:`xlfuncs.batch.read.checker`);
CSV and XLSX files are a long table (:mod:`xlfuncs.batch.read.tables`). This
module picks the reader by the file's suffix, so that neither reader needs
the other, and turns every way a file cannot be read into one
:class:`~xlfuncs.batch.read.checker.ScenarioFileError` that names it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path

from ..._errors import InputError
from ..._files.limits import LIMITS, LimitError
from ..._files.number_text import MixedDecimalMarksError
from ..._files.text import FileReadError, check_size, json_document
from ...templates._risk import ENTITY_INPUT
from ..template import Layout
from .checker import SUFFIXES, Scenario, ScenarioFileError, ScenarioProblem
from .nested import read_nested
from .price_book import PriceBook
from .tables import read_table
from .yaml_files import yaml_document

__all__ = ["read_scenarios"]


def read_scenarios(
    source: str | os.PathLike[str] | Mapping | Iterable,
    layout: Layout,
    decimal: str | None = None,
    *,
    today: date | None = None,
) -> Iterator[Scenario | ScenarioProblem]:
    """Scenarios from a file (by its suffix) or from Python objects, in order.

    ``decimal`` states the decimal mark of numbers written as text (``"."``
    or ``","``); by default the file's own unambiguous numbers settle it
    (see :mod:`xlfuncs._files.number_text`). Model prices are looked up on
    ``today`` (default: the day this is called) unless an option gives
    ``as_of``.

    Raises :class:`ScenarioFileError` when the file cannot be read at all
    (while iterating); a bad scenario is yielded as a
    :class:`ScenarioProblem` instead.
    """
    if decimal is not None and decimal not in (".", ","):
        raise InputError(f"decimal must be '.' or ',', got {decimal!r}")
    prices = PriceBook(today)
    if not isinstance(source, (str, os.PathLike)):
        items = read_nested(source, layout, "", decimal=decimal, prices=prices)
        return _own_streams(_file_errors(items, ""))
    items = _read_file(Path(source), str(source), layout, decimal, prices)
    return _own_streams(_file_errors(items, str(source)))


def _own_streams(
    items: Iterator[Scenario | ScenarioProblem],
) -> Iterator[Scenario | ScenarioProblem]:
    """A scenario that names no entity (the Risk sheet's random streams) takes its position
    in the file: every scenario draws its own trials, the same whatever runs it."""
    for position, item in enumerate(items, start=1):
        unnamed = isinstance(item, Scenario) and item.values.get(ENTITY_INPUT, 0) is None
        if unnamed:
            item.values[ENTITY_INPUT] = float(position)
        yield item


def _read_file(
    path: Path, file: str, layout: Layout, decimal: str | None, prices: PriceBook
) -> Iterator[Scenario | ScenarioProblem]:
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise ScenarioFileError(
            f"{file}: scenario files end in {', '.join(SUFFIXES)}; "
            f"got {path.suffix or 'no suffix'!r}"
        )
    # Missing, a folder, a dangling link, a named pipe or a device: each said as it is.
    check_size(path, file)
    if kind == "yaml":
        yield from read_nested(yaml_document(path, file), layout, file, decimal, prices)
    elif kind == "json":
        yield from read_nested(
            json_document(path, file), layout, file, decimal=decimal, prices=prices
        )
    else:
        yield from read_table(path, layout, file, decimal, prices)


def _file_errors(
    items: Iterator[Scenario | ScenarioProblem], file: str
) -> Iterator[Scenario | ScenarioProblem]:
    """Every way a file cannot be read, as a :class:`ScenarioFileError` naming it."""
    try:
        yield from items
    except ScenarioFileError:
        raise
    except (FileReadError, LimitError, MixedDecimalMarksError) as error:
        raise ScenarioFileError(str(error)) from None
    except RecursionError:
        raise LIMITS["depth"].refuse(file or "the scenarios") from None
