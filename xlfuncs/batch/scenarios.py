"""Scenario files: read, checked against the template's declaration, one scenario at a time.

A scenario is one case to put in a workbook: a name, the shared inputs
(volume, horizon, discount rate ...) and a list of options (vendors or
models) with their own inputs. YAML and JSON files nest them::

    scenarios:
      - name: Support desk
        tasks_per_month: 20000
        options:
          - name: Efficient model
            accuracy: 95%
          - name: Frontier model
            accuracy: 0.99

CSV and XLSX files are a long table (see :mod:`xlfuncs.batch.tables`);
:func:`xlfuncs.batch.sources.read_scenarios` reads a file of any kind.

Readers yield scenarios in file order and never stop at a bad one: a bad
scenario comes out as a :class:`ScenarioProblem` saying where (file, row or
line, column or key), the value and the rule it broke, and reading goes on.
Only a file that cannot be read at all raises :class:`ScenarioFileError`.
Values are checked with the declaration's rules (:mod:`xlfuncs._validation`).
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .._errors import InputError
from .._validation import format_number
from .template import InputDeclaration, Layout

__all__ = [
    "Scenario",
    "ScenarioFileError",
    "ScenarioProblem",
    "ValueChecker",
    "parse_number",
    "suggest",
]

#: The name an option a scenario does not give takes in its workbook.
UNUSED_OPTION = "(not used)"

SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".csv": "csv", ".xlsx": "xlsx"}


@dataclass(frozen=True)
class Scenario:
    """One checked scenario: its name, and every template input's value (defaults filled in)."""

    name: str
    #: Value of every declared input, by the template's input name (``a_accuracy`` ...).
    values: Mapping[str, float | str]
    #: The options' names, in the order given (option A first).
    option_names: tuple[str, ...]
    #: Where it came from, e.g. ``cases.csv, rows 2-5``.
    where: str = ""


@dataclass(frozen=True)
class ScenarioProblem:
    """Why one scenario cannot be built, and where in the file it is."""

    file: str
    where: str
    key: str | None
    value: object
    rule: str
    #: The scenario's name where known, else a description of its position.
    scenario: str = ""
    #: What was probably meant, e.g. ``enter 95% or 0.95``.
    hint: str = ""
    #: Further problems in the same scenario.
    more: tuple[ScenarioProblem, ...] = field(default=(), compare=False)

    def __str__(self) -> str:
        place = ", ".join(p for p in (self.file, self.where) if p)
        if self.key is not None:
            place += f", {self._key_words()}"
        got = "" if self.value is _NO_VALUE else f", got {_show(self.value)}"
        hint = f" ({self.hint})" if self.hint else ""
        text = f"{place}: {self.rule}{got}{hint}"
        return "; ".join([text, *map(str, self.more)])

    def _key_words(self) -> str:
        return f"column {self.key!r}" if self.where.startswith("row") else f"key {self.key!r}"


class ScenarioFileError(InputError):
    """A scenario file that cannot be read at all (missing, unreadable, unknown column ...)."""


_NO_VALUE = object()


def _show(value: object) -> str:
    if isinstance(value, str):
        return "a blank" if not value.strip() else repr(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return format_number(value)
    return repr(value)


def suggest(word: str, known: Iterable[str]) -> str:
    """`` (did you mean X?)`` for the closest known name, or nothing."""
    close = difflib.get_close_matches(word.lower(), list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


@functools.lru_cache(maxsize=4096)
def normalise_key(key: object) -> str:
    """A column heading or key as a name: ``Tasks per month`` -> ``tasks_per_month``."""
    return re.sub(r"[\s\-]+", "_", str(key).strip().lower())


# Numbers ------------------------------------------------------------------

_PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
# Thousands groups as Excel writes them: "20,000.5" (decimal point) or "20.000,5" (decimal comma).
_GROUPED = {
    ".": re.compile(r"[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d+)?"),
    ",": re.compile(r"[+-]?[1-9]\d{0,2}(\.\d{3})+(,\d+)?"),
}
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]")


def parse_number(text: str, decimal: str = ".") -> float | None:
    """A number written as a person or a spreadsheet writes it; ``None`` when it is not one.

    Accepts a percentage (``95%`` is 0.95), thousands separators in the
    file's convention (``decimal`` is ``"."`` or ``","``), spaces between
    digit groups, and a decimal comma wherever it cannot be a thousands
    separator.

    Examples
    --------
    >>> parse_number("95%"), parse_number("95 %"), parse_number("0,95")
    (0.95, 0.95, 0.95)
    >>> parse_number("20,000"), parse_number("20.000", decimal=","), parse_number("20 000")
    (20000.0, 20000.0, 20000.0)
    >>> parse_number("1,5", decimal=","), parse_number("nan"), parse_number("ten")
    (1.5, None, None)
    """
    compact = _SPACES.sub("", text)
    percent = compact.endswith("%")
    if percent:
        compact = compact[:-1]
    if _GROUPED[decimal].fullmatch(compact):
        compact = compact.replace("," if decimal == "." else ".", "").replace(",", ".")
    elif "," in compact and "." not in compact and compact.count(",") == 1:
        compact = compact.replace(",", ".")
    if not _PLAIN.fullmatch(compact):
        return None
    value = float(compact)
    if not math.isfinite(value):
        return None
    return value / 100 if percent else value


class ValueChecker:
    """Checks one raw value against its declared input; collects what is wrong."""

    def __init__(self, template: str, file: str, decimal: str = "."):
        self.template, self.file, self.decimal = template, file, decimal
        self.problems: list[ScenarioProblem] = []

    def fail(self, where: str, key: str | None, value: object, rule: str, hint: str = "") -> None:
        self.problems.append(ScenarioProblem(self.file, where, key, value, rule, hint=hint))

    def check(self, spec: InputDeclaration, raw: object, where: str, key: str) -> float | str:
        """The checked value, the default for a blank; a problem is recorded otherwise."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return spec.default
        if spec.rule is None:
            return self._text(spec, raw, where, key)
        if isinstance(raw, str):
            number = parse_number(raw, self.decimal)
            if number is None:
                self.fail(where, key, raw, f"{key} must be a number ({spec.unit})")
                return spec.default
        elif isinstance(raw, bool) or not isinstance(raw, (int, float)):
            self.fail(where, key, raw, f"{key} must be a number ({spec.unit})")
            return spec.default
        else:
            number = float(raw)
        refusal = spec.rule.refusal(number)
        if refusal is not None:
            required, hint = refusal
            if isinstance(raw, str) and raw.strip().endswith("%"):
                hint = ""  # typed with its % sign: no need to suggest one
            self.fail(where, key, number, f"{key} {required}", hint)
        return number

    def _text(self, spec: InputDeclaration, raw: object, where: str, key: str) -> str:
        choices = tuple(getattr(spec, "choices", ()) or ())
        if isinstance(raw, bool) and choices == ("Yes", "No"):
            return "Yes" if raw else "No"  # YAML reads yes and no as true and false
        if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
            self.fail(where, key, raw, f"{key} must be text")
            return str(spec.default)
        text = raw if isinstance(raw, str) else format_number(float(raw))
        if choices:
            matching = [c for c in choices if c.casefold() == text.strip().casefold()]
            if not matching:
                self.fail(where, key, text, f"{key} must be one of {', '.join(choices)}")
                return str(spec.default)
            return matching[0]
        return text

    def require_varying(
        self, layout: Layout, options: Sequence[tuple[str, Mapping[str, object]]], where: str
    ) -> None:
        """Each option must give the inputs whose default depends on its position."""
        for key, defaults in layout.varying_keys.items():
            missing = [name for name, given in options if key not in given]
            if missing:
                self.fail(
                    where,
                    key,
                    _NO_VALUE,
                    f"{key} is not given for option {missing[0]!r}; "
                    f"the template's default differs by option ({defaults}), so give it "
                    "for every option",
                )

    def reference(
        self, layout: Layout, raw: object, option_names: Sequence[str], where: str
    ) -> dict[str, str]:
        """The reference option's letter, given as a letter or as an option's name."""
        key = layout.reference_input
        if key is None:
            return {}
        letters = layout.letters[: len(option_names)]
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            letter = str(layout.shared[key].default)
            if letter not in letters:
                self.fail(
                    where,
                    key,
                    _NO_VALUE,
                    f"{key} is not given and its default, option "
                    f"{letter}, is not among this scenario's {len(letters)} options; name "
                    "the reference option",
                )
            return {key: letter}
        text = text_name(raw)
        by_name = [x for x, n in zip(letters, option_names, strict=False) if n == text]
        if by_name:
            return {key: by_name[0]}
        if text.upper() in letters:
            return {key: text.upper()}
        self.fail(
            where,
            key,
            text,
            f"{key} must be one of this scenario's options, by name "
            f"or by letter ({', '.join(letters)})",
        )
        return {}


def text_name(raw: object) -> str:
    """A scenario or option name as text (a number typed as a name is kept as written)."""
    if isinstance(raw, float):
        return format_number(raw)
    return "" if raw is None else str(raw).strip()


def check_option_count(
    layout: Layout, count: int, checker: ValueChecker, where: str, key: str
) -> None:
    most, least = len(layout.letters), layout.min_options
    if not least <= count <= most:
        wanted = f"{most}" if least == most else f"{least} to {most}"
        checker.fail(
            where,
            key,
            _NO_VALUE,
            f"a scenario of {layout.template_name} needs {wanted} options, this one has {count}",
        )


def assemble(
    layout: Layout,
    name: str,
    shared: Mapping[str, float | str],
    options: Sequence[tuple[str, Mapping[str, float | str]]],
) -> dict[str, float | str]:
    """The flat ``build()`` values of a scenario: declared defaults, then the given values."""
    values: dict[str, float | str] = {s.name: s.default for s in layout.shared.values()}
    values.update(shared)
    if layout.scenario_input:
        values[layout.scenario_input] = name
    for index, letter in enumerate(layout.letters):
        specs = layout.options[letter]
        for spec in specs.values():
            values[spec.name] = spec.default
        if index >= len(options):
            # An option the scenario does not give is left out of the comparison.
            if layout.include_key:
                values[specs[layout.include_key].name] = "No"
                if layout.option_name_key:
                    values[specs[layout.option_name_key].name] = UNUSED_OPTION
            continue
        option_name, given = options[index]
        for key, value in given.items():
            values[specs[key].name] = value
        if layout.option_name_key:
            values[specs[layout.option_name_key].name] = option_name
    return values


def finish(
    checker: ValueChecker, scenario: str, build: Scenario | None
) -> Scenario | ScenarioProblem:
    """The scenario, or its first problem carrying the others."""
    if not checker.problems:
        assert build is not None
        return build
    first, *more = checker.problems
    checker.problems = []
    return dataclasses.replace(first, scenario=scenario, more=tuple(more))


# Nested files: YAML, JSON, objects in memory ---------------------------------


def _nested_scenario(
    item: object, number: int, layout: Layout, checker: ValueChecker, locate
) -> Scenario | ScenarioProblem:
    """One scenario from a mapping; ``locate(mapping, key)`` says where a key is."""
    where = locate(item, None) or f"scenario {number}"
    if not isinstance(item, Mapping):
        checker.fail(
            where, None, item, "a scenario must be a mapping of inputs with a list of options"
        )
        return finish(checker, f"scenario {number}", None)
    name = text_name(item.get("name"))
    label = name or f"scenario {number}"
    if not name:
        checker.fail(
            locate(item, "name") or where,
            "name",
            item.get("name", ""),
            "every scenario needs a name",
        )
    known = ("name", "options", *layout.shared_keys)
    shared: dict[str, float | str] = {}
    for raw_key, raw in item.items():
        key = normalise_key(raw_key)
        if key in ("name", "options"):
            continue
        if key == layout.reference_input:
            continue
        if key not in layout.shared_keys:
            hint = " (an option's input: put it under options)" if key in layout.value_keys else ""
            checker.fail(
                locate(item, raw_key) or where,
                str(raw_key),
                _NO_VALUE,
                f"unknown key{hint or suggest(key, known)}",
            )
            continue
        shared[key] = checker.check(layout.shared[key], raw, locate(item, raw_key) or where, key)
    raw_options = item.get("options")
    options: list[tuple[str, dict[str, float | str]]] = []
    if not layout.letters and raw_options is None:
        raw_options = []  # a template without options: shared inputs only
    elif not isinstance(raw_options, list):
        checker.fail(
            locate(item, "options") or where,
            "options",
            raw_options if raw_options is not None else _NO_VALUE,
            "a scenario needs a list of options",
        )
        raw_options = []
    check_option_count(
        layout, len(raw_options), checker, locate(item, "options") or where, "options"
    )
    first_specs = layout.options[layout.letters[0]] if layout.letters else {}
    option_known = ("name", *layout.value_keys)
    for index, option in enumerate(raw_options[: len(layout.letters)], start=1):
        spot = locate(option, None) or f"{where}, option {index}"
        if not isinstance(option, Mapping):
            checker.fail(spot, None, option, "an option must be a mapping of its inputs")
            continue
        option_name = text_name(option.get("name"))
        if not option_name:
            checker.fail(spot, "name", option.get("name", ""), "every option needs a name")
        given: dict[str, float | str] = {}
        for raw_key, raw in option.items():
            key = normalise_key(raw_key)
            if key == "name":
                continue
            if key not in layout.value_keys:
                hint = (
                    " (a shared input: put it beside the scenario's name)"
                    if key in layout.shared_keys
                    else ""
                )
                checker.fail(
                    locate(option, raw_key) or spot,
                    str(raw_key),
                    _NO_VALUE,
                    f"unknown key{hint or suggest(key, option_known)}",
                )
                continue
            given[key] = checker.check(first_specs[key], raw, locate(option, raw_key) or spot, key)
        options.append((option_name, given))
    checker.require_varying(layout, options, locate(item, "options") or where)
    reference_key = layout.reference_input
    raw_reference = next((v for k, v in item.items() if normalise_key(k) == reference_key), None)
    names = [n for n, _ in options]
    shared.update(
        checker.reference(layout, raw_reference, names, locate(item, reference_key) or where)
    )
    if checker.problems:
        return finish(checker, label, None)
    values = assemble(layout, name, shared, options)
    return Scenario(name, values, tuple(names), where)


def _no_location(mapping: object, key: object) -> str:
    return ""


def read_nested(
    document: object, layout: Layout, file: str, locate=_no_location
) -> Iterator[Scenario | ScenarioProblem]:
    """Scenarios from a parsed YAML or JSON document, or from Python objects."""
    items = document.get("scenarios") if isinstance(document, Mapping) else document
    if isinstance(document, Mapping):
        extra = [k for k in document if k not in ("scenarios", "template", "note")]
        if extra:
            raise ScenarioFileError(
                f"{file}: unknown key {extra[0]!r} at the top"
                f"{suggest(str(extra[0]), ['scenarios'])}; the file holds a list named scenarios"
            )
    if isinstance(items, (str, bytes)) or not isinstance(items, Iterable):
        raise ScenarioFileError(f"{file}: expected a list of scenarios (a key named scenarios)")
    checker = ValueChecker(layout.template_name, file)
    for number, item in enumerate(items, start=1):
        yield _nested_scenario(item, number, layout, checker, locate)


# YAML with line numbers ------------------------------------------------------


def _yaml_document(path: Path, file: str) -> tuple[object, object]:
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class LineLoader(base):  # a safe loader: only plain data, never Python objects
        pass

    class Located(dict):
        line = 0
        key_lines: dict

    def mapping(loader, node):
        data = Located()
        data.line = node.start_mark.line + 1
        data.key_lines = {}
        yield data
        seen: set = set()
        for key_node, _ in node.value:
            key = loader.construct_object(key_node)
            if key in seen:
                raise ScenarioFileError(
                    f"{file}, line {key_node.start_mark.line + 1}: key {key!r} given twice"
                )
            seen.add(key)
            data.key_lines[key] = key_node.start_mark.line + 1
        data.update(loader.construct_mapping(node))

    LineLoader.add_constructor("tag:yaml.org,2002:map", mapping)

    def locate(item: object, key: object) -> str:
        if not isinstance(item, Located):
            return ""
        return f"line {item.key_lines.get(key, item.line) if key is not None else item.line}"

    try:
        with path.open(encoding="utf-8-sig") as stream:
            return yaml.load(stream, Loader=LineLoader), locate  # LineLoader is a SafeLoader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = f", line {mark.line + 1}" if mark else ""
        raise ScenarioFileError(f"{file}{line}: not valid YAML: {error.problem}") from None
    except yaml.YAMLError as error:
        raise ScenarioFileError(f"{file}: not valid YAML: {error}") from None


def _json_document(path: Path, file: str) -> object:
    def pairs(items: list[tuple[str, object]]) -> dict:
        keys = [k for k, _ in items]
        twice = {k for k in keys if keys.count(k) > 1}
        if twice:
            raise ScenarioFileError(f"{file}: key {sorted(twice)[0]!r} given twice in one object")
        return dict(items)

    try:
        return json.loads(path.read_text(encoding="utf-8-sig"), object_pairs_hook=pairs)
    except json.JSONDecodeError as error:
        raise ScenarioFileError(
            f"{file}, line {error.lineno}: not valid JSON: {error.msg}"
        ) from None
