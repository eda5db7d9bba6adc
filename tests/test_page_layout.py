"""Every printed page of the templates and of scenario workbooks reads cleanly.

The five committed templates and workbooks the batch fills (one to four
options, names of 60 characters, sources of 200) are printed to PDF by
LibreOffice in one run; :mod:`page_layout` reads the pages' text layer and
lists what a reader would stumble on: text drawn over text, a cell's text
not printed whole, text too small to read, a nearly blank page, a heading
alone at the foot of a page, a chart cut in two by a page break, a figure or
name of an option that is not in use (on Summary and Inputs, and the rows of
its checks on Checks).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from page_layout import layout_problems, pages, pdftotext, render
from template_support import require_libreoffice

import xlfuncs
from xlfuncs.templates import TEMPLATE_NAMES, template

pytestmark = pytest.mark.libreoffice

ROOT = Path(__file__).resolve().parent.parent

#: A name of 60 characters and a source of 200, as long as the layout must hold.
LONG_NAME = "Frontier model thinking for minutes (about 40,000 tokens) v2"
LONG_SOURCE = (
    "Vendor list prices in USD per 1M tokens, read from the public pricing page on 2026-11-28; "
    "cached input billed at the cache-read price, batch discount not applied, taxes excluded. "
    "Checked monthly, too."
)
assert len(LONG_NAME) == 60 and len(LONG_SOURCE) == 200


def _option(index: int) -> dict:
    names = [LONG_NAME, "Efficient API model", "Small open model, self-hosted", "Debate of two"]
    option = {
        "name": names[index],
        "pricing": "API",
        "input_tokens": 2000 + 500 * index,
        "output_tokens": 400,
        "calls": 1 + index,
        "input_price": [3, 0.15, 0.6, 1.1][index],
        "output_price": [15, 0.6, 2.4, 4.4][index],
        "cached_share": 0.5,
        "cached_price": [0.3, 0.075, 0.15, 0.275][index],
        "source": LONG_SOURCE,
        "accuracy": [0.99, 0.95, 0.9, 0.97][index],
        "cost_per_error": 25,
        "build_hours": 100 * (index + 1),
        "hourly_rate": 120,
    }
    return option


def _tco_scenario(count: int) -> dict:
    return {
        "name": f"Support desk with {count} option{'s' * (count > 1)}",
        "tasks_per_month": 50_000,
        "months": 36,
        "monthly_growth": 0.02,
        "annual_discount_rate": 0.08,
        "reference_option": LONG_NAME,
        "options": [_option(i) for i in range(count)],
    }


#: Filled workbooks: (template, scenario, letters of the options not in use).
FILLED = (
    {
        f"tco_{count}": ("tco_comparison", _tco_scenario(count), "ABCD"[count:])
        for count in (1, 2, 3, 4)
    }
    | {
        # Amounts name their currency: "1,234,567.89 EUR"; yen run to the most digits.
        f"tco_{count}_{code.lower()}": (
            "tco_comparison",
            _tco_scenario(count) | {"currency": code, "usd_rate": rate},
            "ABCD"[count:],
        )
        for count, code, rate in ((2, "EUR", 0.9234), (4, "JPY", 155.42))
    }
    | {
        "thinking": (
            "test_time_compute",
            {
                "name": "Rare-disease diagnosis support",
                "cost_per_error": 50_000,
                "value_per_correct": 0,
                "cases_per_month": 10_000,
                "options": [
                    {
                        "name": "Fast model, 200 ms a case",
                        "cost_per_case": 0.001,
                        "seconds_per_case": 0.2,
                        "accuracy": 0.9,
                    },
                    {
                        "name": LONG_NAME,
                        "cost_per_case": 50,
                        "seconds_per_case": 300,
                        "accuracy": 0.999,
                    },
                ],
            },
            "",
        ),
        "margin": (
            "margin_trap",
            {
                "name": "Writing assistant priced per seat",
                "years": 5,
                "options": [
                    {
                        "name": "Efficiency: ride the token price cuts",
                        "price": 20,
                        "cost": 8,
                        "annual_price_change": -0.3,
                        "annual_cost_change": -0.5,
                    },
                    {
                        "name": LONG_NAME,
                        "price": 60,
                        "cost": 30,
                        "annual_price_change": 0,
                        "annual_cost_change": -0.2,
                    },
                ],
            },
            "",
        ),
    }
)


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, tuple[Path, Path, dict, str]]:
    """Every workbook under test and its PDF (one LibreOffice run for them all)."""
    require_libreoffice()
    if pdftotext() is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    folder = tmp_path_factory.mktemp("layout")
    books: dict[str, tuple[Path, dict, str]] = {}
    for name in TEMPLATE_NAMES:
        module = template(name)
        path = folder / "books" / f"template_{name}.xlsx"
        path.parent.mkdir(exist_ok=True)
        shutil.copyfile(ROOT / "templates" / module.FILENAME, path)
        books[f"template_{name}"] = (path, {}, "")
    for key, (name, scenario, unused) in FILLED.items():
        out = folder / key
        report = xlfuncs.generate([scenario], out, template=name, summary=False)
        assert report.ok, [str(f) for f in report.failures]
        (written,) = out.glob("*.xlsx")
        path = folder / "books" / f"{key}.xlsx"
        shutil.copyfile(written, path)
        built = template(name).build({}, folder / f"{key}_places.xlsx")
        inputs = {
            f"input.{spec.key}.{spec.option}": ("Inputs", built.input_cells[spec.name])
            for spec in template(name).INPUTS
            if spec.option and spec.key != "include"
        }
        # The rows of an unused option's checks show no result either.
        places = {**built.figures, **built.texts, **built.check_cells, **inputs}
        books[key] = (path, places, unused)
    pdfs = render([path for path, _, _ in books.values()], folder / "pdf")
    return {
        key: (path, pdf, places, unused)
        for (key, (path, places, unused)), pdf in zip(books.items(), pdfs, strict=True)
    }


@pytest.mark.parametrize("key", [f"template_{name}" for name in TEMPLATE_NAMES] + list(FILLED))
def test_every_page_reads_cleanly(printed, key):
    path, pdf, places, unused = printed[key]
    illustrative = []
    if unused:
        module = template("tco_comparison")
        illustrative = [
            spec.default
            for spec in module.INPUTS
            if spec.option and spec.option in unused and spec.key == "name"
        ]
    problems = layout_problems(path, pdf, places=places, unused=unused, unused_words=illustrative)
    order = [
        "unused option",
        "not whole",
        "overlap",
        "split chart",
        "orphan heading",
        "tiny text",
        "nearly blank",
    ]
    problems.sort(key=lambda problem: order.index(problem.kind))
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(map(str, problems[:60]))


@pytest.mark.parametrize("count", [1, 2, 3])
def test_the_risk_ranges_show_only_the_options_in_use(printed, count):
    """As LibreOffice prints it: the ranges table's heading names the letters in use and
    each option row has one figure per option in use (none for the blank inputs' zeros)."""
    _, pdf, _, _ = printed[f"tco_{count}"]
    (page,) = [p for p in pages(pdf) if any("Ranges drawn" in line.text for line in p.lines)]
    texts = _printed_rows(page)
    heading = next(text for text in texts if text.startswith("Option Shared"))
    assert heading.split()[2:] == list("ABCD"[:count])
    accuracy = next(text for text in texts if text.startswith("Accuracy: most likely"))
    # Label (3 words), unit ("fraction"), then one percentage per option in use.
    assert len(accuracy.split()[4:]) == count, accuracy


def _printed_rows(page) -> list[str]:
    """The words of each printed row, left to right (pdftotext splits a row into blocks)."""
    rows: dict[float, list] = {}
    for word in page.words:
        rows.setdefault(round(word.y0), []).append(word)
    return [" ".join(w.text for w in sorted(ws, key=lambda w: w.x0)) for ws in rows.values()]
