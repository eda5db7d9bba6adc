"""CSV and XLSX scenario files: a long table, one row per scenario and option.

::

    scenario      option           tasks_per_month  accuracy  cost_per_task
    Support desk  Efficient model  20000            95%       0.002
    Support desk  Frontier model   20000            99%       0.05

``scenario`` and ``option`` name the row; the scenario's shared inputs
(``tasks_per_month``) must agree across its rows (a blank means "as on the
other rows"); a blank option input takes the template's default. Headings
are matched without regard to case, spaces or hyphens (``Tasks per month``).
A scenario's rows must be next to each other, which lets a file of any
length be read row by row; a blank scenario cell below a named row
continues that scenario (merged cells keep their text in the top cell).

CSV is read as Excel writes it in any locale: UTF-8 with or without a byte
order mark (or UTF-16), ``,`` or ``;`` between cells (or a tab); a decimal
point or a decimal comma, the same for every number of the file (see
:mod:`xlfuncs._files.number_text`); thousands separators and ``95%`` are accepted.
XLSX cells are read as stored: a formula by its stored value.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..._files.csv_table import csv_rows
from ..._files.limits import LIMITS
from ..._files.number_text import DecimalMark
from ..._files.text import JsonNumber
from ..template import Layout
from .checker import (
    _NO_VALUE,
    Scenario,
    ScenarioFileError,
    ScenarioProblem,
    ValueChecker,
    _blank,
    _shorten,
    assemble,
    check_option_count,
    check_option_names,
    finish,
    name_key,
    normalise_key,
    number_keys,
    option_extras,
    suggest,
    text_name,
)
from .price_book import PriceBook
from .xlsx_files import xlsx_rows

__all__ = ["read_table"]

SCENARIO, OPTION = "scenario", "option"

Records = Iterator[tuple[int, list[object]]]


def _columns(headings: Iterable[object], layout: Layout, file: str) -> list[str | None]:
    """Each column's input name (``None`` for a column without a heading); unknown is an error."""
    known = (SCENARIO, OPTION, *layout.shared_keys, *layout.value_keys, *option_extras(layout))
    names: list[str | None] = []
    written: dict[str, str] = {}
    for number, heading in enumerate(headings, start=1):
        name = normalise_key(heading) if isinstance(heading, str) else ""
        if heading is not None and not isinstance(heading, str):
            raise ScenarioFileError(
                f"{file}, column {number}: a heading must be text, got {text_name(heading)!r}"
            )
        if not name:
            names.append(None)
            continue
        if name not in known:
            raise ScenarioFileError(
                f"{file}, column {number}: unknown column {_shorten(str(heading))!r}"
                f"{suggest(name, known)}"
            )
        if name in names:
            first = written[name]
            twice = (
                f"column {name!r} appears twice"
                if first == heading
                else f"columns {_shorten(first)!r} and {_shorten(heading)!r} are one column "
                "written two ways (headings do not depend on case, spaces or hyphens)"
            )
            raise ScenarioFileError(f"{file}, column {number}: {twice}")
        names.append(name)
        written[name] = heading
    for required in (SCENARIO, OPTION) if layout.letters else (SCENARIO,):
        if required not in names:
            raise ScenarioFileError(f"{file}: the first row needs a column named {required!r}")
    return names


def _named_rows(
    rows: Iterator[tuple[int, dict[str, object]]],
) -> Iterator[tuple[str, int, dict[str, object]]]:
    """Each row that is not blank with its scenario's name as compared (:func:`name_key`).

    A blank scenario cell below a named row continues that row's scenario:
    merged cells keep their text in the top cell only, and a table often
    names its scenario once, on its first row. Only a blank above every
    name is a row without a scenario.
    """
    last = ""
    for number, row in rows:
        if all(_blank(v) for v in row.values()):
            continue
        name = text_name(row.get(SCENARIO))
        if name:
            last = name_key(name)
        yield last, number, row


def _group(
    rows: Iterator[tuple[int, dict[str, object]]],
    layout: Layout,
    checker: ValueChecker,
    prices: PriceBook,
) -> Iterator[Scenario | ScenarioProblem]:
    """Consecutive rows with the same scenario name make one scenario."""
    seen: set[str] = set()
    # A scenario has at most one row per option; rows beyond that are counted, not kept.
    most = max(len(layout.letters), 1) + 1
    for name, group in itertools.groupby(_named_rows(rows), key=lambda item: item[0]):
        members = [(number, row) for _, number, row in itertools.islice(group, most)]
        extra = sum(1 for _ in group)
        if not name:
            for number, row in members:
                checker.fail(
                    f"row {number}",
                    SCENARIO,
                    row.get(SCENARIO, ""),
                    "every row needs a scenario name",
                )
                yield finish(checker, f"row {number}", None)
            continue
        if name in seen:
            checker.fail(
                f"row {members[0][0]}",
                SCENARIO,
                text_name(members[0][1].get(SCENARIO)),
                "this scenario's rows must be next to each other, and its name appears "
                "higher up after other scenarios",
            )
            yield finish(checker, _shorten(text_name(members[0][1].get(SCENARIO))), None)
            continue
        seen.add(name)
        yield _scenario(name, members, extra, layout, checker, prices)


def _scenario(
    raw_name: str,
    members: list[tuple[int, dict[str, object]]],
    extra: int,
    layout: Layout,
    checker: ValueChecker,
    prices: PriceBook,
) -> Scenario | ScenarioProblem:
    first, last = members[0][0], members[-1][0]
    where = f"row {first}" if first == last and not extra else f"rows {first}-{last}"
    name = checker.text(members[0][1].get(SCENARIO), f"row {first}", SCENARIO)
    shared: dict[str, float | str] = {}
    for key in layout.shared_keys:
        given = [(n, row[key]) for n, row in members if not _blank(row.get(key))]
        if key == layout.reference_input:
            # Checked below, once the options' names are known.
            references = {text_name(raw) for _, raw in given}
            if len(references) > 1:
                checker.fail(where, key, _NO_VALUE, f"a scenario's rows must agree on {key}")
            continue
        checked = [(n, checker.check(layout.shared[key], raw, f"row {n}", key)) for n, raw in given]
        distinct = {value for _, value in checked}
        if len(distinct) > 1:
            (n1, v1), (n2, v2) = checked[0], next(c for c in checked if c[1] != checked[0][1])
            checker.fail(
                f"rows {n1} and {n2}",
                key,
                _NO_VALUE,
                f"a scenario's rows must agree on its shared input {key}, got {v1:g} and {v2:g}"
                if isinstance(v1, float) and isinstance(v2, float)
                else f"a scenario's rows must agree on its shared input {key}",
            )
        if checked:
            shared[key] = checked[0][1]
    checker.complete_shared(layout, shared, where)
    check_option_count(layout, len(members) + extra, checker, where, OPTION)
    specs = layout.options[layout.letters[0]] if layout.letters else {}
    extras_known = option_extras(layout)
    options = []
    for number, row in members[: len(layout.letters)]:
        option_name = checker.text(row.get(OPTION), f"row {number}", OPTION)
        if _blank(row.get(OPTION)):
            checker.fail(
                f"row {number}", OPTION, row.get(OPTION, ""), "every row needs an option name"
            )
        given = {
            key: checker.check(specs[key], row[key], f"row {number}", key)
            for key in layout.value_keys
            if not _blank(row.get(key))
        }
        extras = {k: row[k] for k in extras_known if not _blank(row.get(k))}

        values = checker.complete_option(
            layout, option_name or f"row {number}", given, extras, f"row {number}", {}, prices
        )
        options.append((option_name, values))
    checker.settle_currency(layout, shared, options, where, prices)
    check_option_names([n for n, _ in options], checker, where)
    if layout.reference_input:
        key = layout.reference_input
        raw = next((row[key] for _, row in members if not _blank(row.get(key))), None)
        shared.update(checker.reference(layout, raw, [n for n, _ in options], where))
    if checker.problems:
        return finish(checker, name or where, None)
    values = assemble(layout, name, shared, options)
    return Scenario(name, values, tuple(n for n, _ in options), f"{checker.file}, {where}")


def _rows(records: Records, layout: Layout, file: str) -> Iterator[tuple[int, dict[str, object]]]:
    """Rows as mappings from input name to raw value, after the heading row."""
    for _, cells in records:
        if any(not _blank(c) for c in cells):
            columns = _columns(cells, layout, file)
            break
    else:
        raise ScenarioFileError(f"{file}: the file is empty")
    width = len(columns)
    for number, cells in records:
        extra = [c for c in cells[width:] if not _blank(c)]
        if extra:
            raise ScenarioFileError(
                f"{file}, row {number}: a value beyond the last heading "
                f"({_shorten(text_name(extra[0]))!r})"
            )
        yield number, {c: v for c, v in zip(columns, cells, strict=False) if c is not None}


def _survey(records: Records, layout: Layout, file: str, mark: DecimalMark) -> None:
    """One pass before reading: the limits, the headings, and the file's decimal mark.

    Refuses a file with no scenarios, and one whose numbers use both decimal marks.
    """
    shared, option = number_keys(layout)
    numeric = shared | option
    scenarios, last = 0, None
    limit = LIMITS["scenarios"]
    for number, row in _rows(records, layout, file):
        if all(_blank(v) for v in row.values()):
            continue
        name = text_name(row.get(SCENARIO))
        name = name_key(name) if name else last  # a blank continues the scenario above
        if name != last:
            scenarios, last = scenarios + 1, name
            if scenarios > limit.size:
                raise limit.refuse(file, f"row {number:,}")
        for key, value in row.items():
            if key in numeric and isinstance(value, str) and not isinstance(value, JsonNumber):
                mark.see(value, f"row {number}")
    if not scenarios:
        raise ScenarioFileError(
            f"{file}: no scenarios: the file has its headings but no rows below them"
        )
    mark.check(file)


def _read_table(
    records: Callable[[], Records],
    layout: Layout,
    file: str,
    decimal: str | None,
    prices: PriceBook,
    count_first: bool = False,
) -> Iterator[Scenario | ScenarioProblem]:
    mark = DecimalMark(decimal)
    if count_first:
        for _ in records():  # the row and column limits, before any work on the rows
            pass
    _survey(records(), layout, file, mark)
    checker = ValueChecker(layout.template_name, file, mark)
    yield from _group(_rows(records(), layout, file), layout, checker, prices)


def read_table(
    path: Path,
    layout: Layout,
    file: str,
    decimal: str | None = None,
    prices: PriceBook | None = None,
) -> Iterator[Scenario | ScenarioProblem]:
    """Scenarios from a long table, one at a time.

    A ``.csv`` file is read as CSV; any other is a workbook, read from its
    sheet ``Scenarios`` (or its first sheet).
    """
    is_csv = path.suffix.lower() == ".csv"
    records = (lambda: csv_rows(path, file)) if is_csv else (lambda: xlsx_rows(path, file))
    yield from _read_table(records, layout, file, decimal, prices or PriceBook(), is_csv)
