"""--recalc: calculated values stored in the written workbooks, everything else as built."""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from template_support import require_libreoffice

import xlfuncs

pytestmark = pytest.mark.libreoffice

EXAMPLE = Path(xlfuncs.__file__).parent / "batch" / "example_scenarios.yaml"
# A formula cell with its stored value, and the value-type attribute LibreOffice's result needs.
CACHED = re.compile(r'( t="(?:str|b|e)")?>(<f[^>]*>[^<]*</f>|<f[^>]*/>)<v>[^<]*</v></c>')


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist()}


@pytest.fixture(scope="module")
def batches(tmp_path_factory):
    require_libreoffice()
    plain = tmp_path_factory.mktemp("plain")
    calculated = tmp_path_factory.mktemp("calculated")
    xlfuncs.generate(EXAMPLE, plain)
    report = xlfuncs.generate(EXAMPLE, calculated, recalc=True)
    return plain, calculated, report


def test_the_workbooks_carry_values_that_match_the_summary(batches):
    _, calculated, report = batches
    assert report.ok and report.recalculated
    with (calculated / "summary.csv").open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    checked = 0
    for path in report.written:
        book = load_workbook(path, data_only=True)  # reads stored values, as pandas does
        assert book["Checks"]["C4"].value is True  # the workbook's own checks pass
        summary = book["Summary"]
        by_name = {summary[f"C{r}"].value: summary[f"I{r}"].value for r in range(16, 20)}
        for row in (r for r in rows if r["Workbook"] == path.name):
            # The summary's TCO (Python core) equals the workbook's (LibreOffice).
            assert math.isclose(by_name[row["Option"]], float(row["TCO"]), rel_tol=1e-9)
            checked += 1
    assert checked == 11


def test_everything_but_the_stored_values_is_as_built(batches):
    plain, _, report = batches
    for path in report.written:
        built, stored = parts(plain / path.name), parts(path)
        assert list(stored) == list(built)
        for name in built:
            if name.startswith("xl/worksheets/sheet"):
                text = stored[name].decode("utf-8")
                if name == "xl/worksheets/sheet3.xml":  # Calculations
                    assert text.count("<v>") > 500
                assert CACHED.sub(r">\2<v /></c>", text).encode("utf-8") == built[name], name
            else:
                assert stored[name] == built[name], name  # styles, names, charts untouched
    assert load_workbook(report.written[0])["Summary"].freeze_panes == "A4"
