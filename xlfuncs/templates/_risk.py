"""The Risk sheet: a Monte Carlo simulation of a template's own model, in formulas alone.

Low / most likely / high guesses for the inputs people are unsure of (the
most likely value is the one on Inputs; a blank low or high is that value,
so blank ends mean the input is fixed) give, per trial row:

* one uniform number per uncertain input from the HDR generator
  (:func:`._formula_builders.hdr`), keyed by the trial number, the input's
  ``var_id`` and the workbook's entity, so Excel, LibreOffice and
  ``xlfuncs.tco_sim(..., generator="hdr", entity=...)`` draw the same
  numbers, with no ``RAND()`` and no Data Table;
* the draw of each option: the inverse of the guess's distribution function
  at that uniform (triangular in closed form, Beta-PERT with ``BETA.INV``);
* each option's TCO by the closed form the Calculations sheet uses.

Above the trials: the ranges drawn, each option's mean and percentiles, the
probability that it is the cheapest and that it costs less than the
reference, a histogram and a sentence for Summary.

The var_ids are TCO's: an input takes the stream of the TCO argument it
moves (calls per task move the cost per task), so a workbook and
``tco_sim`` read the same uniforms. With a correlation below 1, an input
uncertain in the reference and in another option goes through the
symmetric Gaussian copula of ``prob_cheaper``: the reference takes
``Phi(c z1 + s z2)`` and every other option ``Phi(c z1 - s z2)``, where
``z1`` comes from the input's stream and ``z2`` from its companion stream
(``var_id + 100``).

The trial rows are a row block (:mod:`xlfuncs.formulas.row_blocks`): one
formula per column, written once and stored as a shared formula, computed
for every trial in one pass by the evaluator.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import StrRef
from openpyxl.chart.series import SeriesLabel
from openpyxl.formatting.rule import Rule as FormattingRule
from openpyxl.styles import Alignment
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.styles.numbers import NumberFormat
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from .._option_block import TCO_ARGUMENTS
from .._validation import Rule
from ..formulas.row_blocks import RowBlock
from . import _formula_builders as fx
from ._workbook import (
    CHECK_INPUT,
    COUNT,
    MONEY,
    NAME_CHARS,
    PERCENT,
    InputSpec,
    OptionChart,
    TemplateBook,
    text_literal,
)

__all__ = [
    "DEFAULT_TRIALS",
    "DISTRIBUTIONS",
    "ENTITY_INPUT",
    "NO_RANGE_SENTENCE",
    "RISK_SHEET",
    "TRIALS",
    "TRIALS_INPUT",
    "Uncertain",
    "risk_inputs",
    "share_in_words",
    "write_risk",
]

RISK_SHEET = "Risk"
DISTRIBUTIONS = ("Triangular", "PERT")
#: Trial rows a workbook holds unless told otherwise.
DEFAULT_TRIALS = 1_000
#: The trial rows a workbook may hold (set when it is written).
TRIALS = Rule(low=100.0, high=10_000.0, whole=True)
_CORRELATION = Rule(low=-1.0, high=1.0)
_PERCENTILE = Rule(low=0.0, high=1.0, low_open=True, high_open=True, fraction=True)
_ENTITY = Rule(low=0.0, high=99_999_999.0, whole=True)
_SECTION = "Uncertainty (Risk sheet): low and high guesses; blank means fixed at the value above"
_BINS = 20
#: Summary's Risk sentence when every input is fixed (no low or high guess opens a range).
NO_RANGE_SENTENCE = (
    "No input has a low or high guess on Inputs: the Risk sheet shows no uncertainty."
)
#: The input naming the HDR entity of a workbook's trials.
ENTITY_INPUT = "risk_entity"
#: The input fixing the number of trial rows (when the workbook is written).
TRIALS_INPUT = "risk_trials"
_UNIFORM = "0.000000"
_COMPANION = 100

#: Option columns of the results table (as on Calculations).
_FIRST_OPTION_COLUMN = 5


@dataclass(frozen=True)
class Uncertain:
    """An input a Risk sheet can draw: per option (``{x}_{key}``) or shared (``key``).

    ``stream`` is the TCO argument whose random stream it reads (calls per
    task move the cost per task, so they read cost_per_task's). Inputs of
    one stream take the same uniform in a trial.

    ``inputs`` names the input of each option explicitly (option letter ->
    name, e.g. ``{"S": "small_accuracy", "F": "frontier_accuracy"}``): its
    ranges are then rows of their own on Inputs, not an option table's.
    ``book_option`` is the option of the book's option table whose input a
    shared one is (``"V"`` for ``v_build_hours``): its ranges join that table.
    """

    key: str
    label: str
    unit: str
    rule: Rule
    number_format: str
    stream: str
    shared: bool = False
    inputs: Mapping[str, str] | None = None
    book_option: str | None = None

    @property
    def var_id(self) -> int:
        """HDR variable id: 1 + the position of its stream in TCO's signature."""
        return 1 + TCO_ARGUMENTS.index(self.stream)

    def names(self, letter: str | None) -> tuple[str, str, str, str]:
        """Defined names of the most likely value, low, high and distribution."""
        if self.shared:
            base = self.key
        elif self.inputs is not None:
            base = self.inputs[letter]
        else:
            base = f"{letter.lower()}_{self.key}"
        return base, f"{base}_low", f"{base}_high", f"{base}_distribution"

    @property
    def title(self) -> str:
        """Its label on the Risk sheet: with the book's option it belongs to, if any."""
        return self.label if self.book_option is None else f"{self.label} ({self.book_option})"

    def spec_place(self, letter: str | None, end: str, option_names: Mapping[str, str]):
        """The label, option letter and row key of one of its Inputs rows (``end``: low,
        high or distribution)."""
        word = {"low": "low", "high": "high", "distribution": "distribution"}[end]
        if self.inputs is not None:
            name = self.names(letter)[0]
            return f"{self.label}, {option_names[letter]}: {word}", None, f"{name}_{end}"
        if self.book_option is not None:
            row = self.key.removeprefix(f"{self.book_option.lower()}_")
            return f"{self.label}: {word}", self.book_option, f"{row}_{end}"
        return f"{self.label}: {word}", letter, f"{self.key}_{end}"


def risk_inputs(
    uncertain: Sequence[Uncertain],
    options: Sequence[str],
    option_names: Mapping[str, str] | None = None,
    option_section: str = _SECTION,
) -> list[InputSpec]:
    """The Inputs rows of a Risk sheet: ranges per uncertain input, then its settings.

    ``option_names`` labels the rows of inputs named per option (``Uncertain.inputs``);
    ``option_section`` is the Inputs section of the ranges that join a book's option
    table (``Uncertain.book_option``), so that its columns are that table's options.
    """
    names = dict(option_names or {})
    specs: list[InputSpec] = []
    for item in uncertain:
        section = _SECTION if item.book_option is None else option_section
        for end, word in (("low", "Low guess"), ("high", "High guess")):
            text = (
                f"{word} of {item.label.lower()}; blank: the value above, so blank low and "
                "high mean no uncertainty."
            )
            for letter in [None] if item.shared else options:
                _, low, high, _ = item.names(letter)
                label, option, key = item.spec_place(letter, end, names)
                specs.append(
                    InputSpec(
                        low if end == "low" else high,
                        label,
                        item.unit,
                        None,
                        text,
                        item.rule,
                        number_format=item.number_format,
                        section=section,
                        option=option,
                        key=key,
                        optional=True,
                    )
                )
        for letter in [None] if item.shared else options:
            label, option, key = item.spec_place(letter, "distribution", names)
            specs.append(
                InputSpec(
                    item.names(letter)[3],
                    label,
                    "shape",
                    "Triangular",
                    "Triangular: straight lines from low to most likely to high. PERT: a "
                    "smooth curve that puts less weight on the ends.",
                    choices=DISTRIBUTIONS,
                    number_format="@",
                    section=section,
                    option=option,
                    key=key,
                )
            )
    specs += [
        InputSpec(
            "risk_correlation",
            "Correlation with the reference",
            "rank correlation",
            1.0,
            "How an input uncertain in the reference and in another option moves in both: 1 "
            "at the same percentile of each range, 0 independently, -1 at opposite percentiles.",
            _CORRELATION,
            number_format="0.00",
            section=_SECTION,
        ),
        InputSpec(
            "risk_entity",
            "Entity (random stream)",
            "id",
            0.0,
            "Whole number 0 to 99,999,999 that picks the random numbers: the same number "
            "gives the same trials on every computer; another gives another set of trials.",
            _ENTITY,
            number_format="0",
            section=_SECTION,
        ),
        *(
            InputSpec(
                f"risk_percentile_{which}",
                f"Percentile reported: {word}",
                "fraction",
                value,
                "The Risk sheet reports the TCO that this share of trials stays at or below.",
                _PERCENTILE,
                number_format="0%",
                section=_SECTION,
            )
            for which, word, value in (
                ("low", "low", 0.05),
                ("mid", "middle", 0.5),
                ("high", "high", 0.95),
            )
        ),
        InputSpec(
            "risk_trials",
            "Trials",
            "trials",
            float(DEFAULT_TRIALS),
            "Rows of the Risk sheet, fixed when the workbook is written (100 to 10,000).",
            TRIALS,
            number_format=COUNT,
            section=_SECTION,
            fixed=True,
        ),
    ]
    return specs


def write_risk(
    book: TemplateBook,
    uncertain: Sequence[Uncertain],
    options: Sequence[str],
    *,
    option_tco: Callable[[str, Mapping[str, str]], str],
    at_inputs: Callable[[str], str],
    ranked: Callable[[str], str] | None = None,
    reference_position: str | int = "reference_position",
    in_use: Callable[[str], str] | None = None,
    inputs_ok: Callable[[str], str],
    option_names: Mapping[str, str] | None = None,
) -> dict[str, int]:
    """Write the Risk sheet; returns its rows by key.

    ``option_tco(x, draws)`` is the TCO formula (no ``=``) of option ``x`` in a
    trial row, given the cell of each uncertain input's draw in that row
    (by key); ``at_inputs(x)`` the cell of its TCO at the Inputs values;
    ``ranked(x)`` a cell that is 1 when the option is compared (included,
    inputs allowed); ``in_use(x)`` and ``inputs_ok(x)`` its flags' names.
    ``reference_position`` is the name of the reference's position among
    ``options`` (from 1), or that position when it is fixed.

    ``option_names`` gives fixed names to options always compared (the
    template's own alternatives): ``in_use`` and ``ranked`` are then left out,
    the options' names are text rather than the ``{x}_name`` inputs.
    """
    if option_names is not None:
        in_use, ranked = (lambda x: "TRUE"), (lambda x: "1")
    always = option_names is not None
    reference = _Reference(reference_position)
    sheet = RISK_SHEET
    if sheet not in book.workbook.sheetnames:
        book.workbook.create_sheet(sheet, book.workbook.sheetnames.index("Summary") + 1)
    ws = book[sheet]
    trials = int(book.values["risk_trials"])
    letters = tuple(options)
    columns = {x: get_column_letter(_FIRST_OPTION_COLUMN + i) for i, x in enumerate(letters)}
    last_option = _FIRST_OPTION_COLUMN + len(letters) - 1
    book.sheet_title(
        sheet,
        "Risk: the TCO when inputs are uncertain",
        f"{trials:,} trials computed by formulas alone: the same figures in Excel and "
        "LibreOffice on every open, with no add-in. Ranges are set on Inputs.",
    )
    rows: dict[str, int] = {}
    row = 4
    book.heading(sheet, row, "Settings", last_column=last_option)
    settings = [
        ("trials", "Trials", "trials", "=risk_trials", COUNT),
        ("entity", "Entity: picks the random numbers (HDR generator)", "id", "=risk_entity", "0"),
        (
            "correlation",
            "Correlation of an input uncertain in the reference and another option",
            "rank",
            "=risk_correlation",
            "0.00",
        ),
        (
            "normal_correlation",
            "Normal correlation that gives it: 2 sin(pi r / 6)",
            "",
            "=" + fx.normal_correlation("risk_correlation"),
            "0.000000",
        ),
        (
            "copula_c",
            "Copula weight c = sqrt((1 + q) / 2)",
            "",
            "=" + fx.copula_weight("{q}", "c"),
            "0.000000",
        ),
        (
            "copula_s",
            "Copula weight s = sqrt((1 - q) / 2)",
            "",
            "=" + fx.copula_weight("{q}", "s"),
            "0.000000",
        ),
    ]
    for key, label, unit, formula, fmt in settings:
        row += 1
        rows[key] = row
        book.label(sheet, row, label, unit)
        text = formula.replace("{q}", f"$D${rows.get('normal_correlation', 0)}")
        book.put(sheet, f"D{row}", text, key=f"risk.{key}", number_format=fmt)
    row += 1
    rows["ranges_ok"] = row
    book.label(sheet, row, "Every range in order: low <= most likely <= high", "TRUE/FALSE")
    row += 1
    rows["any_range"] = row
    book.label(
        sheet, row, "Some input drawn: a low or high guess apart from its value", "TRUE/FALSE"
    )
    names = {key: f"$D${rows[key]}" for key in ("trials", "copula_c", "copula_s")}

    # Ranges drawn ---------------------------------------------------------------
    row += 2
    book.heading(
        sheet,
        row,
        "Ranges drawn (most likely: the value on Inputs; blank low or high: that value)",
        last_column=last_option,
    )
    row += 1
    rows["option_letters"] = row
    book.label(sheet, row, "Option")
    for x, col in columns.items():
        if option_names is None:
            book.put_text(sheet, f"{col}{row}", x, style="bold")
        else:
            book.put_text(sheet, f"{col}{row}", option_names[x], style="bold")
            ws[f"{col}{row}"].alignment = Alignment(wrap_text=True, vertical="top")
    book.put_text(sheet, f"D{row}", "Shared", style="bold")
    ranges: dict[tuple[str, str | None], dict[str, str]] = {}
    for item in uncertain:
        places = [None] if item.shared else list(letters)
        fields = ("low", "mode", "high", "alpha", "beta")
        if not item.shared:
            fields += ("sign",)
        for field in fields:
            row += 1
            rows[f"{item.key}.{field}"] = row
            label, unit, fmt = {
                "low": (f"{item.title}: low", item.unit, item.number_format),
                "mode": (f"{item.title}: most likely", item.unit, item.number_format),
                "high": (f"{item.title}: high", item.unit, item.number_format),
                "alpha": (f"{item.title}: PERT alpha", "0: not PERT", "0.0000"),
                "beta": (f"{item.title}: PERT beta", "0: not PERT", "0.0000"),
                "sign": (f"{item.title}: copula side", "1 ref., -1, 0 none", "0"),
            }[field]
            book.label(sheet, row, label, unit)
            for letter in places:
                col = "D" if letter is None else columns[letter]
                mode, low, high, distribution = item.names(letter)
                here = ranges.setdefault((item.key, letter), {})
                here[field] = f"${col}${row}"
                formula = _range_formula(field, here, mode, low, high, distribution)
                if field == "sign":
                    formula = _sign_formula(item, letter, letters, ranges, in_use, reference)
                key = f"risk.{item.key}.{field}" + (f".{letter}" if letter else "")
                book.put(sheet, f"{col}{row}", formula, key=key, number_format=fmt)
    if not always:
        # An option not in use draws nothing: its column of ranges (the blank inputs' zeros)
        # and its letter are not shown, as its results read "left out".
        for x, col in columns.items():
            ws.conditional_formatting.add(
                f"{col}{rows['option_letters']}:{col}{row}",
                FormattingRule(
                    type="expression", formula=[f"NOT({in_use(x)})"], dxf=_SHOWS_NOTHING
                ),
            )
    # Ranges in order: low <= most likely <= high for every input of an option in use.
    in_order = []
    for letter in [None, *letters]:
        # Read from the Checks sheet too: the cells name their sheet.
        tests = [
            f"{sheet}!{here['low']}<={sheet}!{here['mode']},"
            f"{sheet}!{here['mode']}<={sheet}!{here['high']}"
            for (_, owner), here in ranges.items()
            if owner == letter
        ]
        if not tests:
            continue
        condition = f"AND({','.join(tests)})"
        if letter is not None and always:
            book.add_check(
                f"Risk ranges in order: low <= most likely <= high ({option_names[letter]})",
                condition,
                subject=f"a Risk range of the {option_names[letter].lower()} (low, most likely, "
                "high)",
            )
        elif letter is not None:
            condition = f"OR(NOT({in_use(letter)}),{condition})"
            book.add_check(
                f"Risk ranges in order: low <= most likely <= high ({book.option_word} {letter})",
                condition,
                subject=f"a Risk range of {book.option_word} {letter} (low, most likely, high)",
                option=letter,
            )
        else:
            book.add_check(
                "Risk ranges in order: low <= most likely <= high (shared inputs)",
                condition,
                subject="a shared Risk range (low, most likely, high)",
            )
        in_order.append(condition)
    row_ok = rows["ranges_ok"]
    book.put(sheet, f"D{row_ok}", f"=AND({','.join(in_order)})", key="risk.ranges_ok")
    book.define("risk_ranges_ok", sheet, f"D{row_ok}")
    # Whether anything is uncertain at all: without a range every trial is the same.
    drawn = []
    for (_, owner), here in ranges.items():
        apart = f"{here['high']}>{here['low']}"
        drawn.append(apart if owner is None or always else f"AND({in_use(owner)},{apart})")
    book.put(sheet, f"D{rows['any_range']}", f"=OR({','.join(drawn)})", key="risk.any_range")
    book.define("risk_any_range", sheet, f"D{rows['any_range']}")

    # Results ---------------------------------------------------------------------
    row += 2
    book.heading(sheet, row, "Results by option over the trials", last_column=last_option)
    row += 1
    rows["names"] = row
    book.label(sheet, row, "Option")
    _name_row(book, row, columns, option_names, in_use, "risk.name")
    result_rows = [
        ("at_inputs", "TCO at the Inputs values (Calculations)", "¤", MONEY),
        ("mean", "Mean TCO over the trials", "¤", MONEY),
        ("p_low", "TCO that this share of trials stays at or below", "¤", MONEY),
        ("p_mid", "TCO that this share of trials stays at or below", "¤", MONEY),
        ("p_high", "TCO that this share of trials stays at or below", "¤", MONEY),
        ("cheapest", "Probability of being the cheapest option", "probability", PERCENT),
        ("beats_reference", "Probability of costing less than the reference", "probability",
         PERCENT),
    ]  # fmt: skip
    for key, *_ in result_rows:
        row += 1
        rows[key] = row
    # Below the results: the histogram, its chart (_CHART_ROWS), then the trials.
    rows["first_trial"] = first = row + _BINS + 13 + _CHART_ROWS
    last = first + trials - 1
    layout = _trial_columns(uncertain, letters)
    tco_range = {x: f"${layout[('tco', x)]}${first}:${layout[('tco', x)]}${last}" for x in letters}
    reference_ranked = [ranked(x) for x in letters]
    reference_range = f"${layout['reference']}${first}:${layout['reference']}${last}"
    for key, label, unit, fmt in result_rows:
        r = rows[key]
        book.label(sheet, r, label, unit)
        if key.startswith("p_"):
            which = {"p_low": "low", "p_mid": "mid", "p_high": "high"}[key]
            book.put(
                sheet,
                f"D{r}",
                f"=risk_percentile_{which}",
                key=f"risk.percentile.{which}",
                number_format="0%",
            )
        for x, col in columns.items():
            formula = {
                "at_inputs": f"={at_inputs(x)}",
                "mean": f"=AVERAGE({tco_range[x]})",
                "p_low": f"=PERCENTILE({tco_range[x]},risk_percentile_low)",
                "p_mid": f"=PERCENTILE({tco_range[x]},risk_percentile_mid)",
                "p_high": f"=PERCENTILE({tco_range[x]},risk_percentile_high)",
                "cheapest": "=" + _cheapest_formula(x, letters, tco_range, ranked, names["trials"]),
                # A reference that is not compared (left out, inputs not allowed) beats nothing.
                "beats_reference": "="
                + reference.choose_text(
                    letters.index(x) + 1,
                    '"reference"',
                    f"IF({reference.choose(reference_ranked)}<>1,{CHECK_INPUT},"
                    f"{fx.share_below(tco_range[x], reference_range, names['trials'])})",
                ),
            }[key]
            if key == "at_inputs":
                # An option not in use shows the same words as its other results, not the
                # "check input" its blank inputs give on Calculations.
                if not always:
                    formula = f'=IF({in_use(x)},{formula[1:]},"left out")'
            elif always:
                formula = f"=IF(AND({inputs_ok(x)},risk_ranges_ok),{formula[1:]},{CHECK_INPUT})"
            else:
                formula = (
                    f"=IF({in_use(x)},IF(AND({inputs_ok(x)},risk_ranges_ok),"
                    f'{formula[1:]},{CHECK_INPUT}),"left out")'
                )
            book.put(
                sheet,
                f"{col}{r}",
                formula,
                key=f"risk.{key}.{x}",
                number_format=fmt,
                style="output" if key in ("p_mid", "cheapest") else "calc",
            )

    # Histogram ----------------------------------------------------------------------
    row = rows[result_rows[-1][0]] + 2
    book.heading(
        sheet,
        row,
        f"Histogram: trials per band of TCO ({_BINS - 1} equal bands from the lowest trial to "
        "the highest high percentile, then the rest)",
        last_column=last_option,
    )
    row += 1
    rows["bins_header"] = row
    book.label(sheet, row, "Band of TCO, up to", "¤")
    _name_row(book, row, columns, option_names, in_use, "risk.band")
    lowest = ",".join(f"IF({ranked(x)}=1,MIN({tco_range[x]}),{_HUGE})" for x in letters)
    # The bands end at the highest high percentile, so that a long tail of a few trials
    # does not squeeze every other trial into the first band.
    # A percentile that is words ("check input") is left out: ISNUMBER, as MAX of an IF's
    # text differs between engines.
    top = ",".join(
        f"IF(AND({ranked(x)}=1,ISNUMBER({columns[x]}{rows['p_high']})),"
        f"{columns[x]}{rows['p_high']},-{_HUGE})"
        for x in letters
    )
    highest = ",".join(f"IF({ranked(x)}=1,MAX({tco_range[x]}),-{_HUGE})" for x in letters)
    for key, label, formula in (
        ("bins_low", "Lowest trial TCO of the options compared", f"=MIN({lowest})"),
        ("bins_top", "Highest high percentile of the options compared", f"=MAX({top})"),
        ("bins_high", "Highest trial TCO of the options compared", f"=MAX({highest})"),
    ):
        row += 1
        rows[key] = row
        book.label(sheet, row, label, "¤")
        book.put(sheet, f"D{row}", formula, key=f"risk.{key}", number_format=MONEY)
    low_cell, top_cell = f"$D${rows['bins_low']}", f"$D${rows['bins_top']}"
    rows["first_bin"] = row + 1
    steps = _BINS - 1
    for band in range(1, _BINS + 1):
        row += 1
        # The ends are the cells themselves, not computed again: a trial at the highest
        # high percentile is in the last even band in every engine, whatever the rounding.
        edge = fx.band_edge(low_cell, top_cell, band, steps)
        below = fx.band_edge(low_cell, top_cell, band - 1, steps)
        if band == steps:
            edge = top_cell
        if band == _BINS:
            edge, below = f"$D${rows['bins_high']}", top_cell
        book.put(sheet, f"C{row}", f"Band {band}", style="unit")
        book.put(sheet, f"D{row}", f"={edge}", key=f"risk.band_edge.{band}", number_format=MONEY)
        for x, col in columns.items():
            count = fx.count_in_band(
                tco_range[x], below, None if band == _BINS else edge, closed_below=band == 1
            )
            book.put(
                sheet,
                f"{col}{row}",
                f'=IF({ranked(x)}=1,{count},"-")',
                key=f"risk.band.{band}.{x}",
                number_format=COUNT,
            )
    _histogram_chart(book, ws, rows, columns, letters, option_names is None)

    # Trials --------------------------------------------------------------------------
    row = first - 3
    book.heading(
        sheet,
        row,
        "Trials: one row per trial (uniform numbers from HDR, the draws, each option's TCO)",
        last_column=max(column_number(c) for c in layout.values()),
    )
    _write_trial_headers(book, ws, row + 1, layout, uncertain, letters)
    _write_first_trial(
        book, first, layout, uncertain, letters, ranges, names, option_tco, reference
    )
    block_columns = tuple(sorted({column_number(c) for c in layout.values()}))
    book.row_blocks.append(
        RowBlock(
            sheet,
            first,
            trials,
            block_columns,
            {column_number(layout["trial"]): np.arange(1, trials + 1, dtype=float)},
        )
    )
    _finish_sheet(book, ws, rows, layout, last_option)
    return rows


class _Reference:
    """The reference option: a defined name of its position, or a fixed position."""

    def __init__(self, position: str | int):
        self.position = position

    def choose_text(self, position: int, when: str, otherwise: str) -> str:
        """``when`` for the reference's position, else ``otherwise`` (a formula, no ``=``)."""
        if isinstance(self.position, int):
            return when if self.position == position else otherwise
        return f"IF({self.position}={position},{when},{otherwise})"

    def choose(self, items: Sequence[str]) -> str:
        """The item of the reference among ``items`` (one per option, in order)."""
        if isinstance(self.position, int):
            return items[self.position - 1]
        return f"CHOOSE({self.position},{','.join(items)})"


def share_in_words(share: str) -> str:
    """The text of a share of trials in whole percent, for a sentence on Summary.

    A share that rounds to 0 % or 100 % without being 0 or 1 reads "less than 1" or
    "more than 99": a sentence never claims a certainty the trials do not show.

    >>> print(share_in_words("p").replace(",IF(", ",\\nIF("))
    IF(AND(p>0,ROUND(p*100,0)=0),"less than 1",
    IF(AND(p<1,ROUND(p*100,0)=100),"more than 99",FIXED(ROUND(p*100,0),0)))
    """
    whole = f"ROUND({share}*100,0)"
    return (
        f'IF(AND({share}>0,{whole}=0),"less than 1",'
        f'IF(AND({share}<1,{whole}=100),"more than 99",FIXED({whole},0)))'
    )


def _option_name(letter: str, option_names, in_use) -> str:
    """The formula of an option's name over its column."""
    if option_names is not None:
        return f"={text_literal(option_names[letter])}"
    return f'=IF({in_use(letter)},{letter.lower()}_name,"")'


_HUGE = "9.99E+307"
#: A cell's value not shown: no text for numbers of any sign or for text.
_SHOWS_NOTHING = DifferentialStyle(numFmt=NumberFormat(numFmtId=200, formatCode=";;;"))
#: Rows the histogram's chart takes below the histogram.
_CHART_ROWS = 28
#: The chart's height, which _CHART_ROWS rows of 15 points (0.53 cm) hold.
_CHART_HEIGHT_CM = 14.0
#: Column widths (characters) of the labels, units and settings, and of each option.
_LABEL_WIDTHS = {"A": 2, "B": 46, "C": 16, "D": 19}
_OPTION_WIDTH = 19
#: The chart is at least this many characters wide (24 cm).
_MIN_CHART_CHARACTERS = 130
#: A character of column width in centimetres (7 pixels at 96 per inch).
_CM_PER_CHARACTER = 7 * 2.54 / 96


def column_number(letter: str) -> int:
    from openpyxl.utils import column_index_from_string

    return column_index_from_string(letter)


def _range_formula(field: str, here: Mapping[str, str], mode, low, high, distribution) -> str:
    """Low, most likely, high and the PERT shape of one guess, from its Inputs names."""
    if field == "mode":
        return f"={mode}"
    if field == "low":
        return f"=IF(ISBLANK({low}),{mode},{low})"
    if field == "high":
        return f"=IF(ISBLANK({high}),{mode},{high})"
    l_, m_, h_ = here["low"], here["mode"], here["high"]
    pert = f'AND({distribution}="PERT",{h_}>{l_})'
    if field == "alpha":
        return f"=IF({pert},{fx.pert_shape(l_, m_, h_, 'alpha')},0)"
    if field == "beta":
        return f"=IF({pert},{fx.pert_shape(l_, m_, h_, 'beta')},0)"
    return "=0"  # the sign: written by _sign_formula


def _sign_formula(item, letter, letters, ranges, in_use, reference) -> str:
    """1 for the reference, -1 for another option, when both draw the input and the
    correlation is below 1; 0 when the option takes its stream's uniform as it is."""
    here = ranges[(item.key, letter)]
    uncertain = f"({here['high']}>{here['low']})"
    position = letters.index(letter) + 1
    others = "+".join(
        f"({in_use(x)})*({ranges[(item.key, x)]['high']}>{ranges[(item.key, x)]['low']})"
        for x in letters
        if x != letter
    )
    reference_uncertain = reference.choose(
        [f"{ranges[(item.key, x)]['high']}>{ranges[(item.key, x)]['low']}" for x in letters]
    )
    side = reference.choose_text(position, f"IF({others}>0,1,0)", f"IF({reference_uncertain},-1,0)")
    return f"=IF(OR(risk_correlation=1,NOT({uncertain})),0,{side})"


def _trial_columns(uncertain: Sequence[Uncertain], letters: Sequence[str]) -> dict:
    """The column letter of every trial column, by key."""
    layout: dict = {}
    column = 2
    layout["trial"] = get_column_letter(column)
    streams: dict[int, str] = {}  # inputs of one stream read one uniform column
    for item in uncertain:
        if item.var_id not in streams:
            column += 1
            streams[item.var_id] = get_column_letter(column)
        layout[("uniform", item.key)] = streams[item.var_id]
        for letter in [None] if item.shared else letters:
            column += 1
            layout[("draw", item.key, letter)] = get_column_letter(column)
    for letter in letters:
        column += 1
        layout[("tco", letter)] = get_column_letter(column)
    column += 1
    layout["reference"] = get_column_letter(column)
    return layout


def _write_trial_headers(book, ws, row, layout, uncertain, letters) -> None:
    book.put_text(RISK_SHEET, f"{layout['trial']}{row}", "Trial", style="bold")
    written = set()
    for item in uncertain:
        if item.var_id not in written:
            written.add(item.var_id)
            book.put_text(
                RISK_SHEET,
                f"{layout[('uniform', item.key)]}{row}",
                f"{item.label}: uniform (var_id {item.var_id})",
                style="bold",
            )
        for letter in [None] if item.shared else letters:
            text = item.title if letter is None else f"{item.title} {letter}"
            book.put_text(
                RISK_SHEET, f"{layout[('draw', item.key, letter)]}{row}", text, style="bold"
            )
    for letter in letters:
        book.put_text(RISK_SHEET, f"{layout[('tco', letter)]}{row}", f"TCO {letter}", style="bold")
    book.put_text(RISK_SHEET, f"{layout['reference']}{row}", "TCO of the reference", style="bold")
    ws.row_dimensions[row].height = 45
    for cell in ws[row]:
        cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="center")


def _draw_formula(item, here, uniform, companion, names) -> str:
    """The draw of one guess at a trial's uniform (the copula first, where it applies)."""
    l_, m_, h_ = here["low"], here["mode"], here["high"]
    u = uniform
    if "sign" in here:
        s = here["sign"]
        percentile = fx.copula_percentile(
            uniform, companion, names["copula_c"], names["copula_s"], s
        )
        u = f"(IF({s}=0,{uniform},{percentile}))"
    triangular = fx.triangular_inverse(u, l_, m_, h_)
    pert = fx.pert_inverse(u, here["alpha"], here["beta"], l_, h_)
    inverse = f"IF({here['alpha']}>0,{pert},{triangular})"
    # A range out of order (a check fails) takes its most likely value: its inverse would
    # be an error, and engines name that error differently (#NUM! or #VALUE!).
    return f"IF(AND({l_}<={m_},{m_}<={h_},{h_}>{l_}),{inverse},{m_})"


def _write_first_trial(
    book, first, layout, uncertain, letters, ranges, names, option_tco, reference
) -> None:
    sheet = RISK_SHEET
    trial = f"{layout['trial']}{first}"
    book.put(sheet, trial, 1, number_format="0")
    draws: dict[str, dict[str, str]] = {x: {} for x in letters}
    written = set()
    for item in uncertain:
        uniform = f"{layout[('uniform', item.key)]}{first}"
        if item.var_id not in written:
            written.add(item.var_id)
            book.put(
                sheet,
                uniform,
                "=" + fx.hdr(trial, str(item.var_id), "risk_entity"),
                number_format=_UNIFORM,
            )
        # The copula's second uniform is computed where it is used: with a correlation
        # of 1 (the default) no trial needs it.
        companion = fx.hdr(trial, str(item.var_id + _COMPANION), "risk_entity")
        for letter in [None] if item.shared else letters:
            cell = f"{layout[('draw', item.key, letter)]}{first}"
            formula = _draw_formula(item, ranges[(item.key, letter)], uniform, companion, names)
            book.put(sheet, cell, "=" + formula, number_format=item.number_format)
            for x in letters if letter is None else [letter]:
                draws[x][item.key] = cell
    for x in letters:
        book.put(
            sheet,
            f"{layout[('tco', x)]}{first}",
            "=" + option_tco(x, draws[x]),
            number_format=MONEY,
        )
    cells = [f"{layout[('tco', x)]}{first}" for x in letters]
    book.put(
        sheet,
        f"{layout['reference']}{first}",
        f"={reference.choose(cells)}",
        number_format=MONEY,
    )


def _name_row(book, row, columns, option_names, in_use, key) -> None:
    """A row of the options' names over their columns (texts ``{key}.{letter}``)."""
    for x, col in columns.items():
        cell = f"{col}{row}"
        name = _option_name(x, option_names, in_use)
        book.put(RISK_SHEET, cell, name, style="bold", text_key=f"{key}.{x}")
        book[RISK_SHEET][cell].alignment = Alignment(wrap_text=True, vertical="top")
        book.reserve(RISK_SHEET, cell, NAME_CHARS)


def _cheapest_formula(x, letters, tco_range, ranked, trials) -> str:
    """Share of trials in which option ``x`` costs strictly less than every other option
    compared (ties count for none)."""
    others = [(tco_range[y], ranked(y)) for y in letters if y != x]
    return fx.share_lowest(tco_range[x], others, trials)


def _histogram_chart(book, ws, rows, columns, letters, named_by_inputs) -> None:
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = "Trials per band of TCO"
    chart.y_axis.title = "Trials"
    chart.x_axis.title = book.in_currency("TCO, up to (¤)")
    first, last = rows["first_bin"], rows["first_bin"] + _BINS - 1
    # A series per option the book's values give (an option not given has blank inputs).
    given = [
        x
        for x in columns
        if not named_by_inputs or book.values.get(f"{x.lower()}_name") is not None
    ]
    for x in given:
        col = columns[x]
        index = _FIRST_OPTION_COLUMN + letters.index(x)
        chart.add_data(Reference(ws, min_col=index, min_row=first, max_row=last))
        name = StrRef(f"{RISK_SHEET}!${col}${rows['bins_header']}")
        chart.series[-1].tx = SeriesLabel(strRef=name)
    chart.set_categories(Reference(ws, min_col=4, min_row=first, max_row=last))
    # The axis title names the currency: the band labels are bare numbers, which fit.
    chart.x_axis.number_format = "#,##0"
    chart.x_axis.tickLblSkip = 2
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    # On a page of its own (see _finish_sheet): as wide as the tables above it, and wide
    # enough for the bands' labels to stand upright.
    chart.width = _CM_PER_CHARACTER * max(
        _MIN_CHART_CHARACTERS,
        sum(_LABEL_WIDTHS.values()) - _LABEL_WIDTHS["A"] + _OPTION_WIDTH * len(letters),
    )
    chart.height = min(_CHART_HEIGHT_CM, 0.55 * chart.width)
    chart.legend.position = "b"
    anchor = f"B{rows['first_bin'] + _BINS + 1}"
    ws.add_chart(chart, anchor)
    if named_by_inputs:  # a scenario's book leaves out the series of options it does not give
        book.option_charts.append(OptionChart(chart, tuple(f"{x.lower()}_name" for x in given)))


def _finish_sheet(book, ws, rows, layout, last_option) -> None:
    for letter in sorted(set(layout.values()), key=column_number):
        ws.column_dimensions[letter].width = 16
    # Amounts carry their currency code ("1,234,567.89 EUR"), in bold where they are results.
    # One page wide at a readable scale: labels wrap in B, amounts fit in D to H.
    widths = dict(_LABEL_WIDTHS)
    widths |= {
        get_column_letter(c): _OPTION_WIDTH for c in range(_FIRST_OPTION_COLUMN, last_option + 1)
    }
    for column, width in widths.items():
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "C4"
    # Printed: the settings, ranges, results and histogram, not thousands of trial rows.
    last_row = rows["first_bin"] + _BINS + _CHART_ROWS
    ws.print_area = f"A1:{get_column_letter(last_option)}{last_row}"
    # Three pages: the settings and ranges; the results and the histogram's table; its
    # chart. Left to themselves, the page breaks fall where the ranges end, which depends
    # on the options and the scale, and may cut the chart in two or leave a heading alone.
    results_heading = rows["names"] - 1
    chart_row = rows["first_bin"] + _BINS + 1
    for row in (results_heading, chart_row):
        ws.row_breaks.append(Break(id=row - 1))  # a break below row id: the row starts a page
