"""A template's inputs in words, as scenario files use them: read from its one declaration."""

from __future__ import annotations

import textwrap

from .._validation import format_number
from .template import Layout, Template, resolve_template

__all__ = ["describe"]


def _allowed(spec) -> str:
    choices = tuple(getattr(spec, "choices", ()) or ())
    if choices:
        return "one of " + ", ".join(choices)
    return "any text" if spec.rule is None else spec.rule.describe()


def _default(value: object) -> str:
    return format_number(float(value)) if isinstance(value, (int, float)) else str(value)


def describe(template: str | Template, width: int = 100) -> str:
    """The inputs of ``template`` for a scenario file: name, unit, default, allowed, meaning."""
    chosen = resolve_template(template)
    layout = Layout.of(chosen)
    lines = [f"Template {chosen.name}: {getattr(chosen, 'title', chosen.name)}", ""]

    def entry(key: str, spec, default: str, note: str = "") -> None:
        lines.append(f"  {key} ({spec.unit}): {_allowed(spec)}; default {default}{note}")
        for part in textwrap.wrap(spec.description, width - 6):
            lines.append(f"      {part}")

    lines.append("Shared inputs of a scenario (a key of the scenario, or a column):")
    lines.append("  name (text): required; the scenario's name, which also names its workbook")
    for key, spec in layout.shared.items():
        if key == layout.scenario_input:
            continue
        note = "; or an option's name" if key == layout.reference_input else ""
        entry(key, spec, _default(spec.default), note)
    if layout.letters:
        lines += [
            "",
            f"Inputs of each option (up to {len(layout.letters)}; a key of the "
            "option, or a column):",
        ]
        varying = layout.varying_keys
        for key in layout.option_keys:
            spec = layout.options[layout.letters[0]][key]
            if key == layout.option_name_key:
                lines.append(f"  {key} (text): required; the option's name")
            elif key in varying:
                entry(key, spec, f"by option ({varying[key]})", "; must be given")
            else:
                entry(key, spec, _default(spec.default))
    return "\n".join(lines)
