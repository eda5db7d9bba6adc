"""What the batch needs of a template: its name, its one declaration of inputs, a builder.

A template workbook is declared once, as a sequence of inputs. Each input
has a ``name`` (the key in ``build(values, path)``), a ``unit``, a
``default``, a ``description`` and a ``rule`` (its allowed values, from
:data:`xlfuncs._validation.RULES`; ``None`` for text). An input that belongs
to one of the compared options also has an ``option`` letter (``"A"`` to
``"D"``) and a ``key`` naming its row, shared by the options: ``a_accuracy``
and ``b_accuracy`` both have the key ``accuracy``.

:class:`Layout` splits that declaration the way scenario files are written:
the scenario's shared inputs, and per option the option inputs by key.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from .._validation import Rule

__all__ = ["DEFAULT_TEMPLATE", "InputDeclaration", "Layout", "Template", "resolve_template"]

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
    every declared input's name to its checked value. Optional attributes:
    ``scenario_input`` (the text input that takes the scenario's name),
    ``option_name_key`` (the option row that takes each option's name, default
    ``"name"``) and ``min_options`` (how many options a scenario must give at
    least; default all of them).
    """

    name: str
    inputs: Sequence[InputDeclaration]

    def build(self, values: Mapping[str, float | str], path: str | os.PathLike[str]) -> object: ...


def _row_key(spec: InputDeclaration) -> str:
    return getattr(spec, "key", "") or spec.name


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
        return cls(
            template_name=template.name,
            shared=shared,
            letters=letters,
            options=options,
            scenario_input=scenario_input if scenario_input in shared else None,
            option_name_key=name_key,
            min_options=int(getattr(template, "min_options", len(letters)) or 0),
        )

    @property
    def option_keys(self) -> tuple[str, ...]:
        """Row keys of the option inputs, in declaration order (the first option's)."""
        return tuple(self.options[self.letters[0]]) if self.letters else ()

    @property
    def value_keys(self) -> tuple[str, ...]:
        """Option row keys a scenario file gives values for (the option name excluded)."""
        return tuple(k for k in self.option_keys if k != self.option_name_key)

    @property
    def shared_keys(self) -> tuple[str, ...]:
        """Shared inputs a scenario file gives values for (the scenario name excluded)."""
        return tuple(k for k in self.shared if k != self.scenario_input)


def resolve_template(template: str | Template) -> Template:
    """The template object for a name (looked up in :mod:`xlfuncs.templates`) or the object."""
    if not isinstance(template, str):
        if not isinstance(template, Template):
            raise TypeError(
                f"template must be a template name or a template object, got {template!r}"
            )
        return template
    try:
        registry = importlib.import_module("xlfuncs.templates")
    except ImportError as error:  # pragma: no cover - the templates ship with the package
        raise ValueError(f"unknown template {template!r}: no templates installed") from error
    found = getattr(registry, "get_template", None)
    if found is not None:
        return found(template)
    table = getattr(registry, "TEMPLATES", {})
    if template not in table:
        raise ValueError(f"unknown template {template!r}; the templates are {', '.join(table)}")
    return table[template]
