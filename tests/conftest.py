"""Shared fixtures and settings of the test suite."""

from __future__ import annotations

import os

import pytest
from excel_host import ExcelHost
from hypothesis import Phase, settings

# Speed is measured by the benchmarks, never asserted by tests: no per-example
# deadline. In continuous integration the examples are derandomized, so a run
# can be repeated exactly; locally each run explores new examples.
settings.register_profile("xlfuncs", deadline=None)
settings.register_profile("xlfuncs-ci", deadline=None, derandomize=True)
# For mutation testing (``--hypothesis-profile xlfuncs-mutants``): a failing example is
# reported as found, without the search for the smallest one.
settings.register_profile(
    "xlfuncs-mutants",
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
settings.load_profile("xlfuncs-ci" if os.environ.get("CI") else "xlfuncs")


@pytest.fixture(scope="session")
def excel(tmp_path_factory):
    """Excel's Office.js host (xlwings Server / xlwings Lite), one process per test run."""
    host = ExcelHost(tmp_path_factory.mktemp("excel_host") / "stderr.txt")
    yield host
    host.close()
