"""Time budgets: a slow bounded part of a report stops and prints as undecided; the rest prints."""

import time

import numpy as np
import pytest

from shallowsym import ShallowNetwork, symmetries
from shallowsym.cli import main
from shallowsym.deadline import time_budget
from shallowsym.errors import SearchLimitExceeded


def many_types() -> ShallowNetwork:
    """(2, 14, 1) with 14 bent hyperplanes: 2^14 candidate types, each realized exactly."""
    rng = np.random.default_rng(5)
    W1 = rng.integers(1, 9, (14, 2)) * np.where(rng.random((14, 2)) < 0.5, -1, 1)
    return ShallowNetwork(W1, rng.integers(-9, 10, 14), rng.integers(1, 9, (1, 14)), [0])


def test_budget_stops_a_block_and_nothing_else():
    start = time.perf_counter()
    with pytest.raises(SearchLimitExceeded, match=r"time budget of 0\.05 s"):
        with time_budget(0.05, "a nap", limit=7):
            time.sleep(2)
    assert time.perf_counter() - start < 1.5
    with time_budget(5, "quick", limit=1):  # a finished block is not interrupted later
        pass
    time.sleep(0.05)
    with pytest.raises(ValueError, match="positive number"):
        with time_budget(0, "x", limit=1):
            pass


def test_fibre_types_stop_at_the_budget_and_the_report_stays():
    net = many_types()
    report = symmetries(net, time_budget=0.2)
    start = time.perf_counter()
    with pytest.raises(SearchLimitExceeded, match="fibre types did not finish"):
        report.fibre_types(limit=10**8)
    assert time.perf_counter() - start < 5
    with pytest.raises(SearchLimitExceeded):  # remembered: no second run
        report.fibre_types(limit=10**8)
    text = report.to_text()
    assert "network: d = 2, h = 14, k = 1" in text and "stabilizer order" in text
    with pytest.raises(ValueError, match="time_budget"):
        symmetries(net, time_budget=-1)


def test_cli_types_over_budget_print_the_report_and_exit_3(tmp_path, capsys):
    path = tmp_path / "net.json"
    many_types().save(path)
    code = main(
        ["symmetries", str(path), "--types", "--type-limit", "100000000", "--time-budget", "0.2"]
    )
    out, err = capsys.readouterr()
    assert code == 3
    assert "fibre types: undecided (the fibre types did not finish" in out
    assert "hidden symmetries:" in out and "fibre dimension:" in out
    assert "--time-budget" in err


def test_nested_budgets_keep_the_outer_one():
    start = time.perf_counter()
    with pytest.raises(SearchLimitExceeded, match="outer"):
        with time_budget(0.1, "outer", limit=1):
            with time_budget(10, "inner", limit=1):
                pass
            time.sleep(2)  # the inner block's exit must not cancel the outer alarm
    assert time.perf_counter() - start < 1.5
