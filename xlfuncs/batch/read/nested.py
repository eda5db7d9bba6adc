"""Nested scenario files (YAML, JSON) and scenarios given as Python objects.

A document holds a list named ``scenarios``; each scenario is a mapping of
its name, its shared inputs and a list of ``options``, each a mapping of its
own inputs (see :mod:`xlfuncs.batch.read.checker` for the example). The
numbers written as text are shown to the file's decimal mark first; then
each scenario is read and its values checked with the one
:class:`~.checker.ValueChecker`, in file order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

from ..._errors import ScenarioFileError
from ..._files.limits import LIMITS
from ..._files.number_text import DecimalMark
from ..._files.text import JsonNumber
from ..template import Layout
from .checker import (
    _NO_VALUE,
    _PRICE_INPUTS,
    Scenario,
    ScenarioProblem,
    ValueChecker,
    _blank,
    _shorten,
    assemble,
    check_option_count,
    check_option_names,
    finish,
    normalise_key,
    number_keys,
    option_extras,
    suggest,
)
from .price_book import PriceBook

__all__ = ["locate", "read_nested"]


def locate(mapping: object, key: object = None) -> str:
    """Where ``key`` of ``mapping`` (or the mapping itself) is: ``line 12``, or ``""`` if unknown.

    The YAML reader records each mapping's line and its keys' lines on the
    mapping (``line``, ``key_lines``); JSON documents and Python objects
    have none.
    """
    line = getattr(mapping, "line", 0)
    if not line:
        return ""
    return f"line {line if key is None else getattr(mapping, 'key_lines', {}).get(key, line)}"


def keyed(
    mapping: Mapping, checker: ValueChecker | None, where: str, file: str = ""
) -> dict[str, tuple[object, object]]:
    """A mapping's entries by normalised key: ``{key: (key as written, value)}``.

    Two spellings of one key (``accuracy`` and ``Accuracy``) are a problem
    naming both, recorded with ``checker`` (or raised, without one); the
    first is kept. A key brought in by a YAML merge key (``<<: *base``)
    gives way to the mapping's own spelling of it, as merged keys do.
    """
    found: dict[str, tuple[object, object]] = {}
    own = getattr(mapping, "key_lines", None)
    for raw_key, raw in mapping.items():
        key = normalise_key(raw_key)
        if key not in found:
            found[key] = (raw_key, raw)
            continue
        first = found[key][0]
        if own is not None and (first in own) != (raw_key in own):
            if raw_key in own:
                found[key] = (raw_key, raw)
            continue
        rule = (
            f"{_shorten(str(first))!r} and {_shorten(str(raw_key))!r} are one key written two "
            "ways (keys do not depend on case, spaces or hyphens); keep one"
        )
        if checker is None:
            raise ScenarioFileError(f"{file}: {rule}" if file else rule)
        checker.fail(locate(mapping, raw_key) or where, str(raw_key), _NO_VALUE, rule)
    return found


#: The parts of a range given as a mapping, and the key each fills (``accuracy_low``...).
RANGE_PARTS = {
    "low": "_low",
    "mode": "",
    "most_likely": "",
    "high": "_high",
    "distribution": "_distribution",
}


def ranges_spread(
    entries: Mapping[str, tuple[object, object]],
    layout: Layout,
    checker: ValueChecker,
    mapping: object,
    where: str,
) -> dict[str, tuple[object, object]]:
    """``entries`` with each range given as a mapping spread over its keys.

    ``accuracy: {low: 0.9, mode: 0.95, high: 0.98, distribution: pert}`` is
    ``accuracy: 0.95`` with ``accuracy_low``, ``accuracy_high`` and
    ``accuracy_distribution``, the keys a table's columns give.
    """
    known = {*layout.shared_keys, *layout.value_keys}
    spread: dict[str, tuple[object, object]] = {}
    for key, (raw_key, raw) in entries.items():
        if not isinstance(raw, Mapping) or key not in known:
            spread.setdefault(key, (raw_key, raw))  # not a range: checked where it is read
            continue
        spot = locate(mapping, raw_key) or where
        if f"{key}_low" not in known:
            checker.fail(spot, str(raw_key), _NO_VALUE, f"{key} takes one value, not a range")
            continue
        parts = keyed(raw, checker, spot)
        wrong = sorted(set(parts) - set(RANGE_PARTS))
        if wrong:
            allowed = "low, mode (the most likely value), high and distribution"
            checker.fail(spot, f"{raw_key}: {wrong[0]}", _NO_VALUE, f"a range has {allowed}")
            continue
        if not any(RANGE_PARTS[part] == "" for part in parts):
            checker.fail(
                spot, str(raw_key), _NO_VALUE, "a range needs its most likely value (mode)"
            )
            continue
        for part, (part_key, value) in parts.items():
            spread[f"{key}{RANGE_PARTS[part]}"] = (f"{raw_key}: {part_key}", value)
    return spread


def _survey_nested(items: Iterable[object], layout: Layout, mark: DecimalMark) -> None:
    """Show the decimal mark every number written as text, before any is read."""
    shared_keys, option_keys = number_keys(layout)

    def see(mapping: object, keys: set[str], place: str) -> None:
        if not isinstance(mapping, Mapping):
            return
        for raw_key, raw in mapping.items():
            if not isinstance(raw, str) or isinstance(raw, JsonNumber):
                continue  # numbers stored as numbers need no mark
            if normalise_key(raw_key) in keys:
                mark.see(raw, locate(mapping, raw_key) or place)

    for number, item in enumerate(items, start=1):
        see(item, shared_keys | option_keys, f"scenario {number}")
        options = (
            next((v for k, v in item.items() if normalise_key(k) == "options"), None)
            if isinstance(item, Mapping)
            else None
        )
        if isinstance(options, list):
            for index, option in enumerate(options, start=1):
                see(option, option_keys, f"scenario {number}, option {index}")


def _nested_scenario(
    item: object,
    number: int,
    layout: Layout,
    checker: ValueChecker,
    prices: PriceBook,
    place: str | None = None,
) -> Scenario | ScenarioProblem:
    """One scenario from a mapping."""
    where = locate(item, None) or place or f"scenario {number}"
    if not isinstance(item, Mapping):
        checker.fail(
            where, None, item, "a scenario must be a mapping of inputs with a list of options"
        )
        return finish(checker, f"scenario {number}", None)
    entries = keyed(item, checker, where)
    name_key_as_written, raw_name = entries.get("name", ("name", None))
    name_at = locate(item, name_key_as_written) or where
    name = checker.text(raw_name, name_at, "name")
    label = name or f"scenario {number}"
    if not name and not any(p.key == "name" for p in checker.problems):
        checker.fail(
            name_at, "name", "" if raw_name is None else raw_name, "every scenario needs a name"
        )
    known = ("name", "options", *layout.shared_keys, *layout.value_keys)
    first_specs = layout.options[layout.letters[0]] if layout.letters else {}
    shared: dict[str, float | str] = {}
    # An option's input given beside the scenario's name: for every option without its own.
    for_every: dict[str, float | str] = {}
    for key, (raw_key, raw) in ranges_spread(entries, layout, checker, item, where).items():
        if key in ("name", "options"):
            continue
        if key == layout.reference_input:
            continue
        if key in layout.value_keys and key not in layout.shared_keys:
            if not _blank(raw):
                spot = locate(item, raw_key) or where
                for_every[key] = checker.check(first_specs[key], raw, spot, key)
            continue
        if key not in layout.shared_keys:
            checker.fail(
                locate(item, raw_key) or where,
                str(raw_key),
                _NO_VALUE,
                f"unknown key{suggest(key, known)}",
            )
            continue
        if _blank(raw):
            continue
        shared[key] = checker.check(layout.shared[key], raw, locate(item, raw_key) or where, key)
    checker.complete_shared(layout, shared, where)
    options_key, raw_options = entries.get("options", ("options", None))
    options: list[tuple[str, dict[str, float | str]]] = []
    if not layout.letters and raw_options is None:
        raw_options = []  # a template without options: shared inputs only
    elif not isinstance(raw_options, list):
        checker.fail(
            locate(item, options_key) or where,
            "options",
            raw_options if raw_options is not None else _NO_VALUE,
            "a scenario needs a list of options",
        )
        raw_options = []
    check_option_count(
        layout, len(raw_options), checker, locate(item, options_key) or where, "options"
    )
    extras_known = option_extras(layout)
    option_known = ("name", *layout.value_keys, *extras_known)
    for index, option in enumerate(raw_options[: len(layout.letters)], start=1):
        spot = locate(option, None) or f"{where}, option {index}"
        if not isinstance(option, Mapping):
            checker.fail(spot, None, option, "an option must be a mapping of its inputs")
            continue
        fields = keyed(option, checker, spot)
        option_name_at, raw_option_name = fields.get("name", ("name", None))
        option_name = checker.text(raw_option_name, locate(option, option_name_at) or spot, "name")
        if not option_name and _blank(raw_option_name):
            checker.fail(
                spot,
                "name",
                "" if raw_option_name is None else raw_option_name,
                "every option needs a name",
            )
        own_model = "model" in fields
        given: dict[str, float | str] = {
            k: v for k, v in for_every.items() if not (own_model and k in _PRICE_INPUTS)
        }
        extras: dict[str, object] = {}
        keys_at: dict[str, object] = {}
        for key, (raw_key, raw) in ranges_spread(fields, layout, checker, option, spot).items():
            keys_at[key] = raw_key
            if key == "name":
                continue
            if key in extras_known:
                extras[key] = raw
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
            if _blank(raw):
                continue
            given[key] = checker.check(first_specs[key], raw, locate(option, raw_key) or spot, key)

        places = {key: locate(option, keys_at[key]) or spot for key in extras}
        values = checker.complete_option(
            layout, option_name or f"option {index}", given, extras, spot, places, prices
        )
        options.append((option_name, values))
    checker.settle_currency(layout, shared, options, where, prices)
    reference_key = layout.reference_input
    reference_at, raw_reference = entries.get(reference_key, (reference_key, None))
    names = [n for n, _ in options]
    check_option_names(names, checker, locate(item, options_key) or where)
    shared.update(
        checker.reference(layout, raw_reference, names, locate(item, reference_at) or where)
    )
    if checker.problems:
        return finish(checker, label, None)
    values = assemble(layout, name, shared, options)
    return Scenario(name, values, tuple(names), where)


def read_nested(
    document: object,
    layout: Layout,
    file: str,
    decimal: str | None = None,
    prices: PriceBook | None = None,
    place: str | None = None,
) -> Iterator[Scenario | ScenarioProblem]:
    """Scenarios from a parsed YAML or JSON document, or from Python objects.

    ``place`` names a scenario without a line of its own in messages (a
    sweep names the axis value that made it); by default ``scenario N``.
    """
    items = document
    if isinstance(document, Mapping):
        top = keyed(document, None, "", file)
        items = top.get("scenarios", (None, None))[1]
        # Keys starting with x- hold YAML anchors (&base) for merge keys to share.
        extra = [
            raw
            for k, (raw, _) in top.items()
            if k not in ("scenarios", "template", "note") and not str(raw).startswith("x-")
        ]
        if extra:
            raise ScenarioFileError(
                f"{file}: unknown key {_shorten(str(extra[0]))!r} at the top"
                f"{suggest(str(extra[0]), ['scenarios'])}; the file holds a list named scenarios "
                "(and keys starting with x- for YAML anchors)"
            )
    if isinstance(items, (str, bytes)) or not isinstance(items, Iterable):
        raise ScenarioFileError(f"{file}: expected a list of scenarios (a key named scenarios)")
    mark = DecimalMark(decimal)
    if isinstance(items, Sequence):
        limit = LIMITS["scenarios"]
        if file and len(items) > limit.size:
            raise limit.refuse(file, found=f"it has {len(items):,}")
        if file and not items:
            raise ScenarioFileError(f"{file}: no scenarios: the list named scenarios is empty")
        _survey_nested(items, layout, mark)
        mark.check(file or "the scenarios")
    checker = ValueChecker(layout.template_name, file, mark)
    prices = prices or PriceBook()
    for number, item in enumerate(items, start=1):
        if not isinstance(items, Sequence):  # a generator: learn the mark as it comes
            _survey_nested([item], layout, mark)
            mark.check(file or "the scenarios")
        yield _nested_scenario(item, number, layout, checker, prices, place)
