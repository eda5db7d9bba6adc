"""The values stored in every formula cell equal what LibreOffice computes from the formulas.

Random valid inputs (each drawn within its input's allowed values, from a
fixed seed) and edge cases (1-month and longest horizons, zero growth,
growth equal to discount, accuracy 1, options left out, options tied) go
into each of the five templates through the batch path: one block of
scenarios per template, filled from one build and one evaluation. All the
workbooks are recalculated in ONE LibreOffice run, the independent engine,
and every formula cell's stored value must equal LibreOffice's.
"""

from __future__ import annotations

import math
import random
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from template_support import require_libreoffice

from xlfuncs._libreoffice import recalculate
from xlfuncs._ooxml import number_text
from xlfuncs.batch.run import make_workbooks
from xlfuncs.batch.template import resolve_template
from xlfuncs.batch.verify import agree, differences
from xlfuncs.templates import TEMPLATE_NAMES, template

pytestmark = pytest.mark.libreoffice

RANDOM_PER_TEMPLATE = 4
_RATE_WORDS = ("growth", "discount", "change")


def _draw(spec, rng: random.Random) -> float | str:
    """A value within the input's allowed values, near the scale of its default."""
    rule = spec.rule
    if spec.fixed and rule is not None:  # a count of rows (Risk trials): a build of its own
        return float(rng.randint(int(rule.low), int(rule.low) + 50))
    if spec.fixed:  # the currency: each one a build of its own, recalculated like the others
        return rng.choice(("USD", "EUR", "JPY"))
    if spec.choices:
        return rng.choice(spec.choices)
    if spec.optional:  # a range's end: drawn in order with its most likely value (_in_order)
        return None
    if rule is None:
        return f"{spec.default} {rng.randint(1, 99)}"
    if rule.whole:
        return float(rng.randint(int(max(rule.low, 1)), int(min(rule.high, 60))))
    if any(word in spec.name for word in _RATE_WORDS):
        value = round(rng.uniform(-0.3, 0.3), 4)
    elif math.isfinite(rule.high):
        value = round(rng.uniform(rule.low, rule.high), 4)
    else:
        scale = float(spec.default) or 10.0
        value = 0.0 if rng.random() < 0.1 else round(scale * rng.uniform(0.1, 3), 6)
    return value if rule.admits_number(value) else spec.default


def _in_order(values: dict, template, rng: random.Random) -> dict:
    """The ends of each range (``NAME_low``, ``NAME_high``), blank or drawn on their side
    of the most likely value ``NAME`` and within its allowed values."""
    specs = {spec.name: spec for spec in template.inputs}
    for name, spec in specs.items():
        if not (spec.optional and name.endswith("_low") and f"{name[:-4]}_high" in specs):
            continue
        base = name[:-4]
        mode, rule = float(values[base]), spec.rule
        top = rule.high if math.isfinite(rule.high) else 3 * mode
        if rng.random() < 0.75:
            values[name] = round(mode - rng.uniform(0, 1) * (mode - rule.low), 6)
            values[name] = min(values[name], mode)
        if rng.random() < 0.75:
            values[f"{base}_high"] = max(round(mode + rng.uniform(0, 1) * (top - mode), 6), mode)
    return values


def _edge_cases(template) -> list[dict[str, float | str]]:
    """Horizons at both ends, zero and equal rates, accuracy 1, options left out, ties."""
    defaults = {spec.name: spec.default for spec in template.inputs}
    specs = {spec.name: spec for spec in template.inputs}
    cases = []
    whole = [s for s in template.inputs if s.rule is not None and s.rule.whole]
    shortest = dict(defaults)
    longest = dict(defaults)
    for spec in whole:
        shortest[spec.name] = float(max(spec.rule.low, 1))
        longest[spec.name] = float(max(min(spec.rule.high, 60), spec.rule.low))
    cases += [shortest, longest]
    zero = {n: (0.0 if any(w in n for w in _RATE_WORDS) else v) for n, v in defaults.items()}
    cases.append(zero)
    equal = dict(defaults)
    if "monthly_growth" in specs and "annual_discount_rate" in specs:
        equal["monthly_growth"] = 0.01
        equal["annual_discount_rate"] = 1.01**12 - 1
    for name in specs:
        if name.endswith("annual_price_change"):
            equal[name] = equal[name.replace("price", "cost")] = 0.05
    cases.append(equal)
    perfect = {n: (1.0 if n.endswith("accuracy") else v) for n, v in defaults.items()}
    cases.append(perfect)
    letters = sorted({s.option for s in template.inputs if s.option})
    if letters:
        tied = dict(defaults)
        first, second = letters[0], letters[1]
        for spec in template.inputs:
            if spec.option == second and spec.key not in ("name",):
                tied[spec.name] = defaults[f"{first.lower()}_{spec.key}"]
        cases.append(tied)
        left_out = dict(tied)
        include = [s for s in template.inputs if s.key == "include"]
        reference = defaults.get("reference_option")
        for spec in include:
            if spec.option != reference and spec.option != first:
                left_out[spec.name] = "No"
                # A left-out option's inputs may be anything allowed.
                left_out[f"{spec.option.lower()}_utilization"] = 1.0
        if include:
            cases.append(left_out)
    return cases


def _scenarios(name: str) -> list[dict[str, float | str]]:
    template = resolve_template(name)
    rng = random.Random(f"stored values {name}")
    drawn = [
        _in_order({spec.name: _draw(spec, rng) for spec in template.inputs}, template, rng)
        for _ in range(RANDOM_PER_TEMPLATE)
    ]
    return _edge_cases(template) + drawn


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """Every template's block of workbooks, written by the batch, and LibreOffice's copies."""
    require_libreoffice()
    folder = tmp_path_factory.mktemp("stored")
    written: list[Path] = []
    for name in TEMPLATE_NAMES:
        jobs = [(values, f"{name} {i}.xlsx") for i, values in enumerate(_scenarios(name))]
        results = make_workbooks(name, jobs, str(folder), "refuse")
        assert all(status == "written" for status, *_ in results), results
        written += [folder / file for _, file in jobs]
    copies = recalculate(written, folder / "libreoffice")
    return list(zip(written, copies, strict=True))


def test_every_stored_value_equals_libreoffice(checked):
    assert len(checked) >= len(TEMPLATE_NAMES) * (RANDOM_PER_TEMPLATE + 5)
    for path, copy in checked:
        found = differences(path, copy)
        assert not found, f"{path.name}: " + "; ".join(map(str, found[:5]))


def test_every_formula_shows_a_value_to_readers_that_do_not_calculate(checked):
    """Every formula cell stores a value; it is blank only where LibreOffice's is blank
    too (an empty text by design: a figure of an option not in use)."""
    for path, copy in checked:
        formulas = load_workbook(path)
        values = load_workbook(path, data_only=True)
        theirs = load_workbook(copy, data_only=True)
        for sheet in formulas.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        shown = values[sheet.title][cell.coordinate].value
                        blank = theirs[sheet.title][cell.coordinate].value in (None, "")
                        assert shown is not None or blank, (
                            f"{path.name} {sheet.title}!{cell.coordinate}"
                        )


def test_the_comparison_sees_a_wrong_stored_value(checked, tmp_path):
    """Break one stored number on purpose: the check must name that cell."""
    path, copy = checked[0]
    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    formulas = load_workbook(path)
    values = load_workbook(path, data_only=True)
    target = next(
        (sheet.title, cell.coordinate)
        for sheet in formulas.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
        and isinstance(values[sheet.title][cell.coordinate].value, float)
        and abs(values[sheet.title][cell.coordinate].value) > 1
    )
    stored = values[target[0]][target[1]].value
    index = formulas.sheetnames.index(target[0]) + 1
    part = f"xl/worksheets/sheet{index}.xml"
    text = parts[part].decode("utf-8")
    start = text.index(f'<c r="{target[1]}"')
    end = text.index("</c>", start)
    old, new = number_text(stored), number_text(stored * (1 + 1e-6))
    assert f"<v>{old}</v>" in text[start:end]
    cell = text[start:end].replace(f"<v>{old}</v>", f"<v>{new}</v>")
    parts[part] = (text[:start] + cell + text[end:]).encode("utf-8")
    broken = tmp_path / path.name
    with zipfile.ZipFile(broken, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    found = differences(broken, copy)
    assert [(d.sheet, d.coordinate) for d in found] == [target]


def test_numbers_agree_within_their_scale():
    # LibreOffice rounds 0.1+0.2-0.3 to 0; 5.55e-17 is no difference on a scale of 0.3.
    assert agree(0.1 + 0.2 - 0.3, 0.0, 0.3)
    assert not agree(1e-6, 0.0, 0.3)
    assert agree(1e12 * (1 + 1e-10), 1e12)
    assert not agree(1.0, 1.0 + 1e-8)
    assert not agree(True, 1.0)  # a boolean is not the number 1
    assert agree("#N/A", "#N/A") and not agree("#N/A", "#VALUE!")


def test_the_shipped_templates_show_every_figure_without_recalculating(tmp_path):
    """templates/*.xlsx as committed: every formula cell carries a value."""
    folder = Path(__file__).resolve().parent.parent / "templates"
    for name in TEMPLATE_NAMES:
        path = folder / f"{name}.xlsx"
        formulas, values = load_workbook(path), load_workbook(path, data_only=True)
        cells = [
            (sheet.title, cell.coordinate)
            for sheet in formulas.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.data_type == "f"
        ]
        assert len(cells) > 40, name
        # Blank only where the formula's value is an empty text by design (worked out
        # by the workbook's own formulas from the template's inputs).
        book = template(name).build({}, tmp_path / f"{name}.xlsx")
        evaluation = book.calculator.evaluate()
        blank = [c for c in cells if values[c[0]][c[1]].value is None]
        assert [c for c in blank if evaluation[c].python(0) != ""] == [], name
