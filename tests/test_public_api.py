"""The public Python API: names, signatures and docstrings, as the contract gives them."""

from __future__ import annotations

import inspect
import re
import types

import pytest

import xlfuncs

#: The Excel signatures, copied from the contract. Python names are the same
#: in snake_case, with the same argument names, order and defaults.
SPEC_SIGNATURES = [
    "TOKEN_COST(input_tokens, output_tokens, input_price, output_price, [reasoning_tokens=0], "
    "[calls=1], [cached_share=0], [cached_price=input_price])",
    "SELFHOST_COST(gpu_hour_price, tokens_per_task, tokens_per_second, [utilization=1])",
    "ERROR_COST(accuracy, cost_per_error, [catch_rate=0], [cost_per_caught_error=0])",
    "COST_PER_CORRECT(cost_per_task, accuracy)",
    "NET_VALUE(value_per_correct, accuracy, cost_per_task, cost_per_error)",
    "TCO(tasks_per_month, cost_per_task, accuracy, cost_per_error, [upfront=0], "
    "[monthly_fixed=0], [months=12], [monthly_growth=0], [annual_discount_rate=0])",
    "BREAKEVEN_ACCURACY(efficient_cost_per_task, frontier_cost_per_task, frontier_accuracy, "
    "cost_per_error, [efficient_monthly_fixed=0], [frontier_monthly_fixed=0], "
    "[tasks_per_month=1])",
    "BREAKEVEN_ERROR_COST(efficient_cost_per_task, efficient_accuracy, frontier_cost_per_task, "
    "frontier_accuracy, [efficient_monthly_fixed=0], [frontier_monthly_fixed=0], "
    "[tasks_per_month=1])",
    "BREAKEVEN_VOLUME(a_cost_per_task, a_monthly_fixed, b_cost_per_task, b_monthly_fixed)",
    "MARGIN(price, cost)",
    "MARGIN_PATH(price, cost, annual_price_change, annual_cost_change, years)",
    "YEARS_TO_ZERO_MARGIN(price, cost, annual_price_change, annual_cost_change)",
    "TCO_SIM(option_block, [percentiles={0.1,0.5,0.9}], [trials=10000], [seed=0], "
    '[generator="default"], [entity=0])',
    "PROB_CHEAPER(block_a, block_b, [shared_block], [trials=10000], [seed=0], [correlation=1], "
    '[generator="default"], [entity=0])',
    "TCO_TORNADO(option_block, [other_block], [shared_block])",
    # From the contract's additions of 2026-12-07.
    "HDR(trial, var_id, [entity=0], [seed3=0], [seed4=0])",
    # From the model-prices issue, which stands where the contract is silent.
    'MODEL_PRICE(model, [kind="output"], [provider], [as_of])',
    "MODEL_TOKEN_COST(model, input_tokens, output_tokens, [reasoning_tokens=0], [calls=1], "
    "[cached_share=0], [provider], [as_of])",
]

#: Text and date arguments, which their functions check themselves (no numeric rule).
TEXT_ARGUMENTS = {"model", "kind", "provider", "as_of", "generator"}

#: The numeric core; the Monte Carlo functions above are checked once they exist.
CORE = [
    "token_cost",
    "selfhost_cost",
    "error_cost",
    "cost_per_correct",
    "net_value",
    "tco",
    "breakeven_accuracy",
    "breakeven_error_cost",
    "breakeven_volume",
    "margin",
    "margin_path",
    "years_to_zero_margin",
]

NO_DEFAULT = inspect.Parameter.empty
#: A default that the contract gives as another argument (cached_price =
#: input_price): in Python the default is None and the function works it out.
WORKED_OUT = object()


def parse_spec(signature: str) -> tuple[str, list[tuple[str, object]]]:
    """``NAME(a, [b=0], [c])`` -> ``("name", [("a", NO_DEFAULT), ("b", 0.0), ("c", None)])``."""
    match = re.fullmatch(r"([A-Z_]+)\((.*)\)", signature)
    assert match, signature
    name, body = match.groups()
    arguments = []
    for part in re.findall(r"\[[^\]]*\]|[^,\s\[][^,]*", body):
        part = part.strip()
        if not part.startswith("["):
            arguments.append((part, NO_DEFAULT))
            continue
        argument, _, default = part.strip("[]").partition("=")
        if not default:
            arguments.append((argument, None))
        elif re.fullmatch(r"-?[\d.]+", default):
            arguments.append((argument, float(default)))
        elif re.fullmatch(r'"[^"]*"', default):
            arguments.append((argument, default.strip('"')))
        elif re.fullmatch(r"\{[-\d., ]+\}", default):
            arguments.append((argument, tuple(float(v) for v in default.strip("{}").split(","))))
        else:
            arguments.append((argument, WORKED_OUT))
    return name.lower(), arguments


#: Python-only functions, in the same notation: the raw trials behind TCO_SIM and PROB_CHEAPER.
PYTHON_ONLY_SIGNATURES = [
    'TCO_SIM_TRIALS(option_block, [trials=10000], [seed=0], [generator="default"], [entity=0])',
    "PROB_CHEAPER_TRIALS(block_a, block_b, [shared_block], [trials=10000], [seed=0], "
    '[correlation=1], [generator="default"], [entity=0])',
]

SPEC = dict(parse_spec(s) for s in SPEC_SIGNATURES + PYTHON_ONLY_SIGNATURES)


def test_spec_parser():
    assert parse_spec("F(a, b, [c=0], [d=input_price], [e])") == (
        "f",
        [("a", NO_DEFAULT), ("b", NO_DEFAULT), ("c", 0.0), ("d", WORKED_OUT), ("e", None)],
    )
    assert parse_spec("G([p={0.1,0.5,0.9}], [n=10000])")[1] == [
        ("p", (0.1, 0.5, 0.9)),
        ("n", 10000.0),
    ]
    assert parse_spec('H(m, [k="output"])')[1] == [("m", NO_DEFAULT), ("k", "output")]


#: Tools outside the function contract: generate() writes workbooks from
#: scenario files (test_batch_*.py). It is loaded on first use, so that the
#: Excel functions start without openpyxl or YAML.
TOOLS = ["generate"]

PUBLIC_FUNCTIONS = [
    n for n in xlfuncs.__all__ if inspect.isfunction(getattr(xlfuncs, n)) and n not in TOOLS
]


def test_all_lists_exactly_the_public_names():
    # Submodules (xlfuncs.udfs once imported, for one) are not part of the API.
    public = {
        name
        for name, value in vars(xlfuncs).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert set(xlfuncs.__all__) == public | {"__version__"} | set(TOOLS)
    for name in TOOLS:
        assert inspect.isfunction(getattr(xlfuncs, name))


def test_all_is_sorted_without_duplicates():
    assert xlfuncs.__all__ == sorted(set(xlfuncs.__all__))


def test_star_import_gives_all():
    namespace: dict = {}
    exec("from xlfuncs import *", namespace)
    assert set(namespace) - {"__builtins__"} == set(xlfuncs.__all__)


def test_version_and_error_type():
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", xlfuncs.__version__)
    assert issubclass(xlfuncs.InputError, ValueError)


def test_the_core_is_public_and_every_public_function_is_in_the_contract():
    assert set(CORE) <= set(PUBLIC_FUNCTIONS)
    assert set(PUBLIC_FUNCTIONS) <= set(SPEC)


@pytest.mark.parametrize("name", PUBLIC_FUNCTIONS)
def test_signature_matches_the_contract(name):
    parameters = inspect.signature(getattr(xlfuncs, name)).parameters
    assert [p for p in parameters] == [argument for argument, _ in SPEC[name]]
    for argument, default in SPEC[name]:
        parameter = parameters[argument]
        assert parameter.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        if default is WORKED_OUT:
            assert parameter.default is None, argument
        elif default is NO_DEFAULT or default is None:
            assert parameter.default is default, argument
        elif isinstance(default, tuple):
            # a list of values: as a sequence, or None standing for it
            assert parameter.default is None or tuple(parameter.default) == default, argument
        else:
            assert parameter.default == default, argument


@pytest.mark.parametrize("name", PUBLIC_FUNCTIONS)
def test_excel_name_is_the_upper_case_name(name):
    function = getattr(xlfuncs, name)
    assert function.excel_name == name.upper()
    parameters = inspect.signature(function).parameters
    assert list(function.rules) == [p for p in parameters if p not in TEXT_ARGUMENTS]


def sections(docstring: str) -> dict[str, str]:
    """numpydoc sections: a title line underlined with dashes, then the body."""
    parts = re.split(r"^(\w[\w ]*)\n-+\n", docstring, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


@pytest.mark.parametrize("name", PUBLIC_FUNCTIONS + TOOLS)
def test_docstring_is_numpydoc(name):
    function = getattr(xlfuncs, name)
    docstring = inspect.getdoc(function)
    assert docstring, name
    found = sections(docstring)
    for title in ("Parameters", "Returns", "Examples"):
        assert title in found, f"{name}: no {title} section"
    # every argument documented exactly once; "a, b : float" documents two,
    # so pairs such as a_cost_per_task, b_cost_per_task may break the order
    documented = []
    for line in found["Parameters"].splitlines():
        header = re.fullmatch(r"(\w+(?:, \w+)*) : .+", line)
        if header:
            documented.extend(header.group(1).split(", "))
    assert sorted(documented) == sorted(inspect.signature(function).parameters)
    assert found["Returns"].strip()
    assert ">>> " in found["Examples"]
