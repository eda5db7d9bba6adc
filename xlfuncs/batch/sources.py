"""Where scenarios come from: a scenario file of any supported kind, or Python objects.

YAML and JSON files nest their scenarios (:mod:`xlfuncs.batch.scenarios`);
CSV and XLSX files are a long table (:mod:`xlfuncs.batch.tables`). This
module picks the reader by the file's suffix, so that neither reader needs
the other.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from .scenarios import (
    SUFFIXES,
    Scenario,
    ScenarioFileError,
    ScenarioProblem,
    _json_document,
    _yaml_document,
    read_nested,
)
from .tables import read_csv, read_xlsx
from .template import Layout

__all__ = ["read_scenarios"]


def read_scenarios(
    source: str | os.PathLike[str] | Mapping | Iterable, layout: Layout
) -> Iterator[Scenario | ScenarioProblem]:
    """Scenarios from a file (by its suffix) or from Python objects, in order.

    Raises :class:`ScenarioFileError` when the file cannot be read at all;
    a bad scenario is yielded as a :class:`ScenarioProblem` instead.
    """
    if not isinstance(source, (str, os.PathLike)):
        return read_nested(source, layout, "")
    path = Path(source)
    file = str(source)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise ScenarioFileError(
            f"{file}: scenario files end in {', '.join(SUFFIXES)}; "
            f"got {path.suffix or 'no suffix'!r}"
        )
    if not path.is_file():
        raise ScenarioFileError(f"{file}: no such file")
    if kind == "yaml":
        document, locate = _yaml_document(path, file)
        return read_nested(document, layout, file, locate)
    if kind == "json":
        return read_nested(_json_document(path, file), layout, file)
    return read_csv(path, layout, file) if kind == "csv" else read_xlsx(path, layout, file)
