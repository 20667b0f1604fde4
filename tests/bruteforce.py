"""Brute force over tiny grids, independent of the code under test (d = 1, k = 1).

A piecewise-linear function of one variable is fixed by its values at its breakpoints and at
one point beyond each end. Grid networks have breakpoints -beta/w in a known finite set, so
evaluating every grid network (exactly, in integers, with numpy) at those points groups the
grid by function.
"""

import itertools
from fractions import Fraction

import numpy as np
from oracles import reference_eval

from shallowsym import ShallowNetwork


def grid_networks(h, values):
    """All (W1, b1, W2, b2) with entries in ``values`` for d = k = 1, as an int array (N, 3h+1)."""
    return np.array(list(itertools.product(values, repeat=3 * h + 1)), dtype=np.int64)


def grid_points(values):
    """Doubled evaluation points: every breakpoint -beta/w of the grid, and one beyond each end."""
    breaks = {Fraction(-b, w) for w in values if w for b in values}
    lo, hi = min(breaks), max(breaks)
    pts = sorted(breaks | {lo - 1, hi + 1})
    assert all((2 * p).denominator == 1 for p in pts)
    return np.array([int(2 * p) for p in pts], dtype=np.int64)


def signatures(params, h, values):
    """2 f(x) at the doubled grid points, for every row of ``params`` (exact integers)."""
    X2 = grid_points(values)
    W1, b1, W2, b2 = params[:, :h], params[:, h : 2 * h], params[:, 2 * h : 3 * h], params[:, 3 * h]
    pre = W1[:, :, None] * X2[None, None, :] + 2 * b1[:, :, None]
    out = (W2[:, :, None] * np.maximum(pre, 0)).sum(axis=1) + 2 * b2[:, None]
    return out


def to_network(row, h):
    row = [int(x) for x in row]
    return ShallowNetwork(
        [[w] for w in row[:h]], row[h : 2 * h], [row[2 * h : 3 * h]], [row[3 * h]]
    )


def same_function_1d(a, b):
    """Exact equality of two d = 1 networks' functions: values at all breakpoints and beyond."""
    breaks = {-beta / w[0] for net in (a, b) for w, beta in zip(net.W1, net.b1) if w[0]}
    pts = sorted(breaks) or [Fraction(0)]
    pts = [pts[0] - 1, *pts, pts[-1] + 1]
    return all(reference_eval(a, [x]) == reference_eval(b, [x]) for x in pts)


def _normal_triple(w, beta, a):
    """(w, beta, a) up to positive scaling, by a rule of this file's own."""
    head = [x for x in (*w, beta) if x]
    if head:
        m = abs(head[0])
        return (tuple(x / m for x in w), beta / m, tuple(x * m for x in a))
    if any(a):
        m = abs(next(x for x in a if x))
        return ((0,) * len(w), 0, tuple(x / m for x in a))
    return ((0,) * len(w), 0, (0,) * len(a))


def in_orbit(a, b):
    """Whether b = g.a for some g in the standard group (independent multiset test)."""
    if (a.d, a.h, a.k) != (b.d, b.h, b.k) or a.b2 != b.b2:
        return False
    key = sorted(map(repr, (_normal_triple(*a.neuron(i)) for i in range(a.h))))
    return key == sorted(map(repr, (_normal_triple(*b.neuron(i)) for i in range(b.h))))
