"""The formula evaluator against LibreOffice, function by function, and a few hand-checked cases.

One workbook per scenario holds the same formulas over constant cells and
two input cells; the evaluator computes all scenarios as one block, and
LibreOffice (an independent engine) recalculates each workbook. Every
formula's value must agree: numbers within a relative 1e-12, text,
booleans and error types exactly.
"""

from __future__ import annotations

import datetime
import math

import numpy as np
import pytest
from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName
from template_support import recalculated

from xlfuncs.formulas import (
    BOOLEAN,
    ERROR,
    NUMBER,
    TEXT,
    Calculator,
    ExcelError,
    FormulaError,
)

# Constant cells the formulas read (sheet "Data").
DATA = {
    "A1": 2,
    "A2": -3,
    "A3": 0,
    "A4": "abc",
    "A5": True,
    "A7": "3",
    "A8": 0.1,
    "A9": 1e300,
    "B1": 4,
    "B2": 1,
    "B3": 3,
    "B4": 1,
    "C1": "x",
    "C2": "Y",
    "C3": "z",
    "D1": 1,
    "D2": 2,
    "D3": 4,
    "D4": 8,
}
# Input cells and their value in each scenario.
INPUTS = {"x": ("Data", "X1"), "word": ("Data", "X2")}
SCENARIOS = {"x": [2.5, 0.0, -1.5, 1e-9], "word": ["Yes", "no", "YES", ""]}

FORMULAS = [
    # Operators and precedence
    "1+2*3",
    "-2^2",
    "2^3^2",
    "-Data!A2^2",
    "10%",
    "50%*Data!A1",
    "Data!A1/Data!A3",
    "Data!A4+1",
    "Data!A5+1",
    "Data!A6+1",
    "Data!A7+1",
    "Data!A9*Data!A9",
    '1/3&""',
    '0.25&" "&-7',
    "0.1+0.2-0.3",
    "(0.1+0.2)=0.3",
    "1-(1-1E-16)",
    '"a"="A"',
    '"a"<"B"',
    '1<"a"',
    "Data!A6=0",
    'Data!A6=""',
    "Data!A6<1",
    "#N/A+1",
    "1/0+NA()",
    "Data!A1<>Data!A2",
    "Data!A1>=2",
    # Choosing
    'IF(Data!X1>0,1/Data!X1,"not positive")',
    'IF(Data!X1,"true","false")',
    "IF(Data!A4,1,2)",
    "IF(1/0,1,2)",
    "IF(FALSE,1)",
    "IF(TRUE,1/0,2)",
    "IF(Data!X1>=0,1/Data!X1,-1)",
    'IF(Data!X2="yes",1,0)',
    'CHOOSE(2,"a","b")',
    # Logic
    "AND(TRUE,1,Data!A1)",
    "AND(Data!B1:B4)",
    "AND(Data!C1:C3)",
    'AND("a")',
    "OR(FALSE,0)",
    "OR(Data!A1:A9)",
    "NOT(0)",
    "NOT(Data!A4)",
    "AND(Data!X1>0,Data!X1<3)",
    # Numbers
    "ABS(-2)",
    "INT(-2.5)",
    "INT(2.5)",
    "LN(10)",
    "LOG(100)",
    "LOG(8,2)",
    "LOG10(1000)",
    "EXP(1)",
    "SQRT(2)",
    "POWER(2,0.5)",
    "MOD(-7,3)",
    "MOD(7,0)",
    "ROUND(2.675,2)",
    "ROUND(-1.005,2)",
    "ROUND(1234.5,-2)",
    "ROUND(Data!X1*1.005,2)",
    "ROUNDUP(1.21,1)",
    "ROUNDDOWN(-1.29,1)",
    "ROUND(0.5,0)+ROUND(1.5,0)+ROUND(2.5,0)",
    "ROUND(-0.5,0)",
    "ROUND(-1.5,0)+ROUND(-2.5,0)",
    "ROUND(0.125,2)",
    # Nearly equal numbers: closer than 2**-48 of their size equal, 2**-48 apart not
    "(1+2^-43)=1",
    "(1+2^-43)-1",
    "(1+2^-48)=1",
    "(1+2^-48)-1",
    "(1+3*2^-50)=1",
    "(1+3*2^-50)-1",
    "1-(1-2^-50)",
    # Aggregates
    "MIN(Data!B1:B4)",
    "MAX(Data!B1:B4,10)",
    "MIN(Data!C1:C3)",
    "SUM(Data!A1:A9)",
    "SUM(1,TRUE)",
    "AVERAGE(Data!B1:B4)",
    "SUMPRODUCT(Data!B1:B4,Data!B1:B4)",
    "SUMPRODUCT(--(Data!B1:B4>1))",
    "SUMPRODUCT(Data!B1:B4,--(Data!B1:B4=1))",
    "SUMPRODUCT(Data!B1:B4,Data!C1:C3)",
    "SUMPRODUCT(Data!D1:D4,Data!B1:B4)",
    "SUMPRODUCT(Data!D1:D4,Data!B1:B4,Data!D1:D4)",
    "SUMPRODUCT(Data!D1:D3,Data!A2:A4)",
    # Types
    "ISNUMBER(Data!A1)",
    "ISNUMBER(Data!A6)",
    "ISTEXT(Data!A4)",
    "ISTEXT(Data!A7)",
    "ISLOGICAL(Data!A5)",
    "AND(ISNUMBER(Data!A5),NOT(ISLOGICAL(Data!A5)))",
    "AND(ISNUMBER(Data!A1),NOT(ISLOGICAL(Data!A1)))",
    "Data!A1&Data!A4&Data!A6",
    "LN(Data!X1+2)",
    "SUM(Data!X1,1)",
    "ISERROR(1/0)",
    "ISERROR(Data!A1)",
    "ISERR(NA())",
    "ISNA(NA())",
    "ISBLANK(Data!A6)",
    'IFERROR(1/0,"x")',
    'IFERROR(Data!A1,"x")',
    "NA()",
    "IFERROR(1/Data!X1,-1)",
    # Lookup
    "INDEX(Data!B1:B4,3)",
    "INDEX(Data!C1:C3,2)",
    "INDEX(Data!B1:C4,2,2)",
    "MATCH(3,Data!B1:B4,0)",
    'MATCH("y",Data!C1:C3,0)',
    "MATCH(9,Data!B1:B4,0)",
    "MATCH(5,Data!D1:D4,1)",
    "MATCH(5,Data!D1:D4)",
    "RANK(3,Data!B1:B4)",
    "RANK(1,Data!B1:B4,1)",
    "SMALL(Data!B1:B4,2)",
    "LARGE(Data!B1:B4,1)",
    # Text
    "FIXED(1234.567)",
    "FIXED(1234.567,1)",
    "FIXED(-0.4,0)",
    "FIXED(1234.5,-2)",
    "FIXED(1234.567,2,TRUE)",
    "FIXED(Data!X1*1000,1)",
    "FIXED(2.675,2)",
    'TEXT(0.125,"0.0%")',
    'TEXT(1234.5,"#,##0")',
    'TEXT(2.5,"0.00")',
    # Places and names
    "COLUMN()",
    "ROW()",
    "COLUMN(Data!D1)",
    "COLUMNS(Data!B1:C4)",
    "ROWS(Data!B1:C4)",
    "rate*2",
    "'My data'!A1+1",
    "$A$1",
]

#: Where LibreOffice and Excel differ, the evaluator gives Excel's documented result and
#: templates avoid the construct (Excel's function reference; LibreOffice's result after #).
EXCEL_ONLY = {
    "0^-1": ExcelError("#DIV/0!"),  # #NUM!
    'CONCATENATE("a",1,TRUE)': "a1TRUE",  # "a11": its booleans are numbers
    'Data!A5&""': "TRUE",  # "1"
    '"a"<TRUE': True,  # FALSE: Excel orders numbers < text < booleans
    "COUNT(Data!A1:A9)": 5.0,  # 6: counts TRUE in a range
    "ISNUMBER(Data!A5)": False,  # TRUE
    "LN(0)": ExcelError("#NUM!"),  # #VALUE!
    "SQRT(-1)": ExcelError("#NUM!"),  # #VALUE!
    "INDEX(Data!B1:B4,5)": ExcelError("#REF!"),  # #VALUE!
    "SMALL(Data!B1:B4,9)": ExcelError("#NUM!"),  # #VALUE!
}


def workbook(scenario: int | None) -> Workbook:
    """The formulas in column A of sheet "F", over the constants; inputs of one scenario."""
    wb = Workbook()
    sheet = wb.active
    sheet.title = "F"
    data = wb.create_sheet("Data")
    for coordinate, value in DATA.items():
        data[coordinate] = value
    data["A7"].data_type = "s"
    wb.create_sheet("My data")["A1"] = 41
    wb.defined_names["rate"] = DefinedName("rate", attr_text="Data!$A$8")
    for name, (_, coordinate) in INPUTS.items():
        data[coordinate] = SCENARIOS[name][scenario or 0]
    for row, formula in enumerate(FORMULAS, start=1):
        sheet[f"A{row}"] = "=" + formula
    for row, formula in enumerate(EXCEL_ONLY, start=1):
        sheet[f"B{row}"] = "=" + formula
    return wb


@pytest.fixture(scope="module")
def libreoffice(tmp_path_factory):
    folder = tmp_path_factory.mktemp("engine")
    paths = []
    for scenario in range(len(SCENARIOS["x"])):
        path = folder / f"scenario{scenario}.xlsx"
        workbook(scenario).save(path)
        paths.append(path)
    return recalculated(paths, folder / "libreoffice")


def agrees(mine, theirs) -> bool:
    """Numbers within a relative 1e-12; texts, booleans and error types exactly."""
    if isinstance(mine, float):
        number = isinstance(theirs, (int, float)) and not isinstance(theirs, bool)
        return number and math.isclose(mine, theirs, rel_tol=1e-12, abs_tol=1e-300)
    if mine == "" and theirs is None:
        return True  # LibreOffice stores no value for an empty text
    return mine == theirs and (type(mine) is type(theirs) or isinstance(mine, ExcelError))


@pytest.mark.libreoffice
def test_every_formula_equals_libreoffice_in_every_scenario(libreoffice):
    calculator = Calculator(workbook(None), INPUTS)
    evaluation = calculator.evaluate(SCENARIOS)
    problems = []
    for row, formula in enumerate(FORMULAS, start=1):
        values = evaluation["F", f"A{row}"]
        for scenario, book in enumerate(libreoffice):
            mine, theirs = values.python(scenario), book["F"][f"A{row}"].value
            if not agrees(mine, theirs):
                problems.append(f"={formula} scenario {scenario}: {mine!r}, LibreOffice {theirs!r}")
    assert problems == [], "\n".join(problems)


@pytest.mark.libreoffice
def test_where_libreoffice_differs_the_evaluator_follows_excel(libreoffice):
    evaluation = Calculator(workbook(None), INPUTS).evaluate(SCENARIOS)
    for row, (formula, excel) in enumerate(EXCEL_ONLY.items(), start=1):
        mine = evaluation["F", f"B{row}"].python(0)
        assert mine == excel and type(mine) is type(excel), formula
        # Still a difference: otherwise the formula belongs in FORMULAS.
        assert libreoffice[0]["F"][f"B{row}"].value != excel, formula


def test_hand_checked_values():
    """Excel's documented results, independent of any engine here.

    ROUND rounds half away from zero (Excel's ROUND documentation; half to
    even would give 0 + 2 + 2 and -2 + -2); SUMPRODUCT multiplies the ranges
    element by element and adds, a text counting as 0, ranges of different
    sizes being #VALUE!, TRUE in a range counting as 0. Numbers closer than
    2**-48 of their size compare equal and subtract to 0, 2**-48 apart they do
    not: LibreOffice's rule (rtl::math::approxEqual), which the evaluator
    follows and the comparison with LibreOffice above confirms.
    """
    wb = Workbook()
    sheet = wb.active
    for row, (d, e) in enumerate([(1, 4), (2, 5), (3, "x"), (5, True)], start=1):
        sheet[f"D{row}"], sheet[f"E{row}"] = d, e
    cases = {
        "=-2^2": 4.0,  # negation binds tighter than ^
        "=2^3^2": 64.0,  # ^ groups from the left
        "=1+2*3-4/2": 5.0,
        '="a"&1&TRUE': "a1TRUE",
        "=ROUND(2.5,0)+ROUND(-2.5,0)": 0.0,  # half away from zero: 3 + -3
        "=ROUND(0.5,0)+ROUND(1.5,0)+ROUND(2.5,0)": 6.0,  # 1 + 2 + 3
        "=ROUND(-0.5,0)": -1.0,
        "=ROUND(-1.5,0)+ROUND(-2.5,0)": -5.0,  # -2 + -3
        "=ROUND(0.125,2)": 0.13,  # 0.125 is exact in binary: a true half
        "=ROUND(1234.5,-2)+ROUND(-0.05,1)": 1199.9,  # 1200 + -0.1
        "=SUMPRODUCT(D1:D2,E1:E2)": 14.0,  # 1*4 + 2*5
        "=SUMPRODUCT(D1:D3,E1:E3)": 14.0,  # + 3*"x", a text: 0
        "=SUMPRODUCT(D1:D3,D1:D3,D1:D3)": 36.0,  # 1 + 8 + 27
        "=SUMPRODUCT(D1:D3)": 6.0,
        "=SUMPRODUCT(D1:D2,D1:D3)": ExcelError("#VALUE!"),
        "=(1+2^-43)=1": False,
        "=(1+2^-43)-1": 2.0**-43,
        "=(1+2^-48)=1": False,
        "=(1+2^-48)-1": 2.0**-48,
        "=(1+3*2^-50)=1": True,
        "=(1+3*2^-50)-1": 0.0,
        "=1-(1-2^-50)": 0.0,
        "=1+3*2^-50<>1": False,
        "=SUMPRODUCT(D1:D4,E1:E4)": 14.0,  # + 5*TRUE, a boolean: 0
        '=IF(1>2,1/0,"no")': "no",
        "=1/0": ExcelError("#DIV/0!"),
        "=AND(1,0)": False,
    }
    for row, formula in enumerate(cases, start=1):
        sheet[f"A{row}"] = formula
    evaluation = Calculator(wb, {}).evaluate()
    for row, want in enumerate(cases.values(), start=1):
        assert evaluation[sheet.title, f"A{row}"].python(0) == want


def test_a_block_of_scenarios_is_one_evaluation_with_each_scenarios_types():
    wb = Workbook()
    sheet = wb.active
    sheet["A1"] = 1.0
    sheet["B1"] = '=IF(A1>0,A1*2,IF(A1=0,1/A1,"negative"))'
    sheet["C1"] = "=B1>1"
    calculator = Calculator(wb, {"a": (sheet.title, "A1")})
    evaluation = calculator.evaluate({"a": np.array([1.0, 0.0, -1.0])})
    values = evaluation[sheet.title, "B1"]
    assert values.kind.tolist() == [NUMBER, ERROR, TEXT]
    assert [values.python(i) for i in range(3)] == [2.0, "#DIV/0!", "negative"]
    assert evaluation[sheet.title, "C1"].kind.tolist() == [BOOLEAN, ERROR, BOOLEAN]
    assert np.isnan(values.numbers()[1:]).all()


def test_what_cannot_be_evaluated_is_named():
    wb = Workbook()
    sheet = wb.active
    sheet["A1"] = "=VLOOKUP(1,B1:C2,2)"
    with pytest.raises(FormulaError, match=r"Sheet!A1: the function VLOOKUP is not supported"):
        Calculator(wb, {})
    sheet["A1"] = "=unknown_name+1"
    with pytest.raises(FormulaError, match="unknown name 'unknown_name'"):
        Calculator(wb, {})
    sheet["A1"], sheet["A2"] = "=A2", "=A1+1"
    with pytest.raises(FormulaError, match="circular reference"):
        Calculator(wb, {})


def test_a_date_in_a_cell_is_its_serial_number():
    """Excel's 1900 date system: 1 January 2024 is day 45292."""
    wb = Workbook()
    sheet = wb.active
    sheet["A1"] = datetime.date(2024, 1, 1)
    sheet["A2"] = "=A1+1"
    calculator = Calculator(wb, {"day": (sheet.title, "A1")})
    assert calculator.evaluate()[sheet.title, "A2"].python(0) == 45293.0
    block = calculator.evaluate({"day": [datetime.date(2024, 1, 31), "text"]})
    assert [block[sheet.title, "A2"].python(i) for i in range(2)] == [45323.0, "#VALUE!"]
