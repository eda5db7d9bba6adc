"""The one rule by which xlfuncs writes numbers into a workbook's XML itself.

Oracles: Python's float parser (a text must read back as the same float)
and openpyxl's own writer (``%.16g``, what a fresh build of a template holds
for an input), not the rule under test.
"""

from __future__ import annotations

import io
import re
import zipfile

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from xlfuncs._ooxml import number_text, number_texts
from xlfuncs.batch.summary.export import _row_xml
from xlfuncs.batch.template import resolve_template
from xlfuncs.batch.write.filler import Filler

finite = st.floats(allow_nan=False, allow_infinity=False)


@given(finite)
def test_every_float_reads_back_as_itself(value):
    assert float(number_text(value)) == value


@given(finite)
def test_the_text_is_openpyxls_whenever_openpyxls_reads_back(value):
    # openpyxl writes a number with %.16g; where that is exact, a filled
    # workbook must hold the same text as a fresh build.
    openpyxl_text = "%.16g" % value  # noqa: UP031
    if float(openpyxl_text) == value:
        assert number_text(value) == openpyxl_text
    else:
        assert number_text(value) == "%.17g" % value  # noqa: UP031 - 17 digits always do


@given(st.lists(finite, max_size=50))
def test_many_at_once_are_each_written_alike(values):
    assert number_texts(values) == [number_text(v) for v in values]
    assert number_texts(np.array(values, dtype=float)) == [number_text(v) for v in values]


def test_some_texts_by_hand():
    # 0.1 + 0.2 is 0.30000000000000004 (17 digits); 0.07's 16-digit text is
    # 0.07000000000000001, which reads back as 0.07, so openpyxl's text stays.
    assert number_text(0.1 + 0.2) == "0.30000000000000004"
    assert number_text(0.07) == "0.07000000000000001"
    assert number_text(1 / 3) == "0.3333333333333333"
    assert number_text(20000.0) == "20000"
    assert number_text(-0.0) == "-0"


def test_filled_inputs_and_stored_values_follow_the_rule():
    template = resolve_template("tco_comparison")
    values = {spec.name: spec.default for spec in template.inputs}
    values["tasks_per_month"] = 0.1 + 0.2  # needs 17 digits
    data = Filler(template).workbook_bytes(values)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = "".join(
            archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")
        )
    assert "<v>0.30000000000000004</v>" in xml
    stored = [float(v) for v in re.findall(r"<v>([-0-9.e+]+)</v>", xml)]
    assert stored and all(float(number_text(v)) == v for v in stored)


def test_the_summary_writes_its_figures_by_the_rule():
    class Columns:
        def is_text(self, index):
            return False

    xml = _row_xml(2, [0.1 + 0.2, 20000.0], ["", ""], ["", ""], Columns(), ["A", "B"])
    assert "<v>0.30000000000000004</v>" in xml and "<v>20000</v>" in xml
