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
length be read row by row.

CSV is read as Excel writes it in any locale: UTF-8 with or without a byte
order mark, ``,`` or ``;`` between cells (or a tab), and with ``;`` a
decimal comma (``0,95``); thousands separators and ``95%`` are accepted.
"""

from __future__ import annotations

import contextlib
import csv
import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path

from .scenarios import (
    _NO_VALUE,
    Scenario,
    ScenarioFileError,
    ScenarioProblem,
    ValueChecker,
    assemble,
    check_option_count,
    finish,
    normalise_key,
    suggest,
    text_name,
)
from .template import Layout

__all__ = ["csv_records", "read_csv", "read_xlsx"]

SCENARIO, OPTION = "scenario", "option"


def _columns(headings: Iterable[object], layout: Layout, file: str) -> list[str | None]:
    """Each column's input name (``None`` for a column without a heading); unknown is an error."""
    known = (SCENARIO, OPTION, *layout.shared_keys, *layout.value_keys)
    names: list[str | None] = []
    for number, heading in enumerate(headings, start=1):
        name = normalise_key(heading) if heading is not None else ""
        if not name:
            names.append(None)
            continue
        if name not in known:
            raise ScenarioFileError(
                f"{file}, column {number}: unknown column {str(heading)!r}{suggest(name, known)}"
            )
        if name in names:
            raise ScenarioFileError(f"{file}, column {number}: column {name!r} appears twice")
        names.append(name)
    for required in (SCENARIO, OPTION) if layout.letters else (SCENARIO,):
        if required not in names:
            raise ScenarioFileError(f"{file}: the first row needs a column named {required!r}")
    return names


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _group(
    rows: Iterator[tuple[int, dict[str, object]]], layout: Layout, file: str, decimal: str
) -> Iterator[Scenario | ScenarioProblem]:
    """Consecutive rows with the same scenario name make one scenario."""
    checker = ValueChecker(layout.template_name, file, decimal)
    seen: set[str] = set()
    rows_with_names = (
        (text_name(row.get(SCENARIO)), number, row)
        for number, row in rows
        if not all(_blank(v) for v in row.values())
    )
    for name, group in itertools.groupby(rows_with_names, key=lambda item: item[0]):
        members = [(number, row) for _, number, row in group]
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
                name,
                "this scenario's rows must be next to each other, and its name appears "
                "higher up after other scenarios",
            )
            yield finish(checker, name, None)
            continue
        seen.add(name)
        yield _scenario(name, members, layout, checker)


def _scenario(
    name: str, members: list[tuple[int, dict[str, object]]], layout: Layout, checker: ValueChecker
) -> Scenario | ScenarioProblem:
    first, last = members[0][0], members[-1][0]
    where = f"row {first}" if first == last else f"rows {first}-{last}"
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
        elif checked:
            shared[key] = checked[0][1]
    check_option_count(layout, len(members), checker, where, OPTION)
    specs = layout.options[layout.letters[0]] if layout.letters else {}
    options = []
    for number, row in members[: len(layout.letters)]:
        option_name = text_name(row.get(OPTION))
        if not option_name:
            checker.fail(
                f"row {number}", OPTION, row.get(OPTION, ""), "every row needs an option name"
            )
        values = {
            key: checker.check(specs[key], row[key], f"row {number}", key)
            for key in layout.value_keys
            if not _blank(row.get(key))
        }
        options.append((option_name, values))
    checker.require_varying(layout, options, where)
    if layout.reference_input:
        key = layout.reference_input
        raw = next((row[key] for _, row in members if not _blank(row.get(key))), None)
        shared.update(checker.reference(layout, raw, [n for n, _ in options], where))
    if checker.problems:
        return finish(checker, name, None)
    values = assemble(layout, name, shared, options)
    return Scenario(name, values, tuple(n for n, _ in options), f"{checker.file}, {where}")


def _rows(
    records: Iterator[tuple[int, list[object]]], layout: Layout, file: str
) -> Iterator[tuple[int, dict[str, object]]]:
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
                f"{file}, row {number}: a value beyond the last heading ({extra[0]!r})"
            )
        yield number, {c: v for c, v in zip(columns, cells, strict=False) if c is not None}


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


@contextlib.contextmanager
def csv_records(path: Path, file: str) -> Iterator[tuple[Iterator[tuple[int, list[str]]], str]]:
    """Open a CSV file as Excel writes it: its records (line number, cells) and its decimal mark.

    The decimal mark (``"."`` or ``","``) is what :func:`parse_number` needs
    for the file's numbers. An undecodable or malformed file raises
    :class:`ScenarioFileError` naming ``file``. Other tables (option blocks
    for ``xlfuncs tornado``) read CSV files through this too.
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            first = stream.readline()
            while first and not first.strip(" \r\n,;\t"):
                first = stream.readline()
            delimiter = _delimiter(first)
            stream.seek(0)
            reader = csv.reader(stream, delimiter=delimiter)
            records = ((reader.line_num, cells) for cells in reader)
            decimal = "," if delimiter == ";" else "."
            yield records, decimal
    except UnicodeDecodeError as error:
        raise ScenarioFileError(
            f"{file}: not UTF-8 text (byte {error.start}); in Excel, save it with "
            "File > Save As > CSV UTF-8"
        ) from None
    except csv.Error as error:
        raise ScenarioFileError(f"{file}: not a readable CSV file: {error}") from None


def read_csv(path: Path, layout: Layout, file: str) -> Iterator[Scenario | ScenarioProblem]:
    """Scenarios from a CSV long table, one at a time."""
    with csv_records(path, file) as (records, decimal):
        yield from _group(_rows(records, layout, file), layout, file, decimal)


def read_xlsx(path: Path, layout: Layout, file: str) -> Iterator[Scenario | ScenarioProblem]:
    """Scenarios from the sheet ``Scenarios`` (or the first sheet) of a workbook."""
    from openpyxl import load_workbook

    try:
        # openpyxl parses with defusedxml when it is installed (a dependency of
        # xlfuncs), which refuses entity declarations: no XML bombs.
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # zip, XML or openpyxl errors of all kinds
        raise ScenarioFileError(f"{file}: cannot read this workbook ({_reason(error)})") from error
    try:
        sheet = book["Scenarios"] if "Scenarios" in book.sheetnames else book.worksheets[0]
        records = enumerate((list(r) for r in sheet.iter_rows(values_only=True)), start=1)
        yield from _group(_rows(records, layout, file), layout, file, ".")
    except ScenarioFileError:
        raise
    except Exception as error:
        raise ScenarioFileError(f"{file}: cannot read this workbook ({_reason(error)})") from error
    finally:
        book.close()


def _reason(error: BaseException) -> str:
    """The first cause of a failed read, in words."""
    while error.__cause__ is not None or error.__context__ is not None:
        error = error.__cause__ or error.__context__
    if type(error).__module__.startswith("defusedxml"):
        return "it declares XML entities, which are refused as a possible XML bomb"
    return f"{type(error).__name__}: {error}"
