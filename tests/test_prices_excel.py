"""MODEL_PRICE and MODEL_TOKEN_COST as Excel calls them, and without the prices extra.

Calls go through xlwings' Office.js path in the shared Excel host process
(``excel_host.py``). Expected values come from the Python functions in this
process, which ``test_prices.py`` checks against genai-prices itself.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import textwrap
from datetime import date, datetime

import pytest
from excel_host import OMIT, ROOT, ExcelFunctionError

from xlfuncs import model_price, model_token_cost

pytest.importorskip("genai_prices")

NOT_AVAILABLE = [[{"type": "Error", "errorType": "NotAvailable"}]]
O3_CUT = date(2025, 6, 10)  # OpenAI's 80 % cut of o3's prices, recorded in the data


def run_python(code: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def input_error(call) -> ExcelFunctionError:
    """A call with bad input: an xlwings error (#VALUE!) showing the short message."""
    with pytest.raises(ExcelFunctionError) as caught:
        call()
    assert caught.value.is_xlwings_error
    assert "Traceback" not in caught.value.message
    return caught.value


def test_prices(excel):
    assert excel.call("MODEL_PRICE", "gpt-4o") == [[model_price("gpt-4o")]]
    assert excel.call("MODEL_PRICE", "gpt-4o", "input") == [[model_price("gpt-4o", "input")]]
    assert excel.call("MODEL_PRICE", "claude-3-5-sonnet", "cached_input", "") == [
        [model_price("claude-3-5-sonnet", "cached_input")]
    ]


@pytest.mark.parametrize(
    "date_cell",
    [
        45817,  # a date cell holding 9 June 2025: Office.js sends its serial number
        45817.75,  # the same day at 18:00
        {"type": "FormattedNumber", "basicValue": 45817, "numberFormat": "m/d/yyyy"},
        "2025-06-09",  # a text cell in ISO form
    ],
)
def test_a_date_cell_gives_that_days_price(excel, date_cell):
    day_before_cut = O3_CUT.replace(day=9)
    expected = model_price("o3", "input", "openai", day_before_cut)
    assert expected != model_price("o3", "input", "openai", O3_CUT)
    assert excel.call("MODEL_PRICE", "o3", "input", "openai", [[date_cell]]) == [[expected]]


def test_the_day_of_the_cut_gives_the_new_price(excel):
    serial = 45818  # 10 June 2025
    expected = model_price("o3", "input", "openai", O3_CUT)
    assert excel.call("MODEL_PRICE", "o3", "input", "openai", serial) == [[expected]]


@pytest.mark.parametrize(
    "args",
    [
        ("MODEL_PRICE", "gtp-4o"),
        ("MODEL_PRICE", "gpt-4o", "output", "openia"),
        ("MODEL_PRICE", "gpt-4o", "output", "anthropic"),
        ("MODEL_PRICE", "text-embedding-3-small", "cached_input", "openai"),
        ("MODEL_TOKEN_COST", "gtp-4o", 1000, 500),
        ("MODEL_TOKEN_COST", "gpt-4", 1000, 500, OMIT, OMIT, 0.5, "openai"),  # no cache price
    ],
)
def test_names_the_data_does_not_know_are_na(excel, args):
    assert excel.call(*args) == NOT_AVAILABLE


def test_an_error_cell_as_the_model_name_is_the_answer(excel):
    # As with Excel's own functions, =MODEL_PRICE(A1) where A1 holds #N/A gives #N/A.
    na_cell = {"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}
    assert excel.call("MODEL_PRICE", [[na_cell]]) == NOT_AVAILABLE


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("MODEL_PRICE", ""), "MODEL_PRICE: model is required, got a blank"),
        (("MODEL_PRICE", OMIT), "MODEL_PRICE: model is required, got a blank"),
        (
            ("MODEL_PRICE", "gpt-4o", "outptu"),
            'MODEL_PRICE: kind must be one of "input", "output", "cached_input", '
            "got the text 'outptu'",
        ),
        (
            ("MODEL_PRICE", [["gpt-4o"], ["o3"]]),
            "MODEL_PRICE: model must be a name (text) in one cell, got a range of cells",
        ),
        (
            ("MODEL_PRICE", "gpt-4o", OMIT, OMIT, 60),
            "MODEL_PRICE: as_of must be a date (a date cell, an Excel date number or text like "
            "2025-06-30), got 60: 60 is 29 February 1900, a day Excel counts that never existed",
        ),
        (
            ("MODEL_PRICE", "text-embedding-3-small"),
            "MODEL_PRICE: model 'text-embedding-3-small' is listed by several providers",
        ),
        (
            ("MODEL_TOKEN_COST", "gpt-4o", 1000, 500, OMIT, OMIT, 50),
            "MODEL_TOKEN_COST: cached_share must be between 0 and 1, got 50 (enter 50% or 0.5)",
        ),
    ],
)
def test_bad_input_shows_the_message(excel, args, message):
    assert input_error(lambda: excel.call(*args)).message.startswith(message)


def test_token_cost(excel):
    may_2025 = 45778  # 1 May 2025
    expected = model_token_cost("o3", 1000, 500, provider="openai", as_of=date(2025, 5, 1))
    assert excel.call(
        "MODEL_TOKEN_COST", "o3", 1000, 500, OMIT, OMIT, OMIT, "openai", may_2025
    ) == [[expected]]
    table = model_token_cost("gpt-4o", [[1000], [20000]], [[500, 3000]], 100, 2, 0.5)
    got = excel.call("MODEL_TOKEN_COST", "gpt-4o", [[1000], [20000]], [[500, 3000]], 100, 2, 0.5)
    assert got == table.tolist()


def test_direct_call_accepts_a_datetime_cell():
    """Classic xlwings (COM) hands a date cell over as a datetime."""
    from xlfuncs import udfs

    expected = model_price("o3", "input", "openai", date(2025, 6, 9))
    assert udfs.MODEL_PRICE("o3", "input", "openai", datetime(2025, 6, 9, 15, 30)) == expected
    assert udfs.MODEL_PRICE("gtp-4o") == "#N/A"


# What Excel registers -------------------------------------------------------------------

DEFAULTS = {"kind": '"output"', "provider": "the model's own", "as_of": "today"}


@pytest.mark.parametrize("name", ["MODEL_PRICE", "MODEL_TOKEN_COST"])
def test_registered_help(excel, name):
    from xlfuncs import udfs

    [function] = [f for f in excel.meta()["functions"] if f["id"] == name]
    assert 0 < len(function["description"]) <= 255
    assert "US dollars" in function["description"]
    core = getattr(udfs, name).core
    assert [p["name"] for p in function["parameters"]] == list(inspect.signature(core).parameters)
    for parameter in function["parameters"]:
        argument, text = parameter["name"], parameter["description"]
        assert 0 < len(text) <= 255 and "\n" not in text, argument
        if argument in core.rules:  # numbers: their allowed range
            assert "Must be " in text, argument
        if argument in DEFAULTS:
            assert parameter.get("optional") is True
            assert text.endswith(f"Optional, default {DEFAULTS[argument]}."), text


# Loading ---------------------------------------------------------------------------------


def test_importing_the_add_in_does_not_load_the_price_data():
    done = run_python(
        """
        import sys
        import xlfuncs, xlfuncs.udfs, xlfuncs.cli
        xlfuncs.cli.build_parser()
        print(sorted(m for m in ("genai_prices", "pydantic") if m in sys.modules))
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_without_the_extra_every_entry_point_says_how_to_install():
    done = run_python(
        """
        import sys
        sys.modules["genai_prices"] = None  # as if genai-prices were not installed
        import xlfuncs, xlfuncs.udfs
        from xlfuncs.cli import main
        try:
            xlfuncs.model_price("gpt-4o")
        except ImportError as error:
            print("python:", error)
        try:
            xlfuncs.udfs.MODEL_TOKEN_COST("gpt-4o", 1000, 500)
        except Exception as error:
            print("excel:", type(error).__name__, error)
        print("cli exit:", main(["prices", "gpt-4o"]))
        """
    )
    assert done.returncode == 0, done.stderr
    command = f'{sys.executable} -m pip install "genai-prices>=0.0.23"'  # the Python that runs
    lines = done.stdout.splitlines()
    assert lines[0] == (
        "python: MODEL_PRICE: model prices need the optional genai-prices package; "
        f"install it with: {command}"
    )
    assert lines[1].startswith("excel: FunctionInputError MODEL_TOKEN_COST: model prices need")
    assert lines[1].endswith(command)
    assert lines[2] == "cli exit: 1"
    assert command in done.stderr
