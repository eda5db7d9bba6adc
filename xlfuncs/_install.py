"""Install hints: the pip command of the Python that is running.

A hint such as ``pip install "genai-prices>=0.0.23"`` installs into whichever
Python ``pip`` belongs to, which is another one when the virtual environment
xlfuncs lives in is not active. Naming the running interpreter
(``/path/to/.venv/bin/python -m pip install ...``) installs where xlfuncs
will find the package, active or not.
"""

from __future__ import annotations

import sys

__all__ = ["CURRENCYCONVERTER", "GENAI_PRICES", "MATPLOTLIB", "XLWINGS", "pip_install"]

# The optional requirements of pyproject.toml's extras, quoted for a shell.
#: The excel extra.
XLWINGS = '"xlwings>=0.33"'
#: The prices extra.
GENAI_PRICES = '"genai-prices>=0.0.23"'
#: The plot extra.
MATPLOTLIB = '"matplotlib>=3.7"'
#: The fx extra.
CURRENCYCONVERTER = '"currencyconverter>=0.17"'
#: The parquet extra.
PYARROW = '"pyarrow>=14"'
#: The dask extra.
DASK = '"dask[distributed]>=2024.1"'


def pip_install(*arguments: str) -> str:
    """The command that installs ``arguments`` (e.g. ``'"matplotlib>=3.7"'``) for this Python.

    The interpreter's path is quoted when it holds a space, as a shell on
    any system needs it.

    >>> pip_install('"genai-prices>=0.0.23"') == (
    ...     f'{sys.executable} -m pip install "genai-prices>=0.0.23"'
    ...     if " " not in sys.executable
    ...     else f'"{sys.executable}" -m pip install "genai-prices>=0.0.23"'
    ... )
    True
    """
    python = sys.executable or "python"
    if any(character.isspace() for character in python):
        python = f'"{python}"'
    return " ".join([python, "-m", "pip", "install", *arguments])
