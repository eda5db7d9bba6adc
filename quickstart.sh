#!/bin/sh
# Quick start: set up xlfuncs from this folder and write the example workbooks.
#
#   sh quickstart.sh [FOLDER]
#
# Makes a virtual environment in .venv beside this file (the system Python is
# left alone), installs xlfuncs from this folder into it, then writes the five
# template workbooks into FOLDER/templates and one filled comparison per
# example scenario into FOLDER/comparisons (FOLDER is my-workbooks unless
# given). Running it again keeps every file already there: nothing is ever
# overwritten. Needs python3 3.10 or newer with its venv module.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}
venv="$here/.venv"
folder=${1:-"$here/my-workbooks"}

say() { printf '%s\n' "$*"; }
fail() {
    say "$*" >&2
    exit 1
}

# 1. A virtual environment of our own, made once.
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "" 2>/dev/null; then
    say "Using the virtual environment in $venv"
else
    command -v "$python" >/dev/null 2>&1 ||
        fail "xlfuncs needs Python 3.10 or newer. Install it with:
    sudo apt-get install python3 python3-venv
then run this command again."
    "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' ||
        fail "xlfuncs needs Python 3.10 or newer; $python is $("$python" -c 'import platform; print(platform.python_version())')."
    # Debian and Ubuntu ship venv without ensurepip unless python3-venv is installed.
    if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
        fail "Python's venv module is missing. Install it with:
    sudo apt-get install python3-venv
then run this command again."
    fi
    say "Making a virtual environment in $venv"
    "$python" -m venv "$venv" || fail "Could not make the virtual environment in $venv."
fi

# 2. xlfuncs from this folder, installed once (editable: a git pull updates it).
if "$venv/bin/python" -c "import xlfuncs" >/dev/null 2>&1; then
    say "xlfuncs is installed in $venv"
else
    say "Installing xlfuncs and its dependencies into $venv (about a minute)"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e "$here" ||
        fail "Could not install xlfuncs (see pip's message above)."
fi
xlfuncs() { "$venv/bin/python" -m xlfuncs.cli "$@"; }

# 3. The five templates. The command keeps any that exist and says so.
say ""
status=0
log=$(xlfuncs templates --out "$folder/templates" 2>&1) || status=$?
[ -n "$log" ] && say "$log"
if [ "$status" -ne 0 ]; then
    # 1 with only "kept ..." lines: every other template was written.
    if [ "$status" -ne 1 ] || printf '%s\n' "$log" | grep -qv '^\(kept\|wrote\) '; then
        fail "Could not write the templates."
    fi
fi

# 4. The example batch: one workbook per scenario and a summary. Its summary
#    is rewritten by a batch run, so an existing one means: leave it all be.
say ""
comparisons="$folder/comparisons"
if [ -e "$comparisons/summary.xlsx" ] || [ -e "$comparisons/summary.csv" ]; then
    say "kept the example comparisons in $comparisons: they already exist"
    say "(delete that folder to write them again)"
else
    xlfuncs generate --example --out "$comparisons" --skip-existing ||
        fail "Could not write the example comparisons."
fi

say ""
say "Done. Your workbooks:"
say "  templates:   $folder/templates"
say "  comparisons: $comparisons (summary.xlsx compares every case)"
say "Open one, type your own numbers into the yellow cells and read the Summary sheet."
say "More: $venv/bin/xlfuncs --help"
