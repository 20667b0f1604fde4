"""Exhaustive checks of Theorems D3 and D4 (proofs/domains.md) for one input on intervals.

Every network of width <= 2 with w in {-1, 1, 2}, beta in {-2, ..., 2}, a in {-1, 1}, b2 = 0 is
taken on the intervals [0, 1] and [-1, 2]. This file's own evaluation (plain Fractions at every
point of (1/4)Z in the interval, which contains every breakpoint and a point between any two)
decides which functions are equal on the interval and which have width <= 1 there (by lookup
among all a relu(w x + beta) + c with w = +-1, beta in (1/2)Z, |beta| <= 3, 1 <= |a| <= 4: every
width-1 function these targets can equal on the interval is of that form, see the module
docstring of proofs/domains.md, Theorem D4). The library must agree: equal canonical forms on
D exactly for equal functions on D, and minimal_width(net, domain=D) equal to the true value.
"""

import itertools
import random
from fractions import Fraction

from shallowsym import ShallowNetwork, canonical_form, minimal_width
from shallowsym.domain import Box

TARGET_NEURONS = [(w, b, a) for w in (-1, 1, 2) for b in (-2, -1, 0, 1, 2) for a in (-1, 1)]
SINGLE_NEURONS = [
    (w, Fraction(b2, 2), a)
    for w in (-1, 1)
    for b2 in range(-6, 7)
    for a in (-4, -3, -2, -1, 1, 2, 3, 4)
]


def evaluate(neurons, x):
    return sum((a * max(w * x + b, 0) for w, b, a in neurons), Fraction(0))


def signature(neurons, lo, hi):
    points = [lo + Fraction(i, 4) for i in range(int((hi - lo) * 4) + 1)]
    values = [evaluate(neurons, x) for x in points]
    return tuple(v - values[0] for v in values), values[0]


def targets():
    yield ()
    for n in TARGET_NEURONS:
        yield (n,)
    yield from itertools.combinations(TARGET_NEURONS, 2)


def network(neurons):
    return ShallowNetwork.from_rows(
        [[w] for w, _, _ in neurons],
        [b for _, b, _ in neurons],
        [[a for _, _, a in neurons]],
        [0],
        d=1,
    )


def test_theorems_d3_and_d4_on_intervals():
    for lo, hi in ((Fraction(0), Fraction(1)), (Fraction(-1), Fraction(2))):
        box = Box([lo], [hi])
        width_one = {signature((n,), lo, hi)[0] for n in SINGLE_NEURONS}
        by_function: dict = {}
        by_form: dict = {}
        for neurons in targets():
            shape, start = signature(neurons, lo, hi)
            net = network(neurons)
            form = canonical_form(net, domain=box)
            by_function.setdefault((shape, start), set()).add(form)
            by_form.setdefault(form, set()).add((shape, start))
            if not any(shape):
                true_width = 0
            elif shape in width_one:
                true_width = 1
            else:
                true_width = min(2, len(neurons))
            assert minimal_width(net, domain=box) == true_width, (neurons, lo, hi)
        # Theorem D3: equal on D exactly when the canonical forms on D are equal.
        assert all(len(forms) == 1 for forms in by_function.values())
        assert all(len(functions) == 1 for functions in by_form.values())


def fraction_rank(rows):
    """The rank of a list of rows of Fractions, by this file's own Gaussian elimination."""
    rows = [list(map(Fraction, r)) for r in rows if any(r)]
    rank, col = 0, 0
    width = len(rows[0]) if rows else 0
    while rank < len(rows) and col < width:
        pivot = next((i for i in range(rank, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            col += 1
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][col] != 0:
                f = rows[i][col] / rows[rank][col]
                rows[i] = [x - f * y for x, y in zip(rows[i], rows[rank])]
        rank += 1
        col += 1
    return rank


def test_corollary_d4a_floor():
    """min over S of rank(L + sum_S kappa_H u_H^T) >= rho(L, U) = rank([L; U]) - rank(U), with
    equality whenever rank(L) = rho, on random small integer data (brute force over all S)."""
    from shallowsym.domain import rank_floor

    rng = random.Random(18)
    decided = 0
    for _ in range(300):
        d, k, n = rng.randint(1, 4), rng.randint(1, 3), rng.randint(0, 4)
        L = [[Fraction(rng.randint(-2, 2)) for _ in range(d)] for _ in range(k)]
        normals = [[Fraction(rng.randint(-1, 1)) for _ in range(d)] for _ in range(n)]
        normals = [u for u in normals if any(u)]
        kinks = [[Fraction(rng.randint(-2, 2)) for _ in range(k)] for _ in normals]
        low = min(
            fraction_rank(
                [
                    [L[j][c] + sum(kinks[h][j] * normals[h][c] for h in S) for c in range(d)]
                    for j in range(k)
                ]
            )
            for size in range(len(normals) + 1)
            for S in itertools.combinations(range(len(normals)), size)
        )
        rho = fraction_rank(L + normals) - fraction_rank(normals)
        assert rank_floor(L, normals) == rho
        assert low >= rho
        if fraction_rank(L) == rho:
            decided += 1
            assert low == rho
    assert decided >= 50


def corollary_d3a_affine(neurons, lo, hi):
    """M_D and delta_D of Corollary D3a for one input and b2 = 0, by this file's arithmetic:
    sigma_i from the values of w x + beta at the interval's ends."""
    M, delta = Fraction(0), Fraction(0)
    for w, b, a in neurons:
        ends = (w * lo + b, w * hi + b)
        sigma = 1 if min(ends) >= 0 else (-1 if max(ends) <= 0 else 0)
        M += (1 + sigma) * a * w
        delta += (1 + sigma) * a * Fraction(b) / 2
    return M, delta


def corollary_d3a_value(neurons, lo, hi, x):
    """The corollary's form at x: sum over neurons crossing the interval of
    (s_i a_i / 2) |x - t_i| (s_i = |w_i|, t_i = -beta_i / w_i) plus M_D x / 2 + delta_D."""
    M, delta = corollary_d3a_affine(neurons, lo, hi)
    value = M * x / 2 + delta
    for w, b, a in neurons:
        ends = (w * lo + b, w * hi + b)
        if min(ends) < 0 < max(ends):
            value += abs(w) * a * abs(x + Fraction(b, w)) / 2
    return value


def test_corollary_d3a_on_intervals():
    for lo, hi in ((Fraction(0), Fraction(1)), (Fraction(-1), Fraction(2))):
        box = Box([lo], [hi])
        points = [lo + Fraction(i, 8) for i in range(int((hi - lo) * 8) + 1)]
        for neurons in targets():
            for x in points:  # the identity: the corollary's form is f on D
                assert corollary_d3a_value(neurons, lo, hi, x) == evaluate(neurons, x)
            form = canonical_form(network(neurons), domain=box)  # the library agrees
            assert (form.linear[0][0], form.constant[0]) == corollary_d3a_affine(neurons, lo, hi)
