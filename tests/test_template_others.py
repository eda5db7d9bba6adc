"""breakeven_accuracy, margin_trap, test_time_compute and scaffolding_build_vs_buy
recalculated by LibreOffice equal the Python functions of SPEC.

Every template's default inputs and RANDOM_SETS drawn input sets are built and
recalculated in one LibreOffice run.
"""

from __future__ import annotations

import pytest
from other_templates_oracle import CASES, SUBTITLE
from template_support import (
    compare_figures,
    draw,
    error_cells,
    formula_cells,
    scenario_texts,
)

from xlfuncs.templates._workbook import resolve_inputs

RANDOM_SETS = 12


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """Per template: default inputs and RANDOM_SETS drawn sets, built and recalculated."""
    from template_support import recalculated

    folder = tmp_path_factory.mktemp("templates")
    built = []
    for seed_offset, (name, (module, strategy, _, _)) in enumerate(CASES.items()):
        input_sets = [{}, *draw(strategy(), RANDOM_SETS, seed_value=20261128 + seed_offset)]
        for index, inputs in enumerate(input_sets):
            path = folder / f"{name}_{index:02d}.xlsx"
            # The template itself (no inputs given) shows its illustrative Risk ranges.
            given = inputs or getattr(module, "ILLUSTRATIVE_RANGES", {})
            values = resolve_inputs(name, module.INPUTS, given)
            built.append((name, values, module.build(inputs, path), path))
    workbooks = recalculated([b[-1] for b in built], folder / "recalculated")
    result: dict[str, list] = {name: [] for name in CASES}
    for (name, values, book, _), wb in zip(built, workbooks, strict=True):
        result[name].append((values, book, wb))
    return result


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", list(CASES))
def test_figures_equal_the_python_functions(books, name):
    _, _, expected, tolerance = CASES[name]
    problems = []
    for index, (values, book, wb) in enumerate(books[name]):
        found = compare_figures(wb, book.figures, expected(values)[0], abs_tol=tolerance(values))
        problems += [f"set {index}: {p}" for p in found[:3]]
    assert problems == []


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", list(CASES))
def test_words_equal_the_python_reading(books, name):
    _, _, expected, _ = CASES[name]
    problems = []
    for index, (values, book, wb) in enumerate(books[name]):
        want = {
            "overall_flag": "All checks pass",
            **scenario_texts(values, SUBTITLE),
            **expected(values)[1],
        }
        for key, (sheet, cell) in book.texts.items():
            if key in want and (wb[sheet][cell].value or "") != want[key]:
                problems.append(f"set {index} {key}: {wb[sheet][cell].value!r} != {want[key]!r}")
        missing = {k for k in book.texts if k.startswith("summary.sentence")} - set(want)
        assert not missing
    assert problems == []


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", list(CASES))
def test_no_error_values_and_every_check_passes(books, name):
    for values, _, wb in books[name]:
        assert error_cells(wb) == [], values
        checks = wb["Checks"]
        failing = [
            checks[f"B{r}"].value
            for r in range(6, checks.max_row + 1)
            if checks[f"C{r}"].value is False
        ]
        assert failing == [], values


@pytest.mark.parametrize("name", list(CASES))
def test_every_formula_on_calculations_and_summary_is_verified(tmp_path, name):
    module = CASES[name][0]
    book = module.build({}, tmp_path / module.FILENAME)
    verified = set(book.figures.values()) | set(book.texts.values())
    unverified = formula_cells(tmp_path / module.FILENAME, ("Calculations", "Summary")) - verified
    assert unverified == set()
