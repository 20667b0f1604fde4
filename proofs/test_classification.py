"""Exhaustive exact enumeration over small grids (d = k = 1) for the classification statements.

The truth is decided by this file's own evaluation: a piecewise-linear function of one variable
is fixed by its values at its breakpoints and one point beyond each end, computed here in
exact integers from the raw weights. shallowsym is only the thing being checked.
"""

import itertools
from collections import defaultdict
from fractions import Fraction

import pytest

from shallowsym import (
    ShallowNetwork,
    canonical_form,
    functional_dimension,
    minimal_width,
    reduce,
)
from shallowsym.functional import NonDifferentiableError


def relu(v):
    return v if v > 0 else 0


def evaluate(params, h, x):
    W1, b1, W2, b2 = params[:h], params[h : 2 * h], params[2 * h : 3 * h], params[3 * h]
    return sum(a * relu(w * x + b) for w, b, a in zip(W1, b1, W2)) + b2


def points_for(values):
    breaks = {Fraction(-b, w) for w in values if w for b in values}
    lo, hi = min(breaks), max(breaks)
    return sorted(breaks | {lo - 1, hi + 1})


def grid(h, values):
    return list(itertools.product(values, repeat=3 * h + 1))


def signature(params, h, pts):
    return tuple(evaluate(params, h, x) for x in pts)


def network(params, h):
    return (
        ShallowNetwork(
            [[w] for w in params[:h]], params[h : 2 * h], [params[2 * h : 3 * h]], [params[3 * h]]
        )
        if h
        else ShallowNetwork.from_rows([], [], [[]], [params[0]], d=1)
    )


VALUES = (-1, 0, 1)
PTS = points_for((-2, -1, 0, 1, 2))


@pytest.fixture(scope="module")
def small_grid():
    nets = []
    for h in (0, 1, 2):
        for params in grid(h, VALUES):
            nets.append((h, params, signature(params, h, PTS)))
    return nets


def test_theorem_1_on_a_grid(small_grid):
    for h, params, _ in small_grid:
        cf = canonical_form(network(params, h))
        for x in PTS:
            assert cf([x]) == (evaluate(params, h, x),)


def test_lemma_2_on_a_grid():
    breakpoints = (Fraction(0), Fraction(1), Fraction(-2))
    pts = [
        Fraction(-3),
        Fraction(-2),
        Fraction(-1),
        Fraction(0),
        Fraction(1, 2),
        Fraction(1),
        Fraction(2),
    ]
    for coeffs in itertools.product((-1, 0, 1), repeat=len(breakpoints) + 2):
        *gammas, L, e = coeffs
        zero = all(
            sum(g * abs(x - t) for g, t in zip(gammas, breakpoints)) + L * x + e == 0 for x in pts
        )
        assert zero == (not any(coeffs))


def test_theorem_3_exhaustively(small_grid):
    by_function, by_form = defaultdict(set), defaultdict(set)
    for n, (h, params, sig) in enumerate(small_grid):
        by_function[sig].add(n)
        by_form[canonical_form(network(params, h))].add(n)
    assert sorted(map(sorted, by_function.values())) == sorted(map(sorted, by_form.values()))


def _normal(w, b, a):
    m = abs(w) if w else abs(b)
    return (Fraction(w, m), Fraction(b, m), a * m) if m else (0, 0, a)


def _in_orbit(p, q, h):
    if p[3 * h] != q[3 * h]:
        return False
    key = sorted(_normal(p[i], p[h + i], p[2 * h + i]) for i in range(h))
    return key == sorted(_normal(q[i], q[h + i], q[2 * h + i]) for i in range(h))


def test_proposition_4_on_a_grid():
    values = (-2, -1, 0, 1, 2)
    pts = points_for(values)  # every breakpoint -b/w of the grid, and beyond
    nets = grid(2, values)
    groups = defaultdict(list)
    for params in nets:
        groups[signature(params, 2, pts)].append(params)
    checked = 0
    for params in nets:
        w, b, a = params[:2], params[2:4], params[4:6]
        if 0 in w or 0 in a or Fraction(b[0], w[0]) == Fraction(b[1], w[1]):
            continue
        flips = [
            T
            for r in (0, 1, 2)
            for T in itertools.combinations((0, 1), r)
            if sum(a[i] * w[i] for i in T) == 0
        ]
        images = []
        for T in flips:
            image = list(params)
            for i in T:
                image[i], image[2 + i] = -w[i], -b[i]
            image[6] = params[6] + sum(a[i] * b[i] for i in T)
            images.append(image)
        for other in groups[signature(params, 2, pts)]:
            assert any(_in_orbit(image, other, 2) for image in images), (params, other)
        checked += 1
    assert checked > 100


def test_minimal_width_on_a_grid(small_grid):
    smallest = {}
    for h, _, sig in small_grid:
        smallest[sig] = min(smallest.get(sig, h), h)
    for h, params, sig in small_grid:
        net = network(params, h)
        width = minimal_width(net)
        assert width <= smallest[sig]  # no grid network with fewer neurons realizes f
        small = reduce(net)
        assert small.h == width
        assert all(small([x]) == (evaluate(params, h, x),) for x in PTS)


def _jacobian_rank(params, h, pts):
    """Exact rank of d f(x) / d theta at the points, from the partial derivatives."""
    W1, b1, W2 = params[:h], params[h : 2 * h], params[2 * h : 3 * h]
    rows = []
    for x in pts:
        act = [1 if W1[i] * x + b1[i] > 0 else 0 for i in range(h)]
        rows.append(
            [Fraction(W2[i] * act[i] * x) for i in range(h)]
            + [Fraction(W2[i] * act[i]) for i in range(h)]
            + [Fraction(relu(W1[i] * x + b1[i])) for i in range(h)]
            + [Fraction(1)]
        )
    # Gaussian elimination over Q.
    rank, cols = 0, 3 * h + 1
    for c in range(cols):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][c]), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(len(rows)):
            if r != rank and rows[r][c]:
                f = rows[r][c] / rows[rank][c]
                rows[r] = [u - f * v for u, v in zip(rows[r], rows[rank])]
        rank += 1
    return rank


def test_structural_functional_dimension_on_a_grid(small_grid):
    for h, params, _ in small_grid:
        net = network(params, h)
        try:
            structural = functional_dimension(net).dimension
        except NonDifferentiableError:
            continue
        cuts = sorted({Fraction(-params[h + i], params[i]) for i in range(h) if params[i]})
        pts = [cuts[0] - 2, cuts[0] - 1] if cuts else [Fraction(0), Fraction(1)]
        for lo, hi in itertools.pairwise(cuts):
            pts += [lo + (hi - lo) / 3, lo + 2 * (hi - lo) / 3]
        if cuts:
            pts += [cuts[-1] + 1, cuts[-1] + 2]
        assert _jacobian_rank(params, h, pts) == structural, params
