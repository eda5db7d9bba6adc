"""Model prices by name and date: checked against genai-prices' own price calculation.

Expected prices are never copied into these tests: each comes from
``genai_prices.calc_price`` (the library's own path from a usage to a bill),
so the tests hold for whatever price data the installed version bundles.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import numpy as np
import pytest
from bad_values import ALLOWED, NOT_NUMBERS
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils.datetime import from_excel

import xlfuncs
from xlfuncs import InputError, NotFoundError, model_price, model_token_cost, token_cost
from xlfuncs._arguments import excel_date
from xlfuncs._genai_prices import lookup_prices, price_source

genai_prices = pytest.importorskip("genai_prices")
from genai_prices import Usage, calc_price  # noqa: E402
from genai_prices.data_snapshot import DataSnapshot, get_snapshot, set_custom_snapshot  # noqa: E402
from genai_prices.types import (  # noqa: E402
    ClauseEquals,
    ConditionalPrice,
    ModelInfo,
    ModelPrice,
    Provider,
    StartDateConstraint,
    Tier,
    TieredPrices,
    TimeOfDateConstraint,
)

UTC = timezone.utc  # datetime.UTC needs Python 3.11

_TOKENS = 1000  # below every context-length tier, so calc_price bills the base tier
_USAGE = {
    "input": {"input_tokens": _TOKENS},
    "output": {"output_tokens": _TOKENS},
    "cached_input": {"input_tokens": _TOKENS, "cache_read_tokens": _TOKENS},
}


def library_price(model: str, kind: str, provider: str | None, day: date) -> float:
    """What genai-prices bills for 1,000,000 tokens of ``kind`` at noon UTC on ``day``."""
    bill = calc_price(
        Usage(**_USAGE[kind]),
        model,
        provider_id=provider,
        genai_request_timestamp=datetime.combine(day, time(12), tzinfo=UTC),
    )
    per_call = bill.output_price if kind == "output" else bill.input_price
    return float(per_call * Decimal(1_000_000 // _TOKENS))


WELL_KNOWN = [
    ("gpt-4o", None),
    ("gpt-4o-mini", None),
    ("claude-3-5-sonnet", None),
    ("claude-sonnet-4", "anthropic"),
    ("o3", "openai"),
    ("gemini-2.5-pro", None),  # prices rise above 200k tokens of context: base tier
    ("gpt-4o", "azure"),  # Azure's list falls back to OpenAI's prices
]


@pytest.mark.parametrize(("model", "provider"), WELL_KNOWN)
@pytest.mark.parametrize("kind", ["input", "output", "cached_input"])
def test_well_known_models_match_genai_prices(model, provider, kind):
    today = date.today()
    try:
        expected = library_price(model, kind, provider, today)
    except LookupError:  # older genai-prices data lacks a few of these
        pytest.skip(f"genai-prices {genai_prices.__version__} does not list {model} ({provider})")
    got = model_price(model, kind, provider)
    assert got == expected
    assert got > 0  # a real price, not a stand-in zero


def test_default_kind_is_output():
    assert model_price("gpt-4o") == model_price("gpt-4o", "output")


def test_kind_is_forgiving_about_case_and_spaces():
    assert model_price(" GPT-4o ", "Cached input") == model_price("gpt-4o", "cached_input")


def test_o3_price_cut_on_2025_06_10():
    # The data records o3's 80 % cut taking effect on 10 June 2025.
    before, after = date(2025, 6, 9), date(2025, 6, 10)
    for kind in ["input", "output"]:
        old = model_price("o3", kind, "openai", before)
        new = model_price("o3", kind, "openai", after)
        assert old == library_price("o3", kind, "openai", before)
        assert new == library_price("o3", kind, "openai", after)
        assert new == pytest.approx(old * 0.2)  # the cut as announced: 80 % off
    assert lookup_prices("o3", "openai", after).since == after
    assert lookup_prices("o3", "openai", before).since is None


def _dated_changes():
    """(provider, model, start date) of every dated price change in the bundled data."""
    for provider in get_snapshot().providers:
        for model in provider.models:
            if not isinstance(model.prices, list):
                continue
            if any(isinstance(e.constraint, TimeOfDateConstraint) for e in model.prices):
                continue  # prices by the hour: tested on their own below
            for entry in model.prices:
                if isinstance(entry.constraint, StartDateConstraint):
                    yield provider.id, model.id, entry.constraint.start_date


def test_every_dated_price_change_matches_genai_prices():
    changes = list(_dated_changes())
    assert changes  # o3's cut at least; an empty loop would test nothing
    compared = 0
    for provider, model, start in changes:
        for day in (start - timedelta(days=1), start):
            prices = lookup_prices(model, provider, day)
            for kind in ["input", "output", "cached_input"]:
                ours = getattr(prices, kind)
                if ours is None:
                    continue
                try:
                    expected = library_price(model, kind, provider, day)
                except LookupError:  # an entry whose match rule misses its own id
                    continue
                assert ours == expected, (provider, model, day, kind)
                compared += 1
    # Input prices on both days of nearly every change were compared (a few entries'
    # match rules miss their own id, and genai-prices cannot bill them).
    assert compared >= len(changes)


def test_exact_model_id_is_found_even_if_its_match_rule_misses_it():
    for provider in get_snapshot().providers:
        for model in provider.models:
            if provider.find_model(model.id) is None:
                assert lookup_prices(model.id, provider.id).model == model.id


def _hourly_models():
    for provider in get_snapshot().providers:
        for model in provider.models:
            if isinstance(model.prices, list) and any(
                isinstance(e.constraint, TimeOfDateConstraint) for e in model.prices
            ):
                yield provider.id, model.id


def test_hourly_prices_are_those_of_most_of_the_day():
    models = list(_hourly_models())
    assert models  # DeepSeek's peak and off-peak prices
    today = date.today()
    for provider, model in models:
        # genai-prices' bill at each half hour of the day; the most frequent price wins.
        bills = Counter()
        for half_hour in range(48):
            moment = datetime.combine(today, time(half_hour // 2, 30 * (half_hour % 2)), UTC)
            bill = calc_price(
                Usage(input_tokens=_TOKENS),
                model,
                provider_id=provider,
                genai_request_timestamp=moment,
            )
            bills[float(bill.input_price * 1000)] += 1
        prices = lookup_prices(model, provider)
        assert prices.input == bills.most_common(1)[0][0], model
        assert prices.time_of_day


def test_tiered_price_is_flagged_and_is_the_base_tier():
    prices = lookup_prices("gemini-2.5-pro")
    assert prices.tiered
    assert prices.input == library_price("gemini-2.5-pro", "input", None, date.today())


def test_model_token_cost_is_token_cost_at_the_looked_up_prices():
    day = date(2025, 5, 1)
    inputs = np.array([[1000.0], [20000.0]])
    outputs = np.array([[500.0, 3000.0]])
    got = model_token_cost(
        "claude-3-5-sonnet", inputs, outputs, reasoning_tokens=700, calls=2.5, cached_share=0.4
    )
    expected = token_cost(
        inputs,
        outputs,
        model_price("claude-3-5-sonnet", "input"),
        model_price("claude-3-5-sonnet", "output"),
        reasoning_tokens=700,
        calls=2.5,
        cached_share=0.4,
        cached_price=model_price("claude-3-5-sonnet", "cached_input"),
    )
    np.testing.assert_array_equal(got, expected)
    single = model_token_cost("o3", 1000, 500, provider="openai", as_of=day)
    assert isinstance(single, float)
    # 1,000 input and 500 output tokens at genai-prices' o3 prices in May 2025.
    assert single == pytest.approx(
        (
            1000 * library_price("o3", "input", "openai", day)
            + 500 * library_price("o3", "output", "openai", day)
        )
        / 1e6
    )


def _token_cost_sweep():
    """Every numeric argument of model_token_cost, with the bad values of every function."""
    for name in ["input_tokens", "output_tokens", "reasoning_tokens", "calls", "cached_share"]:
        for value, text in NOT_NUMBERS + ALLOWED[name]:
            yield pytest.param(name, value, f"{name} {text}", id=f"{name}-{value!r}")
        if name in ("input_tokens", "output_tokens"):
            yield pytest.param(name, None, f"{name} is required, got a blank", id=f"{name}-blank")


@pytest.mark.parametrize(("name", "value", "text"), list(_token_cost_sweep()))
def test_model_token_cost_rejects_bad_numbers(name, value, text):
    arguments = {"model": "gpt-4o", "input_tokens": 1000, "output_tokens": 500, name: value}
    with pytest.raises(InputError) as raised:
        model_token_cost(**arguments)
    assert str(raised.value) == f"MODEL_TOKEN_COST: {text}"
    assert (raised.value.function, raised.value.argument) == ("MODEL_TOKEN_COST", name)
    assert not isinstance(raised.value, NotFoundError)


def test_model_token_cost_names_itself_in_bad_input():
    with pytest.raises(
        InputError, match=r"^MODEL_TOKEN_COST: cached_share must be between 0 and 1, got 40"
    ):
        model_token_cost("gpt-4o", 1000, 500, cached_share=40)


def test_model_token_cost_without_cache_price():
    # gpt-4 has input and output prices but no cache-read price in the data.
    prices = lookup_prices("gpt-4", "openai")
    assert prices.cached_input is None and prices.input and prices.output
    expected = token_cost(1000, 500, prices.input, prices.output)
    assert model_token_cost("gpt-4", 1000, 500, provider="openai") == expected
    assert model_token_cost("gpt-4", 1000, 500, cached_share=0, provider="openai") == expected
    with pytest.raises(
        NotFoundError, match=r"no cache-read price for gpt-4 .*set cached_share to 0"
    ):
        model_token_cost("gpt-4", 1000, 500, cached_share=[[0.0], [0.3]], provider="openai")


def test_model_token_cost_without_output_price():
    with pytest.raises(NotFoundError, match="no output price for text-embedding-3-small"):
        model_token_cost("text-embedding-3-small", 1000, 0, provider="openai")


# --- errors: each one clear, none a price of zero -----------------------------------------


@pytest.mark.parametrize(
    ("args", "error", "words"),
    [
        (
            ("gtp-4o",),
            NotFoundError,
            r"MODEL_PRICE: unknown model 'gtp-4o'; closest known names: .*\bgpt-4o\b",
        ),
        (("claude-3-5-sonet",), NotFoundError, r"closest known names: claude-3-5-sonnet"),
        (("zzqx-no-such-model",), NotFoundError, r"unknown model 'zzqx-no-such-model'"),
        (
            ("gpt-4o", "output", "openia"),
            NotFoundError,
            r"unknown provider 'openia'; closest known names: openai",
        ),
        (
            ("gpt-4o", "output", "anthropic"),
            NotFoundError,
            r"provider 'anthropic' has no model 'gpt-4o'.*openai",
        ),
        (
            ("text-embedding-3-small", "output", "openai"),
            NotFoundError,
            r"no output price for text-embedding-3-small \(openai\)",
        ),
        (
            ("text-embedding-3-small", "cached_input", "openai"),
            NotFoundError,
            r"no cache-read price",
        ),
        (("",), InputError, r"^MODEL_PRICE: model is required, got a blank$"),
        (("   ",), InputError, r"model is required, got a blank"),
        ((None,), InputError, r"model is required, got a blank"),
        ((4.0,), InputError, r"model must be a name \(text\) in one cell, got 4.0"),
        ((["gpt-4o", "o3"],), InputError, r"model must be a name .* got a range of cells"),
        (
            ("gpt-4o", "outptu"),
            InputError,
            r'kind must be one of "input", "output", "cached_input", got the text \'outptu\'',
        ),
        (("gpt-4o", "output", 7), InputError, r"provider must be a name"),
        (
            ("gpt-4o", "output", None, "next week"),
            InputError,
            r"as_of must be a date .*got the text 'next week'",
        ),
        (("gpt-4o", "output", None, 60), InputError, r"29 February 1900"),
        (("gpt-4o", "output", None, -3), InputError, r"as_of must be a date"),
        (("gpt-4o", "output", None, True), InputError, r"as_of must be a date .*got TRUE"),
    ],
)
def test_errors_are_clear_and_never_zero(args, error, words):
    with pytest.raises(error, match=words):
        model_price(*args)


def test_not_found_is_an_input_error_and_a_lookup_error():
    with pytest.raises(InputError):
        model_price("gtp-4o")
    with pytest.raises(LookupError):
        model_price("gtp-4o")
    assert issubclass(xlfuncs.NotFoundError, xlfuncs.InputError)


def test_name_listed_by_several_providers_asks_for_one():
    with pytest.raises(
        InputError, match=r"listed by several providers \(.*openai.*\): give one as provider"
    ) as raised:
        model_price("text-embedding-3-small", "input")
    assert not isinstance(
        raised.value, NotFoundError
    )  # the name is known: #VALUE! with the message


def test_failures_are_cached_and_raised_afresh():
    for _ in range(2):  # the second call comes from the cache and must raise just the same
        with pytest.raises(NotFoundError, match="gtp-4o"):
            model_price("gtp-4o")


# --- dates ----------------------------------------------------------------------------------


def test_as_of_forms_agree():
    day = date(2025, 6, 9)
    serial = 45817  # =DATE(2025,6,9) in Excel (openpyxl's to_excel agrees, checked below)
    assert from_excel(serial).date() == day
    values = {
        model_price("o3", "input", "openai", form)
        for form in [
            day,
            datetime(2025, 6, 9, 23, 59),
            serial,
            serial + 0.99,
            float(serial),
            np.int64(serial),
            "2025-06-09",
        ]
    }
    assert values == {library_price("o3", "input", "openai", day)}


def test_blank_as_of_is_today():
    assert lookup_prices("gpt-4o", as_of="").as_of == date.today()
    assert lookup_prices("gpt-4o").as_of == date.today()


def test_excel_date_anchors():
    # Excel's 1900 date system: 1 is 1 Jan 1900, 59 is 28 Feb 1900, 60 the phantom 29 Feb,
    # 61 is 1 Mar 1900; 2958465 is 31 Dec 9999, Excel's last date.
    assert excel_date(1) == date(1900, 1, 1)
    assert excel_date(59) == date(1900, 2, 28)
    assert excel_date(61) == date(1900, 3, 1)
    assert excel_date(2958465) == date(9999, 12, 31)
    for bad in [0, 0.5, 60, 60.5, 2958466, math.nan, math.inf]:
        with pytest.raises(ValueError):
            excel_date(bad)


@given(st.integers(min_value=1, max_value=2958465).filter(lambda s: s != 60), st.floats(0, 0.999))
def test_excel_date_matches_openpyxl(serial, time_of_day):
    # openpyxl's from_excel is an independent implementation of the same calendar.
    assert excel_date(serial + time_of_day) == from_excel(serial).date()


# --- where the prices come from -----------------------------------------------------------


def test_price_source_names_the_installed_version():
    source = price_source()
    assert source.version == genai_prices.__version__
    assert source.newest_change is not None and source.newest_change <= date.today()


def _toy_snapshot():
    def model(model_id, prices, **extra):
        return ModelInfo(id=model_id, match=ClauseEquals(equals=model_id), prices=prices, **extra)

    return DataSnapshot(
        providers=[
            Provider(
                id="acme",
                name="Acme",
                api_pattern="acme",
                models=[
                    model("widget", ModelPrice(input_mtok=Decimal("1.5"), output_mtok=Decimal(6))),
                    model(
                        "gadget",
                        [
                            ConditionalPrice(
                                prices=ModelPrice(input_mtok=Decimal(4), output_mtok=Decimal(8))
                            ),
                            ConditionalPrice(
                                constraint=StartDateConstraint(start_date=date(2025, 3, 1)),
                                prices=ModelPrice(input_mtok=Decimal(2), output_mtok=Decimal(4)),
                            ),
                            # Dearer from 06:00 to 09:00: a minority of the day.
                            ConditionalPrice(
                                constraint=TimeOfDateConstraint(
                                    start_time=time(6, tzinfo=UTC), end_time=time(9, tzinfo=UTC)
                                ),
                                prices=ModelPrice(input_mtok=Decimal(9), output_mtok=Decimal(9)),
                            ),
                        ],
                    ),
                    model(
                        "long",
                        ModelPrice(
                            input_mtok=TieredPrices(
                                base=Decimal(1), tiers=[Tier(start=200_000, price=Decimal(2))]
                            ),
                            output_mtok=Decimal(5),
                            cache_read_mtok=Decimal("0.1"),
                        ),
                    ),
                    # Cheaper from 20:00 to 06:00 (ten hours), dearer the other fourteen.
                    model(
                        "nightly",
                        [
                            ConditionalPrice(
                                prices=ModelPrice(input_mtok=Decimal(1), output_mtok=Decimal(1))
                            ),
                            ConditionalPrice(
                                constraint=TimeOfDateConstraint(
                                    start_time=time(6, tzinfo=UTC), end_time=time(20, tzinfo=UTC)
                                ),
                                prices=ModelPrice(input_mtok=Decimal(2), output_mtok=Decimal(2)),
                            ),
                        ],
                    ),
                ],
            )
        ],
        from_auto_update=True,
    )


def test_lookups_follow_data_the_user_chose_to_load():
    """Data loaded in Python (e.g. by genai-prices' UpdatePrices) replaces the cached lookups."""
    model_price("gpt-4o")  # fill the cache from the bundled data
    set_custom_snapshot(_toy_snapshot())
    try:
        assert model_price("widget", "input") == 1.5
        with pytest.raises(NotFoundError, match="unknown model 'gpt-4o'"):
            model_price("gpt-4o")
        gadget_before = lookup_prices("gadget", as_of=date(2025, 2, 28))
        gadget_after = lookup_prices("gadget", as_of=date(2025, 3, 1))
        assert (gadget_before.input, gadget_before.since) == (4.0, None)
        assert (gadget_after.input, gadget_after.since) == (2.0, date(2025, 3, 1))
        assert gadget_after.time_of_day  # the 3-hour window is set aside
        assert lookup_prices("nightly").input == 2.0  # 14 hours at 2 beat 10 hours at 1
        long = lookup_prices("long")
        assert (long.input, long.tiered, long.cached_input) == (1.0, True, 0.1)
        with pytest.raises(NotFoundError, match="no cache-read price for widget"):
            model_price("widget", "cached_input")
        assert model_token_cost("widget", 1000, 1000) == pytest.approx(
            (1000 * 1.5 + 1000 * 6) / 1e6
        )
        with pytest.raises(NotFoundError, match="no cache-read price for widget"):
            model_token_cost("widget", 1000, 1000, cached_share=[0, 0.5])
    finally:
        set_custom_snapshot(None)
    assert model_price("gpt-4o") == library_price("gpt-4o", "output", None, date.today())
