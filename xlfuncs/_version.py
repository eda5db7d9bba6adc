"""The version of xlfuncs, in one place: the package, the build and every module that records it.

A leaf module (it imports nothing), so that the workbooks, their provenance
and the command line can name the version without importing the package's
face. The build reads it from here (``[tool.hatch.version]`` in
``pyproject.toml``).
"""

__version__ = "0.1.0"
