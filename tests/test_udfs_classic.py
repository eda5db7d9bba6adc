"""The Excel functions called the way classic xlwings (Excel on Windows) calls them.

Every call goes through ``classic_host.py``: xlwings' own argument and result
conversion as ``xlwings.udfs.call_udf`` applies it, with the values COM
hands over. A Currency or Accounting cell arrives as a ``decimal.Decimal``
of four decimals (pywin32 turns Excel's CURRENCY, a count of ten-thousandths,
into a Decimal); a range as a tuple of row tuples; an argument left out as
the COM code DISP_E_PARAMNOTFOUND. The expected numbers are those of the
same call with plain numbers (floats), which the Office.js tests tie to the
Python core: a Currency cell must change nothing but the type.

A failed call's cell text is what pywin32 hands Excel for the exception (see
``classic_host.py``): the message alone, or "Unexpected Python Error: " and a
traceback when the exception is not a COM exception.
"""

from __future__ import annotations

import re
from decimal import Decimal

import numpy as np
import pytest
from classic_host import MISSING, ClassicCellError, ClassicHost
from excel_examples import FUNCTIONS, TABLES, parameters

import xlfuncs

#: Option blocks: two options and what they share.
EFFICIENT = [
    ["cost_per_task", 0.002, "", ""],
    ["accuracy", 0.90, 0.95, 0.97],
    ["cost_per_error", 0.5, 1, 4],
]
FRONTIER = [
    ["cost_per_task", 0.04, "", ""],
    ["accuracy", 0.97, 0.98, 0.99],
    ["cost_per_error", 0.5, 1, 4],
]
SHARED = ["tasks_per_month", 5_000, 10_000, 30_000]

#: COM's code for #DIV/0! (CVErr(xlErrDiv0)), as an error cell arrives and a result leaves.
DIV0 = -2146826281


def currency(value: object) -> object:
    """What classic xlwings reads from a cell holding ``value`` formatted as Currency."""
    if value == MISSING:
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Decimal(value).quantize(Decimal("0.0001"))
    if isinstance(value, (list, tuple)):
        return tuple(currency(v) for v in value)
    return value


def as_com(value: object) -> object:
    """A value as COM hands it over: numbers as floats, ranges as tuples of rows."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return float(value)
    if isinstance(value, (list, tuple)):
        return tuple(as_com(v) for v in value)
    return None if value == "" else value


@pytest.fixture(scope="module")
def classic(tmp_path_factory):
    host = ClassicHost(tmp_path_factory.mktemp("classic_host") / "stderr.txt")
    yield host
    host.close()


@pytest.fixture(scope="module")
def classic_limited(tmp_path_factory):
    """A classic host whose result limit is set to 16,000 bytes: 1,000 cells."""
    host = ClassicHost(
        tmp_path_factory.mktemp("classic_host_limited") / "stderr.txt",
        env={"XLFUNCS_MAX_RESULT_BYTES": "16000"},
    )
    yield host
    host.close()


def cell_text(call) -> ClassicCellError:
    with pytest.raises(ClassicCellError) as caught:
        call()
    return caught.value


# Currency and Accounting cells: Decimals count as the numbers they hold -----------------


def test_the_host_poses_as_classic_windows(classic):
    assert classic.evaluate("xlfuncs._excel._CLASSIC_WINDOWS") is True


@pytest.mark.parametrize("name", FUNCTIONS)
def test_currency_cells_give_the_figures_of_plain_numbers(classic, name):
    core, args = FUNCTIONS[name]
    numbers = [as_com(a) for a in args]
    expected = classic.call(name, *numbers)
    the_core = np.ravel(core(*[float(a) for a in args]))
    assert np.ravel(expected).tolist() == pytest.approx(the_core.tolist())
    assert classic.call(name, *[currency(a) for a in numbers]) == expected
    # One Currency cell among plain numbers, in each position.
    for position in range(len(args)):
        mixed = list(numbers)
        mixed[position] = currency(mixed[position])
        assert classic.call(name, *mixed) == expected, parameters(name)[position]


@pytest.mark.parametrize("name", TABLES)
def test_ranges_of_currency_cells_give_the_table_of_plain_numbers(classic, name):
    _core, args = FUNCTIONS[name]
    down, down_values, across, across_values = TABLES[name]
    numbers = [as_com(a) for a in args]
    numbers[parameters(name).index(down)] = tuple((float(v),) for v in down_values)
    numbers[parameters(name).index(across)] = (tuple(float(v) for v in across_values),)
    expected = classic.call(name, *numbers)
    assert len(expected) == len(down_values)
    assert classic.call(name, *[currency(a) for a in numbers]) == expected


def test_a_column_of_currency_cells_gives_the_column_of_plain_numbers(classic):
    volumes = ((1000.0,), (2500.0,), (40000.0,))
    expected = classic.call("TCO", volumes, 0.0125, 0.95, 8.0)
    assert classic.call("TCO", currency(volumes), currency(0.0125), 0.95, currency(8.0)) == (
        expected
    )
    assert expected == [[pytest.approx(12 * v * (0.0125 + 0.05 * 8))] for (v,) in volumes]


def test_a_currency_cell_that_is_not_allowed_is_refused_with_its_number(classic):
    problem = cell_text(lambda: classic.call("TCO", 1000.0, 0.01, currency(95), 2.0))
    assert problem.text == "TCO: accuracy must be between 0 and 1, got 95 (enter 95% or 0.95)"
    problem = cell_text(lambda: classic.call("TCO", 1000.0, currency(-0.01), 0.95, 2.0))
    assert problem.text == "TCO: cost_per_task must be 0 or more, got -0.01"


def _block(rows) -> tuple:
    return tuple(as_com(row) for row in rows)


@pytest.mark.parametrize(
    ("name", "blocks"),
    [
        ("TCO_SIM", (_block([*EFFICIENT, SHARED]),)),
        ("PROB_CHEAPER", (_block(EFFICIENT), _block(FRONTIER), _block([SHARED]))),
        ("TCO_TORNADO", (_block(EFFICIENT), _block(FRONTIER), _block([SHARED]))),
    ],
)
def test_option_blocks_of_currency_cells_give_the_figures_of_plain_numbers(classic, name, blocks):
    expected = classic.call(name, *blocks)
    assert classic.call(name, *[currency(b) for b in blocks]) == expected
    # Settings typed into Currency cells too: trials and seed.
    if name != "TCO_TORNADO":
        settings = ([MISSING] if name == "TCO_SIM" else []) + [5000.0, 7.0]  # trials, seed
        plain = classic.call(name, *blocks, *settings)
        assert classic.call(name, *blocks, *[currency(s) for s in settings]) == plain


def test_percentiles_in_currency_cells_give_those_of_plain_numbers(classic):
    block = _block([*EFFICIENT, SHARED])
    percentiles = ((0.05, 0.5, 0.95),)
    plain = classic.call("TCO_SIM", block, percentiles)
    assert len(plain) == 3
    assert classic.call("TCO_SIM", block, currency(percentiles)) == plain


def test_model_token_cost_takes_currency_cells(classic):
    plain = classic.call("MODEL_TOKEN_COST", "gpt-4o", 1000.0, 500.0, 200.0, 2.0, 0.5)
    typed = [currency(v) for v in (1000.0, 500.0, 200.0, 2.0, 0.5)]
    assert classic.call("MODEL_TOKEN_COST", "gpt-4o", *typed) == plain
    assert plain == pytest.approx(
        xlfuncs.model_token_cost("gpt-4o", 1000, 500, 200, 2, 0.5)  # the core's figure
    )


def test_the_python_functions_take_decimals_with_the_figures_of_floats():
    assert xlfuncs.tco(Decimal("1000"), Decimal("0.0100"), Decimal("0.95"), Decimal("2")) == (
        xlfuncs.tco(1000, 0.01, 0.95, 2)
    )
    column = [[Decimal("1000")], [Decimal("2000.5")]]
    assert (
        xlfuncs.tco(column, 0.01, [[Decimal("0.9"), 0.95]], 2).tolist()
        == xlfuncs.tco([[1000.0], [2000.5]], 0.01, [[0.9, 0.95]], 2).tolist()
    )
    block = {
        "tasks_per_month": Decimal("1000"),
        "cost_per_task": Decimal("0.01"),
        "accuracy": (Decimal("0.9"), Decimal("0.95"), 0.97),
        "cost_per_error": Decimal("2"),
    }
    floats = {
        k: tuple(map(float, v)) if isinstance(v, tuple) else float(v) for k, v in block.items()
    }
    assert xlfuncs.tco_sim(block).tolist() == xlfuncs.tco_sim(floats).tolist()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (Decimal("NaN"), "TCO: accuracy must be a number, got NaN"),
        (Decimal("Infinity"), "TCO: accuracy must be a finite number, got infinity"),
        (Decimal("1E+400"), "TCO: accuracy must be a finite number, got infinity"),
        (Decimal("sNaN"), "TCO: accuracy must be a number, got Decimal('sNaN')"),
    ],
)
def test_decimals_without_a_figure_are_refused(value, message):
    with pytest.raises(xlfuncs.InputError) as caught:
        xlfuncs.tco(1000, 0.01, value, 2)
    assert str(caught.value) == message


# Error text: the message alone ----------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            (1000.0, 0.01, 95.0, 2.0),
            "TCO: accuracy must be between 0 and 1, got 95 (enter 95% or 0.95)",
        ),
        ((1000.0, 0.01, 0.95, MISSING), "TCO: cost_per_error is required, got a blank"),
        ((1000.0, "n/a", 0.95, 2.0), "TCO: cost_per_task must be a number, got the text 'n/a'"),
    ],
)
def test_a_failed_call_shows_the_message_alone(classic, args, message):
    problem = cell_text(lambda: classic.call("TCO", *args))
    assert problem.text == message
    assert "Traceback" not in problem.text and "xlfuncs." not in problem.text
    # What pywin32 takes the text from: a COM exception's description.
    assert problem.error_type[:4] == [
        "FunctionInputError",
        "XlfuncsError",
        "XlwingsError",
        "COMException",
    ]
    assert "com_error" in problem.error_type
    assert problem.message == message  # str() of the exception


def test_an_error_cell_is_the_answer(classic):
    assert classic.call("TCO", 1000.0, DIV0, 0.95, 2.0) == ("error", DIV0)
    assert classic.call("BREAKEVEN_VOLUME", 1.0, 0.0, 1.0, 0.0) == ("error", DIV0)


# The size guard on the classic path ------------------------------------------------------


def test_whole_columns_against_whole_rows_are_refused_before_computing(classic):
    # =TCO(A:A, 0.01, 1:1, 8): some 17 billion cells. Computed, it died after
    # seconds with a MemoryError for 128 GiB; refused, it answers at once.
    column = tuple((float(v),) for v in range(1, 1_048_577))
    row = ((0.9,) * 16_384,)
    problem = cell_text(lambda: classic.call("TCO", column, 0.01, row, 8.0))
    assert problem.text == (
        "TCO: the ranges given span 1,048,576 rows x 16,384 columns, at least 274.8 GB to "
        "send to Excel, more than the limit of 160.0 MB (use smaller ranges, or raise the "
        "limit with the setting XLFUNCS_MAX_RESULT_BYTES)"
    )
    assert classic.call("TCO", 1000.0, 0.01, 0.9, 8.0) == pytest.approx(12 * 1000 * 0.81)


def test_the_default_limit_spares_a_whole_column(classic):
    assert classic.evaluate("xlfuncs._excel.CLASSIC_MAX_RESULT_BYTES") == 160_000_000
    column = tuple((float(v),) for v in range(1, 1_048_577))
    result = classic.call("TCO", column, 0.01, 0.9, 1.0)
    assert len(result) == 1_048_576 and result[-1] == [pytest.approx(12 * 1_048_576 * 0.11)]


def test_the_limit_setting_applies_and_the_sizes_compare_as_they_read(classic_limited):
    # 1,001 cells of 16 bytes: 16,016 bytes against a limit of 16,000.
    column = tuple((float(v),) for v in range(1, 1002))
    problem = cell_text(lambda: classic_limited.call("TCO", column, 0.01, 0.9, 1.0))
    assert problem.text == (
        "TCO: the ranges given span 1,001 rows x 1 column, at least 16.01 KB to send to "
        "Excel, more than the limit of 16.00 KB (use smaller ranges, or raise the limit "
        "with the setting XLFUNCS_MAX_RESULT_BYTES)"
    )
    # 1,000 cells fit.
    assert len(classic_limited.call("TCO", column[:1000], 0.01, 0.9, 1.0)) == 1000


def test_every_size_message_reads_true():
    """Above the limit by a byte or many times, the size as written exceeds the limit as written."""
    from xlfuncs._excel import _sizes_in_words

    units = {"bytes": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9}

    def value(words: str) -> float:
        number, unit = words.split()
        return float(number.replace(",", "")) * units[unit]

    for limit in (1, 999, 1_000, 1_024, 16_000, 100_000, 5_000_000, 160_000_000):
        for size in (limit + 1, limit + 16, int(limit * 1.001) + 1, limit * 2, limit * 1000):
            shown_size, shown_limit = _sizes_in_words(size, limit)
            assert value(shown_size) > value(shown_limit), (size, limit)
            assert value(shown_size) <= size and value(shown_limit) >= limit, (size, limit)
            assert re.fullmatch(r"[\d,.]+ (bytes|KB|MB|GB)", shown_size)
