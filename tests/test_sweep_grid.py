"""Sweep files: the grid's count, order and values; bad axes and keys refused by name."""

from __future__ import annotations

import json

import pytest
from summary_scenarios import SCENARIOS

from xlfuncs.sweep import SweepFileError, read_sweep, sweep_of
from xlfuncs.sweep.where import WhereError, parse_where

BASE = SCENARIOS["tco_comparison"][-1]


def grid_of(axes, **more):
    return sweep_of({"template": "tco_comparison", "base": BASE, "sweep": axes}, "s.yaml", **more)


def test_count_order_and_values_of_log_linear_and_list_axes():
    grid = grid_of(
        {
            "options.A.accuracy": [0.9, "95%", 0.99],
            "tasks_per_month": {"from": 1000, "to": 1_000_000, "steps": 4, "scale": "log"},
            "months": {"from": 12, "to": 36, "steps": 3, "scale": "linear"},
        }
    )
    assert grid.count == 3 * 4 * 3 and grid.shape == (3, 4, 3)
    accuracy, tasks, months = grid.axes
    assert accuracy.values == (0.9, 0.95, 0.99)  # 95% read as the scenario reader reads it
    # By hand: a log scale from 1e3 to 1e6 in 4 steps multiplies by 10 each step.
    assert [round(v, 9) for v in tasks.values] == [1e3, 1e4, 1e5, 1e6]
    assert (tasks.values[0], tasks.values[-1]) == (1000.0, 1_000_000.0)
    assert months.values == (12.0, 24.0, 36.0)
    # The first key varies slowest: scenario 0 is the first of each, 1 the next month ...
    assert grid.values_at(0)["months"] == 12 and grid.values_at(1)["months"] == 24
    assert grid.values_at(3)["tasks_per_month"] == pytest.approx(1e4)
    last = grid.values_at(grid.count - 1)
    assert (last["a_accuracy"], last["tasks_per_month"], last["months"]) == (0.99, 1e6, 36)
    # The nested key sets option A only; B keeps the base's value.
    assert {grid.values_at(i)["b_accuracy"] for i in range(grid.count)} == {0.95}


def test_an_option_key_beside_the_name_is_swept_for_every_option():
    grid = grid_of({"cost_per_error": [1, 1000]})
    assert set(grid.axes[0].inputs) == {"a_cost_per_error", "b_cost_per_error"}
    assert grid.values_at(1)["a_cost_per_error"] == grid.values_at(1)["b_cost_per_error"] == 1000


def test_an_option_by_its_name():
    grid = grid_of({"options.api.accuracy": [0.9, 0.91]})
    assert set(grid.axes[0].inputs) == {"b_accuracy"}


BAD = [
    # (axes, what the message must name)
    (
        {"options.A.accuracy": [0.9, 1.5]},
        ["s.yaml", "options.A.accuracy", "value 2", "accuracy", "1.5"],
    ),
    ({"tasks_per_month": [100, -1]}, ["s.yaml", "tasks_per_month", "value 2", "-1"]),
    ({"tasks_per_mont": [1, 2]}, ["s.yaml", "tasks_per_mont", "unknown key", "tasks_per_month"]),
    ({"options.Z.accuracy": [0.9]}, ["s.yaml", "options.Z.accuracy", "no option 'Z'"]),
    ({"options.A.acuracy": [0.9]}, ["s.yaml", "acuracy", "unknown key", "accuracy"]),
    ({"tasks_per_month": []}, ["s.yaml", "tasks_per_month", "empty"]),
    ({"tasks_per_month": 5}, ["s.yaml", "tasks_per_month", "a list of values or a range"]),
    (
        {"tasks_per_month": {"from": 0, "to": 10, "steps": 3, "scale": "log"}},
        ["log scale", "above 0"],
    ),
    ({"tasks_per_month": {"from": 1, "to": 10, "steps": 1}}, ["steps", "from 2", "got 1"]),
    ({"tasks_per_month": {"from": 1, "to": 10, "steps": 3, "scale": "cubic"}}, ["scale", "cubic"]),
    ({"tasks_per_month": {"from": 1, "to": 10, "step": 3}}, ["unknown key 'step'", "steps"]),
    ({"tasks_per_month": {"from": "x", "to": 10, "steps": 3}}, ["from", "must be a number", "'x'"]),
    (
        {"cost_per_error": [1, 2], "options.A.cost_per_error": [3, 4]},
        ["both set", "a_cost_per_error"],
    ),
]


@pytest.mark.parametrize(("axes", "words"), BAD)
def test_bad_axes_and_keys_are_refused_by_file_key_and_value(axes, words):
    with pytest.raises(SweepFileError) as caught:
        grid_of(axes)
    for word in words:
        assert word in str(caught.value)


def test_a_bad_value_gets_the_scenario_files_own_message(tmp_path):
    """The same rule and words as a scenario file with the same value."""
    from xlfuncs.batch.read.sources import read_scenarios
    from xlfuncs.batch.template import Layout, resolve_template

    scenario = {**BASE, "options": [dict(BASE["options"][0], accuracy=1.5), BASE["options"][1]]}
    layout = Layout.of(resolve_template("tco_comparison"))
    problem = next(iter(read_scenarios([scenario], layout)))
    rule = str(problem).split(": ", 1)[1]
    with pytest.raises(SweepFileError) as caught:
        grid_of({"options.A.accuracy": [0.9, 1.5]})
    assert str(caught.value).endswith(rule)


def test_the_count_is_refused_above_the_limit_unless_raised():
    axes = {"tasks_per_month": {"from": 1, "to": 10, "steps": 50}, "months": [1, 2, 3]}
    with pytest.raises(SweepFileError, match=r"150 scenarios \(50 x 3\); at most 100"):
        grid_of(axes, limit=100)
    assert grid_of(axes, limit=150).count == 150


def test_read_from_yaml_and_json_files(tmp_path):
    document = {"template": "tco_comparison", "base": BASE, "sweep": {"months": [1, 2]}}
    (tmp_path / "s.json").write_text(json.dumps(document))
    import yaml

    (tmp_path / "s.yaml").write_text(yaml.safe_dump(document))
    for name in ("s.json", "s.yaml"):
        grid = read_sweep(tmp_path / name)
        assert grid.count == 2 and grid.axes[0].values == (1.0, 2.0)
    (tmp_path / "t.yaml").write_text("base: {}\nsweeps: {}\n")
    with pytest.raises(SweepFileError, match=r"t.yaml: unknown key 'sweeps'.*did you mean sweep\?"):
        read_sweep(tmp_path / "t.yaml")


_YAML_SWEEP = """template: tco_comparison
base:
  name: Desk
  tasks_per_month: 1000
  cost_per_error: 5
  options:
    - name: small
      pricing: API
      input_tokens: 2000
      output_tokens: 400
      input_price: 0.15
      output_price: 0.6
      accuracy: {a_accuracy}
    - name: large
      pricing: API
      input_tokens: 2000
      output_tokens: 400
      input_price: 3
      output_price: 15
      accuracy: 0.99
sweep:
  options.B.accuracy: [0.9, 2]
"""


def test_a_yaml_sweep_names_the_base_line_or_the_axis_value_at_fault(tmp_path):
    # A bad value of the base is on a line of the file (line 13: the first
    # option's accuracy); a bad value of an axis is named by its key and position.
    path = tmp_path / "s.yaml"
    path.write_text(_YAML_SWEEP.format(a_accuracy="195%"))
    with pytest.raises(SweepFileError) as caught:
        read_sweep(path)
    assert str(caught.value).startswith(f"{path}, line 13, key 'accuracy': ")
    assert "1.95" in str(caught.value)
    path.write_text(_YAML_SWEEP.format(a_accuracy="95%"))
    with pytest.raises(SweepFileError) as caught:
        read_sweep(path)
    message = str(caught.value)
    assert message.startswith(f"{path}, sweep 'options.B.accuracy', value 2, option 2, ")
    assert "line" not in message and "got 2" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cheapest == 'A'", [True, False, True, False]),
        ("x >= 3 and cheapest != 'B'", [False, False, True, False]),
        ("not (x < 2 or x > 5)", [False, True, True, False]),
        ('cheapest == "B" or x == 1e0', [True, True, False, True]),
        ("x < 250%", [True, False, False, False]),
    ],
)
def test_where_conditions(text, expected):
    import numpy as np

    condition = parse_where(text, ["cheapest", "x"], {"x": True, "cheapest": False})
    columns = {"cheapest": ["A", "B", "A", "B"], "x": np.array([1.0, 3.0, 4.0, 6.0])}
    assert condition.mask(columns, 4).tolist() == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("x = 1", ["cannot read '= 1'", "character 3"]),
        ("__import__('os')", ["no column '__import__'"]),
        ("y == 1", ["no column 'y'"]),
        ("x == 'a'", ["holds numbers"]),
        ("cheapest > 1", ["holds text"]),
        ("(x == 1", ["not closed"]),
        ("x == 1 x", ["unexpected 'x'"]),
    ],
)
def test_where_conditions_refused(text, words):
    with pytest.raises(WhereError) as caught:
        parse_where(text, ["cheapest", "x"], {"x": True, "cheapest": False})
    for word in words:
        assert word in str(caught.value)
