"""The SPEC formulas as worksheet formula text: one builder per formula, used by every template.

Each builder takes its arguments as formula expressions (a defined name such
as ``b_accuracy``, a cell such as ``E12``, a number, or any formula) and
returns the formula text without its leading ``=``. A compound argument is
put in parentheses, so a builder's result can itself be an argument. Only
classic worksheet functions appear (``IF``, ``LN``, ``ABS``, ``ROUND``), so
Excel, LibreOffice and Google Sheets calculate the same, and the text reads
like the formula in SPEC, which a finance reader can audit.

Every builder is tested against the numeric core (:mod:`xlfuncs`) by
recalculating a grid of cases in LibreOffice, and against a month-by-month
reference with this package's own evaluator on random inputs.

The TCO has one sheet form, :func:`tco_closed`: the upfront build plus the
cost per task times the discounted volume factor plus the fixed cost times
the discounted fixed-cost factor, the two factors being sums over the
monthly timeline (:func:`discounted_volume`, :func:`discounted_fixed`).
Two other forms exist only to check it: :func:`tco_by_months` (the build
plus the discounted month costs of the timeline) and :func:`discount_series`
(the factors' closed-form geometric series).

Every text a builder returns is remembered (:func:`outputs`), so a test can
tell model arithmetic a template wrote through a builder from arithmetic
written by hand. Builders take names and cells, not figures, so the set
stays small.

>>> token_cost("input_tokens", "output_tokens", "input_price", "output_price")
'(input_tokens*input_price+output_tokens*output_price)/1000000'
>>> error_cost("b_accuracy", "b_cost_per_error")
'(1-b_accuracy)*b_cost_per_error'
>>> margin("E5+1", "E6")
'((E5+1)-E6)/(E5+1)'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

__all__ = [
    "TIE_DIGITS",
    "all_in_cost",
    "blended_error_cost",
    "breakeven_accuracy",
    "breakeven_error_cost",
    "breakeven_volume",
    "calls_cost",
    "cost_per_correct",
    "discount_factor",
    "discount_series",
    "discounted",
    "discounted_fixed",
    "discounted_volume",
    "error_cost",
    "filled",
    "fixed_per_volume",
    "from_usd",
    "frontier_premium",
    "growth_factor",
    "hdr",
    "labour_cost",
    "margin",
    "margin_drift",
    "monthly_cost",
    "monthly_discount_rate",
    "net_value",
    "outputs",
    "per_month",
    "price_in_year",
    "review_cost",
    "rounded",
    "rounded_difference",
    "rounded_share",
    "selfhost_cost",
    "slowdown",
    "tasks_in_month",
    "tco_by_months",
    "tco_closed",
    "token_cost",
    "tokens_per_task",
    "value_of_correct",
    "waiting_hours",
    "years_to_zero_margin",
]

#: Figures compared inside a formula (ties in a ranking, equality checks) are
#: first divided by a stated scale and rounded to this many decimals, so that
#: every engine takes the same branch: two figures within about 1e-9 of the
#: scale count as equal.
TIE_DIGITS = 9

_OUTPUTS: set[str] = set()
#: The outputs that hold ``{placeholders}`` a template fills in later (``{p}accuracy``).
_TO_FILL: set[str] = set()


def _builder(function: Callable[..., str]) -> Callable[..., str]:
    """A formula builder: its result is remembered in :func:`outputs`.

    Applied to every builder at the end of this module rather than as a
    decorator, so that mutation testing (mutmut leaves decorated functions
    alone) reaches the builders' bodies. Wrapping a builder twice is harmless:
    the second call returns it as it is.
    """
    if getattr(function, "_remembers_outputs", False):
        return function

    @functools.wraps(function)
    def build(*args: object, **kwargs: object) -> str:
        text = function(*args, **kwargs)
        _OUTPUTS.add(text)
        if "{" in text:
            _TO_FILL.add(text)
        return text

    build._remembers_outputs = True  # type: ignore[attr-defined]
    return build


def filled(template: str, **fields: object) -> str:
    """``template.format(**fields)``: a formula with its ``{placeholders}`` filled in.

    Every builder output the template holds is remembered filled in too, so
    that :func:`outputs` has the text as the cell shows it.

    >>> filled("=" + discounted("{c}{t_cost}", "{c}{t_discount}"), c="F", t_cost=41, t_discount=37)
    '=F41*F37'
    >>> "F41*F37" in outputs()
    True
    """
    for text in [t for t in _TO_FILL if t in template]:
        try:
            _OUTPUTS.add(text.format(**fields))
        except (KeyError, IndexError, ValueError):  # braces that belong to the template
            continue
    return template.format(**fields)


def outputs() -> frozenset[str]:
    """Every formula text a builder of this module has returned so far in this process,
    and each filled in by :func:`filled`.
    """
    return frozenset(_OUTPUTS)


# A name, a cell, a number, or a ``{placeholder}`` a template fills in later.
_ATOM = re.compile(r"[A-Za-z_${][\w$.!'{}\[\]]*|\d+(\.\d+)?")


def _arg(expression: str | float) -> str:
    """An argument as it goes into a larger formula: compound ones in parentheses."""
    text = expression if isinstance(expression, str) else _number(expression)
    if _ATOM.fullmatch(text) or _balanced_call(text) or _wrapped(text):
        return text
    return f"({text})"


def _summand(expression: str) -> str:
    """An expression added to another (``a+x``): parentheses only if it compares or joins."""
    depth, top = 0, []
    for char in expression:
        depth += char == "("
        depth -= char == ")"
        if depth == 0:
            top.append(char)
    return f"({expression})" if set('=<>&"') & set(top) else expression


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _wrapped(text: str) -> bool:
    """Whether the whole text is one parenthesised group, e.g. ``(a+b)``."""
    if not (text.startswith("(") and text.endswith(")")):
        return False
    depth = 0
    for index, char in enumerate(text):
        depth += char == "("
        depth -= char == ")"
        if depth == 0 and index < len(text) - 1:
            return False
    return True


def _balanced_call(text: str) -> bool:
    """Whether the whole text is one function call, e.g. ``SUM(E5:H5)``."""
    match = re.match(r"[A-Z][A-Z0-9.]*\(", text)
    return bool(match) and _wrapped(text[match.end() - 1 :])


def _is_zero(expression: str | float | None) -> bool:
    return expression is None or (not isinstance(expression, str) and expression == 0)


def token_cost(
    input_tokens: str,
    output_tokens: str,
    input_price: str,
    output_price: str,
    reasoning_tokens: str | float | None = None,
    calls: str | float | None = None,
    cached_share: str | float | None = None,
    cached_price: str | None = None,
) -> str:
    """TOKEN_COST: ``calls * (input_tokens * ((1 - cached_share) * input_price
    + cached_share * cached_price) + (output_tokens + reasoning_tokens) * output_price) / 1e6``.

    Omitted arguments take SPEC's defaults and drop out of the text.

    >>> token_cost("i", "o", "ip", "op", "r", "c", "s", "cp")
    'c*(i*((1-s)*ip+s*cp)+(o+r)*op)/1000000'
    """
    if _is_zero(cached_share):
        input_part = f"{_arg(input_tokens)}*{_arg(input_price)}"
    else:
        share = _arg(cached_share)
        cached = _arg(cached_price if cached_price is not None else input_price)
        input_part = f"{_arg(input_tokens)}*((1-{share})*{_arg(input_price)}+{share}*{cached})"
    if _is_zero(reasoning_tokens):
        output_part = f"{_arg(output_tokens)}*{_arg(output_price)}"
    else:
        output_part = f"({_arg(output_tokens)}+{_arg(reasoning_tokens)})*{_arg(output_price)}"
    per_call = f"({input_part}+{output_part})/1000000"
    if calls is None or (not isinstance(calls, str) and calls == 1):
        return per_call
    return f"{_arg(calls)}*{per_call}"


def from_usd(usd_amount: str, usd_rate: str) -> str:
    """A US-dollar amount (a model's list price) in the workbook's currency:
    ``usd_amount * usd_rate``, the rate being units of that currency per US dollar.

    >>> from_usd("b_input_price", "usd_rate")
    'b_input_price*usd_rate'
    """
    return f"{_arg(usd_amount)}*{_arg(usd_rate)}"


def selfhost_cost(
    gpu_hour_price: str,
    tokens_per_task: str,
    tokens_per_second: str,
    utilization: str | float | None = None,
) -> str:
    """SELFHOST_COST: ``gpu_hour_price * tokens_per_task / (3600 * tokens_per_second
    * utilization)``.

    >>> selfhost_cost("g", "t", "s", "u")
    'g*t/(3600*s*u)'
    """
    capacity = f"3600*{_arg(tokens_per_second)}"
    if utilization is not None and not (not isinstance(utilization, str) and utilization == 1):
        capacity += f"*{_arg(utilization)}"
    return f"{_arg(gpu_hour_price)}*{_arg(tokens_per_task)}/({capacity})"


def blended_error_cost(cost_per_error: str, catch_rate: str, cost_per_caught_error: str) -> str:
    """Cost of one error when a share is caught and costs rework instead:
    ``(1 - catch_rate) * cost_per_error + catch_rate * cost_per_caught_error``
    (ERROR_COST at accuracy 0).

    >>> blended_error_cost("e", "c", "k")
    '(1-c)*e+c*k'
    """
    c = _arg(catch_rate)
    return f"(1-{c})*{_arg(cost_per_error)}+{c}*{_arg(cost_per_caught_error)}"


def error_cost(
    accuracy: str,
    cost_per_error: str,
    catch_rate: str | None = None,
    cost_per_caught_error: str | None = None,
) -> str:
    """ERROR_COST: ``(1 - accuracy) * ((1 - catch_rate) * cost_per_error
    + catch_rate * cost_per_caught_error)``; without a catch rate, ``(1 - accuracy)
    * cost_per_error``.

    >>> error_cost("a", "e", "c", "k")
    '(1-a)*((1-c)*e+c*k)'
    """
    per_error = (
        _arg(cost_per_error)
        if catch_rate is None
        else f"({blended_error_cost(cost_per_error, catch_rate, cost_per_caught_error or '0')})"
    )
    return f"(1-{_arg(accuracy)})*{per_error}"


def cost_per_correct(cost_per_task: str, accuracy: str) -> str:
    """COST_PER_CORRECT: ``cost_per_task / accuracy`` (the caller guards accuracy 0).

    >>> cost_per_correct("c", "a")
    'c/a'
    """
    return f"{_arg(cost_per_task)}/{_arg(accuracy)}"


def net_value(
    value_per_correct: str, accuracy: str, cost_per_task: str, cost_per_error: str
) -> str:
    """NET_VALUE: ``accuracy * value_per_correct - cost_per_task - (1 - accuracy)
    * cost_per_error``.

    >>> net_value("v", "a", "c", "e")
    'a*v-c-(1-a)*e'
    """
    a = _arg(accuracy)
    return f"{a}*{_arg(value_per_correct)}-{_arg(cost_per_task)}-(1-{a})*{_arg(cost_per_error)}"


def value_of_correct(accuracy: str, value_per_correct: str) -> str:
    """Expected value of the right results per task, NET_VALUE's first term: ``accuracy
    * value_per_correct``.

    >>> value_of_correct("a", "v")
    'a*v'
    """
    return f"{_arg(accuracy)}*{_arg(value_per_correct)}"


def monthly_discount_rate(annual_discount_rate: str) -> str:
    """The monthly rate of an effective annual rate: ``(1 + annual) ** (1/12) - 1``.

    >>> monthly_discount_rate("annual_discount_rate")
    '(1+annual_discount_rate)^(1/12)-1'
    """
    return f"(1+{_arg(annual_discount_rate)})^(1/12)-1"


def growth_factor(monthly_growth: str, month: str) -> str:
    """Volume in month m relative to month 1: ``(1 + g) ** (m - 1)``.

    >>> growth_factor("monthly_growth", "E5")
    '(1+monthly_growth)^(E5-1)'
    """
    return f"(1+{_arg(monthly_growth)})^({_arg(month)}-1)"


def discount_factor(monthly_rate: str, month: str) -> str:
    """End-of-month discount factor, as Excel's NPV: ``1 / (1 + r) ** m``.

    >>> discount_factor("monthly_discount_rate", "E5")
    '1/(1+monthly_discount_rate)^E5'
    """
    return f"1/(1+{_arg(monthly_rate)})^{_arg(month)}"


def discount_series(
    ratio: str, months: str = "months", monthly_rate: str = "monthly_discount_rate"
) -> str:
    """Sum over m = 1..months of ``ratio ** (m - 1) / (1 + r) ** m``, in closed form.

    The volume factor of TCO has ``ratio = (1 + g) / (1 + r)`` and the
    fixed-cost factor ``ratio = 1 / (1 + r)``. Near ratio = 1 the textbook
    ``(q ** n - 1) / (q - 1)`` loses digits, so a third-order expansion is
    used within 1e-6 of it. The templates sum the same factors month by month
    on their timelines; this closed form cross-checks those sums.

    >>> discount_series("q", "n", "r")
    'IF(ABS(q-1)<0.000001,n+(q-1)*n*(n-1)/2+(q-1)^2*n*(n-1)*(n-2)/6,(q^n-1)/(q-1))/(1+r)'
    """
    q, n = _arg(ratio), _arg(months)
    series = f"({q}^{n}-1)/({q}-1)"
    near_one = f"{n}+({q}-1)*{n}*({n}-1)/2+({q}-1)^2*{n}*({n}-1)*({n}-2)/6"
    return f"IF(ABS({q}-1)<0.000001,{near_one},{series})/(1+{_arg(monthly_rate)})"


def tco_closed(
    upfront: str | None,
    tasks_per_month: str,
    all_in_cost: str,
    monthly_fixed: str | None,
    volume_factor: str = "volume_factor",
    fixed_factor: str = "fixed_factor",
) -> str:
    """TCO, the one sheet form: ``upfront + tasks_per_month * all_in_cost * volume_factor
    + monthly_fixed * fixed_factor``, with ``all_in_cost`` the cost per task errors
    included (:func:`all_in_cost`) and the factors the timeline's sums of
    :func:`discounted_volume` and :func:`discounted_fixed` over the horizon; ``upfront`` or
    ``monthly_fixed`` None when there is none. Checked against :func:`tco_by_months`.

    >>> tco_closed("u", "t", "c", "f")
    'u+t*c*volume_factor+f*fixed_factor'
    """
    total = f"{_arg(tasks_per_month)}*{_arg(all_in_cost)}*{_arg(volume_factor)}"
    if monthly_fixed is not None:
        total += f"+{_arg(monthly_fixed)}*{_arg(fixed_factor)}"
    return total if upfront is None else f"{_summand(upfront)}+{total}"


def all_in_cost(cost_per_task: str, error_cost: str) -> str:
    """Cost per task, errors included: ``cost_per_task + error_cost`` (TCO's cost per task
    plus ERROR_COST).

    >>> all_in_cost("c", error_cost("a", "e"))
    'c+(1-a)*e'
    """
    return f"{_summand(cost_per_task)}+{_summand(error_cost)}"


def monthly_cost(
    tasks: str, all_in_cost: str, monthly_fixed: str, in_horizon: str | None = None
) -> str:
    """One month's cost, errors included (TCO's month term before discounting):
    ``tasks * all_in_cost + monthly_fixed``, the fixed cost times ``in_horizon`` (1 in the
    horizon, 0 after it) when given.

    >>> monthly_cost("t", all_in_cost("c", error_cost("a", "e")), "f")
    't*(c+(1-a)*e)+f'
    >>> monthly_cost("E40", "$E$15", "$E$16", "E38")
    'E40*$E$15+$E$16*E38'
    """
    fixed = (
        _summand(monthly_fixed)
        if in_horizon is None
        else f"{_arg(monthly_fixed)}*{_arg(in_horizon)}"
    )
    return f"{_arg(tasks)}*{_arg(all_in_cost)}+{fixed}"


def tasks_in_month(tasks_per_month: str, growth: str, in_horizon: str) -> str:
    """Tasks in a month of the timeline: ``tasks_per_month * growth * in_horizon`` with
    ``growth`` the month's :func:`growth_factor` and ``in_horizon`` 1 or 0.

    >>> tasks_in_month("tasks_per_month", "E36", "E35")
    'tasks_per_month*E36*E35'
    """
    return f"{_arg(tasks_per_month)}*{_arg(growth)}*{_arg(in_horizon)}"


def discounted(amount: str, discount: str) -> str:
    """A month's amount at today's value: ``amount * discount`` with ``discount`` the
    month's :func:`discount_factor`.

    >>> discounted("E41", "E37")
    'E41*E37'
    """
    return f"{_arg(amount)}*{_arg(discount)}"


def discounted_volume(in_horizon: str, growth: str, discount: str) -> str:
    """A month's term of the discounted volume factor: ``in_horizon * growth * discount``;
    summed over the months it is ``volume_factor`` of :func:`tco_closed`.

    >>> discounted_volume("E35", "E36", "E37")
    'E35*E36*E37'
    """
    return f"{_arg(in_horizon)}*{_arg(growth)}*{_arg(discount)}"


def discounted_fixed(in_horizon: str, discount: str) -> str:
    """A month's term of the discounted fixed-cost factor: ``in_horizon * discount``;
    summed over the months it is ``fixed_factor`` of :func:`tco_closed`.

    >>> discounted_fixed("E35", "E37")
    'E35*E37'
    """
    return f"{_arg(in_horizon)}*{_arg(discount)}"


def tco_by_months(upfront: str, month_costs: str, discounts: str) -> str:
    """The check form of TCO: the build plus the timeline's month costs times their
    discount factors, ``upfront + SUMPRODUCT(month_costs, discounts)``.

    >>> tco_by_months("E18", "$E$40:$BL$40", "$E$37:$BL$37")
    'E18+SUMPRODUCT($E$40:$BL$40,$E$37:$BL$37)'
    """
    return f"{_summand(upfront)}+SUMPRODUCT({month_costs},{discounts})"


def fixed_per_volume(
    upfront: str | None,
    monthly_fixed: str,
    volume_factor: str = "volume_factor",
    fixed_factor: str = "fixed_factor",
) -> str:
    """Build and fixed costs spread over the discounted task volume: ``(upfront +
    monthly_fixed * fixed_factor) / volume_factor`` (TCO's fixed part per unit of the
    first month's tasks); ``upfront`` None when there is none.

    >>> fixed_per_volume("u", "f")
    '(u+f*fixed_factor)/volume_factor'
    >>> fixed_per_volume(None, "f")
    'f*fixed_factor/volume_factor'
    """
    fixed = f"{_arg(monthly_fixed)}*{_arg(fixed_factor)}"
    if upfront is None:
        return f"{fixed}/{_arg(volume_factor)}"
    return f"({_summand(upfront)}+{fixed})/{_arg(volume_factor)}"


def labour_cost(hours: str, hourly_rate: str) -> str:
    """Cost of engineering hours: ``hours * hourly_rate``.

    >>> labour_cost("build_hours", "hourly_rate")
    'build_hours*hourly_rate'
    """
    return f"{_arg(hours)}*{_arg(hourly_rate)}"


def review_cost(review_share: str, cost_per_review: str) -> str:
    """Human review cost per task: ``review_share * cost_per_review``.

    >>> review_cost("a_review_share", "a_review_cost")
    'a_review_share*a_review_cost'
    """
    return f"{_arg(review_share)}*{_arg(cost_per_review)}"


def tokens_per_task(
    calls: str, input_tokens: str, output_tokens: str, reasoning_tokens: str
) -> str:
    """Tokens a task processes (SELFHOST_COST's ``tokens_per_task``): ``calls *
    (input_tokens + output_tokens + reasoning_tokens)``.

    >>> tokens_per_task("c", "i", "o", "r")
    'c*(i+o+r)'
    """
    tokens = f"{_arg(input_tokens)}+{_arg(output_tokens)}+{_arg(reasoning_tokens)}"
    return f"{_arg(calls)}*({tokens})"


def calls_cost(cost_per_call: str, calls: str) -> str:
    """Cost per task of ``calls`` model calls (TOKEN_COST's ``calls``): ``cost_per_call
    * calls``.

    >>> calls_cost("cost_per_call", "base_calls+extra_calls")
    'cost_per_call*(base_calls+extra_calls)'
    """
    return f"{_arg(cost_per_call)}*{_arg(calls)}"


def per_month(amount_per_task: str, tasks_per_month: str) -> str:
    """A per-task amount over a month's tasks: ``tasks_per_month * amount_per_task``.

    >>> per_month("E8", "cases_per_month")
    'cases_per_month*E8'
    """
    return f"{_arg(tasks_per_month)}*{_arg(amount_per_task)}"


def waiting_hours(tasks_per_month: str, seconds_per_task: str) -> str:
    """Hours a month's tasks take: ``tasks_per_month * seconds_per_task / 3600``.

    >>> waiting_hours("cases_per_month", "f_seconds_per_case")
    'cases_per_month*f_seconds_per_case/3600'
    """
    return f"{_arg(tasks_per_month)}*{_arg(seconds_per_task)}/3600"


def slowdown(fast_seconds: str, slow_seconds: str) -> str:
    """How many times as long the slow option takes: ``slow_seconds / fast_seconds`` (the
    caller guards 0).

    >>> slowdown("f_seconds_per_case", "t_seconds_per_case")
    't_seconds_per_case/f_seconds_per_case'
    """
    return f"{_arg(slow_seconds)}/{_arg(fast_seconds)}"


def frontier_premium(
    efficient_cost_per_task: str | None,
    frontier_cost_per_task: str,
    efficient_monthly_fixed: str | None = None,
    frontier_monthly_fixed: str | None = None,
    tasks_per_month: str | None = None,
) -> str:
    """What the frontier option costs more per task, fixed costs spread over the volume:
    ``frontier_cost - efficient_cost + (frontier_fixed - efficient_fixed) / tasks``.

    ``efficient_cost_per_task`` None: ``frontier_cost_per_task`` is already the gap
    between the two.

    >>> frontier_premium("e", "f", "ef", "ff", "t")
    'f-e+(ff-ef)/t'
    >>> frontier_premium(None, "gap", "ef", "ff", "t")
    'gap+(ff-ef)/t'
    """
    premium = _arg(frontier_cost_per_task)
    if efficient_cost_per_task is not None:
        premium += f"-{_arg(efficient_cost_per_task)}"
    if efficient_monthly_fixed is None and frontier_monthly_fixed is None:
        return premium
    fixed = f"{_arg(frontier_monthly_fixed or '0')}-{_arg(efficient_monthly_fixed or '0')}"
    return f"{premium}+({fixed})/{_arg(tasks_per_month or '1')}"


def breakeven_accuracy(premium: str, frontier_accuracy: str, cost_per_error: str) -> str:
    """BREAKEVEN_ACCURACY from the premium (:func:`frontier_premium`):
    ``frontier_accuracy - premium / cost_per_error``.

    >>> breakeven_accuracy("p", "fa", "e")
    'fa-p/e'
    """
    return f"{_arg(frontier_accuracy)}-{_arg(premium)}/{_arg(cost_per_error)}"


def breakeven_error_cost(premium: str, efficient_accuracy: str, frontier_accuracy: str) -> str:
    """BREAKEVEN_ERROR_COST from the premium: ``premium / (frontier_accuracy
    - efficient_accuracy)`` (the caller words equal accuracies).

    >>> breakeven_error_cost("p", "ea", "fa")
    'p/(fa-ea)'
    """
    return f"{_arg(premium)}/({_arg(frontier_accuracy)}-{_arg(efficient_accuracy)})"


def breakeven_volume(
    a_cost_per_task: str, a_monthly_fixed: str, b_cost_per_task: str, b_monthly_fixed: str
) -> str:
    """BREAKEVEN_VOLUME: ``(a_monthly_fixed - b_monthly_fixed) / (b_cost_per_task
    - a_cost_per_task)``.

    >>> breakeven_volume("ac", "af", "bc", "bf")
    '(af-bf)/(bc-ac)'
    """
    return (
        f"({_summand(a_monthly_fixed)}-{_arg(b_monthly_fixed)})"
        f"/({_arg(b_cost_per_task)}-{_arg(a_cost_per_task)})"
    )


def margin(price: str, cost: str) -> str:
    """MARGIN: ``(price - cost) / price``.

    >>> margin("p", "c")
    '(p-c)/p'
    """
    p = _arg(price)
    return f"({p}-{_arg(cost)})/{p}"


def price_in_year(price: str, annual_change: str, year: str) -> str:
    """A price (or cost) after ``year`` years of compounding change: ``price * (1 + change)
    ** year`` (MARGIN_PATH's terms).

    >>> price_in_year("p", "c", "E5")
    'p*(1+c)^E5'
    """
    return f"{_arg(price)}*(1+{_arg(annual_change)})^{_arg(year)}"


def margin_drift(annual_price_change: str, annual_cost_change: str) -> str:
    """How the price moves against the cost each year: ``(1 + price change) / (1 + cost
    change)``; below 1 the margin shrinks.

    >>> margin_drift("pc", "cc")
    '(1+pc)/(1+cc)'
    """
    return f"(1+{_arg(annual_price_change)})/(1+{_arg(annual_cost_change)})"


def years_to_zero_margin(price: str, cost: str, drift: str, never: str) -> str:
    """YEARS_TO_ZERO_MARGIN: ``ln(cost / price) / ln(drift)`` with ``drift`` from
    :func:`margin_drift`; 0 when cost meets price already; ``never`` (a formula, e.g. a
    text) when prices do not fall faster than costs (drift at least 1).

    >>> years_to_zero_margin("p", "c", margin_drift("pc", "cc"), '"never"')
    'IF(c>=p,0,IF((1+pc)/(1+cc)<1,LN(c/p)/LN((1+pc)/(1+cc)),"never"))'
    """
    p, c, d = _arg(price), _arg(cost), _summand(drift)
    return f"IF({c}>={p},0,IF({d}<1,LN({c}/{p})/LN({drift}),{never}))"


def rounded(value: str) -> str:
    """``value`` rounded to :data:`TIE_DIGITS` decimals: the form in which a computed figure
    is compared, so every engine decides a tie the same way.

    >>> rounded("breakeven_accuracy")
    'ROUND(breakeven_accuracy,9)'
    """
    return f"ROUND({value},{TIE_DIGITS})"


def rounded_share(value: str, scale: str) -> str:
    """``value`` as a share of ``scale`` rounded to :data:`TIE_DIGITS` decimals: the form in
    which figures are compared, so every engine decides a tie the same way.

    >>> rounded_share("E20", "tie_scale")
    'ROUND(E20/tie_scale,9)'
    """
    return rounded(f"{_arg(value)}/{_arg(scale)}")


def rounded_difference(a: str, b: str, scale: str | None = None) -> str:
    """``a - b`` as a share of ``scale``, rounded to :data:`TIE_DIGITS` decimals: compare it
    with 0 to decide which of two computed figures is larger, the same in every engine.
    The scale is by default the larger of the two in size, at least 1.

    >>> rounded_difference("small_tco", "frontier_tco", "MAX(1,ABS(frontier_tco))")
    'ROUND((small_tco-frontier_tco)/MAX(1,ABS(frontier_tco)),9)'
    >>> rounded_difference("x", "y")
    'ROUND((x-y)/MAX(1,ABS(x),ABS(y)),9)'
    """
    if scale is None:
        scale = f"MAX(1,ABS({a}),ABS({b}))"
    return rounded(f"({_summand(a)}-{_arg(b)})/{_arg(scale)}")


# HDR 2.0's multipliers of (trial, var_id, entity) and of (seed3, seed4) in its
# two sums, with each sum's modulus (see :mod:`xlfuncs._hdr`).
_HDR_SUMS = (
    ((2499997, 1800451, 2000371), (1796777, 2299603), 7450589),
    ((2246527, 2399993, 2100869), (1918303, 1624729), 7450987),
)


def hdr(trial: str, var_id: str, entity: str = "0", seed3: str = "0", seed4: str = "0") -> str:
    """HDR: the HDR 2.0 uniform of :func:`xlfuncs.hdr`, in MOD and arithmetic alone.

    Every intermediate is a whole number below 2**53, exact in a cell, and
    the division by 2**32 the one rounding, so Excel, LibreOffice and
    :func:`xlfuncs.hdr` give the same double. Two forms differ from the
    published formula and give the same whole numbers: LibreOffice's MOD
    (up to at least 7.4) rounds the quotient to 15 significant digits first,
    and gives #VALUE! when that rounds it up to the next whole number, which
    happens for quotients of 9 digits. So the seeds' part of each sum is
    reduced apart (the sum of trial, var_id and entity terms stays below 1e8
    moduli), and ``MOD(z * 1343, 2**32)`` is written ``MOD(MOD(z, 2**32) *
    1343, 2**32)``. The other MODs were checked for every value they can
    take. Ids given as ``"0"`` are left out of the text.

    >>> hdr("A2", "7")
    '(MOD(MOD(MOD(MOD(999999999999989,MOD(A2*2499997+7*1800451,7450589)*4658+7450581)*383,99991)*7440893+MOD(MOD(999999999999989,MOD(A2*2246527+7*2399993,7450987)*7580+7560584)*17669,7440893),2^32)*1343,2^32)+0.5)/2^32'
    """
    ids = [_arg(trial), _arg(var_id), _arg(entity)]
    seeds = [_arg(seed3), _arg(seed4)]
    sums = []
    for multipliers, seed_multipliers, modulus in _HDR_SUMS:
        terms = "+".join(f"{i}*{m}" for i, m in zip(ids, multipliers, strict=True) if i != "0")
        reduced = f"MOD({terms},{modulus})"
        seed_terms = "+".join(
            f"{s}*{m}" for s, m in zip(seeds, seed_multipliers, strict=True) if s != "0"
        )
        if seed_terms:
            reduced = f"MOD({reduced}+MOD({seed_terms},{modulus}),{modulus})"
        sums.append(reduced)
    x = f"MOD(MOD(999999999999989,{sums[0]}*4658+7450581)*383,99991)"
    y = f"MOD(MOD(999999999999989,{sums[1]}*7580+7560584)*17669,7440893)"
    return f"(MOD(MOD({x}*7440893+{y},2^32)*1343,2^32)+0.5)/2^32"


# Every public function but filled and outputs is a builder: each remembers its result.
for _name in __all__:
    if callable(globals()[_name]) and _name not in ("filled", "outputs"):
        globals()[_name] = _builder(globals()[_name])
del _name
