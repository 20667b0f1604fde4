"""fibre_types and has_hidden_symmetries against brute force over tiny grids (d = 1, k = 1).

The sample sizes grow with SHALLOWSYM_PROFILE=thorough. The number of grid parameters checked
is printed at the end of the run.
"""

import os
import random

import numpy as np
import pytest
from bruteforce import grid_networks, in_orbit, same_function_1d, signatures, to_network

from shallowsym import combinatorial_type, symmetries

THOROUGH = os.environ.get("SHALLOWSYM_PROFILE") == "thorough"
CHECKED = {"grid parameters": 0}

GRIDS = [
    (1, (-2, -1, 0, 1, 2)),
    (2, (-2, -1, 0, 1, 2)),
    (3, (-1, 0, 1)),
]


def _grouped(h, values):
    params = grid_networks(h, values)
    sigs = signatures(params, h, values)
    _, inverse = np.unique(sigs, axis=0, return_inverse=True)
    groups = {}
    for row, g in enumerate(inverse.ravel().tolist()):
        groups.setdefault(g, []).append(row)
    return params, groups


@pytest.fixture(scope="module", params=GRIDS, ids=lambda g: f"h{g[0]}")
def grid(request):
    h, values = request.param
    params, groups = _grouped(h, values)
    return h, values, params, groups


def test_fibre_types_are_complete_and_realize_f(grid):
    h, _, params, groups = grid
    rng = random.Random(h)
    functions = list(groups.values())
    rng.shuffle(functions)
    functions.sort(key=len, reverse=True)  # the richest fibres first
    count = len(functions) if THOROUGH else 12
    per_function = 10**9 if THOROUGH else 150
    for members in functions[:count]:
        base = to_network(params[members[0]], h)
        listed = {t.type: t for t in symmetries(base).fibre_types()}
        for t in listed.values():
            assert same_function_1d(t.representative, base), t
            assert combinatorial_type(t.representative) == t.type
            assert t.dimension >= 0
        for row in members[:per_function]:
            other = to_network(params[row], h)
            assert combinatorial_type(other) in listed, (other, sorted(map(str, listed)))
            CHECKED["grid parameters"] += 1


def test_has_hidden_symmetries_against_the_grid(grid):
    h, _, params, groups = grid
    rng = random.Random(100 + h)
    group_of = {row: g for g, rows in groups.items() for row in rows}
    # Functions realized by several grid points are where hidden symmetries show; sample
    # members of the largest fibres first, then of random others.
    shared = [rows for rows in groups.values() if len(rows) > 1]
    shared.sort(key=len, reverse=True)
    chosen = shared[:40] + rng.sample(shared[40:], min(len(shared) - 40, 60))
    sample = [row for rows in chosen for row in rng.sample(rows, min(len(rows), 3))]
    if THOROUGH:
        sample += rng.sample(list(group_of), min(len(group_of), 3000))
    for row in sample:
        net = to_network(params[row], h)
        realizers = [to_network(params[r], h) for r in groups[group_of[row]][:400]]
        hidden_in_grid = any(not in_orbit(net, other) for other in realizers)
        report = symmetries(net)
        if hidden_in_grid:
            assert report.has_hidden_symmetries, net
        if report.has_hidden_symmetries:
            witness = report.hidden_witness
            assert witness is not None and witness.h == net.h
            assert same_function_1d(witness, net)
            assert not in_orbit(net, witness)
        else:
            assert report.hidden_witness is None
        CHECKED["grid parameters"] += 1 + len(realizers)


def test_report_count():
    # Runs last in this module: the count goes to the terminal summary.
    print(f"\nbrute force: {CHECKED['grid parameters']} grid parameters checked")
    assert CHECKED["grid parameters"] > 0
