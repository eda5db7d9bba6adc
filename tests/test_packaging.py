"""Release-ready packaging: the wheel and the sdist build, pass twine, and hold what they must.

The distributions are built as ``python -m build`` builds them (without a
fresh build environment, so that the test needs no network) and checked as
PyPI would (``twine check --strict``). The sdist must hold every file that
the README and the docs link to, because the README is also the package's
description. The install hints that xlfuncs prints must name the package
itself, with the version range pyproject.toml declares, so that they work
however xlfuncs was installed.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import zipfile
from importlib.metadata import requires
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    return out


def _one(dist: Path, pattern: str) -> Path:
    [found] = dist.glob(pattern)
    return found


def test_twine_accepts_the_wheel_and_the_sdist(dist):
    files = [str(_one(dist, "*.whl")), str(_one(dist, "*.tar.gz"))]
    checked = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("PASSED") == 2, checked.stdout


def _local_links(markdown: Path) -> set[PurePosixPath]:
    """Files a Markdown page links to, relative to the repository root."""
    links = set()
    for target in re.findall(r"\]\(([^)\s]+)\)", markdown.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue  # a web address or a heading on the same page
        path = (markdown.parent / target.split("#", 1)[0]).resolve().relative_to(ROOT)
        links.add(PurePosixPath(path.as_posix()))
    return links


def test_the_sdist_holds_everything_the_readme_and_docs_link_to(dist):
    with tarfile.open(_one(dist, "*.tar.gz")) as sdist:
        names = {PurePosixPath(*PurePosixPath(n).parts[1:]) for n in sdist.getnames()}
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    linked = set().union(*(_local_links(page) for page in pages))
    assert PurePosixPath("docs/hosts.md") in linked  # the check reads the links at all
    missing = sorted(
        str(p)
        for p in linked
        if p not in names and not any(p in name.parents for name in names)  # a file or a folder
    )
    assert not missing, f"linked from the README or docs but not in the sdist: {missing}"
    # ...and each of them exists in the repository, so the links work there too.
    assert all((ROOT / p).exists() for p in linked)
    assert PurePosixPath("quickstart.sh") in names
    assert PurePosixPath("quickstart.py") in names


def test_the_wheel_holds_the_package_and_its_template_workbooks(dist):
    with zipfile.ZipFile(_one(dist, "*.whl")) as wheel:
        names = set(wheel.namelist())
    assert "xlfuncs/udfs.py" in names
    assert len([n for n in names if n.startswith("xlfuncs/_templates/") and n.endswith(".xlsx")])
    assert not [n for n in names if n.startswith("tests/")]


def test_the_package_names_no_homepage_that_does_not_exist(dist):
    with zipfile.ZipFile(_one(dist, "*.whl")) as wheel:
        [metadata] = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
        text = wheel.read(metadata).decode("utf-8")
    assert "Project-URL" not in text


def _declared(package: str) -> str:
    """The requirement pyproject.toml declares for an optional package, e.g. xlwings>=0.33."""
    for requirement in requires("xlfuncs") or []:
        spec = requirement.split(";", 1)[0].strip()
        if re.match(rf"{re.escape(package)}(?![\w.-])", spec) and "extra ==" in requirement:
            return spec.replace(" ", "")
    raise AssertionError(f"{package} is not an optional requirement of xlfuncs")


def test_install_hints_name_the_missing_package_with_its_declared_versions():
    from xlfuncs import _install
    from xlfuncs._genai_prices import INSTALL_COMMAND

    assert f'"{_declared("genai-prices")}"' == _install.GENAI_PRICES
    assert f'"{_declared("xlwings")}"' == _install.XLWINGS
    assert f'"{_declared("matplotlib")}"' == _install.MATPLOTLIB
    assert f'"{_declared("currencyconverter")}"' == _install.CURRENCYCONVERTER
    assert _install.pip_install(_install.GENAI_PRICES) == INSTALL_COMMAND
    # No hint anywhere in the package, nor in the changelog, asks pip for xlfuncs
    # itself, which is not on PyPI.
    texts = [*(ROOT / "xlfuncs").rglob("*.py"), *(ROOT / "xlfuncs").rglob("*.yaml")]
    for path in [*texts, ROOT / "CHANGELOG.md"]:
        for paragraph in path.read_text(encoding="utf-8").split("\n\n"):
            if re.search(r'pip install (--upgrade )?"?xlfuncs(?![\w.-])', paragraph):
                assert "fails while xlfuncs is not on PyPI" in paragraph, (path, paragraph)


@pytest.mark.parametrize(
    "page", ["README.md", *sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob("docs/*.md"))]
)
def test_the_user_guide_asks_pip_for_xlfuncs_only_where_it_speaks_of_pypi(page):
    # pip install "xlfuncs[plot]" fails ("No matching distribution") until the
    # first release; only the sentence on what changes then may show it.
    for paragraph in (ROOT / page).read_text(encoding="utf-8").split("\n\n"):
        if re.search(r'pip install (--upgrade )?"?xlfuncs(?![\w.-])', paragraph):
            assert "on PyPI" in paragraph, paragraph


def test_ci_ends_with_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    development = readme.split("\n## Development\n", 1)[1]
    commands = re.findall(r"```bash\n(.*?)\n```", development, flags=re.DOTALL)
    test_command = next(c for c in commands if "pytest" in c)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").rstrip("\n").splitlines()
    assert ci[-1] == test_command
    # Everything that command needs on a fresh machine, .ci/run installs.
    assert '".[test,e2e]"' in "\n".join(ci)
    assert "nodejs" in "\n".join(ci) and "libreoffice" in "\n".join(ci)
    assert "pdftotext" in "\n".join(ci) and "poppler-utils" in "\n".join(ci)
    # An environment of its own: the quick start's .venv is the user's.
    assert "python3 -m venv .venv-ci" in ci and ". .venv-ci/bin/activate" in ci
    assert not [line for line in ci if re.search(r"\.venv(?![-\w])", line) and line[:1] != "#"]
