#!/bin/sh
# Quick start from a POSIX shell: runs quickstart.py, which does the work
# (see there), with python3 or the Python named in $PYTHON.
#
#   sh quickstart.sh [FOLDER] [--minimal]
set -eu

here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}

if ! command -v "$python" >/dev/null 2>&1; then
    printf '%s\n' "xlfuncs needs Python 3.10 or newer. Install it with:
    sudo apt-get install python3 python3-venv
then run this command again." >&2
    exit 1
fi
exec "$python" "$here/quickstart.py" "$@"
