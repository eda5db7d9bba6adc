"""End to end through the real client: xlwings Server, its JavaScript under Node.

The real ``xlwings-server`` package serves ``xlfuncs.udfs`` on 127.0.0.1, set
up as the README's xlwings Server section says; the custom-functions
JavaScript it serves runs under Node with only Excel's globals stubbed
(``officejs_runtime.js``). Each call goes JavaScript -> HTTP -> Python -> back,
on a host that claims CustomFunctionsRuntime 1.4 and on one that claims only
1.3 (perpetual Office 2021 and 2024 on Windows list no 1.4), where xlwings
sends "no answer" cells as text. The README's "Excel hosts" notes describe
both. Hand calculations and the Python functions called in this process are
the oracles.
"""

from __future__ import annotations

import inspect
import re

import pytest
from xlwings_server_host import OMIT, OfficeJsClient, XlwingsServer, require_e2e

import xlfuncs
from xlfuncs import udfs
from xlfuncs._excel import argument_doc

RUNTIMES = ["1.4", "1.3"]

#: The result limit the server is started with, to see the wire guard act.
LIMIT = 100_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_e2e()
    running = XlwingsServer(
        tmp_path_factory.mktemp("xlwings_server"),
        env={"XLFUNCS_MAX_RESULT_BYTES": str(LIMIT)},
    )
    yield running
    running.close()


@pytest.fixture(scope="module", params=RUNTIMES, ids=lambda r: f"runtime-{r}")
def excel(request, server, tmp_path_factory):
    node = require_e2e()
    stderr = tmp_path_factory.mktemp("node") / "stderr.txt"
    client = OfficeJsClient(node, server.origin, request.param, stderr)
    yield client
    client.close()


def declared(name: str) -> int:
    return len(inspect.signature(getattr(udfs, name)).parameters)


def call(excel, name, *args):
    return excel.call(name, *args, declared=declared(name))


def error(excel, text: str, error_type: str) -> object:
    """An Excel error value as a cell: a real one on runtime 1.4, text below (xlwings' doing)."""
    return {"type": "Error", "errorType": error_type} if excel.runtime == "1.4" else text


def test_node_registers_every_excel_function(excel):
    assert excel.functions == sorted(udfs.__all__)


def test_a_scalar_call(excel):
    # Hand calculation: 12 months * 1000 tasks * (0.01 + (1 - 0.9) * 1) = 1320.
    [[value]] = call(excel, "TCO", 1000, 0.01, 0.9, 1)["result"]
    assert value == pytest.approx(1320.0, rel=1e-12)


@pytest.mark.parametrize("blank", [OMIT, [[None]], [[""]]], ids=["omitted", "empty", "text"])
def test_a_blank_optional_argument_means_its_default(excel, blank):
    # months blank: the default 12, so 1320 as above; months 24 doubles it (hand calculation).
    [[default]] = call(excel, "TCO", 1000, 0.01, 0.9, 1, OMIT, OMIT, blank)["result"]
    [[doubled]] = call(excel, "TCO", 1000, 0.01, 0.9, 1, OMIT, OMIT, 24)["result"]
    assert default == pytest.approx(1320.0, rel=1e-12)
    assert doubled == pytest.approx(2640.0, rel=1e-12)


def test_a_two_way_table_spills_with_no_answer_where_costs_are_equal(excel):
    # BREAKEVEN_VOLUME = (a_fixed - b_fixed) / (b_cost - a_cost): with a_cost 0.001,
    # b_fixed 0, a_fixed down the rows (0, 6000) and b_cost across (0.001, 0.013):
    # 0 / 0 and 6000 / 0 have no answer, 0 / 0.012 = 0, 6000 / 0.012 = 500,000.
    result = call(excel, "BREAKEVEN_VOLUME", 0.001, [[0], [6000]], [[0.001, 0.013]], 0)
    div0 = error(excel, "#DIV/0!", "Div0")
    [[a, b], [c, d]] = result["result"]
    assert [a, c] == [div0, div0]
    assert b == 0
    assert d == pytest.approx(500_000, rel=1e-12)


def test_a_bad_value_is_value_error_with_the_message(excel):
    answer = call(excel, "TCO", 1000, 0.01, 95, 1)
    assert answer == {
        "error": {
            "code": "#VALUE!",
            "message": "TCO: accuracy must be between 0 and 1, got 95 (enter 95% or 0.95)",
        }
    }


def test_an_error_cell_as_an_argument_is_the_answer(excel):
    na_cell = {"type": "Error", "errorType": "NotAvailable", "basicValue": "#N/A"}
    div0_cell = {"type": "Error", "errorType": "Div0", "basicValue": "#DIV/0!"}
    answer = call(excel, "TCO", 1000, 0.01, na_cell, div0_cell)
    assert answer == {"result": [[error(excel, "#N/A", "NotAvailable")]]}


def test_a_stocks_cell_as_an_argument_gets_a_plain_message(excel):
    stocks = {"type": "LinkedEntity", "text": "Microsoft Corp", "id": {"entityId": "x"}}
    answer = call(excel, "TCO", 1000, 0.01, [[stocks]], 1)
    assert answer == {
        "error": {
            "code": "#VALUE!",
            "message": "TCO: accuracy must be a number, got a Stocks or Geography data type "
            "(refer to one of its fields, e.g. =A2.Price)",
        }
    }


def test_tco_sim_with_a_block_spills_a_row_of_percentiles(excel):
    block = [
        ["Parameter", "Low", "Most likely", "High"],
        ["tasks_per_month", 800, 1000, 1500],
        ["cost_per_task", 0.012, "", ""],
        ["accuracy", 0.9, 0.95, 0.97],
        ["cost_per_error", 1, 2, 10],
        ["months", 36, "", ""],
    ]
    same = {
        "tasks_per_month": (800, 1000, 1500),
        "cost_per_task": 0.012,
        "accuracy": (0.9, 0.95, 0.97),
        "cost_per_error": (1, 2, 10),
        "months": 36,
    }
    assert call(excel, "TCO_SIM", block)["result"] == [xlfuncs.tco_sim(same).tolist()]


def test_hdr_spills_the_published_check_values(excel):
    # SPEC "HDR": trials 1 to 5 of var_id 1, entity 1, to 10 decimals.
    expected = [0.9097355403, 0.7586898016, 0.0798592771, 0.5203718956, 0.1174664187]
    result = call(excel, "HDR", [[1], [2], [3], [4], [5]], 1, 1)["result"]
    assert [round(row[0], 10) for row in result] == expected


def test_tco_sim_with_the_hdr_generator_is_the_python_function_s(excel):
    """The same trials as a workbook's Risk sheet: a PERT row drawn by the exact Beta quantile."""
    block = [
        ["Parameter", "Low", "Most likely", "High", "Distribution"],
        ["tasks_per_month", 800, 1000, 1500, ""],
        ["cost_per_task", 0.012, "", "", ""],
        ["accuracy", 0.9, 0.95, 0.97, "PERT"],
        ["cost_per_error", 1, 2, 10, "triangular"],
    ]
    same = {
        "tasks_per_month": (800, 1000, 1500),
        "cost_per_task": 0.012,
        "accuracy": (0.9, 0.95, 0.97, "pert"),
        "cost_per_error": (1, 2, 10),
    }
    answer = call(excel, "TCO_SIM", block, [[0.05, 0.5, 0.95]], 2000, OMIT, "hdr", 42)
    expected = xlfuncs.tco_sim(same, [0.05, 0.5, 0.95], 2000, generator="hdr", entity=42)
    assert answer["result"] == [expected.tolist()]


def test_model_price_of_an_unknown_model_is_na(excel):
    answer = call(excel, "MODEL_PRICE", "no-such-model-xyz")
    assert answer == {"result": [[error(excel, "#N/A", "NotAvailable")]]}


def test_a_result_above_the_limit_is_refused_with_its_size(excel):
    # 100 x 100 cells of about 17 characters: about 180 KB of JSON, above 100,000 bytes.
    volumes = [[v] for v in range(1000, 101000, 1000)]
    accuracies = [[0.5 + i / 250 for i in range(100)]]
    answer = call(excel, "TCO", volumes, 0.013, accuracies, 7.5, OMIT, OMIT, 36)
    assert answer["error"]["code"] == "#VALUE!"
    assert re.fullmatch(
        r"TCO: the result is 100 rows x 100 columns, about 1\d\d KB to send to Excel, more "
        r"than the limit of 100 KB \(use smaller ranges, or raise the limit with the setting "
        r"XLFUNCS_MAX_RESULT_BYTES\)",
        answer["error"]["message"],
    ), answer


# What the server tells Excel: the metadata and the manifest ---------------------------------


@pytest.fixture(scope="module")
def metadata(server):
    import json

    return json.loads(server.get("/xlwings/custom-functions-meta"))


def test_the_served_metadata_names_every_function_once(metadata):
    names = [f["name"] for f in metadata["functions"]]
    assert sorted(names) == sorted(udfs.__all__)
    assert [f["id"] for f in metadata["functions"]] == names
    # Error cells reach the functions (so that they can be the answer) only with this.
    assert metadata["allowErrorForDataTypeAny"] is True


@pytest.mark.parametrize("name", udfs.__all__)
def test_the_served_metadata_describes_the_function_and_every_argument(metadata, name):
    [served] = [f for f in metadata["functions"] if f["name"] == name]
    function = getattr(udfs, name)
    assert served["description"] == function.__doc__.strip()
    core = function.core
    parameters = inspect.signature(core).parameters
    assert [p["name"] for p in served["parameters"]] == list(parameters)
    for parameter in served["parameters"]:
        argument = parameter["name"]
        assert parameter["description"] == argument_doc(core, argument)
        optional = parameters[argument].default is not inspect.Parameter.empty
        assert parameter.get("optional", False) is optional, argument


def test_the_manifest_has_no_namespace_so_functions_are_typed_as_tco(server):
    # With XLWINGS_FUNCTIONS_NAMESPACE empty and XLWINGS_ENVIRONMENT=prod, as the
    # README says, the manifest declares no namespace: =TCO(), not =XLWINGS.TCO().
    manifest = server.get("/manifest.xml")
    assert "<Hosts>" in manifest or "<Host " in manifest
    assert "Functions.Namespace" not in manifest
    assert "/xlwings/custom-functions-code" in manifest
