"""What the batch needs of a template: its name, its one declaration of inputs, a builder.

A template workbook is declared once, as a sequence of inputs. Each input
has a ``name`` (the key in ``build(values, path)``), a ``unit``, a
``default``, a ``description`` and a ``rule`` (its allowed values, from
:data:`xlfuncs._validation.RULES`; ``None`` for text, with ``choices`` for
text picked from a list). An input that belongs to one of the compared
options also has an ``option`` letter (``"A"`` to ``"D"``) and a ``key``
naming its row, shared by the options: ``a_accuracy`` and ``b_accuracy``
both have the key ``accuracy``.

:class:`Layout` splits that declaration the way scenario files are written:
the scenario's shared inputs, and per option the option inputs by key.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Protocol, runtime_checkable

from .._errors import ArgumentError
from .._validation import Rule

__all__ = [
    "DEFAULT_TEMPLATE",
    "InputDeclaration",
    "Layout",
    "ModuleTemplate",
    "Template",
    "resolve_template",
]

#: The template a batch uses when none is named.
DEFAULT_TEMPLATE = "tco_comparison"


class InputDeclaration(Protocol):
    """One declared input, as the batch reads it."""

    name: str
    unit: str
    default: float | str
    description: str
    rule: Rule | None
    option: str | None
    key: str


@runtime_checkable
class Template(Protocol):
    """A template workbook the batch can fill: a name, the declaration and a builder.

    ``build(values, path)`` writes one workbook to ``path`` from a mapping of
    every declared input's name to its checked value. It may return an object
    whose ``input_cells`` maps input names to their cells on the inputs sheet
    (the batch then fills those cells directly). Optional attributes:
    ``scenario_input`` (the text input that takes the scenario's name),
    ``option_name_key`` (the option row that takes each option's name, default
    ``"name"``), ``include_key`` (an option row of choices ``Yes``/``No``
    that leaves an option out; options a scenario does not give are then
    left out; default ``"include"`` when declared), ``reference_input`` (the
    shared input naming the reference option by letter; default
    ``"reference_option"`` when declared), ``min_options``, and for the
    batch summary ``summary_columns`` (each with a ``heading``, the ``key``
    of a figure or text of the built workbook, ``{x}`` standing for an
    option letter, and a ``number_format``, ``None`` for text; the built
    workbook must then also have ``workbook``, ``figures`` and ``texts``, as
    a :class:`~xlfuncs.templates._workbook.TemplateBook` has) and
    ``summary_by_option`` (a row per scenario and option; default True); for
    ``xlfuncs sweep``, ``sweep_cost`` (the figure key, with ``{x}``, whose
    lowest value is the cheapest option; or pairs of a name and a figure key
    of the scenario).
    """

    name: str
    inputs: Sequence[InputDeclaration]

    def build(self, values: Mapping[str, float | str], path: str | os.PathLike[str]) -> object: ...


def _row_key(spec: InputDeclaration) -> str:
    return getattr(spec, "key", "") or spec.name


def _choices(spec: InputDeclaration | None) -> tuple[str, ...]:
    return tuple(getattr(spec, "choices", ()) or ())


@dataclass(frozen=True)
class Layout:
    """A template's declaration split into shared inputs and per-option inputs."""

    template_name: str
    shared: Mapping[str, InputDeclaration]
    #: Option letters in the order of the declaration, e.g. ``("A", "B", "C", "D")``.
    letters: tuple[str, ...]
    #: Per option letter, its inputs by row key.
    options: Mapping[str, Mapping[str, InputDeclaration]]
    scenario_input: str | None
    option_name_key: str | None
    #: Option row that switches an option off (``Yes``/``No``), if declared.
    include_key: str | None
    #: Shared input that names the reference option by its letter, if declared.
    reference_input: str | None
    min_options: int

    @classmethod
    def of(cls, template: Template) -> Layout:
        shared: dict[str, InputDeclaration] = {}
        options: dict[str, dict[str, InputDeclaration]] = {}
        for spec in template.inputs:
            letter = getattr(spec, "option", None)
            if letter:
                options.setdefault(letter, {})[_row_key(spec)] = spec
            else:
                shared[spec.name] = spec
        letters = tuple(options)
        scenario_input = getattr(template, "scenario_input", None)
        name_key = getattr(template, "option_name_key", "name")
        if name_key is not None and not all(name_key in options[x] for x in letters):
            name_key = None
        include_key = getattr(template, "include_key", "include")
        if not letters or not all(
            _choices(options[x].get(include_key)) == ("Yes", "No") for x in letters
        ):
            include_key = None
        reference = getattr(template, "reference_input", "reference_option")
        if reference not in shared or _choices(shared[reference]) != letters:
            reference = None
        least = 1 if include_key else len(letters)
        return cls(
            template_name=template.name,
            shared=shared,
            letters=letters,
            options=options,
            scenario_input=scenario_input if scenario_input in shared else None,
            option_name_key=name_key,
            include_key=include_key,
            reference_input=reference,
            min_options=int(getattr(template, "min_options", least)),
        )

    @functools.cached_property
    def option_keys(self) -> tuple[str, ...]:
        """Row keys of the option inputs, in declaration order (the first option's)."""
        return tuple(self.options[self.letters[0]]) if self.letters else ()

    @functools.cached_property
    def value_keys(self) -> tuple[str, ...]:
        """Option row keys a scenario file gives values for (the option name excluded)."""
        return tuple(k for k in self.option_keys if k != self.option_name_key)

    @functools.cached_property
    def shared_keys(self) -> tuple[str, ...]:
        """Shared inputs a scenario file gives values for (the scenario name excluded)."""
        return tuple(k for k in self.shared if k != self.scenario_input)


class ModuleTemplate:
    """A template written as a module with ``INPUTS`` (the declaration) and ``build``."""

    def __init__(self, module: ModuleType, name: str | None = None):
        self.module = module
        self.name = name or module.__name__.rsplit(".", 1)[-1]
        self.inputs = module.INPUTS
        self.title = getattr(module, "TITLE", self.name)
        self.scenario_input = getattr(module, "SCENARIO_INPUT", None)
        self.summary_columns = getattr(module, "SUMMARY_COLUMNS", ())
        self.summary_by_option = getattr(module, "SUMMARY_BY_OPTION", True)
        self.sweep_cost = getattr(module, "SWEEP_COST", None)

    def build(self, values: Mapping[str, float | str], path: str | os.PathLike[str]) -> object:
        return self.module.build(values, path)

    def __reduce__(self):
        # Sent to worker processes by name: each imports the module itself.
        return (resolve_template, (self.name,))


def resolve_template(template: str | Template) -> Template:
    """The template object for a name (looked up in :mod:`xlfuncs.templates`) or the object.

    An unknown name is an :class:`~xlfuncs.InputError` that lists the templates.
    """
    if isinstance(template, str):
        from .. import templates

        return ModuleTemplate(templates.template(template), template)
    if not isinstance(template, Template):
        raise ArgumentError(f"template must be a template name or object, got {template!r}")
    return template
