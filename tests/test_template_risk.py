"""The Risk sheet of tco_comparison: a Monte Carlo simulation in worksheet formulas.

Scenarios with random valid ranges (drawn from fixed seeds, see
``risk_support``) go through the batch path, and the sheet is checked five
ways, each against something that does not share its code path:

* every formula cell, the trial rows included, against LibreOffice's
  recalculation (one soffice run for every workbook of the module);
* collapsed ranges against the Calculations sheet's TCO at the Inputs values;
* the uniforms against :func:`xlfuncs.hdr` and the draws against the
  project's inverse distribution functions (``triangular_ppf``, ``beta_ppf``);
* the trial TCOs, percentiles and probabilities against :func:`xlfuncs.tco`
  and the Monte Carlo functions with ``generator="hdr"``;
* every formula of every template against the functions a workbook may use
  (no volatile or dynamic-array function, no Data Table).
"""

from __future__ import annotations

import re
import zipfile
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook
from risk_support import (
    BY_KEY,
    DEFAULTS,
    LETTERS,
    TEMPLATE,
    guess,
    read_risk,
    risk_scenario,
)
from template_support import require_libreoffice

import xlfuncs
from xlfuncs._distributions import normal_ppf, triangular_ppf
from xlfuncs._exact_distributions import beta_ppf, normal_cdf
from xlfuncs._uncertainty import _SHARED_BLOCK, _canonical, read_options
from xlfuncs.batch.run import make_workbooks
from xlfuncs.batch.template import resolve_template
from xlfuncs.batch.verify import differences, shared_row_blocks
from xlfuncs.formulas.compiler import _SPECIAL, FUNCTIONS
from xlfuncs.templates import TEMPLATE_NAMES

KEYS = ("accuracy", "cost_per_error", "calls")
#: var_id of each uncertain input: 1 + the position in TCO's signature of the argument it
#: moves (tasks_per_month, cost_per_task, accuracy, cost_per_error, ...; calls move the
#: cost per task), as the module notes of xlfuncs._uncertainty list them.
VAR_IDS = {"tasks_per_month": 1, "calls": 2, "accuracy": 3, "cost_per_error": 4}
COMPANION = 100


def _collapsed(seed: str, correlation: float) -> dict:
    """Every range blank or low = most likely = high: no uncertainty left."""
    return risk_scenario(seed, correlation=correlation, shapes=("fixed", "collapsed"))


def _at_the_ends() -> dict:
    """Ranges reaching the ends of the allowed values: no tasks, accuracy 0 to 1 (C's most
    likely value at the top end), no cost of an error, no calls; the longest horizon."""
    values = risk_scenario("ends", correlation=0.5, shapes=("both",))
    values.update(months=60.0, tasks_per_month_low=0.0, c_accuracy=1.0)
    for x in "abcd":
        values.update({f"{x}_accuracy_low": 0.0, f"{x}_accuracy_high": 1.0})
        values.update({f"{x}_cost_per_error_low": 0.0, f"{x}_calls_low": 0.0})
    return values


#: (name, values): the workbooks of the module, written in one batch call.
SCENARIOS: list[tuple[str, dict]] = [
    ("all four, correlation 1", risk_scenario("r1", correlation=1.0)),
    (
        "three, correlation 0, self-hosted reference",
        risk_scenario("r2", included=("A", "B", "D"), reference="A", correlation=0.0),
    ),
    ("two, correlation -1", risk_scenario("r3", included=("B", "C"), correlation=-1.0)),
    ("all four, correlation 0.37", risk_scenario("r4", reference="B", correlation=0.37)),
    (
        "PERT only, correlation -1",
        risk_scenario("r5", correlation=-1.0, distributions=("PERT",), shapes=("both",)),
    ),
    (
        "one-sided ranges, fixed reference, correlation 0",
        risk_scenario(
            "r6",
            included=("A", "C", "D"),
            correlation=0.0,
            shapes=("low only", "high only"),
            reference_shapes=("fixed",),
        ),
    ),
    (
        "triangular two-sided, correlation 0",
        risk_scenario("r7", correlation=0.0, distributions=("Triangular",), shapes=("both",)),
    ),
    (
        "triangular two-sided, correlation -1",
        risk_scenario(
            "r8", reference="D", correlation=-1.0, distributions=("Triangular",), shapes=("both",)
        ),
    ),
    ("collapsed, correlation 0", _collapsed("c1", 0.0)),
    ("collapsed, two options, correlation 1", {**_collapsed("c2", 1.0), "a_include": "No",
                                               "b_include": "No"}),
    ("ranges at the ends of the allowed values, correlation 0.5", _at_the_ends()),
    # Last: a range out of order, which the sheet refuses ("check input").
    ("invalid: a low guess above the most likely value",
     {**risk_scenario("bad", shapes=("both",)), "b_accuracy_low": 0.999}),
    # A's GPU utilisation 0 is not allowed: A is not ranked, the others are.
    ("invalid: an input of option A not allowed",
     {**risk_scenario("bad A", correlation=0.0), "a_pricing": "Self-hosted",
      "a_utilization": 0.0}),
]  # fmt: skip
INVALID = "invalid"
OUT_OF_ORDER, NOT_ALLOWED = -2, -1  # their places in SCENARIOS
# Small where the count is not the point; one at the default of 1,000 and one odd count.
for index, (_, values) in enumerate(SCENARIOS):
    values["risk_trials"] = {0: 1000.0, 3: 137.0}.get(index, 100.0)


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> list[tuple[str, dict, Path]]:
    """Every scenario's workbook, written by the batch (one call for all)."""
    folder = tmp_path_factory.mktemp("risk")
    jobs = [(values, f"risk {i}.xlsx") for i, (_, values) in enumerate(SCENARIOS)]
    results = make_workbooks(TEMPLATE, jobs, str(folder), "refuse")
    assert all(status == "written" for status, *_ in results), results
    return [
        (name, values, folder / file)
        for (name, values), (_, file) in zip(SCENARIOS, jobs, strict=True)
    ]


@pytest.fixture(scope="module")
def all_sheets(written) -> list[tuple[str, dict, object]]:
    return [(name, values, read_risk(path)) for name, values, path in written]


@pytest.fixture(scope="module")
def sheets(all_sheets) -> list[tuple[str, dict, object]]:
    """The scenarios whose ranges are all in order."""
    return [item for item in all_sheets if not item[0].startswith(INVALID)]


@pytest.fixture(scope="module")
def recalculated(written, tmp_path_factory) -> list[Path]:
    """LibreOffice's copies of every workbook of the module: one soffice run."""
    require_libreoffice()
    return xlfuncs._libreoffice.recalculate(
        [path for *_, path in written], tmp_path_factory.mktemp("risk_lo")
    )


def test_the_scenarios_cover_the_cases(sheets):
    """Fixed, one-sided, collapsed and two-sided ranges, both shapes, correlations -1, 0
    and 1, 2 to 4 options, a self-hosted option compared and as the reference."""
    shapes, distributions, correlations, counts = set(), set(), set(), set()
    for _, values, _ in sheets:
        correlations.add(values["risk_correlation"])
        included = [x for x in LETTERS if values[f"{x.lower()}_include"] == "Yes"]
        counts.add(len(included))
        for x in included:
            for key in KEYS:
                name = f"{x.lower()}_{key}"
                low, high = values[f"{name}_low"], values[f"{name}_high"]
                shapes.add((low is None, high is None, low == high))
                distributions.add(values[f"{name}_distribution"])
    assert {(True, True, True), (False, True, False), (True, False, False)} <= shapes
    assert {(False, False, True), (False, False, False)} <= shapes
    assert distributions == {"Triangular", "PERT"}
    assert {-1.0, 0.0, 1.0} <= correlations and counts == {2, 3, 4}
    assert any(
        v["reference_option"] == "A" and DEFAULTS["a_pricing"] == "Self-hosted"
        for _, v, _ in sheets
    )


# 1 --------------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_every_formula_cell_equals_libreoffice(written, recalculated):
    """Every formula cell, the Risk sheet's trial rows included, equals LibreOffice's
    recalculation (the independent engine), within the --verify tolerance."""
    for (name, values, path), copy in zip(written, recalculated, strict=True):
        if name.startswith(INVALID):
            continue  # see the next test
        found = differences(path, copy)
        assert not found, f"{name}: " + "; ".join(map(str, found[:5]))
        # The trial rows were compared: they form the one row block of the Risk sheet.
        blocks = shared_row_blocks(path.read_bytes(), load_workbook(path))
        assert [(b.sheet, b.rows) for b in blocks] == [("Risk", int(values["risk_trials"]))]
        theirs = load_workbook(copy, data_only=True, read_only=True)["Risk"]
        included = [x for x in LETTERS if values[f"{x.lower()}_include"] == "Yes"]
        sheet = read_risk(path)
        assert sheet.trials.tolist() == list(range(1, int(values["risk_trials"]) + 1))
        # No error agreed on by both engines: every compared option has numbers throughout.
        for x in included:
            assert all(isinstance(v, float) for v in sheet.tco[x]), (name, x)
        for x in set(LETTERS) - set(included):
            assert set(sheet.tco[x]) == {"-"}, (name, x)
        theirs_results = [r for r in theirs.iter_rows(min_row=1, max_row=60, values_only=True)]
        assert not any(
            isinstance(v, str) and v.startswith(("#", "Err:")) for r in theirs_results for v in r
        ), name


def test_the_checks_pass_with_ranges_in_order_and_name_one_out_of_order(all_sheets):
    """The Summary's banner (from the Checks sheet): every check passes for ranges in
    order; a low guess above the most likely value is named, and every Risk result of an
    option in use says "check input"."""
    for name, _, sheet in all_sheets[:OUT_OF_ORDER]:
        banner = sheet.calculations["summary"]["rows"][3][2]
        assert banner == "All checks pass", (name, banner)
    name, values, sheet = all_sheets[OUT_OF_ORDER]
    used = [x for x in LETTERS if values[f"{x.lower()}_include"] == "Yes"]
    banner = sheet.calculations["summary"]["rows"][3][2]
    assert "a Risk range of option B" in banner, banner
    for key in ("mean", "p_low", "p_mid", "p_high", "cheapest", "beats_reference"):
        assert {sheet.results[key][x] for x in used} == {"check input"}, key


def test_results_summarise_the_trial_rows(sheets):
    """Mean, percentiles (Excel's PERCENTILE: linear between the sorted trials, numpy's
    default), P(cheapest) (strictly below every other option compared), P(costs less
    than the reference) and the histogram's counts, recomputed from the stored trials."""
    for name, values, sheet in sheets:
        trials = int(values["risk_trials"])
        used = [x for x in LETTERS if values[f"{x.lower()}_include"] == "Yes"]
        tco = {x: sheet.tco[x].astype(float) for x in used}
        reference = values["reference_option"]
        for x in used:
            at = f"{name} {x}"
            assert sheet.results["mean"][x] == pytest.approx(tco[x].mean(), rel=1e-12), at
            for which in ("low", "mid", "high"):
                p = values[f"risk_percentile_{which}"]
                expected = np.percentile(tco[x], 100 * p)
                assert sheet.results[f"p_{which}"][x] == pytest.approx(expected, rel=1e-12), at
            others = [tco[y] for y in used if y != x]
            cheapest = np.all([tco[x] < other for other in others], axis=0).sum() / trials
            assert sheet.results["cheapest"][x] == pytest.approx(cheapest, abs=1e-15), at
            beats = sheet.results["beats_reference"][x]
            if x == reference:
                assert beats == "reference"
            else:
                expected = (tco[x] < tco[reference]).sum() / trials
                assert beats == pytest.approx(expected, abs=1e-15), at
            # Every trial falls in one band: from the lowest trial up, the last band open.
            counts = [band[1][x] for band in sheet.bands]
            assert len(counts) == 20 and sum(counts) == trials, at
            edges = [band[0] for band in sheet.bands]
            lowest = min(t.min() for t in tco.values())
            inside = [((tco[x] >= lowest) & (tco[x] <= edges[0])).sum()]
            inside += [((tco[x] > a) & (tco[x] <= b)).sum() for a, b in pairwise(edges[:-1])]
            assert counts[:-1] == inside, at
        for x in set(LETTERS) - set(used):
            assert {band[1][x] for band in sheet.bands} == {"-"}
            assert sheet.results["mean"][x] == "left out"
            assert sheet.results["at_inputs"][x] == "left out"
        highest_top = max(sheet.results["p_high"][x] for x in used)
        assert sheet.bands[-2][0] == pytest.approx(highest_top, rel=1e-12), name


@pytest.mark.libreoffice
def test_a_range_out_of_order_equals_libreoffice_too(written, recalculated):
    """The workbook of a range out of order: the same figures and texts in both engines."""
    (name, _, path), copy = written[OUT_OF_ORDER], recalculated[OUT_OF_ORDER]
    assert name.startswith(INVALID)
    found = differences(path, copy)
    assert not found, f"{name}: " + "; ".join(map(str, found[:5]))


@pytest.mark.libreoffice
def test_an_input_not_allowed_equals_libreoffice_too(written, recalculated):
    (name, _, path), copy = written[NOT_ALLOWED], recalculated[NOT_ALLOWED]
    assert name.startswith(INVALID)
    found = differences(path, copy)
    assert not found, f"{name}: " + "; ".join(map(str, found[:5]))


def test_an_option_not_ranked_leaves_the_others_compared(all_sheets):
    """Option A's inputs are not allowed: A says "check input"; B, C and D are compared
    among themselves, as on the Summary's ranking."""
    _, values, sheet = all_sheets[NOT_ALLOWED]
    assert sheet.results["mean"]["A"] == "check input"
    tco = {x: sheet.tco[x].astype(float) for x in "BCD"}
    trials = int(values["risk_trials"])
    for x in "BCD":
        others = [tco[y] for y in "BCD" if y != x]
        expected = np.all([tco[x] < other for other in others], axis=0).sum() / trials
        assert sheet.results["cheapest"][x] == pytest.approx(expected, abs=1e-15), x


# 2 --------------------------------------------------------------------------------------


def test_collapsed_ranges_give_the_tco_at_the_inputs(sheets):
    """No uncertainty left: every trial's TCO is the Calculations sheet's TCO of the option,
    which the Summary's ranking shows too (stored values; test 1 proves them equal to
    LibreOffice's)."""
    collapsed = [(n, v, s) for n, v, s in sheets if n.startswith("collapsed")]
    assert len(collapsed) == 2
    for name, values, sheet in collapsed:
        summary = {row[2]: row[4] for row in sheet.calculations["summary"]["rows"][8:12] if row[2]}
        for x in LETTERS:
            if values[f"{x.lower()}_include"] != "Yes":
                continue
            expected = sheet.calculations["tco"][x]
            assert summary[x] == expected
            trials = sheet.tco[x].astype(float)
            np.testing.assert_allclose(trials, expected, rtol=1e-12, atol=0, err_msg=name)
            reference = values["reference_option"]
            if x == reference:
                np.testing.assert_allclose(sheet.reference.astype(float), expected, rtol=1e-12)


# 3 --------------------------------------------------------------------------------------


def test_the_entity_picks_the_uniforms_and_fixes_the_workbook(tmp_path):
    """Another entity: other uniforms in every trial row and column; the same entity:
    the same bytes, built twice."""
    values = {**risk_scenario("entity"), "risk_trials": 100.0}
    other = {**values, "risk_entity": values["risk_entity"] + 1}
    paths = []
    for folder, chosen in (("one", values), ("two", values), ("three", other)):
        (tmp_path / folder).mkdir()
        results = make_workbooks(TEMPLATE, [(chosen, "w.xlsx")], str(tmp_path / folder), "refuse")
        assert results[0][0] == "written", results
        paths.append(tmp_path / folder / "w.xlsx")
    assert paths[0].read_bytes() == paths[1].read_bytes()
    # The template's own builder too (the batch fills a build of the template).
    template = resolve_template(TEMPLATE)
    built = [tmp_path / "built 1.xlsx", tmp_path / "built 2.xlsx"]
    for path in built:
        template.build(values, path)
    assert built[0].read_bytes() == built[1].read_bytes()
    first, moved = read_risk(paths[0]), read_risk(paths[2])
    assert set(first.uniforms) == set(VAR_IDS.values())
    for var_id, uniforms in first.uniforms.items():
        assert (uniforms != moved.uniforms[var_id]).all(), var_id
    # Nothing else of the scenario moved.
    np.testing.assert_array_equal(first.trials, moved.trials)
    assert first.calculations["tco"] == moved.calculations["tco"]


# 4 --------------------------------------------------------------------------------------

#: Functions newer than Excel 2007 among those the evaluator computes: stored with the
#: prefix "_xlfn." (2010 statistical functions).
NEWER = {name for name in FUNCTIONS if "." in name}
#: Classic functions: every other function the evaluator computes.
CLASSIC = (set(FUNCTIONS) | set(_SPECIAL)) - NEWER
#: Volatile (recomputed on every change), dynamic-array or lookup-by-text functions: none
#: may appear (a workbook must show the same figures on every open, in Excel 2010 too).
FORBIDDEN = {
    "RAND", "RANDBETWEEN", "RANDARRAY", "LET", "LAMBDA", "SEQUENCE", "FILTER", "TABLE",
    "OFFSET", "INDIRECT", "NOW", "TODAY", "CELL", "INFO",
}  # fmt: skip
_STRING = re.compile(r'"(?:[^"]|"")*"')
_CALL = re.compile(r"(?<![A-Za-z0-9_.!$'])((?:_xlfn\.|_xlws\.)?[A-Za-z][A-Za-z0-9_.]*)\(")
_FORMULA = re.compile(r"<f(?P<attributes>[^>]*?)(?:/>|>(?P<text>[^<]*)</f>)")
_DEFINED = re.compile(r"<definedName[^>]*>([^<]*)</definedName>")


def _functions(formula: str) -> list[str]:
    import html

    return _CALL.findall(_STRING.sub('""', html.unescape(formula)))


def _scan(path: Path) -> tuple[list[str], int, int]:
    """Problems with the functions of every formula of a workbook, read from its XML (shared
    formulas' texts and the cells that share them), the number of formula cells there and
    the number openpyxl finds."""
    problems, cells = [], 0
    with zipfile.ZipFile(path) as archive:
        for part in archive.namelist():
            if not (part.startswith("xl/worksheets/sheet") or part == "xl/workbook.xml"):
                continue
            text = archive.read(part).decode("utf-8")
            if part == "xl/workbook.xml":
                formulas = [(f, "") for f in _DEFINED.findall(text)]
            else:
                found = list(_FORMULA.finditer(text))
                cells += len(found)
                formulas = [(m["text"] or "", m["attributes"]) for m in found]
            for formula, attributes in formulas:
                if 't="dataTable"' in attributes or 't="array"' in attributes:
                    problems.append(f"{part}: a {attributes.strip()} formula")
                for call in _functions(formula):
                    name = call.split(".", 1)[1] if call.startswith("_xl") else call
                    upper = name.upper()
                    if upper in FORBIDDEN:
                        problems.append(f"{part}: {call} in {formula[:80]}")
                    elif call.startswith("_xlws."):
                        problems.append(f"{part}: {call} (a worksheet-only function)")
                    elif upper in NEWER and not call.startswith("_xlfn."):
                        problems.append(f"{part}: {call} without the _xlfn. prefix")
                    elif upper in CLASSIC and call != upper:
                        problems.append(f"{part}: {call} (classic, written with a prefix)")
                    elif upper not in NEWER | CLASSIC:
                        problems.append(f"{part}: {call} is not a function the evaluator knows")
    workbook = load_workbook(path)
    read = sum(
        1 for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"
    )
    return problems, cells, read


def test_every_formula_uses_classic_or_2010_functions_only(written, tmp_path):
    """Every formula of the five templates built fresh and of a filled tco_comparison:
    no volatile, dynamic-array or Data Table function; classic functions as they are and
    2010 functions with their "_xlfn." prefix (the evaluator's FUNCTIONS list)."""
    assert {"BETA.INV", "NORM.S.INV", "NORM.S.DIST"} <= NEWER
    assert not FORBIDDEN & (NEWER | CLASSIC)
    paths = []
    for name in TEMPLATE_NAMES:
        template = resolve_template(name)
        path = tmp_path / f"{name}.xlsx"
        template.build({s.name: s.default for s in template.inputs}, path)
        paths.append(path)
    paths.append(written[0][2])  # a tco_comparison filled by the batch, 1,000 trial rows
    for path in paths:
        problems, cells, read = _scan(path)
        assert not problems, f"{path.name}: " + "; ".join(problems[:5])
        # Shared formulas read too: openpyxl finds a formula in every cell that shares one.
        assert cells == read, path.name
    assert _scan(written[0][2])[1] > 1000 * 20  # the trial rows were among them
    # openpyxl translates the shared formulas: each trial row's uniforms read its own trial.
    ws = load_workbook(written[0][2])["Risk"]
    header = next(r for r in ws.iter_rows() if r[1].value == "Trial")
    columns = [c.column for c in header if "uniform (var_id" in str(c.value)]
    first = header[0].row + 2
    assert ws.cell(first, 2).value == 1 and len(columns) == 4
    for row in range(first, first + 1000):
        for column in columns:
            assert f"(B{row}*" in ws.cell(row, column).value, (row, column)


def test_the_scan_sees_a_forbidden_function(tmp_path):
    """The scan itself: a RAND() hidden in a shared formula and a missing prefix are named."""
    assert _functions('IF(A1="RAND()",RAND(),1)+_xlfn.NORM.S.INV(0.5)') == [
        "IF",
        "RAND",
        "_xlfn.NORM.S.INV",
    ]
    path = tmp_path / "bad.xlsx"
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "=NORM.S.INV(0.5)+SUM(1)"
    book.active["A2"] = "=NOW()"
    book.save(path)
    problems, *_ = _scan(path)
    assert len(problems) == 2 and "without the _xlfn." in problems[0] and "NOW" in problems[1]


# 5 --------------------------------------------------------------------------------------


def _signs(values: dict, key: str) -> dict[str, int]:
    """The copula side of each option for an input (the module notes of _risk.py): 0 at
    correlation 1 or where the option's range is fixed; else the reference 1 when another
    option in use draws the input, every other option -1 when the reference draws it."""
    reference = values["reference_option"]
    used = [x for x in LETTERS if values[f"{x.lower()}_include"] == "Yes"]
    drawn = {x: guess(values, f"{x.lower()}_{key}").uncertain for x in LETTERS}
    signs = {}
    for x in LETTERS:
        if values["risk_correlation"] == 1 or not drawn[x]:
            signs[x] = 0
        elif x == reference:
            signs[x] = int(any(drawn[y] for y in used if y != x))
        else:
            signs[x] = -1 if drawn[reference] else 0
    return signs


def _percentiles(values: dict, key: str, sheet) -> dict[str | None, np.ndarray]:
    """Each option's percentile of the input in each trial: the stream's uniform, through
    the copula where the option has a side (normal_ppf: AS 241; normal_cdf: erfc)."""
    var_id = VAR_IDS[key]
    trials = sheet.trials.astype(np.int64)
    entity = int(values["risk_entity"])
    u = xlfuncs.hdr(trials, var_id, entity)
    if key == "tasks_per_month":
        return {None: u}
    rho = float(values["risk_correlation"])
    q = rho if abs(rho) == 1 else 2 * np.sin(np.pi * rho / 6)
    c, s = np.sqrt((1 + q) / 2), np.sqrt(max(1 - q, 0) / 2)
    z1 = normal_ppf(u)
    z2 = normal_ppf(xlfuncs.hdr(trials, var_id + COMPANION, entity))
    return {
        x: u if sign == 0 else normal_cdf(c * z1 + sign * s * z2)
        for x, sign in _signs(values, key).items()
    }


def _inverse(p: np.ndarray, g) -> np.ndarray:
    """The project's inverse distribution functions: triangular in closed form, Beta-PERT
    as low + (high - low) * Beta(alpha, beta) quantile."""
    if not g.uncertain:
        return np.full(p.shape, g.mode)
    if g.pert:
        width = g.high - g.low
        alpha, beta = 1 + 4 * (g.mode - g.low) / width, 1 + 4 * (g.high - g.mode) / width
        return g.low + width * beta_ppf(p, np.float64(alpha), np.float64(beta))
    return triangular_ppf(p, g.low, g.mode, g.high)


def test_uniforms_are_hdr_and_draws_the_inverse_distribution_functions(sheets):
    for name, values, sheet in sheets:
        trials = sheet.trials.astype(np.int64)
        entity = int(values["risk_entity"])
        assert sheet.keys_by_var_id == {v: k for k, v in VAR_IDS.items()}, name
        for var_id, uniforms in sheet.uniforms.items():
            expected = xlfuncs.hdr(trials, var_id, entity)
            # Exactly: every intermediate is a whole number below 2**53 (see xlfuncs.hdr).
            np.testing.assert_array_equal(uniforms, expected, err_msg=f"{name} var_id {var_id}")
        for key in ("tasks_per_month", *KEYS):
            percentiles = _percentiles(values, key, sheet)
            for x in [None] if key == "tasks_per_month" else LETTERS:
                item = BY_KEY[key]
                g = guess(values, item.names(x)[0])
                expected = _inverse(percentiles[x], g)
                np.testing.assert_allclose(
                    sheet.draws[(key, x)], expected, rtol=1e-12, atol=1e-12 * abs(g.high),
                    err_msg=f"{name}: {key} {x}",
                )  # fmt: skip


# 6 --------------------------------------------------------------------------------------


def _tco_arguments(values: dict, sheet, x: str) -> dict[str, tuple]:
    """TCO's arguments of option ``x`` as guesses (low, mode, high, distribution).

    The Risk sheet moves calls per task, the cost of an error not caught and the
    accuracy; TCO takes a cost per task and a cost per error. Both are linear in the
    drawn input, so a guess maps to a guess of the same shape: cost per task = model
    cost per call x calls + review cost per task (Calculations: model cost per task at
    the Inputs calls / calls), cost per error = (1 - catch) x cost of an error not caught
    + catch x cost of a caught error (Calculations' blended cost, linear in it).
    """
    lower = x.lower()
    calc = sheet.calculations
    per_call = calc["model_cost"][x] / float(values[f"{lower}_calls"])
    review = calc["review_cost"][x]
    catch = float(values[f"{lower}_catch_rate"])
    caught = float(values[f"{lower}_cost_per_caught_error"])

    def mapped(name: str, scale: float, shift: float) -> tuple:
        g = guess(values, f"{lower}_{name}")
        ends = tuple(scale * v + shift for v in (g.low, g.mode, g.high))
        return (*ends, "pert") if g.pert else ends

    return {
        "cost_per_task": mapped("calls", per_call, review),
        "accuracy": mapped("accuracy", 1.0, 0.0),
        "cost_per_error": mapped("cost_per_error", 1 - catch, catch * caught),
        "upfront": calc["upfront"][x],
        "monthly_fixed": calc["monthly_fixed"][x],
        "months": float(values["months"]),
        "monthly_growth": float(values["monthly_growth"]),
        "annual_discount_rate": float(values["annual_discount_rate"]),
    }


def _volume(values: dict) -> dict[str, tuple]:
    g = guess(values, "tasks_per_month")
    return {"tasks_per_month": (g.low, g.mode, g.high, *(["pert"] if g.pert else []))}


def test_trial_tcos_equal_tco_at_the_draws(sheets):
    """Each trial's TCO is xlfuncs.tco at that trial's draws, mapped as _tco_arguments
    says (the closed form against the sheet's volume and fixed-cost factors)."""
    for name, values, sheet in sheets:
        volume = sheet.draws[("tasks_per_month", None)]
        for x in LETTERS:
            if values[f"{x.lower()}_include"] != "Yes":
                continue
            arguments = _tco_arguments(values, sheet, x)
            lower = x.lower()
            catch = float(values[f"{lower}_catch_rate"])
            caught = float(values[f"{lower}_cost_per_caught_error"])
            calls = sheet.draws[("calls", x)]
            per_call = sheet.calculations["model_cost"][x] / float(values[f"{lower}_calls"])
            expected = xlfuncs.tco(
                volume,
                per_call * calls + sheet.calculations["review_cost"][x],
                sheet.draws[("accuracy", x)],
                (1 - catch) * sheet.draws[("cost_per_error", x)] + catch * caught,
                arguments["upfront"],
                arguments["monthly_fixed"],
                arguments["months"],
                arguments["monthly_growth"],
                arguments["annual_discount_rate"],
            )
            np.testing.assert_allclose(
                sheet.tco[x].astype(float), expected, rtol=1e-9, err_msg=f"{name} {x}"
            )


def test_percentiles_equal_tco_sim_with_the_hdr_generator(sheets):
    """The sheet's percentiles of an option that reads its stream's uniforms as they are
    (every option at correlation 1) equal TCO_SIM(generator="hdr", entity) on the same
    guesses, within 1e-9."""
    compared = 0
    for name, values, sheet in sheets:
        trials = int(values["risk_trials"])
        wanted = [values[f"risk_percentile_{w}"] for w in ("low", "mid", "high")]
        for x in LETTERS:
            if values[f"{x.lower()}_include"] != "Yes":
                continue
            if any(_signs(values, key)[x] for key in KEYS):
                continue  # drawn through the copula: TCO_SIM has no other option
            block = {**_tco_arguments(values, sheet, x), **_volume(values)}
            expected = xlfuncs.tco_sim(
                block, wanted, trials=trials, generator="hdr", entity=int(values["risk_entity"])
            )
            found = [sheet.results[k][x] for k in ("p_low", "p_mid", "p_high")]
            np.testing.assert_allclose(found, expected, rtol=1e-9, err_msg=f"{name} {x}")
            compared += 1
    assert compared >= 12


def _reference_side_agrees(values: dict, sheet, x: str) -> bool | None:
    """Whether PROB_CHEAPER(x, reference) draws as the sheet does at a correlation below 1.

    The sheet gives the reference Phi(c z1 + s z2) for every input another option in use
    draws; PROB_CHEAPER pairs only the inputs both given options draw, and gives
    Phi(c z1 + s z2) to the first option in _canonical's order. ``None``: the pair cannot
    agree whatever the order (the reference's draw goes through the copula for an input
    x does not draw).
    """
    reference = values["reference_option"]
    for key in KEYS:
        drawn_by_x = guess(values, f"{x.lower()}_{key}").uncertain
        if _signs(values, key)[reference] == 1 and not drawn_by_x:
            return None
    paired = [
        key
        for key in KEYS
        if guess(values, f"{x.lower()}_{key}").uncertain
        and guess(values, f"{reference.lower()}_{key}").uncertain
    ]
    if not paired:
        return True
    _, options, _ = read_options(
        "PROB_CHEAPER",
        [
            ("block_a", _tco_arguments(values, sheet, x)),
            ("block_b", _tco_arguments(values, sheet, reference)),
        ],
        _volume(values),
        _SHARED_BLOCK,
    )
    plus_to_x = _canonical(options[0]) <= _canonical(options[1])
    return not plus_to_x


SIDES: dict[str, int] = {"agree": 0, "differ": 0, "cannot agree": 0}


def test_beating_the_reference_equals_prob_cheaper_with_the_hdr_generator(sheets):
    """P(costs less than the reference) equals PROB_CHEAPER(option, reference,
    shared_block=volume, correlation, generator="hdr", entity): every pair at
    correlation 1; below 1 the pairs where PROB_CHEAPER gives the reference the side the
    sheet gives it (the others counted in SIDES)."""
    compared: dict[float, int] = {}
    for name, values, sheet in sheets:
        reference = values["reference_option"]
        rho = float(values["risk_correlation"])
        for x in LETTERS:
            if x == reference or values[f"{x.lower()}_include"] != "Yes":
                continue
            if rho != 1:
                agrees = _reference_side_agrees(values, sheet, x)
                SIDES[{True: "agree", False: "differ", None: "cannot agree"}[agrees]] += 1
                if not agrees:
                    continue
            expected = xlfuncs.prob_cheaper(
                _tco_arguments(values, sheet, x),
                _tco_arguments(values, sheet, reference),
                shared_block=_volume(values),
                trials=int(values["risk_trials"]),
                correlation=rho,
                generator="hdr",
                entity=int(values["risk_entity"]),
            )
            found = sheet.results["beats_reference"][x]
            assert found == pytest.approx(expected, rel=1e-9, abs=1e-12), (name, x)
            compared[rho] = compared.get(rho, 0) + 1
    print(f"pairs compared by correlation: {compared}; sides below 1: {SIDES}")
    assert compared[1.0] >= 4 and compared[0.0] >= 1 and compared[-1.0] >= 1, (compared, SIDES)
