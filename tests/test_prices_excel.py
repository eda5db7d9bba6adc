"""MODEL_PRICE and MODEL_TOKEN_COST as Excel calls them, and without the prices extra.

The Office.js path (xlwings Server and xlwings Lite) needs XLWINGS_ON_SERVER
set before xlwings is imported, so it runs in a child process that prints the
results as JSON. Expected values come from the Python functions in this
process, which the other price tests check against genai-prices itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import date, datetime
from pathlib import Path

import pytest

from xlfuncs import model_price, model_token_cost

pytest.importorskip("genai_prices")
pytest.importorskip("xlwings")

ROOT = Path(__file__).resolve().parents[1]


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


OFFICE_JS_CALLS = {
    "gpt4o_output": ["MODEL_PRICE", "gpt-4o"],
    "gpt4o_input": ["MODEL_PRICE", "gpt-4o", "input"],
    "o3_date_cell": ["MODEL_PRICE", "o3", "input", "openai", 45817],  # a cell holding 9 Jun 2025
    "o3_after_cut": ["MODEL_PRICE", "o3", "input", "openai", 45818],  # 10 Jun 2025
    "cached_blank_provider": ["MODEL_PRICE", "claude-3-5-sonnet", "cached_input", ""],
    "misspelled": ["MODEL_PRICE", "gtp-4o"],
    "unknown_provider": ["MODEL_PRICE", "gpt-4o", "output", "openia"],
    "no_cache_price": ["MODEL_PRICE", "text-embedding-3-small", "cached_input", "openai"],
    "blank_model": ["MODEL_PRICE", ""],
    "bad_kind": ["MODEL_PRICE", "gpt-4o", "outptu"],
    "range_as_model": ["MODEL_PRICE", [["gpt-4o"], ["o3"]]],
    "cost": ["MODEL_TOKEN_COST", "o3", 1000, 500, None, None, None, "openai", 45778],
    "cost_table": ["MODEL_TOKEN_COST", "gpt-4o", [[1000], [20000]], [[500, 3000]], 100, 2, 0.5],
    "cost_bad_share": ["MODEL_TOKEN_COST", "gpt-4o", 1000, 500, None, None, 50],
    "cost_unknown": ["MODEL_TOKEN_COST", "gtp-4o", 1000, 500],
}


@pytest.fixture(scope="module")
def office_js():
    """Each call of OFFICE_JS_CALLS through xlwings.server.custom_functions_call."""
    code = f"""
        import asyncio, json
        import xlwings, xlwings.server
        import xlfuncs.udfs

        def matrix(value):
            if value is None:
                return None  # an omitted argument
            return value if isinstance(value, list) else [[value]]

        results = {{}}
        for key, (name, *args) in json.loads({json.dumps(json.dumps(OFFICE_JS_CALLS))}).items():
            payload = {{
                "func_name": name,
                "args": [matrix(a) for a in args],
                "version": xlwings.__version__,
                "client": "Office.js",
                "runtime": "1.4",
                "culture_info_name": "en-US",
                "date_format": "M/d/yyyy",
                "caller_address": "Sheet1!A1",
            }}
            try:
                value = asyncio.run(xlwings.server.custom_functions_call(payload, xlfuncs.udfs))
                results[key] = {{"value": value}}
            except Exception as error:
                results[key] = {{"raised": type(error).__name__, "message": str(error)}}
        print(json.dumps(results))
    """
    done = run_python(code, XLWINGS_ON_SERVER="true", XLWINGS_LICENSE_KEY="noncommercial")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_office_js_prices(office_js):
    assert office_js["gpt4o_output"] == {"value": [[model_price("gpt-4o")]]}
    assert office_js["gpt4o_input"] == {"value": [[model_price("gpt-4o", "input")]]}
    assert office_js["cached_blank_provider"] == {
        "value": [[model_price("claude-3-5-sonnet", "cached_input")]]
    }


def test_office_js_date_cell_is_a_serial_number(office_js):
    assert office_js["o3_date_cell"] == {
        "value": [[model_price("o3", "input", "openai", date(2025, 6, 9))]]
    }
    assert office_js["o3_after_cut"] == {
        "value": [[model_price("o3", "input", "openai", date(2025, 6, 10))]]
    }
    assert office_js["o3_date_cell"] != office_js["o3_after_cut"]


NOT_AVAILABLE = {"value": [[{"type": "Error", "errorType": "NotAvailable"}]]}


@pytest.mark.parametrize(
    "key", ["misspelled", "unknown_provider", "no_cache_price", "cost_unknown"]
)
def test_office_js_unknown_names_are_na(office_js, key):
    assert office_js[key] == NOT_AVAILABLE


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("blank_model", "MODEL_PRICE: model is required, got a blank"),
        ("bad_kind", "MODEL_PRICE: kind must be one of"),
        ("range_as_model", "MODEL_PRICE: model must be a name (text) in one cell, got a range"),
        ("cost_bad_share", "MODEL_TOKEN_COST: cached_share must be between 0 and 1, got 50"),
    ],
)
def test_office_js_bad_input_shows_the_message(office_js, key, message):
    assert office_js[key]["raised"] == "FunctionInputError"
    assert office_js[key]["message"].startswith(message)


def test_office_js_token_cost(office_js):
    assert office_js["cost"] == {
        "value": [[model_token_cost("o3", 1000, 500, provider="openai", as_of=date(2025, 5, 1))]]
    }
    expected = model_token_cost("gpt-4o", [[1000], [20000]], [[500, 3000]], 100, 2, 0.5)
    assert office_js["cost_table"] == {"value": expected.tolist()}


def test_direct_call_accepts_a_datetime_cell():
    """Classic xlwings (COM) hands a date cell over as a datetime."""
    from xlfuncs import udfs

    expected = model_price("o3", "input", "openai", date(2025, 6, 9))
    assert udfs.MODEL_PRICE("o3", "input", "openai", datetime(2025, 6, 9, 15, 30)) == expected
    assert udfs.MODEL_PRICE("gtp-4o") == "#N/A"


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
    command = 'pip install "xlfuncs[prices]"'
    lines = done.stdout.splitlines()
    assert lines[0] == (
        "python: MODEL_PRICE: model prices need the optional genai-prices package; "
        f"install it with: {command}"
    )
    assert lines[1].startswith("excel: FunctionInputError MODEL_TOKEN_COST: model prices need")
    assert lines[1].endswith(command)
    assert lines[2] == "cli exit: 1"
    assert command in done.stderr
