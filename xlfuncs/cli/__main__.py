"""``python -m xlfuncs.cli``: the same command line as ``xlfuncs``."""

import sys

from . import main

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
