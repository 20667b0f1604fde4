"""Functional dimension: structural algorithm against the exact batch rank, bounds, deficits."""

from fractions import Fraction

import pytest
from hypothesis import given
from netgen import networks

from shallowsym import (
    InvalidNetworkError,
    NonDifferentiableError,
    ShallowNetwork,
    batch_functional_dimension,
    decisive_points,
    functional_dimension,
)


@given(networks(max_d=2, max_h=5, max_k=2))
def test_structural_equals_batch_rank_on_decisive_points(net):
    try:
        fd = functional_dimension(net)
    except NonDifferentiableError as err:
        assert err.neurons and all(not any(net.W1[i]) and net.b1[i] == 0 for i in err.neurons)
        return
    points = decisive_points(net)
    assert batch_functional_dimension(net, points) == fd.dimension
    assert fd.dimension <= fd.bound == net.h * (net.d + net.k) + net.k
    assert sum(lost for _, _, lost in fd.deficits) == fd.bound - fd.dimension


@given(networks(max_d=2, max_h=5, max_k=2))
def test_batch_rank_never_exceeds_the_functional_dimension(net):
    try:
        fd = functional_dimension(net)
    except NonDifferentiableError:
        return
    # A few random-looking points: off every hyperplane, but not necessarily in every cell.
    pts = [p for p in decisive_points(net)[::3]]
    assert batch_functional_dimension(net, pts) <= fd.dimension


def test_decisive_points_cover_every_cell_in_2d():
    # Six lines through few points: many cells; every cell must hold 3 independent points.
    rows = [[1, 0], [0, 1], [1, 1], [1, -1], [2, 1], [1, 0]]
    net = ShallowNetwork(rows, [0, 0, 0, 1, -1, -3], [[1] * 6], [0])
    pts = decisive_points(net)
    keys = [(r[0], r[1], b) for r, b in zip(rows, [0, 0, 0, 1, -1, -3])]
    cells = {}
    for p in pts:
        signs = tuple(a * p[0] + b * p[1] + c > 0 for a, b, c in keys)
        assert all(a * p[0] + b * p[1] + c != 0 for a, b, c in keys)
        cells.setdefault(signs, []).append(p)
    # An arrangement of 5 distinct lines with one parallel pair and one triple point: count
    # the cells by brute force on a fine grid of rational points.
    grid = {
        tuple(a * Fraction(x, 7) + b * Fraction(y, 7) + c > 0 for a, b, c in keys)
        for x in range(-140, 141)
        for y in range(-140, 141)
        if all(a * Fraction(x, 7) + b * Fraction(y, 7) + c != 0 for a, b, c in keys)
    }
    assert grid <= set(cells)
    for group in cells.values():
        (x0, y0), (x1, y1), (x2, y2) = group[:3]
        assert (x1 - x0) * (y2 - y0) != (x2 - x0) * (y1 - y0)  # affinely independent


def test_generic_network_reaches_the_bound():
    net = ShallowNetwork([[1, 2], [3, -1], [2, 5]], [1, 2, 3], [[1, 2, 4], [0, 1, 1]], [0, 0])
    fd = functional_dimension(net)
    assert fd == fd.bound == 3 * (2 + 2) + 2 and fd.deficits == ()


@pytest.mark.parametrize(
    ("net", "lost", "cause"),
    [
        # twins: 2 neurons on one hyperplane, one orientation: k + d instead of 2(k + d)
        (ShallowNetwork([[1], [2]], [1, 2], [[1, 1]], [0]), 2, "twins (S5)"),
        # a zero-output neuron: only e_j relu(.) survives, k of its k + d
        (ShallowNetwork([[1], [1]], [0, 3], [[1, 0]], [0]), 1, "zero-output"),
        # a zero-input neuron with beta < 0: all its derivatives vanish
        (ShallowNetwork([[1], [0]], [0, -1], [[1, 1]], [0]), 2, "zero-input"),
        # a zero-input neuron with beta > 0: its constant and linear parts overlap b2
        (ShallowNetwork([[1], [0]], [0, 1], [[1, 1]], [0]), 1, "zero-input"),
    ],
)
def test_deficits_of_mechanisms(net, lost, cause):
    fd = functional_dimension(net)
    assert fd.bound - fd.dimension == lost
    assert any(cause in c for c, _, _ in fd.deficits)


def test_mixed_pairs():
    # relu(x) and relu(-x) with independent outputs (k = 2) lose nothing ...
    net = ShallowNetwork([[1], [-1]], [0, 0], [[1, 0], [0, 1]], [0, 0])
    fd = functional_dimension(net)
    assert fd.dimension == batch_functional_dimension(net, decisive_points(net)) == fd.bound == 8
    # ... but with one output (|x|) the two sides share a_i (x) e_l: one dimension is lost.
    absx = ShallowNetwork([[1], [-1]], [0, 0], [[1, 1]], [0])
    fd = functional_dimension(absx)
    assert fd.dimension == batch_functional_dimension(absx, decisive_points(absx)) == 4
    assert fd.bound == 5 and any("both orientations" in c or "S6" in c for c, _, _ in fd.deficits)


def test_non_differentiable_is_named():
    net = ShallowNetwork([[1], [0], [0]], [0, 0, 0], [[1, 2, 0]], [0])
    with pytest.raises(NonDifferentiableError, match="neuron 1 with bias 0") as err:
        functional_dimension(net)
    assert err.value.neurons == (1,)


def test_batch_point_on_a_hyperplane_is_an_error():
    net = ShallowNetwork([[1], [2]], [0, -2], [[1, 1]], [0])
    with pytest.raises(
        InvalidNetworkError, match=r"points\[1\] lies on the hyperplane of neuron 1"
    ):
        batch_functional_dimension(net, [[3], [1]])
    # a zero-output neuron does not make the Jacobian undefined
    quiet = ShallowNetwork([[1], [2]], [0, -2], [[1, 0]], [0])
    assert batch_functional_dimension(quiet, [[3], [1], [-1]]) >= 1


def test_decisive_points_rejects_d3():
    with pytest.raises(ValueError, match="d <= 2"):
        decisive_points(ShallowNetwork([[1, 2, 3]], [0], [[1]], [0]))
