"""Scenario files for the reader's tests: written from a base text, their problems taken apart.

A base file is edited line by line (``{line number: new text}``, ``None``
deleting the line; numbers refer to the base), so each bad file differs from
a good one in exactly the lines a test names, and the lines a message must
point at are known from the text written.
"""

from __future__ import annotations

import dataclasses

from xlfuncs.batch.read.checker import ScenarioProblem

__all__ = ["edited", "every_problem", "own_text"]


def edited(base: str, edits: dict[int, str | None]) -> str:
    """``base`` with its numbered lines (from 1) replaced or, for ``None``, deleted."""
    lines = base.splitlines()
    for number in edits:
        assert 1 <= number <= len(lines), f"the base has no line {number}"
    kept = [edits.get(n, line) for n, line in enumerate(lines, start=1)]
    return "\n".join(line for line in kept if line is not None) + "\n"


def every_problem(item: object) -> list[ScenarioProblem]:
    """A scenario's problems: the first and those it carries."""
    assert isinstance(item, ScenarioProblem), f"read as a scenario: {item!r}"
    return [item, *item.more]


def own_text(problem: ScenarioProblem) -> str:
    """One problem's message, without the further problems it carries."""
    return str(dataclasses.replace(problem, more=()))
