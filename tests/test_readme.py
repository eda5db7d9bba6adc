"""The README's function reference and examples stay in step with the code."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from xlfuncs import udfs
from xlfuncs._excel import _DEFAULT_WORDS
from xlfuncs._validation import format_number

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def reference_rows() -> dict[str, str]:
    """The README's function table, keyed by function name."""
    rows = {}
    for line in README.splitlines():
        match = re.match(r"\| `([A-Z_]+)\(", line)
        if match:
            rows[match.group(1)] = line
    return rows


def expected_row(name: str) -> str:
    """The row the code implies: signature with defaults, description, unit."""
    function = getattr(udfs, name)
    parameters = inspect.signature(function.core).parameters
    arguments = ", ".join(
        p
        if q.default is inspect.Parameter.empty
        else f"[{p}={_DEFAULT_WORDS.get(p) or format_number(q.default)}]"
        for p, q in parameters.items()
    )
    description, unit = re.fullmatch(r"(.*) \((.+)\)\.", function.__doc__.strip()).groups()
    return f"| `{name}({arguments})` | {description}. | {unit} |"


def test_every_excel_function_is_in_the_reference_and_nothing_else():
    assert set(reference_rows()) == set(udfs.__all__)


@pytest.mark.parametrize("name", udfs.__all__)
def test_reference_row_matches_the_code(name):
    assert reference_rows()[name] == expected_row(name)


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)


def test_python_examples_run():
    # The Excel set-up snippets import everything from xlfuncs.udfs; they and
    # the Python examples must all run as written.
    blocks = python_blocks()
    assert blocks, "the README has Python examples"
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})
