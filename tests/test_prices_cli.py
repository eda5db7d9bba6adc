"""``xlfuncs prices``: the table, the CSV, and its errors."""

from __future__ import annotations

import csv
import io
import sys
from datetime import date

import pytest

from xlfuncs._genai_prices import lookup_prices, price_source
from xlfuncs.cli import main

genai_prices = pytest.importorskip("genai_prices")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["prices", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_csv_has_the_looked_up_prices_and_the_data_version(capsys):
    code, out, err = run(
        capsys, "gpt-4o", "claude-3-5-sonnet", "o3", "--as-of", "2025-06-09", "--csv"
    )
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["model"] for r in rows] == ["gpt-4o", "claude-3-5-sonnet", "o3"]
    source = price_source()
    for row in rows:
        prices = lookup_prices(row["model"], as_of=date(2025, 6, 9))
        assert float(row["input"]) == prices.input
        assert float(row["output"]) == prices.output
        assert float(row["cached_input"]) == prices.cached_input
        assert row["matched_model"] == prices.model
        assert row["provider"] == prices.provider
        assert row["as_of"] == "2025-06-09"
        assert row["source"] == f"genai-prices {genai_prices.__version__}"
        assert row["source_newest_change"] == source.newest_change.isoformat()


def test_table_shows_prices_dates_and_where_they_come_from(capsys):
    code, out, err = run(capsys, "o3", "gemini-2.5-pro", "--provider", "", "--as-of", "2025-07-01")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == [
        "model", "matched", "provider", "input", "output", "cached", "input", "since", "notes"
    ]  # fmt: skip
    o3 = lookup_prices("o3", as_of=date(2025, 7, 1))
    assert lines[1].split()[:7] == [
        "o3", "o3", "openai", f"{o3.input:.2f}", f"{o3.output:.2f}", f"{o3.cached_input:.2f}",
        "2025-06-10",
    ]  # fmt: skip
    assert lines[2].split()[-1] == "tiered"
    assert "US dollars per 1,000,000 tokens on 2025-07-01." in out
    assert "tiered: base tier" in out
    assert f"genai-prices {genai_prices.__version__}" in out
    assert f"{sys.executable} -m pip install --upgrade genai-prices" in out


def test_unknown_model_is_reported_and_the_others_still_printed(capsys):
    code, out, err = run(capsys, "gtp-4o", "gpt-4o", "--csv")
    assert code == 1
    assert "xlfuncs prices: unknown model 'gtp-4o'; closest known names: gpt-4o" in err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["model"] for r in rows] == ["gpt-4o"]


def test_provider_option(capsys):
    code, out, _ = run(capsys, "claude-3-5-sonnet", "--provider", "anthropic", "--csv")
    assert code == 0
    (row,) = csv.DictReader(io.StringIO(out))
    assert row["provider"] == "anthropic"
    code, _, err = run(capsys, "gpt-4o", "--provider", "openia")
    assert code == 1
    assert "unknown provider 'openia'; closest known names: openai" in err


def test_bad_date_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as raised:
        main(["prices", "gpt-4o", "--as-of", "30/06/2025"])
    assert raised.value.code == 2
    assert "not a date as YYYY-MM-DD: '30/06/2025'" in capsys.readouterr().err
