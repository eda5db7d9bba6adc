"""What every template workbook shares: inputs, styles, names, checks, protection, saving.

A template is declared as a list of :class:`InputSpec` (one per input cell)
and built by a function that fills a :class:`TemplateBook`. The declaration
is the single source for the Inputs sheet (label, unit, note, source), the
workbook-scoped defined names the formulas use, the data validation and its
input message, and the checking of values given in Python or read from a
scenario file.

Layout follows the FAST Standard and the ICAEW Financial Modelling Code:
sheets About, Inputs, Calculations, Summary, Checks in that order; inputs
only on Inputs, in one style, unlocked; every sheet protected without a
password; one overall check flag.
"""

from __future__ import annotations

import datetime
import io
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import column_index_from_string, get_column_letter, quote_sheetname
from openpyxl.utils.cell import absolute_coordinate
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from .._currency import ALLOWED as CURRENCY_ALLOWED
from .._currency import CURRENCY_SIGN, DEFAULT_CURRENCY, check_currency, in_currency
from .._errors import InputError
from .._ooxml import (
    SharedRows,
    block_cached_values,
    cached_value,
    fill_formula_cells,
    read_package,
    sheet_parts,
    write_package,
)
from .._validation import Rule, format_number, is_number, violation
from .._version import __version__
from ..formulas.row_blocks import RowBlock
from . import _formula_builders as fx

__all__ = [
    "CHECK_INPUT",
    "CHECK_SENTENCE",
    "COUNT",
    "CURRENCY_INPUT",
    "CURRENCY_NOTE",
    "DASH",
    "DEFAULT_SCENARIO",
    "INPUT_KEY",
    "MONEY",
    "MONEY_PER_TASK",
    "NAME_CHARS",
    "NOT_IN_USE",
    "NO_POINT",
    "PERCENT",
    "SCENARIO_INPUT",
    "SHEETS",
    "SOURCE_CHARS",
    "Check",
    "InputSpec",
    "OptionChart",
    "RowWriter",
    "SummaryColumn",
    "TemplateBook",
    "currency_input",
    "guarded",
    "option_inputs",
    "resolve_inputs",
    "scenario_input",
    "text_literal",
]

#: The sheet that holds every input cell (``TemplateBook.input_cells``).
INPUT_SHEET = "Inputs"
SHEETS = ("About", INPUT_SHEET, "Calculations", "Summary", "Checks")

# Number formats: amounts, amounts per task (often fractions of a cent),
# percentages, counts. The currency sign stands for the workbook's currency
# code (see xlfuncs._currency), which every amount shows: "1,234.50 EUR".
MONEY = f'#,##0.00 "{CURRENCY_SIGN}"'
MONEY_PER_TASK = f'#,##0.0000 "{CURRENCY_SIGN}"'
PERCENT = "0.0%"
COUNT = "#,##0"
DECIMAL = "#,##0.00"

# Fixed document timestamps and zip entry times: building twice gives the same bytes.
_BUILD_TIME = datetime.datetime(2025, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

# Colour key (explained on About).
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
# Every font is named: a spreadsheet draws an unnamed one in its own default face.
_FACE = "Calibri"
_INPUT_FONT = Font(name=_FACE, color="0000CC")
_HEADING_FILL = PatternFill("solid", fgColor="1F3864")
_HEADING_FONT = Font(name=_FACE, bold=True, color="FFFFFF")
_OUTPUT_FILL = PatternFill("solid", fgColor="E2EFDA")
_OUTPUT_FONT = Font(name=_FACE, bold=True)
_TITLE_FONT = Font(name=_FACE, bold=True, size=14, color="1F3864")
_NOTE_FONT = Font(name=_FACE, italic=True, color="595959")
_BOLD_FONT = Font(name=_FACE, bold=True)
_THIN = Side(style="thin", color="BFBFBF")
_INPUT_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_OK_FILL = PatternFill("solid", fgColor="C6EFCE")
_UNUSED_FILL = PatternFill("solid", fgColor="D9D9D9", bgColor="D9D9D9")
_BAD_FILL = PatternFill("solid", fgColor="FFC7CE")

# Page layout. A column of width w holds about w characters of ordinary text
# in Calibri 11; LibreOffice, without Calibri, draws the wider DejaVu Sans. A
# wrapped text is given the lines it takes at _CHARS_PER_WIDTH characters per
# unit of width (bold text: _BOLD_CHARS), so that it never runs over the next row.
_CHARS_PER_WIDTH = 1.05
_BOLD_CHARS = 0.95
_DEFAULT_WIDTH = 8.43
#: Room for a sentence of "In plain words": two names and the words around them.
_SENTENCE_CHARS = 2 * 60 + 100
#: Points per line of text, per point of font size.
_LINE_SPACING = 1.36
#: Most characters an option's name and a source hold on the sheets (longer
#: texts still show whole in the cell, but may need its row widened by hand).
NAME_CHARS = 60
SOURCE_CHARS = 200
#: Print settings: margins in inches; Calculations prints at this scale, in
#: blocks of columns with its row titles repeated.
_MARGINS = {"left": 0.4, "right": 0.4, "top": 0.5, "bottom": 0.5, "header": 0.3, "footer": 0.3}
_BLOCK_SCALE = 80
#: Widths (in characters) a landscape page holds at a readable scale: a wider
#: Calculations sheet prints in blocks.
_ONE_PAGE_WIDTH = 200

#: Inputs sheet columns: label, unit, values (up to four options), note, source.
_LABEL_COL, _UNIT_COL, _FIRST_VALUE_COL = 2, 3, 4
_MAX_OPTIONS = 4
_NOTE_COL = _FIRST_VALUE_COL + _MAX_OPTIONS
_SOURCE_COL = _NOTE_COL + 1


@dataclass(frozen=True)
class InputSpec:
    """One input cell: the single declaration its sheet row, name and checks come from.

    Attributes
    ----------
    name : str
        Workbook-scoped defined name of the cell and key in ``build(inputs)``
        and in scenario files, e.g. ``tasks_per_month`` or ``b_accuracy``.
    label : str
        What the Inputs sheet calls it.
    unit : str
        Unit shown in its own column: ``¤ per task`` (the currency sign stands
        for the workbook's currency code), ``fraction``, ``tasks``...
    default : float or str
        Illustrative default value.
    description : str
        The note beside the cell and the input message of its validation.
    rule : Rule or None
        Allowed values of a number (SPEC's table where the input is a SPEC
        argument); ``None`` for text.
    choices : tuple of str
        For a text input picked from a list: the allowed texts.
    number_format : str
        How the cell shows its value.
    source : str
        Where a public fact (a list price) comes from, with the date read.
    section : str
        Heading of the group of rows it belongs to on Inputs.
    option : str or None
        Option letter ("A" to "D") for an input laid out in an option table;
        ``key`` then names the row, shared by the options.
    key : str
        Row name within an option table (defaults to ``name``).
    """

    name: str
    label: str
    unit: str
    default: float | str
    description: str
    rule: Rule | None = None
    choices: tuple[str, ...] = ()
    number_format: str = DECIMAL
    source: str = ""
    section: str = ""
    option: str | None = None
    key: str = ""
    #: Fixed when the workbook is written (the currency): shown on Inputs but locked.
    fixed: bool = False
    #: A blank cell is allowed and means "not given" (a range's end: the input is fixed).
    optional: bool = False

    @property
    def is_text(self) -> bool:
        return self.rule is None

    @property
    def row_key(self) -> str:
        return self.key or self.name

    def allowed(self) -> str:
        """What is allowed, in words."""
        if self.name == CURRENCY_INPUT:
            return CURRENCY_ALLOWED
        if self.choices:
            return "one of " + ", ".join(self.choices)
        if self.rule is None:
            return "any text"
        return self.rule.describe() + (", or blank" if self.optional else "")

    def check(self, template: str, value: object) -> float | str:
        """The value if allowed, else :class:`InputError` naming template, input and value.

        Numbers are checked by the input's :class:`Rule`, which words the
        message (and any percent hint) as the functions and scenario files do.
        """

        def fail(text: str) -> InputError:
            return InputError(
                f"{template}: {self.name} {text}", function=template, argument=self.name
            )

        if self.name == CURRENCY_INPUT:
            try:
                return check_currency(value, f"{template}: {self.name}")
            except InputError as error:
                raise InputError(str(error), function=template, argument=self.name) from None
        if value is None and self.optional:
            return None
        if self.rule is None:
            if not isinstance(value, str) or (self.choices and value not in self.choices):
                raise fail(f"must be {self.allowed()}, got {value!r}")
            return value
        if not is_number(value):
            raise fail(f"must be {self.allowed()}, got {value!r}")
        number = float(value)
        if self.rule.refusal(number) is not None:
            raise fail(violation(self.rule, number))
        return number


@dataclass(frozen=True)
class SummaryColumn:
    """A column of the batch summary (``summary.xlsx``, ``summary.csv``).

    ``key`` is a figure or text key of the built workbook (``book.figures`` or
    ``book.texts``), or ``inputs.NAME`` for the input cell ``NAME`` (a key input
    the Summary sheet does not show), so the summary shows exactly what the
    workbook's cell holds; in a summary with a row per option, ``{x}`` in the
    key stands for the option's letter. ``number_format`` is the column's Excel format, or
    ``None`` for a text column. A figure that is words in the workbook (for
    example "reference" or "never") is left blank in a number column.
    """

    heading: str
    key: str
    number_format: str | None = None

    @property
    def is_text(self) -> bool:
        return self.number_format is None


#: A summary column's key for an input cell: ``inputs.`` and the input's name.
INPUT_KEY = "inputs."

#: The scenario name of a template's illustrative defaults.
DEFAULT_SCENARIO = "Illustrative defaults"
#: The input every template names its scenario with (the batch fills in each scenario's name).
SCENARIO_INPUT = "scenario"


def scenario_input() -> InputSpec:
    """The scenario's name: the first input of every template, shown on About and Summary."""
    return InputSpec(
        SCENARIO_INPUT,
        "Scenario",
        "text",
        DEFAULT_SCENARIO,
        "A name for the case these inputs describe; shown on About and Summary.",
        number_format="@",
        section="Scenario",
    )


#: The input naming the workbook's currency (fixed when the workbook is written).
CURRENCY_INPUT = "currency"

#: About's note on the currency, in every template.
CURRENCY_NOTE = (
    f"Every amount is in {CURRENCY_SIGN}, the currency named on Inputs; units and number "
    "formats show its code. The currency is fixed when the workbook is written: for another "
    "one, write the templates in it (xlfuncs templates --currency EUR) or give currency in a "
    "scenario file."
)


def currency_input(section: str = "Scenario") -> InputSpec:
    """The workbook's currency: an ISO 4217 code, fixed when the workbook is written.

    Every money unit and number format shows it; the cell is shown on Inputs
    but locked (a typed code could not change the number formats).
    """
    return InputSpec(
        CURRENCY_INPUT,
        "Currency",
        "ISO 4217 code",
        DEFAULT_CURRENCY,
        "Fixed when the workbook is written: every amount, unit and number format is in it. "
        "For another currency, write the templates with xlfuncs templates --currency CODE, "
        "or give currency in a scenario file.",
        number_format="@",
        section=section,
        fixed=True,
    )


def option_inputs(
    key: str,
    label: str,
    unit: str,
    defaults: Mapping[str, float | str],
    description: str,
    *,
    rule: Rule | None = None,
    choices: tuple[str, ...] = (),
    number_format: str = DECIMAL,
    sources: Mapping[str, str] | None = None,
    section: str = "",
) -> list[InputSpec]:
    """One row of an option table: an :class:`InputSpec` per option letter, named ``a_key``..."""
    return [
        InputSpec(
            name=f"{letter.lower()}_{key}",
            label=label,
            unit=unit,
            default=value,
            description=description,
            rule=rule,
            choices=choices,
            number_format=number_format,
            source=(sources or {}).get(letter, ""),
            section=section,
            option=letter,
            key=key,
        )
        for letter, value in defaults.items()
    ]


def resolve_inputs(
    template: str, specs: Sequence[InputSpec], given: Mapping[str, object] | None
) -> dict[str, float | str]:
    """Defaults overlaid with ``given``, every value checked; unknown names are an error."""
    by_name = {spec.name: spec for spec in specs}
    unknown = sorted(set(given or {}) - set(by_name))
    if unknown:
        raise InputError(
            f"{template}: unknown input {unknown[0]!r}; the inputs are " + ", ".join(by_name),
            function=template,
            argument=unknown[0],
        )
    values = {spec.name: spec.default for spec in specs}
    values.update(given or {})
    # An option's input may be left blank (an option not in use); its checks say so.
    return {
        name: None if value is None and spec.option else spec.check(template, value)
        for name, value in values.items()
        for spec in (by_name[name],)
    }


# What only the template's illustrative defaults call for, taken out of a scenario's book.
_TEMPLATE_ONLY_BRACKET = re.compile(r" \((?:the defaults are )?illustrative[^)]*\)", re.IGNORECASE)
_TEMPLATE_ONLY = re.compile(
    r"\s*The defaults are illustrative[^.]*\.|(?:; |\s*)the defaults are illustrative(?=\.)",
)
#: The intro of Inputs in a scenario's book.
_SCENARIO_INTRO = "The inputs of this scenario. Type over the yellow cells to try other values."

#: What a figure shows instead of a number when an input it is computed from fails its check.
CHECK_INPUT = '"check input"'


#: What a sentence says while a check fails: the first failure, not misleading words.
CHECK_SENTENCE = '"Check input: "&first_failing_check&"."'

#: How a line chart draws a month (or year) whose cell holds no number (#N/A), the
#: chart's ``dispBlanksAs``: "span" leaves the point out and joins its neighbours.
#: "gap" would do the same in Excel, but LibreOffice, on opening a line chart set to
#: "gap" whose values hold an error or a text and no empty cell, draws every such
#: point as 0 (its OOXML import switches to "assume zero", as Excel draws a text):
#: a line dropping to 0 past the horizon, a flat zero line for an option left out.
#: The rows drawn lack numbers only after their last point or throughout, so
#: "span" never joins a gap: nothing is drawn there, in either program.
NO_POINT = "span"

#: What a check of an option not in use shows as its result, and in its other cells
#: (never an empty text, which a reader of stored values takes for no value at all).
NOT_IN_USE = "not in use"
DASH = "\u2013"


def guarded(formula: str, flag: str, marker: str = CHECK_INPUT) -> str:
    """``formula`` (with its ``=``) shown only when ``flag`` holds, else ``marker``.

    ``flag`` is one of the input flags the Checks sheet defines (``inputs_ok``,
    ``a_inputs_ok``...); a chart's series take the marker ``NA()`` so that they
    leave a gap.
    """
    return f"=IF({flag},{formula.removeprefix('=')},{marker})"


@dataclass(frozen=True)
class Check:
    """A row of the Checks sheet.

    ``condition`` is TRUE when all is well; ``subject`` is what the Summary's
    banner names when this is the first check that fails. An input check has
    its ``spec``; ``skip_unless`` is a condition under which the check applies
    (the include flag of the option it is about, ``option``); otherwise it shows
    :data:`NOT_IN_USE`.
    """

    description: str
    condition: str
    subject: str = ""
    spec: InputSpec | None = None
    skip_unless: str | None = None
    option: str | None = None


def _in_use(letter: str) -> str:
    """The defined name of the flag that option ``letter`` is included."""
    return f"{letter.lower()}_in_use"


def text_literal(text: str) -> str:
    """A text as a formula string literal: quotes doubled."""
    return '"' + text.replace('"', '""') + '"'


def _validation(spec: InputSpec, coordinate: str, currency: str) -> DataValidation:
    """Data validation of one input cell: SPEC's allowed range and an input message."""
    rule = spec.rule
    kwargs: dict[str, object] = {}
    if spec.choices:
        kwargs = {"type": "list", "formula1": text_literal(",".join(spec.choices))}
    elif rule is None:
        kwargs = {}
    elif rule.whole and math.isfinite(rule.high):
        low, high = format_number(rule.low), format_number(rule.high)
        kwargs = {"type": "whole", "operator": "between", "formula1": low, "formula2": high}
    elif not math.isfinite(rule.high):
        operator = "greaterThan" if rule.low_open else "greaterThanOrEqual"
        kwargs = {"type": "decimal", "operator": operator, "formula1": format_number(rule.low)}
    elif not rule.low_open and not rule.high_open:
        low, high = format_number(rule.low), format_number(rule.high)
        kwargs = {"type": "decimal", "operator": "between", "formula1": low, "formula2": high}
    else:  # a half-open interval, e.g. utilisation in (0, 1]
        kwargs = {"type": "custom", "formula1": _condition(rule, coordinate)}
    allowed = f"Allowed: {spec.allowed()}."
    prompt = in_currency(spec.description, currency)
    if len(prompt) + len(allowed) + 1 > 255:
        prompt = prompt[: 254 - len(allowed) - 4].rstrip() + "..."
    validation = DataValidation(
        showInputMessage=True,
        showErrorMessage=bool(kwargs),
        allowBlank=spec.optional,
        promptTitle=in_currency(spec.label, currency)[:32],
        prompt=f"{prompt} {allowed}",
        errorTitle="Value not allowed"[:32],
        error=in_currency(f"{spec.label}: must be {spec.allowed()}.", currency),
        **kwargs,
    )
    validation.add(coordinate)
    return validation


def _condition(rule: Rule, ref: str) -> str:
    """A formula that is TRUE when the number in ``ref`` obeys ``rule``."""
    parts = [f"ISNUMBER({ref})", f"NOT(ISLOGICAL({ref}))"]
    if math.isfinite(rule.low):
        parts.append(f"{ref}{'>' if rule.low_open else '>='}{format_number(rule.low)}")
    if math.isfinite(rule.high):
        parts.append(f"{ref}{'<' if rule.high_open else '<='}{format_number(rule.high)}")
    if rule.whole:
        parts.append(f"INT({ref})={ref}")
    return "AND(" + ",".join(parts) + ")"


def input_condition(spec: InputSpec) -> str:
    """A formula that is TRUE when the input named by ``spec`` holds an allowed value.

    A number must be a number and not TRUE or FALSE (which LibreOffice counts
    as 1 and 0); a name may be any text or number that is not blank (an option
    called 2024 is a name). An error value in the cell makes the formula an
    error, which the Checks sheet counts as a failure.
    """
    if spec.choices:
        return "OR(" + ",".join(f"{spec.name}={text_literal(c)}" for c in spec.choices) + ")"
    if spec.rule is None:
        return f'AND(OR(ISTEXT({spec.name}),ISNUMBER({spec.name})),{spec.name}<>"")'
    if spec.optional:
        return f"OR(ISBLANK({spec.name}),{_condition(spec.rule, spec.name)})"
    return _condition(spec.rule, spec.name)


_SERIES = re.compile(r"<(c:)?ser>.*?</(c:)?ser>", re.DOTALL)


@dataclass(frozen=True)
class OptionChart:
    """A chart with a series per option across the months, as a scenario's book draws it.

    ``names`` gives, per series in order, the input naming its option: an option
    a scenario does not give has blank inputs, and its series is left out. With
    a ``horizon`` input, the series run from ``first_column`` to ``first_column``
    plus the horizon (``last_column`` as built): a line stops where the months do.
    """

    chart: object
    names: tuple[str, ...]
    horizon: str | None = None
    first_column: int = 0
    last_column: int = 0

    def shape(self, values: Mapping[str, object] | None) -> tuple[tuple[bool, ...], int]:
        """Which series ``values`` leave out, and the last column drawn (as built: None)."""
        if values is None:
            return tuple(False for _ in self.names), self.last_column
        gone = tuple(values[name] is None for name in self.names)
        months = values[self.horizon] if self.horizon else None
        last = self.first_column + int(months) if is_number(months) else self.last_column
        return gone, last

    def redrawn(self, xml: str, gone: Sequence[bool], last: int) -> str:
        """The chart's XML (as built) without the series ``gone`` and ending at ``last``."""
        flags = iter(gone)
        xml = _SERIES.sub(lambda series: "" if next(flags, False) else series.group(), xml)
        if last != self.last_column:
            old, new = get_column_letter(self.last_column), get_column_letter(last)
            xml = xml.replace(f":${old}$", f":${new}$")
        return xml


@dataclass
class TemplateBook:
    """A workbook being built: the five sheets, their styles, names, figures and checks.

    ``figures`` maps a key to the (sheet, cell) of every number a builder
    computes by formula, so tests can compare each one with the Python
    functions. ``checks`` collects the rows of the Checks sheet.
    """

    template: str
    title: str
    specs: Sequence[InputSpec]
    values: Mapping[str, float | str]
    workbook: Workbook = field(init=False)
    figures: dict[str, tuple[str, str]] = field(init=False, default_factory=dict)
    texts: dict[str, tuple[str, str]] = field(init=False, default_factory=dict)
    checks: list[Check] = field(init=False, default_factory=list)
    #: For templates whose options can be left out: the condition, given an option
    #: letter, that the option is included (its inputs are checked only then).
    option_included: Callable[[str], str] | None = field(init=False, default=None)
    #: Each input's cell on :data:`INPUT_SHEET`, by name.
    input_cells: dict[str, str] = field(init=False, default_factory=dict)
    input_sheet: ClassVar[str] = INPUT_SHEET
    #: Characters to make room for in a wrapped cell whose text a scenario sets
    #: (an option's name, a source), beyond the text the defaults give it.
    reserved: dict[tuple[str, str], int] = field(init=False, default_factory=dict)
    #: What the lettered columns of Inputs are: options, or components, strategies...
    option_word: str = field(init=False, default="option")
    #: Charts with one series per option (see :class:`OptionChart`).
    option_charts: list[OptionChart] = field(init=False, default_factory=list)
    #: Blocks of rows written once and stored as shared formulas (the Risk sheet's trials).
    row_blocks: list[RowBlock] = field(init=False, default_factory=list)
    #: The Checks sheet's cells about one option that can be left out, by key
    #: ``checks.{cell}.{letter}``: they show no result while the option is not in use.
    check_cells: dict[str, tuple[str, str]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.workbook = Workbook()
        self.workbook.active.title = SHEETS[0]
        for name in SHEETS[1:]:
            self.workbook.create_sheet(name)

    @classmethod
    def with_inputs(
        cls,
        template: str,
        title: str,
        specs: Sequence[InputSpec],
        given: Mapping[str, object] | None,
        intro: str = "Type your own values in the yellow cells. The defaults are illustrative.",
        calculations_note: str = "Formulas only; inputs come from named cells.",
        option_word: str = "option",
    ) -> TemplateBook:
        """A new book with ``given`` over the defaults, checked and laid out on Inputs,
        and the Calculations sheet titled. ``option_word`` is what the lettered
        columns are called ("component", "strategy"...)."""
        book = cls(template, title, specs, resolve_inputs(template, specs, given))
        book.option_word = option_word
        book.write_inputs(_SCENARIO_INTRO if book.filled else intro)
        book.sheet_title("Calculations", "Calculations", calculations_note)
        return book

    @property
    def filled(self) -> bool:
        """Whether a scenario fills this book (it is named other than the defaults):
        it then opens on Summary and says nothing meant for the template alone."""
        return self.values.get(SCENARIO_INPUT, DEFAULT_SCENARIO) != DEFAULT_SCENARIO

    def words(self, text: str) -> str:
        """``text`` as this book says it: without what only the template's defaults
        call for ("the defaults are illustrative") once a scenario fills it."""
        if not self.filled:
            return text
        text = _TEMPLATE_ONLY_BRACKET.sub("", text)
        text = _TEMPLATE_ONLY.sub("", text)
        return text.strip()

    def __getitem__(self, sheet: str) -> Worksheet:
        return self.workbook[sheet]

    def where(self, key: str) -> tuple[str, str]:
        """The (sheet, coordinate) of a figure, a text or (``inputs.NAME``) an input."""
        if key.startswith(INPUT_KEY):
            return self.input_sheet, self.input_cells[key.removeprefix(INPUT_KEY)]
        return self.figures.get(key) or self.texts[key]

    @property
    def currency(self) -> str:
        """The workbook's ISO 4217 currency code (``USD`` when the template has no input)."""
        return str(self.values.get(CURRENCY_INPUT, DEFAULT_CURRENCY))

    def in_currency(self, text: str) -> str:
        """``text`` with the currency sign replaced by the workbook's currency code."""
        return in_currency(text, self.currency)

    # Cells ---------------------------------------------------------------

    def put(
        self,
        sheet: str,
        coordinate: str,
        value: object,
        *,
        key: str | None = None,
        text_key: str | None = None,
        number_format: str | None = None,
        style: str = "calc",
    ) -> str:
        """Write a formula or constant; a ``key`` records it as a figure to verify."""
        cell = self[sheet][coordinate]
        cell.value = self.in_currency(value) if isinstance(value, str) else value
        if number_format:
            cell.number_format = self.in_currency(number_format)
        _apply_style(cell, style)
        if number_format and number_format != "@" and cell.alignment.horizontal is None:
            # A figure's words ("never", "check input") sit where its number would,
            # never against the number of the next column.
            cell.alignment = Alignment(
                horizontal="right",
                vertical=cell.alignment.vertical,
                wrap_text=cell.alignment.wrap_text,
            )
        if key is not None:
            if key in self.figures:
                raise ValueError(f"figure key {key!r} used twice")
            self.figures[key] = (sheet, coordinate)
        if text_key is not None:
            self.texts[text_key] = (sheet, coordinate)
        return coordinate

    def put_text(self, sheet: str, coordinate: str, text: str, *, style: str = "label") -> None:
        """Write text as text, even when it starts with =, +, - or @ (never a formula)."""
        cell = self[sheet][coordinate]
        text = self.in_currency(text)
        cell.value = text
        cell.data_type = "s"  # openpyxl takes a leading "=" for a formula otherwise
        if starts_like_formula(text):
            cell.quotePrefix = True
        _apply_style(cell, style)

    def label(self, sheet: str, row: int, text: str, unit: str = "", *, column: int = 2) -> None:
        """A row label and its unit (columns B and C by default)."""
        self.put_text(sheet, f"{get_column_letter(column)}{row}", text)
        if unit:
            self.put_text(sheet, f"{get_column_letter(column + 1)}{row}", unit, style="unit")

    def heading(self, sheet: str, row: int, text: str, *, last_column: int = 9) -> None:
        """A section heading bar across the sheet."""
        ws = self[sheet]
        for column in range(2, last_column + 1):
            _apply_style(ws.cell(row, column), "heading")
        self.put_text(sheet, f"B{row}", text, style="heading")

    def sheet_title(self, sheet: str, text: str, subtitle: str = "") -> None:
        self.put_text(sheet, "B1", text, style="title")
        if subtitle:
            self.put_text(sheet, "B2", subtitle, style="note")

    def define(self, name: str, sheet: str, reference: str) -> None:
        """A workbook-scoped defined name (sheet-scoped names break other engines)."""
        attr = f"{quote_sheetname(sheet)}!{absolute_coordinate(reference)}"
        self.workbook.defined_names[name] = DefinedName(name, attr_text=attr)

    def reserve(self, sheet: str, coordinate: str, characters: int) -> None:
        """Room for ``characters`` in a wrapped cell whose text a formula or a scenario
        sets (see :meth:`fit_rows`)."""
        self.reserved[sheet, coordinate] = characters

    def fit_rows(self) -> None:
        """Give each row that holds wrapped text the height its longest text needs.

        A formula's or an input's text takes the room :meth:`reserve` set
        aside, so that every scenario's book has the rows the template has; a
        row's own height is kept when it is taller.
        """
        inputs = set(self.input_cells.values())
        for ws in self.workbook.worksheets:
            spans = {}
            for merged in ws.merged_cells.ranges:
                spans[merged.min_row, merged.min_col] = range(merged.min_col, merged.max_col + 1)
            needed: dict[int, float] = {}
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value is None or not cell.alignment.wrap_text:
                        continue
                    text = cell.value
                    varies = cell.data_type == "f" or (
                        ws.title == INPUT_SHEET and cell.coordinate in inputs
                    )
                    if varies:
                        # What a scenario sets: the room reserved, whatever the defaults
                        # say (a scenario's book keeps the rows of the template's build).
                        text = ""
                    extra = self.reserved.get((ws.title, cell.coordinate), 0)
                    columns = spans.get((cell.row, cell.column), [cell.column])
                    width = sum(_column_width(ws, column) for column in columns)
                    bold = bool(cell.font and cell.font.bold)
                    lines = text_lines(str(text), width, bold=bold, extra=extra)
                    size = float(cell.font.size or 11) if cell.font else 11.0
                    height = lines * size * _LINE_SPACING + 3
                    needed[cell.row] = max(needed.get(cell.row, 0), height)
            for row, height in needed.items():
                own = ws.row_dimensions[row].height
                if height > 18 or own is not None:
                    ws.row_dimensions[row].height = round(max(height, own or 0), 1)
                    # A tall row reads from its top: every cell starts on the first line.
                    for cell in ws[row]:
                        if cell.has_style and cell.alignment.vertical in (None, "bottom"):
                            cell.alignment = _aligned_top(cell.alignment)
                        elif not cell.has_style and cell.value is not None:
                            cell.alignment = _TOP

    # Inputs --------------------------------------------------------------

    def write_inputs(self, intro: str) -> None:
        """Lay out the Inputs sheet from the declaration: sections, option tables, names."""
        sheet = INPUT_SHEET
        ws = self[sheet]
        self.sheet_title(sheet, "Inputs", intro)
        last = _SOURCE_COL
        row = 4
        headers = ["Input", "Unit", "Value", "", "", "", "Note", "Source"]
        sections: dict[str, list[InputSpec]] = {}
        for spec in self.specs:
            sections.setdefault(spec.section, []).append(spec)
        for section, specs in sections.items():
            options = sorted({s.option for s in specs if s.option})
            self.heading(sheet, row, section or "Inputs", last_column=last)
            row += 1
            labels = list(headers)
            if options:
                word = self.option_word.capitalize()
                labels[2 : 2 + len(options)] = [f"{word} {o}" for o in options]
            for offset, text in enumerate(labels):
                if text:
                    self.put_text(
                        sheet, f"{get_column_letter(2 + offset)}{row}", text, style="bold"
                    )
            row += 1
            rows: dict[str, list[InputSpec]] = {}
            for spec in specs:
                rows.setdefault(spec.row_key, []).append(spec)
            for row_specs in rows.values():
                first = row_specs[0]
                self.label(sheet, row, first.label, first.unit)
                for spec in row_specs:
                    index = options.index(spec.option) if spec.option else 0
                    column = get_column_letter(_FIRST_VALUE_COL + index)
                    self._write_input(spec, f"{column}{row}")
                self.put_text(
                    sheet,
                    f"{get_column_letter(_NOTE_COL)}{row}",
                    self.words(first.description),
                    style="wrapped_note",
                )
                # The sources of the defaults; a scenario's book has its own values.
                sources = "" if self.filled else _join_sources(row_specs)
                if sources:
                    self.put_text(
                        sheet,
                        f"{get_column_letter(_SOURCE_COL)}{row}",
                        sources,
                        style="wrapped_note",
                    )
                row += 1
            row += 1
        widths = {1: 2, 2: 30, 3: 13, 4: 20, 5: 20, 6: 20, 7: 20, 8: 40, 9: 30}
        for column, width in widths.items():
            ws.column_dimensions[get_column_letter(column)].width = width
        ws.freeze_panes = "D4"

    def _write_input(self, spec: InputSpec, coordinate: str) -> None:
        value = self.values[spec.name]
        if spec.fixed:
            # Shown and named, but locked: it was fixed when the workbook was written.
            if spec.is_text:
                self.put_text(INPUT_SHEET, coordinate, str(value), style="bold")
            else:
                self.put(
                    INPUT_SHEET, coordinate, value, number_format=spec.number_format, style="bold"
                )
            self.define(spec.name, INPUT_SHEET, coordinate)
            self.input_cells[spec.name] = coordinate
            return
        if value is None:
            self.put(INPUT_SHEET, coordinate, None, number_format=spec.number_format, style="input")
        elif spec.is_text:
            self.put_text(INPUT_SHEET, coordinate, str(value), style="input")
        else:
            self.put(
                INPUT_SHEET, coordinate, value, number_format=spec.number_format, style="input"
            )
        cell = self[INPUT_SHEET][coordinate]
        cell.protection = Protection(locked=False)
        if spec.is_text:  # names and sources wrap, with room for a scenario's own
            cell.alignment = _WRAP
            room = {"name": NAME_CHARS, "source": SOURCE_CHARS, SCENARIO_INPUT: NAME_CHARS}
            self.reserve(INPUT_SHEET, coordinate, room.get(spec.row_key, 0))
        if (
            spec.option
            and spec.row_key != "include"
            and any(s.option == spec.option and s.row_key == "include" for s in self.specs)
        ):
            # An option left out is greyed: its column is visibly out of use.
            self[INPUT_SHEET].conditional_formatting.add(
                coordinate,
                FormulaRule(formula=[f'{spec.option.lower()}_include="No"'], fill=_UNUSED_FILL),
            )
        self.define(spec.name, INPUT_SHEET, coordinate)
        self[INPUT_SHEET].add_data_validation(_validation(spec, coordinate, self.currency))
        self.input_cells[spec.name] = coordinate

    # Checks --------------------------------------------------------------

    def add_check(
        self, description: str, condition: str, *, subject: str = "", option: str | None = None
    ) -> None:
        """A row of the Checks sheet: TRUE when all is well.

        ``option``: the check is about that option and applies only when it is
        included. ``subject`` is what the banner names (the description by default).
        """
        skip = _in_use(option) if option and self.option_included else None
        self.checks.append(
            Check(description, condition, subject or description, None, skip, option)
        )

    def add_input_checks(self) -> None:
        """One check per input cell, the shared inputs first, then option by option.

        An option's inputs are checked only while the option is included. They
        come before every other check, whenever those were added: a wrong input
        is what the banner names first, not a figure it spoils.
        """
        others, self.checks = self.checks, []
        shared = [spec for spec in self.specs if not spec.option]
        letters = list(dict.fromkeys(spec.option for spec in self.specs if spec.option))
        ordered = shared + [spec for x in letters for spec in self.specs if spec.option == x]
        for spec in ordered:
            if spec.fixed:
                continue  # not typed: fixed when the workbook was written
            where = f" ({self.option_word} {spec.option})" if spec.option else ""
            include_row = self.option_included and spec.row_key == "include"
            skip = (
                _in_use(spec.option)
                if spec.option and self.option_included and not include_row
                else None
            )
            self.checks.append(
                Check(
                    f"Input allowed: {spec.label}{where} ({spec.allowed()})",
                    input_condition(spec),
                    f"{spec.label}{where} must be {spec.allowed()}",
                    spec,
                    skip,
                    spec.option,
                )
            )
        self.checks += others

    def write_checks(self) -> str:
        """Write the Checks sheet; returns the defined name of the overall flag.

        Column C holds each check's result: a check that cannot be evaluated
        (an error value) counts as failed. Column D names what to fix, column E
        whether an input's value is allowed. The rows of an option not in use
        are greyed and hold no result: C says :data:`NOT_IN_USE`, D and E show
        a dash (:attr:`check_cells` lists them); the overall flag passes over them.
        Below the checks, the input flags the figures are guarded with:
        ``inputs_ok`` (every checked input in use allowed), ``shared_inputs_ok``
        and, per option letter x, ``x_inputs_ok`` (the shared inputs and option
        x's own inputs allowed, whether or not x is included: Calculations works
        out an option left out all the same). The first failing check's subject
        is named ``first_failing_check``.
        """
        sheet = "Checks"
        subtitle = "Each row is TRUE when all is well. The overall flag is shown on Summary."
        if self.option_included:
            subtitle += f" The rows of an {self.option_word} not in use are greyed."
        self.sheet_title(sheet, "Checks", subtitle)
        first = 6
        self.heading(sheet, 4, "Overall", last_column=5)
        self.heading(sheet, first - 1, "Checks", last_column=5)
        for column, text in (("D", "What to fix"), ("E", "Value allowed")):
            self.put_text(sheet, f"{column}{first - 1}", text, style="heading")
        rows_of: dict[str | None, list[int]] = {}
        input_rows: list[int] = []
        # Whether each input of an option that can be left out is allowed, worked out in
        # its option's flag: its own cells show nothing while the option is not in use.
        allowed_of: dict[str, list[str]] = {}
        for offset, check in enumerate(self.checks):
            row = first + offset
            in_use = check.skip_unless
            self.put_text(sheet, f"B{row}", check.description)
            if in_use:
                self.put(
                    sheet,
                    f"D{row}",
                    f"=IF({in_use},{text_literal(check.subject)},{text_literal(DASH)})",
                    style="unit",
                )
                self.reserve(sheet, f"D{row}", len(check.subject))  # a formula: its room
                self[sheet][f"D{row}"].alignment = _WRAP
            else:
                self.put_text(sheet, f"D{row}", check.subject, style="unit")
            result = f"IFERROR(AND({check.condition}),FALSE)"
            if check.spec is not None:
                shown = f"IF({in_use},{result},{text_literal(DASH)})" if in_use else result
                self.put(sheet, f"E{row}", f"={shown}", style="check")
                rows_of.setdefault(check.spec.option, []).append(row)
                if check.spec.option:
                    allowed_of.setdefault(check.spec.option, []).append(
                        result if in_use else f"E{row}"
                    )
                input_rows.append(row)
                result = f"E{row}"
            if in_use:
                result = f"IF({in_use},{result},{text_literal(NOT_IN_USE)})"
                # A check of an option not in use does not apply: greyed, showing no result.
                self[sheet].conditional_formatting.add(
                    f"B{row}:E{row}", FormulaRule(formula=[f"NOT({in_use})"], fill=_UNUSED_FILL)
                )
                for column in "CDE" if check.spec else "CD":
                    key = f"checks.{column}{row}.{check.option}"
                    self.check_cells[key] = (sheet, f"{column}{row}")
            self.put(sheet, f"C{row}", f"={result}", style="check")
        last = first + len(self.checks) - 1
        self.put_text(sheet, "B4", "All checks pass", style="heading")
        # Text ("not in use") in the range counts for nothing: only the checks that apply.
        self.put(sheet, "C4", f"=AND(C{first}:C{last})", style="check")
        self.define("all_checks_pass", sheet, "C4")
        self.put(
            sheet,
            "D4",
            f'=IF(all_checks_pass,"none failing",'
            f"INDEX(D{first}:D{last},MATCH(FALSE,C{first}:C{last},0)))",
        )
        self.define("first_failing_check", sheet, "D4")
        row = last + 2
        self.heading(sheet, row, "Inputs allowed (the figures show them)", last_column=5)

        def flag(name: str, label: str, cells: list[str]) -> None:
            nonlocal row
            row += 1
            self.put_text(sheet, f"B{row}", label)
            self.put(sheet, f"C{row}", "=AND(" + ",".join(cells or ["TRUE"]) + ")", style="check")
            self.define(name, sheet, f"C{row}")

        def spans(rows: list[int], column: str) -> list[str]:
            return [f"{column}{r}" for r in rows]

        def greyed_unless(in_use: str) -> None:
            self[sheet].conditional_formatting.add(
                f"B{row}:E{row}", FormulaRule(formula=[f"NOT({in_use})"], fill=_UNUSED_FILL)
            )

        # Inputs not in use show text, which AND passes over.
        flag("inputs_ok", "Every input in use is allowed", spans(input_rows, "C"))
        letters = [x for x in rows_of if x]
        if self.option_included:
            # Whether each option is in use, worked out once for all of its checks.
            for letter in letters:
                row += 1
                # In column E, beside the checks: FALSE here is a choice, not a failure.
                self.put_text(sheet, f"B{row}", f"Option {letter} is included (its checks apply)")
                included = f"=IFERROR(AND({self.option_included(letter)}),FALSE)"
                self.put(sheet, f"E{row}", included, style="check")
                self.define(_in_use(letter), sheet, f"E{row}")
                greyed_unless(_in_use(letter))
        flag("shared_inputs_ok", "The shared inputs are allowed", spans(rows_of.get(None, []), "E"))
        for letter in letters:
            if self.option_included:
                # Worked out whether or not the option is included: the figures of an
                # option left out are still worked out on Calculations from its inputs.
                cells = ["shared_inputs_ok", *allowed_of[letter]]
            else:
                cells = spans(rows_of.get(None, []) + rows_of[letter], "E")
            flag(
                f"{letter.lower()}_inputs_ok",
                f"The shared inputs and option {letter}'s inputs are allowed",
                cells,
            )
            if self.option_included:
                greyed_unless(_in_use(letter))
        ws = self[sheet]
        ws.conditional_formatting.add(f"C4:C{row}", FormulaRule(["C4=TRUE"], fill=_OK_FILL))
        # Red for anything else a check shows (FALSE), but not for a check not in use
        # nor for the cells between the checks that hold nothing.
        failed = f"AND(C4<>TRUE,C4<>{text_literal(NOT_IN_USE)},NOT(ISBLANK(C4)))"
        ws.conditional_formatting.add(f"C4:C{row}", FormulaRule([failed], fill=_BAD_FILL))
        ws.column_dimensions["A"].width = 2
        ws.column_dimensions["B"].width = 90
        ws.column_dimensions["C"].width = 14
        ws.column_dimensions["D"].width = 60
        ws.column_dimensions["E"].width = 14
        ws.freeze_panes = "A6"
        return "all_checks_pass"

    def overall_flag(self, sheet: str, coordinate: str) -> None:
        """The overall check flag in words, naming the first failure, with a green or red fill."""
        formula = (
            '=IF(all_checks_pass,"All checks pass",'
            '"A CHECK FAILS: "&first_failing_check&". See the Checks sheet.")'
        )
        self.put(sheet, coordinate, formula, style="output", text_key="overall_flag")
        ws = self[sheet]
        ws.conditional_formatting.add(
            coordinate, FormulaRule(formula=["all_checks_pass"], fill=_OK_FILL)
        )
        ws.conditional_formatting.add(
            coordinate, FormulaRule(formula=["NOT(all_checks_pass)"], fill=_BAD_FILL)
        )

    # Summary and timelines -------------------------------------------------

    def summary_top(self, subtitle: str) -> None:
        """Summary's title, the scenario (or ``subtitle`` for the illustrative defaults),
        and the overall check flag in row 4."""
        sheet = "Summary"
        self.sheet_title(sheet, self.title)
        self.put(
            sheet,
            "B2",
            f"=IF(scenario={text_literal(DEFAULT_SCENARIO)},{text_literal(subtitle)},"
            '"Scenario: "&scenario&". The inputs are on the Inputs sheet.")',
            style="note",
            text_key="summary.subtitle",
        )
        self.label(sheet, 4, "Checks")
        self.overall_flag(sheet, "C4")
        self[sheet].merge_cells("C4:F4")

    def plain_words(
        self, row: int, sentences: Mapping[str, str], *, last_column: int, guard: bool = True
    ) -> None:
        """Summary's "In plain words": a heading, then one merged row per sentence formula.

        ``sentences`` maps a text key (``summary.{key}``) to a formula without its "=".
        With ``guard``, a sentence names the first failing check instead while one
        fails: a sentence never reads plausible words off figures that are wrong.
        """
        if guard:
            sentences = {
                key: f"IF(all_checks_pass,{formula},{CHECK_SENTENCE})"
                for key, formula in sentences.items()
            }
        sheet = "Summary"
        ws = self[sheet]
        self.heading(sheet, row, "In plain words", last_column=last_column)
        last = get_column_letter(last_column)
        for offset, (key, formula) in enumerate(sentences.items()):
            r = row + 1 + offset
            self.put(sheet, f"B{r}", "=" + formula, style="sentence", text_key=f"summary.{key}")
            ws.merge_cells(f"B{r}:{last}{r}")
            self.reserve(sheet, f"B{r}", _SENTENCE_CHARS)

    def period_row(
        self,
        sheet: str,
        row: int,
        label: str,
        unit: str,
        columns: Sequence[str],
        formula: str,
        number_format: str,
        figure: str,
        *,
        first_period: int = 1,
        fields: Mapping[str, object] | None = None,
        guard: str | None = None,
        marker: str = CHECK_INPUT,
    ) -> None:
        """A timeline row: its label, then one formula per period across ``columns``.

        ``formula`` is formatted with ``c`` (the period's column), ``prev`` (the
        column before it) and the names in ``fields``; each cell is the figure
        ``timeline.{figure}.{period}``, periods counted from ``first_period``.
        With a ``guard`` flag, a cell shows ``marker`` when the flag is FALSE.
        """
        self.label(sheet, row, label, unit)
        for period, col in enumerate(columns, start=first_period):
            previous = get_column_letter(column_index_from_string(col) - 1)
            text = fx.filled(formula, c=col, prev=previous, **(fields or {}))
            self.put(
                sheet,
                f"{col}{row}",
                guarded(text, guard, marker) if guard else text,
                key=f"timeline.{figure}.{period}",
                number_format=number_format,
            )

    # About ---------------------------------------------------------------

    def write_about(
        self,
        purpose: Iterable[str],
        how_to: Iterable[str],
        sheets: Mapping[str, str],
        notes: Iterable[str] = (),
    ) -> None:
        """Purpose, how to use, colour key, version and what each sheet does."""
        sheet = "About"
        ws = self[sheet]
        self.sheet_title(sheet, self.title, f"xlfuncs template {self.template}.xlsx")
        self.put(sheet, "B3", '="Scenario: "&scenario', style="bold", text_key="about.scenario")
        row = 4

        def block(heading: str, lines: Iterable[str]) -> None:
            nonlocal row
            self.heading(sheet, row, heading, last_column=3)
            row += 1
            for line in lines:
                self.put_text(sheet, f"B{row}", self.words(line), style="wrap")
                ws.merge_cells(f"B{row}:C{row}")
                row += 1
            row += 1

        block("Purpose", purpose)
        block("How to use", how_to)
        self.heading(sheet, row, "Colour key", last_column=3)
        row += 1
        key = [
            ("input", "1,000", "Input: type your own value here (only on the Inputs sheet)."),
            ("calc", "1,000", "Calculation: a formula; the sheet is protected against typing."),
            ("output", "1,000", "Key result."),
            ("check", "TRUE", "Check: TRUE (green) when all is well, FALSE (red) when not."),
            ("heading", "", "Section heading."),
        ]
        if self.option_included:
            key.insert(
                -1,
                (
                    "unused",
                    NOT_IN_USE,
                    f"Check of an {self.option_word} not in use (Include is No, or not "
                    "given): greyed, no result.",
                ),
            )
        for style, sample, meaning in key:
            if style == "unused":
                self.put_text(sheet, f"B{row}", sample, style="check")
                self[sheet][f"B{row}"].fill = _UNUSED_FILL
            else:
                self.put_text(sheet, f"B{row}", sample, style=style)
            self.put_text(sheet, f"C{row}", meaning, style="wrap")
            row += 1
        row += 1
        block("Sheets", [f"{name}: {text}" for name, text in sheets.items()])
        block("Notes", notes)
        block(
            "Version",
            [
                f"Built by xlfuncs {__version__}.",
                "Sheets are protected without a password against accidental typing: "
                "Review > Unprotect Sheet if you need to change a formula.",
            ],
        )
        ws.column_dimensions["A"].width = 2
        ws.column_dimensions["B"].width = 28
        ws.column_dimensions["C"].width = 100
        ws.freeze_panes = "A4"

    # Saving --------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Protect, set up printing and calculation, and save with fixed timestamps and
        every formula's value stored beside it (see :func:`with_stored_values`)."""
        wb = self.workbook
        for ws in wb.worksheets:
            ws.protection.sheet = True
            ws.protection.formatColumns = False  # let users widen columns
            ws.protection.formatRows = False
            _print_setup(ws)
        if self.filled:  # a scenario's book opens on its results
            wb.active = wb.sheetnames.index("Summary")
            for ws in wb.worksheets:
                ws.sheet_view.tabSelected = ws.title == "Summary"
        wb.calculation = CalcProperties(fullCalcOnLoad=True, calcMode="auto")
        wb.properties.creator = "xlfuncs"
        wb.properties.lastModifiedBy = "xlfuncs"
        wb.properties.title = self.title
        wb.properties.created = _BUILD_TIME
        target = Path(path)
        target.write_bytes(self.package())
        return target

    def package(self) -> bytes:
        """The .xlsx bytes, with every formula's value stored (see :func:`with_stored_values`)."""
        from ..formulas import Calculator

        #: The compiled formulas, kept for whoever fills this build again (the batch).
        self.calculator = Calculator.of_book(self)
        evaluation = self.calculator.evaluate()
        self.fit_rows()
        # Stored, not deflated: the parts are compressed once, when the values are in.
        package = deterministic_bytes(self.workbook, zipfile.ZIP_STORED)
        return with_stored_values(package, evaluation, blocks=self.row_blocks)


def _aligned_top(alignment: Alignment) -> Alignment:
    return Alignment(
        horizontal=alignment.horizontal,
        vertical="top",
        wrap_text=alignment.wrap_text,
        shrink_to_fit=alignment.shrink_to_fit,
        indent=alignment.indent,
    )


def _column_width(ws: Worksheet, column: int) -> float:
    letter = get_column_letter(column)
    if letter in ws.column_dimensions and ws.column_dimensions[letter].width:
        return float(ws.column_dimensions[letter].width)
    return _DEFAULT_WIDTH


def text_lines(text: str, width: float, *, bold: bool = False, extra: int = 0) -> int:
    """The lines ``text`` takes wrapped in a cell ``width`` wide (words kept whole where
    they fit), or room for ``extra`` characters if that is more."""
    room = max(1, int(width * (_BOLD_CHARS if bold else _CHARS_PER_WIDTH)))
    lines = 0
    for paragraph in text.split("\n"):
        line = 0
        lines += 1
        for word in paragraph.split(" "):
            length = len(word)
            if line and line + 1 + length > room:
                lines += 1
                line = 0
            while length > room:  # a word longer than the line is broken
                lines += 1
                length -= room
            line += length + (1 if line else 0)
    if extra:
        lines = max(lines, -(-max(extra, len(text)) // room))
    return lines


def _print_setup(ws: Worksheet) -> None:
    """Landscape A4, narrow margins; a Calculations sheet wider than a page in blocks
    of columns at a readable scale with its row titles repeated, every other sheet
    one page wide."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    for side, inches in _MARGINS.items():
        setattr(ws.page_margins, side, inches)
    ws.print_options.gridLines = False
    width = sum(_column_width(ws, column) for column in range(1, ws.max_column + 1))
    if ws.title == "Calculations" and width > _ONE_PAGE_WIDTH:
        ws.sheet_properties.pageSetUpPr.fitToPage = False
        ws.page_setup.scale = _BLOCK_SCALE
        ws.print_title_cols = "A:D"
        ws.print_title_rows = "1:2"
    else:
        ws.page_setup.fitToWidth = 1
        # Summary is the one page a reader takes away: figures, sentences and chart. About
        # is one page too: a few lines over would print alone, their heading left behind.
        ws.page_setup.fitToHeight = 1 if ws.title in ("Summary", "About") else 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True


def deterministic_bytes(workbook: Workbook, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """The .xlsx bytes of ``workbook``, the same on every run (fixed times everywhere)."""
    buffer = io.BytesIO()
    archive = _FixedTimeZip(buffer, "w", compression)
    workbook.properties.modified = _BUILD_TIME
    ExcelWriter(workbook, archive).save()  # closes the archive
    return buffer.getvalue()


def with_stored_values(
    package: bytes, evaluation, scenario: int = 0, blocks: Sequence[RowBlock] = ()
) -> bytes:
    """``package`` with the value of every formula cell stored beside its formula.

    ``evaluation`` (from :mod:`xlfuncs.formulas`) holds the values;
    ``scenario`` picks one of its block. Readers that do not calculate (file
    previews, phones, pandas, ``openpyxl`` with ``data_only=True``) show
    these values; a spreadsheet still recalculates on opening.
    """
    infos, parts = read_package(package)
    by_sheet: dict[str, dict[str, tuple[str, str]]] = {}
    for sheet, coordinate in evaluation.formulas:
        values = evaluation[sheet, coordinate]
        by_sheet.setdefault(sheet, {})[coordinate] = cached_value(
            int(values.kind[scenario]),
            float(values.number[scenario]),
            None if values.text is None else values.text[scenario],
        )
    for sheet, part in sheet_parts(parts).items():
        here = [block for block in blocks if block.sheet == sheet]
        if sheet in by_sheet or here:
            xml = fill_formula_cells(parts[part].decode("utf-8"), by_sheet.get(sheet, {}))
            for block in here:
                rows = SharedRows(xml, block.first_row, block.rows)
                xml = rows.render(block_cached_values(evaluation.block(block), block, scenario))
            parts[part] = xml.encode("utf-8")
    return write_package(infos, parts)


class _FixedTimeZip(zipfile.ZipFile):
    """A zip archive whose entries all carry the same timestamp."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=_ZIP_TIME)
            zinfo_or_arcname.compress_type = self.compression
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        # openpyxl streams worksheets through temporary files, whose mtime would leak in.
        self.writestr(str(arcname or filename), Path(filename).read_bytes())


def _join_sources(specs: Sequence[InputSpec]) -> str:
    """One source text for a row; a provenance shared by every option is said once.

    Sources are written "what, provenance", e.g. "OpenAI gpt-4o-mini, list price ...".
    """
    if len(specs) == 1:
        return specs[0].source
    cited = [(s.option, *s.source.partition(", ")[::2]) for s in specs if s.source]
    provenances = {provenance for _, _, provenance in cited}
    if len(provenances) == 1 and "" not in provenances:
        listed = "; ".join(f"{option}: {what}" for option, what, _ in cited)
        return f"{listed} ({provenances.pop()})"
    return "; ".join(f"{s.option}: {s.source}" for s in specs if s.source)


def starts_like_formula(text: str) -> bool:
    """Whether typing this text into a cell would make a formula of it (=, +, - or @ first)."""
    return text[:1] in ("=", "+", "-", "@")


def _apply_style(cell, style: str) -> None:
    if style == "label":
        cell.alignment = _WRAP
    elif style == "input":
        cell.fill = _INPUT_FILL
        cell.font = _INPUT_FONT
        cell.border = _INPUT_BORDER
        cell.alignment = _TOP
    elif style == "heading":
        cell.fill = _HEADING_FILL
        cell.font = _HEADING_FONT
    elif style == "output":
        cell.fill = _OUTPUT_FILL
        cell.font = _OUTPUT_FONT
    elif style == "title":
        cell.font = _TITLE_FONT
    elif style == "note":
        cell.font = _NOTE_FONT
        cell.alignment = Alignment(vertical="top")
    elif style == "wrapped_note":
        cell.font = _NOTE_FONT
        cell.alignment = _WRAP
    elif style == "bold":
        cell.font = _BOLD_FONT
    elif style == "unit":
        cell.font = _NOTE_FONT
        cell.alignment = _WRAP
    elif style in ("wrap", "sentence"):
        cell.alignment = _WRAP
    elif style == "check":
        cell.font = _BOLD_FONT
        cell.alignment = Alignment(horizontal="center")


class RowWriter:
    """Writes labelled calculation rows down a sheet: label in B, unit in C, values from E.

    ``columns`` maps a suffix (an option or strategy letter) to a column
    letter; a row's formula is either one string for all of them, formatted
    with ``{col}`` (its own column) and ``{suffix}``, or one string per suffix.
    Each cell becomes a figure ``{prefix}.{key}.{suffix}`` (``{prefix}.{key}`` for a
    single column). ``names`` maps keys to defined names for single-column rows.
    """

    def __init__(
        self,
        book: TemplateBook,
        sheet: str,
        columns: Mapping[str, str],
        *,
        row: int = 4,
        prefix: str = "calc",
    ) -> None:
        self.book, self.sheet, self.columns, self.next, self.prefix = (
            book,
            sheet,
            dict(columns),
            row,
            prefix,
        )
        self.rows: dict[str, int] = {}

    def heading(self, text: str, last_column: int = 9) -> None:
        self.book.heading(self.sheet, self.next, text, last_column=last_column)
        self.next += 1

    def header(self, texts: Mapping[str, str]) -> None:
        """Column titles (e.g. option names) as formulas or text, in bold."""
        self.rows["header"] = self.next
        for suffix, value in texts.items():
            cell = f"{self.columns[suffix]}{self.next}"
            if value.startswith("="):
                self.book.put(
                    self.sheet, cell, value, style="bold", text_key=f"{self.prefix}.header.{suffix}"
                )
                # An option's name: wrapped, with room for a scenario's.
                self.book[self.sheet][cell].alignment = _WRAP
                self.book.reserve(self.sheet, cell, NAME_CHARS)
            else:
                self.book.put_text(self.sheet, cell, value, style="bold")
                self.book[self.sheet][cell].alignment = _WRAP
        self.next += 1

    def blank(self) -> None:
        self.next += 1

    def row(
        self,
        key: str,
        label: str,
        unit: str,
        formula: str | Mapping[str, str],
        number_format: str,
        *,
        name: str | None = None,
        style: str = "calc",
        only: Sequence[str] | None = None,
        guard: str | None = None,
    ) -> int:
        """One labelled row; with a ``guard`` (a flag formatted like the formula, e.g.
        ``"{s}_inputs_ok"``), a cell shows "check input" when its flag is FALSE."""
        r = self.next
        self.rows[key] = r
        self.book.label(self.sheet, r, label, unit)
        suffixes = list(only or self.columns)
        for suffix in suffixes:
            col = self.columns[suffix]
            text = formula[suffix] if isinstance(formula, Mapping) else formula
            text = fx.filled(text, col=col, suffix=suffix, s=suffix.lower(), r=self.rows)
            if guard:
                text = guarded(text, guard.format(s=suffix.lower()))
            figure = (
                f"{self.prefix}.{key}" if len(suffixes) == 1 else f"{self.prefix}.{key}.{suffix}"
            )
            self.book.put(
                self.sheet, f"{col}{r}", text, key=figure, number_format=number_format, style=style
            )
            if name:
                self.book.define(name, self.sheet, f"{col}{r}")
        self.next += 1
        return r

    def cell(self, key: str, suffix: str | None = None) -> str:
        """Absolute reference to a written row's cell, with the sheet name."""
        col = self.columns[suffix or next(iter(self.columns))]
        return f"{quote_sheetname(self.sheet)}!${col}${self.rows[key]}"
