"""How a Summary sentence words a share of the Risk sheet's trials.

A share that rounds to 0 % or 100 % without being 0 or 1 must not read as a
certainty: 998 trials in 1,000 are "more than 99%", not "100%". The formula
is evaluated by the package's own evaluator; the expected words follow from
rounding the share by hand.
"""

from __future__ import annotations

import pytest
from sheet_formulas import Sheet

from xlfuncs.templates._risk import share_in_words


@pytest.mark.parametrize(
    ("share", "words"),
    [
        (0.0, "0"),  # no trial: exactly none
        (0.001, "less than 1"),  # 1 in 1,000 rounds to 0 %
        (0.004, "less than 1"),
        (0.005, "1"),  # 0.5 % rounds half away from zero to 1 %
        (0.21, "21"),
        (0.994, "99"),
        (0.995, "more than 99"),  # 99.5 % rounds to 100 %
        (0.998, "more than 99"),  # 998 in 1,000
        (1.0, "100"),  # every trial
    ],
)
def test_a_share_that_rounds_to_an_end_is_not_worded_as_certain(share, words):
    sheet = Sheet(["p"], {"B1": share_in_words("p")})
    assert sheet.evaluate([{"p": share}])[0]["B1"] == words
