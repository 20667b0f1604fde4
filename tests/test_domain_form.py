"""The canonical form on a domain read off the neurons (canonical.py, proofs/domains.md
Corollary D3a), on its fast paths for networks built from float arrays.

Oracles share no code with what they test: exact evaluation of the network and of the form
with plain ``Fraction`` at random points of D, the sides of D by enumerating the corners of
the box in ``Fraction``, products recomputed in ``Fraction``, and Z3 with box constraints.
The folded R^d form (``fold_onto``, another computation of the same form) must agree too.
"""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import numpy as np
import pytest
from oracles import reference_eval
from test_domain import BOX, box_rows, planted_pair, rand_net, z3_equal_on

from shallowsym import ShallowNetwork, canonical_form, equivalent
from shallowsym.canonical import CanonicalForm
from shallowsym.domain import Box, Polytope, fold_onto
from shallowsym.dyadic import exponent_rows_product
from shallowsym.hyperplanes import hyperplane_normal_offset
from shallowsym.rationals import dyadic_integer_rows


def random_rows(rng, shape, style):
    X = rng.standard_normal(shape)
    if style == "float32":
        X = X.astype(np.float32).astype(np.float64)
    elif style == "spread":  # exponents far apart: rows wider than int64
        X *= 2.0 ** rng.integers(-70, 70, shape)
    elif style == "sparse":
        X[rng.random(shape) < 0.5] = 0.0
    return X


def float_network(rng, d, h, k, style):
    """A float network with planted zero-input, zero-output, twin and opposite neurons."""
    W1 = random_rows(rng, (h, d), style)
    b1 = random_rows(rng, (h,), style) + rng.choice([-2.0, 0.0, 2.0], h)
    W2 = random_rows(rng, (k, h), style)
    b2 = random_rows(rng, (k,), style)
    if h >= 4:
        W1[1], b1[1] = W1[0] * 4.0, b1[0] * 4.0  # a twin
        W1[2], b1[2] = -W1[0], -b1[0]  # the opposite orientation
        W1[3] = 0.0  # zero input
        W2[:, h - 1] = 0.0  # zero output
    return W1, b1, W2, b2


def random_box(rng, d):
    lo = [Fraction(int(rng.integers(-4, 2)), int(rng.integers(1, 4))) for _ in range(d)]
    hi = [v + Fraction(int(rng.integers(1, 5)), int(rng.integers(1, 3))) for v in lo]
    return Box(lo, hi)


def form_value(cf, x):
    """f(x) = sum_H (kappa_H / 2) |u_H . x + c_H| + M x / 2 + delta, in Fraction."""
    out = list(cf.constant)
    for j in range(cf.k):
        out[j] += sum((m * v for m, v in zip(cf.linear[j], x, strict=True)), Fraction(0)) / 2
    for key, kink in zip(cf.keys, cf.kinks, strict=True):
        u, c = hyperplane_normal_offset(key)
        level = abs(sum((a * v for a, v in zip(u, x, strict=True)), c))
        for j in range(cf.k):
            out[j] += kink[j] * level / 2
    return tuple(out)


def folded(cf_rd, domain):
    keys, kinks, linear, constant = fold_onto(
        domain, cf_rd.keys, cf_rd._kinks, cf_rd._linear, cf_rd._constant
    )
    return CanonicalForm.from_parts(
        d=cf_rd.d, k=cf_rd.k, keys=keys, kinks=kinks, linear=linear, constant=constant,
        domain=domain,
    )  # fmt: skip


def exact_copy(arrays):
    return ShallowNetwork(
        *(
            [[Fraction(v) for v in row] for row in a.tolist()]
            if a.ndim == 2
            else [Fraction(v) for v in a.tolist()]
            for a in arrays
        )
    )


@pytest.mark.parametrize("style", ["plain", "float32", "spread", "sparse"])
def test_form_on_a_box_is_the_function_on_the_box(style):
    rng = np.random.default_rng(sum(map(ord, style)) + 1)
    for _ in range(12):
        d, h, k = int(rng.integers(1, 4)), int(rng.integers(1, 9)), int(rng.integers(1, 3))
        arrays = float_network(rng, d, h, k, style)
        box = random_box(rng, d)
        net = ShallowNetwork(*arrays)
        cf = canonical_form(net, domain=box)
        assert cf == folded(canonical_form(exact_copy(arrays)), box)
        assert cf == canonical_form(exact_copy(arrays), domain=box)  # the keys path
        for _ in range(8):
            t = [Fraction(int(rng.integers(0, 17)), 16) for _ in range(d)]
            x = [a + s * (b - a) for a, s, b in zip(box.lo, t, box.hi, strict=True)]
            assert form_value(cf, x) == reference_eval(net, x)


def test_form_on_a_box_with_kinks_cancelling_and_rows_missing_it():
    # relu(x) - relu(x) / 2 - relu(2x) / 4 cancels at x = 0; relu(x - 3) is dead on [0, 1];
    # relu(x + 5) is affine there
    net = ShallowNetwork(
        np.array([[1.0], [1.0], [2.0], [1.0], [1.0]]),
        np.array([0.0, 0.0, 0.0, -3.0, 5.0]),
        np.array([[1.0, -0.5, -0.25, 7.0, 3.0]]),
        np.array([1.0]),
    )
    cf = canonical_form(net, domain=Box([0], [1]))
    assert cf.keys == () and cf.linear == ((Fraction(6),),) and cf.constant == (Fraction(16),)


def corner_sides(rows, box):
    out = []
    for row in rows:
        values = [
            sum((Fraction(n) * v for n, v in zip(row[:-1], corner, strict=True)), Fraction(row[-1]))
            for corner in itertools.product(*zip(box.lo, box.hi, strict=True))
        ]
        out.append(1 if min(values) >= 0 else (-1 if max(values) <= 0 else 0))
    return out


@pytest.mark.parametrize("size", ["small", "near 2^62", "python ints"])
def test_row_sides_against_the_corners(size):
    rng = np.random.default_rng(len(size))
    for _ in range(30):
        d, h = int(rng.integers(1, 5)), int(rng.integers(1, 7))
        box = random_box(rng, d)
        rows = rng.integers(-6, 7, (h, d + 1))
        if size == "near 2^62":  # int64, but sums could overflow: the Python path answers
            rows = rows * (2**59)
        elif size == "python ints":
            rows = rows.astype(object) * (3**50)
        rows[0, :d] = 0  # a zero normal: the sign of n_0
        expected = corner_sides(rows.tolist(), box)
        expected[0] = 1 if rows[0, d] >= 0 else -1
        assert box.row_sides(rows) == expected


@pytest.mark.parametrize("style", ["plain", "float32", "spread", "sparse"])
def test_dyadic_integer_rows_are_exact(style):
    rng = np.random.default_rng(sum(map(ord, style)) + 2)
    for _ in range(20):
        rows = random_rows(rng, (int(rng.integers(1, 6)), int(rng.integers(2, 6))), style)
        P, e = dyadic_integer_rows(rows)
        for row, p_row, ei in zip(rows.tolist(), P.tolist(), e.tolist(), strict=True):
            assert [Fraction(v) for v in row] == [Fraction(p) * Fraction(2) ** ei for p in p_row]
            assert not any(row) or any(p % 2 for p in p_row)  # the least power of two
        fits = max((abs(int(p)) for p in P.ravel().tolist()), default=0) < 2**62
        assert (P.dtype == np.int64) == fits


@pytest.mark.parametrize("style", ["plain", "float32", "spread", "sparse"])
def test_exponent_rows_product_equals_fractions(style):
    rng = np.random.default_rng(sum(map(ord, style)) + 3)
    for _ in range(20):
        m, n, p = (int(v) for v in rng.integers(1, 6, 3))
        A = random_rows(rng, (m, n), style)
        P, e = dyadic_integer_rows(random_rows(rng, (n, p), style))
        got = [
            [Fraction(int(x.p), int(x.q)) for x in row] for row in exponent_rows_product(A, P, e)
        ]
        expected = [
            [
                sum(
                    (Fraction(A[i, j]) * Fraction(int(P[j, c])) * Fraction(2) ** int(e[j])
                     for j in range(n)),
                    Fraction(0),
                )
                for c in range(p)
            ]
            for i in range(m)
        ]  # fmt: skip
        assert got == expected


def as_floats(net):
    """The same network built from float arrays (its entries are dyadic: exact floats)."""
    arrays = [np.array([[float(v) for v in row] for row in net.W1]), np.array(net.b1, float)]
    arrays += [np.array([[float(v) for v in row] for row in net.W2]), np.array(net.b2, float)]
    out = ShallowNetwork(*arrays)
    assert "dyadic_integer_rows" not in out._cache  # made by the canonical form
    return out


def test_float_networks_on_a_box_against_z3():
    rng = random.Random(31)
    verdicts = {True: 0, False: 0}
    for _ in range(40):
        a, b = planted_pair(rng) if rng.random() < 0.7 else (rand_net(rng, 2, 3, 1),) * 2
        if rng.random() < 0.3:
            b = rand_net(rng, 2, 3, 1)
        fa, fb = as_floats(a), as_floats(b)
        verdict = bool(equivalent(fa, fb, domain=BOX))
        assert verdict == bool(equivalent(a, b, domain=BOX))
        assert verdict == z3_equal_on(a, b, *box_rows([0, 0], [1, 1]))
        verdicts[verdict] += 1
    assert min(verdicts.values()) >= 5


def test_equal_on_the_box_only_is_explained_on_demand():
    rng = random.Random(7)
    for _ in range(40):
        a, b = planted_pair(rng)
        if canonical_form(a) != canonical_form(b):
            break
    a, b = as_floats(a), as_floats(b)
    result = equivalent(a, b, domain=BOX)
    assert result
    # the verdict did not compare the forms on R^d: that is part of the explanation
    assert a.cached("canonical_form") is None and b.cached("canonical_form") is None
    assert "differ outside D" in result.reason and result.needs_hidden_symmetries
    assert result.certificate is None and result.certificate_status == "none"
    same = equivalent(a, as_floats(a), domain=BOX)
    assert same and "on all of R^d" in same.reason and same.certificate_status == "standard"


def test_form_on_a_polytope_of_float_networks_agrees_with_the_keys_path():
    # the triangle x, y >= 0, x + y <= 1: Domain.row_sides goes through the primitive keys
    triangle = Polytope([[-1, 0], [0, -1], [1, 1]], [0, 0, 1])
    rng = np.random.default_rng(5)
    for _ in range(8):
        arrays = float_network(rng, 2, 6, 1, "float32")
        net = ShallowNetwork(*arrays)
        cf = canonical_form(net, domain=triangle)
        assert cf == canonical_form(exact_copy(arrays), domain=triangle)
        assert cf == folded(canonical_form(exact_copy(arrays)), triangle)


def test_forms_that_differ_in_a_kink_are_told_apart_without_their_affine_parts():
    import pickle

    a = ShallowNetwork(
        np.array([[1.0], [1.0]]), np.array([-0.5, 3.0]), np.array([[1.0, 2.0]]), [0.0]
    )
    b = ShallowNetwork(
        np.array([[1.0], [1.0]]), np.array([-0.25, 3.0]), np.array([[1.0, 2.0]]), [0.0]
    )
    box = Box([0], [1])
    fa, fb = canonical_form(a, domain=box), canonical_form(b, domain=box)
    assert fa != fb
    assert "_affine_parts" not in fa.__dict__ and "_affine_parts" not in fb.__dict__
    # equal kinks: the affine parts decide (relu(x + 3) is affine on the box: 2 (x + 3))
    c = ShallowNetwork(
        np.array([[1.0], [0.0]]), np.array([-0.5, 6.0]), np.array([[1.0, 1.0]]), [0.0]
    )
    fc = canonical_form(c, domain=box)
    assert fa.keys == fc.keys and fa != fc  # 2 x + 6 against 6
    assert fa.linear == ((Fraction(5),),) and fa.constant == (Fraction(23, 4),)
    # pickling and hashing take the values
    assert pickle.loads(pickle.dumps(fa)) == fa and hash(pickle.loads(pickle.dumps(fa))) == hash(fa)


def test_review_findings():
    """Found by a review of this change: (1) the sides of neurons that do not bend on R^d
    (zero output, cancelling twins) on a polytope with keys beyond float range raised
    OverflowError in the solver's proposals; (2) dyadic_integer_rows took int32 exponents
    from np.frexp, so a row with a zero got a wrong power of two (still exact, but rows
    [0, 2^61] left int64); (3) Box.row_sides let -2^63 (np.abs wraps) through its overflow
    guard."""
    segment = Polytope([[1], [-1]], [Fraction(1, 2), Fraction(1, 3)])
    dead_output = ShallowNetwork(
        np.array([[1.0], [1e-300]]), np.array([0.0, 1e300]), np.array([[1.0, 0.0]]), [0.0]
    )
    cf = canonical_form(dead_output, domain=segment)
    assert cf.keys == ((1, 0),) and cf.linear == ((Fraction(1),),) and cf.constant == (0,)
    tiny, huge = Fraction(1e-300), Fraction(1e300)
    twins = ShallowNetwork([[tiny], [-tiny]], [huge, -huge], [[1, -1]], [0])
    cf = canonical_form(twins, domain=segment)  # relu(l) - relu(-l) = l
    assert cf.keys == () and cf.linear == ((2 * tiny,),) and cf.constant == (huge,)
    P, e = dyadic_integer_rows(np.array([[0.0, 1.0], [0.0, 2.0**61], [0.0, 0.0]]))
    assert (
        P.dtype == np.int64 and P.tolist() == [[0, 1], [0, 1], [0, 0]] and e.tolist() == [0, 61, 0]
    )
    assert Box([0], [2]).row_sides(np.array([[-(2**63), 1]])) == [0]


def test_propagated_bounds_contain_the_polytope():
    """propagate_bounds (a box around a polytope without a row of its own for every
    coordinate bound) against scipy's exact-enough LP ranges, on random polytopes made of a
    few coordinate bounds and random rows, and on the probability simplex."""
    from scipy.optimize import linprog

    from shallowsym.domain.lp import propagate_bounds

    rng = np.random.default_rng(12)
    filled = 0
    for _ in range(60):
        d = int(rng.integers(1, 5))
        rows, rhs, capped = [], [], []
        for j in range(d):  # x_j >= -1 always; x_j <= 2 sometimes
            rows.append([(j, -1)])
            rhs.append(1)
            capped.append(rng.random() < 0.3)
            if capped[j]:
                rows.append([(j, 1)])
                rhs.append(2)
        for _ in range(int(rng.integers(1, 4))):
            a = rng.integers(0, 4, d)  # non-negative rows bound the coordinates above
            rows.append([(j, int(v)) for j, v in enumerate(a) if v])
            rhs.append(int(rng.integers(1, 6)))
        lo = [Fraction(-1)] * d
        hi = [Fraction(2) if capped[j] else None for j in range(d)]
        propagate_bounds(rows, rhs, lo, hi)
        A = np.zeros((len(rows), d))
        for i, row in enumerate(rows):
            for j, a in row:
                A[i, j] = a
        for j in range(d):
            c = np.zeros(d)
            c[j] = -1.0
            best = linprog(c, A_ub=A, b_ub=np.array(rhs, float), bounds=[(None, None)] * d)
            if best.status == 0 and hi[j] is not None:
                assert -best.fun <= float(hi[j]) + 1e-9  # the true max is inside
                filled += 1
    assert filled > 30
    simplex = Polytope([[-1, 0, 0], [0, -1, 0], [0, 0, -1], [1, 1, 1]], [0, 0, 0, 1])
    assert simplex.outer_box() == ((0, 0, 0), (1, 1, 1)) and simplex.bounded
    rng = np.random.default_rng(4)
    for _ in range(6):
        arrays = float_network(rng, 3, 6, 2, "float32")
        cf = canonical_form(ShallowNetwork(*arrays), domain=simplex)
        assert cf == folded(canonical_form(exact_copy(arrays)), simplex)


def test_domains_and_forms_on_them_pickle():
    """A Polytope held flint matrices and could not be pickled (found by the review; so no
    form on a polytope could travel to a worker process)."""
    import pickle

    triangle = Polytope([[-1, 0], [0, -1], [1, 1]], [0, 0, 1])
    triangle.outer_box()  # working data made
    assert pickle.loads(pickle.dumps(triangle)) == triangle
    net = ShallowNetwork(np.array([[1.0, -1.0], [1.0, 1.0]]), np.array([0.0, -3.0]), [[1, 2]], [0])
    cf = canonical_form(net, domain=triangle)
    copy = pickle.loads(pickle.dumps(cf))
    assert copy == cf and copy.domain == triangle and hash(copy) == hash(cf)
