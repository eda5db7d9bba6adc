"""Shared fixtures of the test suite."""

from __future__ import annotations

import pytest
from excel_host import ExcelHost


@pytest.fixture(scope="session")
def excel(tmp_path_factory):
    """Excel's Office.js host (xlwings Server / xlwings Lite), one process per test run."""
    host = ExcelHost(tmp_path_factory.mktemp("excel_host") / "stderr.txt")
    yield host
    host.close()
