"""Token prices by model name for scenario files, looked up once per run on one date.

An option of a scenario file may name its model (``model: gpt-4o``, and
optionally ``provider`` and ``as_of``) instead of typing its prices. The
prices are those :func:`xlfuncs.model_price` gives: genai-prices' list prices
in US dollars per 1,000,000 tokens. They are looked up here, in the process
that reads the file, on one date for the whole run (the day the run started,
unless the option gives ``as_of``), so that workers, and a run that passes
midnight, all use the same prices. The workbook's ``source`` input says which
model, provider, date and genai-prices version the prices came from.
"""

from __future__ import annotations

from datetime import date

from ..._errors import InputError

__all__ = ["PRICE_KEYS", "PriceBook"]

#: Option keys that name a model instead of giving prices.
PRICE_KEYS = ("model", "provider", "as_of")


class PriceBook:
    """Model prices for one run: each (model, provider, day) looked up once."""

    def __init__(self, today: date | None = None):
        self.today = today or date.today()
        self._found: dict[tuple, tuple[dict[str, float], str] | InputError] = {}
        self._version: str | None = None

    def prices(
        self, model: str, provider: str | None, as_of: object
    ) -> tuple[dict[str, float], str]:
        """``({"input_price": ..., "output_price": ..., "cached_price": ...}, source text)``.

        Raises :class:`~xlfuncs.InputError` (or its subclass ``NotFoundError``)
        for an unknown model or provider, with the closest names, or a missing
        price; the message is the one ``MODEL_PRICE`` gives, without its name.
        """
        key = (model.strip().lower(), (provider or "").strip().lower(), str(as_of or ""))
        if key not in self._found:
            self._found[key] = self._look_up(model, provider, as_of)
        found = self._found[key]
        if isinstance(found, InputError):
            raise found
        return found

    def _look_up(self, model, provider, as_of):
        from ..._errors import MissingDependencyError
        from ..._genai_prices import lookup_prices, price_source

        try:
            found = lookup_prices(model, provider or None, as_of or self.today, function="model")
        except InputError as error:
            return type(error)(str(error).removeprefix("model: "))
        except MissingDependencyError as error:
            return InputError(str(error).removeprefix("model: "))
        missing = [k for k in ("input", "output") if getattr(found, k) is None]
        if missing:
            return InputError(
                f"the price data has no {missing[0]} price for {found.model} ({found.provider}); "
                "type the prices instead"
            )
        if self._version is None:
            self._version = price_source().version
        prices = {
            "input_price": found.input,
            "output_price": found.output,
            "cached_price": found.input if found.cached_input is None else found.cached_input,
        }
        cached = "" if found.cached_input is not None else "; no cache-read price, input price used"
        source = (
            f"{found.provider} {found.model}: list prices in US dollars per 1M tokens on "
            f"{found.as_of.isoformat()}, from genai-prices {self._version}{cached}"
        )
        return prices, source
