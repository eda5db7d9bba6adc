"""Render the Summary sheet of every template to docs/images/<name>.png, headless.

Usage: python build/render_screenshots.py

LibreOffice recalculates each workbook and prints its Summary sheet (the
other sheets are hidden in a scratch copy) to PDF; pdftoppm (poppler-utils)
turns the first page into a PNG. Also, for the example scenario with two
options: docs/images/scenario_summary.png, the Summary sheet of its filled
workbook, and docs/images/scenario_pdf.png, the PDF ``xlfuncs generate --pdf``
writes for it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import xlfuncs  # noqa: E402
from xlfuncs._libreoffice import export_pdf  # noqa: E402
from xlfuncs.batch import EXAMPLE_SCENARIOS, pdf  # noqa: E402
from xlfuncs.templates import TEMPLATE_NAMES  # noqa: E402

IMAGES = ROOT / "docs" / "images"
#: The example scenario whose PDF is shown: two options.
PDF_SCENARIO = "Email drafting - errors are cheap"


def summary_only(source: Path, target: Path) -> None:
    """A copy of the workbook that prints only its Summary sheet on one page.

    The copy is made as ``generate --pdf`` makes it (the workbook's own parts,
    charts included, with the other sheets hidden): a copy saved through
    openpyxl would lose the charts."""
    target.write_bytes(pdf.summary_only(source.read_bytes()))


def main() -> int:
    if shutil.which("pdftoppm") is None:
        print("pdftoppm is missing: apt-get install -y poppler-utils", file=sys.stderr)
        return 1
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        copies = []
        for name in TEMPLATE_NAMES:
            copy = scratch / f"{name}.xlsx"
            summary_only(ROOT / "templates" / f"{name}.xlsx", copy)
            copies.append(copy)
        for pdf in export_pdf(copies, scratch / "pdf"):
            stem = IMAGES / pdf.stem
            subprocess.run(
                ["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile", pdf, stem],
                check=True,
            )
            print(f"rendered {stem.with_suffix('.png').relative_to(ROOT)}")
        render_risk_sheet(scratch / "risk")
        render_scenario_pdf(scratch / "batch")
    return 0


def render_risk_sheet(folder: Path) -> None:
    """The Risk sheet of tco_comparison.xlsx (its illustrative ranges) on one page."""
    folder.mkdir()
    copy = folder / "tco_comparison_risk.xlsx"
    source = (ROOT / "templates" / "tco_comparison.xlsx").read_bytes()
    copy.write_bytes(pdf.summary_only(source, sheet="Risk"))
    (printed,) = export_pdf([copy], folder / "pdf")
    target = IMAGES / "tco_comparison_risk"
    subprocess.run(["pdftoppm", "-png", "-r", "200", "-singlefile", printed, target], check=True)
    _trim(target.with_suffix(".png"))
    print(f"rendered {target.with_suffix('.png').relative_to(ROOT)}")


def _trim(png: Path, margin: int = 24) -> None:
    """The picture cut to what is printed on it, with a white margin: a tall sheet fitted
    on a landscape page fills a third of it."""
    from PIL import Image, ImageChops  # Pillow comes with matplotlib (the test extra)

    image = Image.open(png).convert("RGB")
    box = ImageChops.difference(image, Image.new("RGB", image.size, "white")).getbbox()
    if box is not None:
        left, top, right, bottom = box
        image = image.crop(
            (
                max(0, left - margin),
                max(0, top - margin),
                min(image.width, right + margin),
                min(image.height, bottom + margin),
            )
        )
    image.save(png, optimize=True)


def render_scenario_pdf(folder: Path) -> None:
    """The example scenario's filled Summary and its PDF, as ``generate --pdf`` writes it."""
    import yaml

    scenarios = yaml.safe_load(EXAMPLE_SCENARIOS.read_text(encoding="utf-8"))["scenarios"]
    chosen = [s for s in scenarios if s["name"] == PDF_SCENARIO]
    report = xlfuncs.generate(chosen, folder, pdf=True)
    if not report.pdfs:
        raise SystemExit(f"no PDF: {report.pdf_unavailable or report.failures}")
    copy = folder / "summary" / "scenario_summary.xlsx"
    copy.parent.mkdir()
    summary_only(Path(report.written[0]), copy)
    (summary,) = export_pdf([copy], folder / "summary-pdf")
    for source, stem in ((summary, "scenario_summary"), (report.pdfs[0], "scenario_pdf")):
        target = IMAGES / stem
        subprocess.run(["pdftoppm", "-png", "-r", "100", "-singlefile", source, target], check=True)
        print(f"rendered {target.with_suffix('.png').relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
