"""Quick start: set up xlfuncs from this folder and write the example workbooks.

    python3 quickstart.py [FOLDER] [--minimal]      (Windows: py quickstart.py)

Makes a virtual environment in .venv beside this file (the system Python is
left alone), installs xlfuncs from this folder into it with its `prices` and
`plot` extras (model prices by name, tornado charts; --minimal leaves them
out), then writes the five template workbooks into FOLDER/templates and one
filled comparison per example scenario into FOLDER/comparisons (FOLDER is
my-workbooks beside this file unless given). Running it again keeps every
file already there: nothing is ever overwritten. A run cut short (Ctrl-C, a
closed window, a lost connection) is finished by running it again.

Needs Python 3.10 or newer with its venv module, and nothing else: this file
uses the standard library only, on Linux, macOS and Windows.
"""

# Written to parse on any Python 3, so that an old one gets the message
# below rather than a syntax error: no f-strings, no annotations.

import argparse
import os
import subprocess
import sys

MINIMUM = (3, 10)
EXTRAS = ("prices", "plot")
#: The module each extra brings, to tell whether it is installed.
EXTRA_MODULES = {"prices": "genai_prices", "plot": "matplotlib"}

WINDOWS = os.name == "nt"
HERE = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(HERE, ".venv")


class QuickStartError(Exception):
    """A step that cannot go on; the message says what to do."""


def say(text=""):
    print(text, flush=True)


def venv_file(name):
    """A program of the virtual environment: Scripts\\NAME.exe on Windows, bin/NAME elsewhere."""
    if WINDOWS:
        return os.path.join(VENV, "Scripts", name + ".exe")
    return os.path.join(VENV, "bin", name)


def quoted(path):
    """A path as a shell takes it: in double quotes when it holds a space."""
    return '"{}"'.format(path) if " " in path else path


def run(command, **options):
    """Run a program, its own folder-independent way: never from this folder's sources."""
    options.setdefault("cwd", VENV if os.path.isdir(VENV) else None)
    return subprocess.run(command, **options)


def works(command):
    try:
        done = run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        return False
    return done.returncode == 0


def check_python():
    if sys.version_info < MINIMUM:
        raise QuickStartError(
            "xlfuncs needs Python {}.{} or newer; this is Python {}.{}.{}.".format(
                *(MINIMUM + tuple(sys.version_info[:3]))
            )
        )
    try:
        import ensurepip  # noqa: F401 - only whether it is there
        import venv  # noqa: F401
    except ImportError:
        if sys.platform.startswith("linux"):
            raise QuickStartError(
                "Python's venv module is missing. Install it with:\n"
                "    sudo apt-get install python3-venv\n"
                "then run this command again."
            ) from None
        raise QuickStartError(
            "Python's venv module is missing: install Python from python.org "
            "(it comes with it), then run this command again."
        ) from None


def make_environment():
    """1. A virtual environment of our own, made once.

    One cut short while it was being made (Python there, pip not yet) is
    completed by making it again over itself.
    """
    python = venv_file("python")
    if os.path.exists(python) and works([python, "-I", "-m", "pip", "--version"]):
        say("Using the virtual environment in {}".format(VENV))
        return python
    check_python()
    say("Making a virtual environment in {}".format(VENV))
    if run([sys.executable, "-m", "venv", VENV], cwd=None).returncode != 0:
        raise QuickStartError("Could not make the virtual environment in {}.".format(VENV))
    return python


def missing_parts(python, extras):
    """What the environment lacks: xlfuncs from this folder, its command, the extras' modules.

    -I and a working folder elsewhere: the xlfuncs folder beside this script
    must not pass for an installed package when an install was cut short.
    """
    probe = (
        "import importlib.util, os, sys\n"
        "try:\n"
        "    import xlfuncs\n"
        "    here = os.path.dirname(os.path.dirname(os.path.realpath(xlfuncs.__file__)))\n"
        "    ok = os.path.normcase(here) == os.path.normcase(os.path.realpath(sys.argv[1]))\n"
        "except ImportError:\n"
        "    ok = False\n"
        "print('' if ok else 'xlfuncs')\n"
        "for module in sys.argv[2:]:\n"
        "    print('' if importlib.util.find_spec(module) else module)\n"
    )
    modules = [EXTRA_MODULES[e] for e in extras]
    done = run(
        [python, "-I", "-c", probe, HERE, *modules],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        universal_newlines=True,
    )
    if done.returncode != 0:
        return ["xlfuncs"]
    missing = [line for line in done.stdout.splitlines() if line]
    if not os.path.exists(venv_file("xlfuncs")):
        missing.append("the xlfuncs command")
    return missing


def install(python, extras):
    """2. xlfuncs from this folder with its extras, installed once.

    Editable: a git pull updates it.
    """
    if not missing_parts(python, extras):
        say("xlfuncs is installed in {}".format(VENV))
        return
    target = HERE + ("[{}]".format(",".join(extras)) if extras else "")
    say(
        "Installing xlfuncs and its dependencies{} into {} (a minute or two)".format(
            ", with the {} extras,".format(" and ".join(extras)) if extras else "", VENV
        )
    )
    command = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if run([*command, "-e", target]).returncode != 0:
        raise QuickStartError("Could not install xlfuncs (see pip's message above).")
    still = missing_parts(python, extras)
    if still:
        raise QuickStartError("The install did not bring: {}.".format(", ".join(still)))


def xlfuncs(python, *arguments, **options):
    return run([python, "-m", "xlfuncs.cli", *arguments], **options)


def write_templates(python, folder):
    """3. The five templates. The command keeps any that exist and says so.

    Its exit code is 1 when it kept one (every other one written): with only
    "kept" and "wrote" lines, that is no failure here.
    """
    say()
    done = xlfuncs(
        python,
        "templates",
        "--out",
        os.path.join(folder, "templates"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        universal_newlines=True,
    )
    lines = done.stdout.splitlines()
    for line in lines:
        say(line)
    ok = done.returncode == 0 or (
        done.returncode == 1 and all(line.startswith(("kept ", "wrote ")) for line in lines)
    )
    if not ok:
        raise QuickStartError("Could not write the templates.")


def write_examples(python, folder):
    """4. The example batch: one workbook per scenario and a summary.

    The summary is written last, so an existing one means the batch ran to
    its end: leave it all be. Without it (a run cut short) the batch runs
    again and keeps the workbooks already written.
    """
    say()
    comparisons = os.path.join(folder, "comparisons")
    summaries = [os.path.join(comparisons, "summary." + kind) for kind in ("xlsx", "csv")]
    if any(os.path.exists(path) for path in summaries):
        say("kept the example comparisons in {}: they already exist".format(comparisons))
        say("(delete that folder to write them again)")
        return comparisons
    done = xlfuncs(python, "generate", "--example", "--out", comparisons, "--skip-existing")
    if done.returncode != 0:
        raise QuickStartError("Could not write the example comparisons.")
    return comparisons


def parse(arguments):
    parser = argparse.ArgumentParser(
        prog="quickstart.py",
        description=(
            "Set up xlfuncs from this folder in a virtual environment of its own (.venv) "
            "and write the template workbooks and the example comparisons. Running it "
            "again keeps every file already there."
        ),
    )
    parser.add_argument(
        "folder",
        nargs="?",
        default=os.path.join(HERE, "my-workbooks"),
        help="where the workbooks go (default: my-workbooks beside this file)",
    )
    parser.add_argument(
        "--minimal",
        action="store_true",
        help="leave out the prices and plot extras (model prices by name, tornado charts)",
    )
    return parser.parse_args(arguments)


def main(arguments=None):
    options = parse(sys.argv[1:] if arguments is None else arguments)
    folder = os.path.abspath(options.folder)
    extras = () if options.minimal else EXTRAS
    try:
        python = make_environment()
        install(python, extras)
        write_templates(python, folder)
        comparisons = write_examples(python, folder)
    except QuickStartError as problem:
        print(problem, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(
            "\nStopped. Run the same command again: it carries on where this run "
            "stopped and keeps every file already written.",
            file=sys.stderr,
        )
        return 130
    command = quoted(venv_file("xlfuncs"))
    activate = (
        quoted(os.path.join(VENV, "Scripts", "activate"))
        if WINDOWS
        else ". " + quoted(os.path.join(VENV, "bin", "activate"))
    )
    say()
    say("Done. Your workbooks:")
    say("  templates:   {}".format(os.path.join(folder, "templates")))
    say("  comparisons: {} (summary.xlsx compares every case)".format(comparisons))
    say("Open one, type your own numbers into the yellow cells and read the Summary sheet.")
    say("More: {} --help (or just xlfuncs after {})".format(command, activate))
    return 0


if __name__ == "__main__":
    sys.exit(main())
