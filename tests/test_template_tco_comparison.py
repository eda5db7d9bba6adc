"""tco_comparison.xlsx recalculated by LibreOffice equals the Python functions of SPEC."""

from __future__ import annotations

import pytest
from tco_comparison_oracle import expected_figures, expected_texts, tco_inputs, tolerance
from template_support import (
    compare_figures,
    draw,
    error_cells,
    formula_cells,
    recalculated,
    scenario_texts,
)

from xlfuncs.templates import tco_comparison as template
from xlfuncs.templates._workbook import resolve_inputs

OPTIONS = template.OPTIONS
RANDOM_SETS = 24


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """Default inputs and RANDOM_SETS drawn input sets, built and recalculated in one run."""
    folder = tmp_path_factory.mktemp("tco_comparison")
    input_sets = [{}, *draw(tco_inputs(), RANDOM_SETS, seed_value=20261128)]
    built = []
    for index, inputs in enumerate(input_sets):
        path = folder / f"tco_{index:02d}.xlsx"
        # No inputs given: the template's own book, with its illustrative ranges.
        given = inputs or template.ILLUSTRATIVE_RANGES
        values = resolve_inputs("tco_comparison", template.INPUTS, given)
        built.append((values, template.build(inputs, path), path))
    workbooks = recalculated([path for *_, path in built], folder / "recalculated")
    return [(values, book, wb) for (values, book, _), wb in zip(built, workbooks, strict=True)]


@pytest.mark.libreoffice
def test_default_figures_equal_the_python_functions(books):
    values, book, wb = books[0]
    assert (
        compare_figures(wb, book.figures, expected_figures(values)[0], abs_tol=tolerance(values))
        == []
    )


@pytest.mark.libreoffice
def test_random_inputs_figures_equal_the_python_functions(books):
    problems = []
    for index, (values, book, wb) in enumerate(books[1:], start=1):
        found = compare_figures(
            wb, book.figures, expected_figures(values)[0], abs_tol=tolerance(values)
        )
        problems += [f"set {index}: {p}" for p in found[:3]]
    assert problems == []


@pytest.mark.libreoffice
def test_words_equal_the_python_reading(books):
    problems = []
    for index, (values, book, wb) in enumerate(books):
        want = expected_texts(values) | scenario_texts(
            values, "Illustrative default inputs: type your own on the Inputs sheet."
        )
        for key, where in book.texts.items():
            got = wb[where[0]][where[1]].value or ""
            if got != want[key]:
                problems.append(f"set {index} {key}: sheet {got!r}, Python {want[key]!r}")
    assert problems == []


@pytest.mark.libreoffice
def test_no_error_values_and_every_check_passes(books):
    for values, book, wb in books:
        # The chart's rows hold #N/A past the horizon by design (no point drawn there).
        chart = {f"Calculations!{cell}" for k, (_, cell) in book.figures.items() if ".chart." in k}
        errors = [e for e in error_cells(wb) if e.split(" = ")[0] not in chart]
        assert errors == [], values
        checks = wb["Checks"]
        failing = [
            checks[f"B{r}"].value
            for r in range(6, checks.max_row + 1)
            if checks[f"C{r}"].value is False
        ]
        if values[values["reference_option"].lower() + "_include"] == "Yes":
            assert failing == [], values
        else:
            assert failing == ["The reference option is one of the options and is included"]


@pytest.mark.libreoffice
def test_default_story_in_plain_words(books):
    # The defaults tell the essay's story: the efficient API model is cheaper per token
    # but must be far more accurate than it is to beat the frontier model (hand check:
    # break-even 1 - premium / 22 with a premium of about 0.1 per task).
    _, book, wb = books[0]
    sheet, cell = book.texts["summary.sentence.B"]
    sentence = wb[sheet][cell].value
    assert sentence.startswith("Efficient API model must be at least 99.")
    assert sentence.endswith("accurate to cost less than Frontier API model; it is 95.0%.")
    rank_sheet, rank_cell = book.texts["summary.rank_option.1"]
    assert wb[rank_sheet][rank_cell].value == "C"


def test_every_formula_on_calculations_and_summary_is_verified(tmp_path):
    book = template.build({}, tmp_path / "tco.xlsx")
    verified = set(book.figures.values()) | set(book.texts.values())
    unverified = formula_cells(tmp_path / "tco.xlsx", ("Calculations", "Summary")) - verified
    assert unverified == set()
