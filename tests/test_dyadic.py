"""The integer-numpy exact path for float-built networks (shallowsym.dyadic, canonical.py).

Oracles share no code with what they test: products and canonical forms are recomputed here
with plain ``fractions.Fraction`` from the floats' exact values, and compared with the flint
path (the same values given as Fractions, so no float array reaches the network).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

import shallowsym.canonical as canonical
from shallowsym import ShallowNetwork, canonical_form
from shallowsym.dyadic import dyadic_product
from shallowsym.rationals import float_matrix

SPECIALS = [0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1e300, -1.7976931348623157e308]


def fraction_product(A, B):
    m, n = A.shape
    p = B.shape[1]
    return [
        [
            sum((Fraction(A[i, j]) * Fraction(B[j, c]) for j in range(n)), Fraction(0))
            for c in range(p)
        ]
        for i in range(m)
    ]


def as_fractions(rows):
    return [[Fraction(int(x.p), int(x.q)) for x in row] for row in rows]


def random_matrix(rng, shape, style):
    X = rng.standard_normal(shape)
    if style == "spread":
        X *= 2.0 ** rng.integers(-60, 60, shape)
    elif style == "float32":
        X = X.astype(np.float32).astype(np.float64)
    elif style == "special":
        X.flat[rng.integers(0, X.size, max(1, X.size // 3))] = rng.choice(SPECIALS)
    elif style == "sparse":
        X[rng.random(shape) < 0.5] = rng.choice([0.0, -0.0])
    return X


@pytest.mark.parametrize("style", ["plain", "spread", "float32", "special", "sparse"])
def test_dyadic_product_equals_fractions(style):
    rng = np.random.default_rng(sum(map(ord, style)))
    fallbacks = 0
    for _ in range(40):
        m, n, p = (int(v) for v in rng.integers(1, 6, 3))
        A = random_matrix(rng, (m, n), style)
        B = random_matrix(rng, (n, p), style)
        got = dyadic_product(A, B)
        if got is None:  # allowed only when the exponents span very many bits
            fallbacks += 1
            assert style == "special"
            continue
        assert as_fractions(got) == fraction_product(A, B)
    assert fallbacks < 40


def test_dyadic_product_long_sums_do_not_overflow():
    # Many terms of the largest limbs: the limb width must leave room for the sum.
    rng = np.random.default_rng(7)
    n = 3000
    A = np.full((2, n), np.nextafter(2.0, 0.0)) * rng.choice([1.0, 2.0**-40], (2, n))
    B = np.full((n, 3), np.nextafter(1.0, 2.0)) * rng.choice([1.0, 2.0**-45], (n, 3))
    assert as_fractions(dyadic_product(A, B)) == fraction_product(A, B)


def test_dyadic_product_empty_shapes():
    assert dyadic_product(np.zeros((2, 0)), np.zeros((0, 3))) == [[0, 0, 0], [0, 0, 0]]
    assert dyadic_product(np.zeros((2, 3)), np.zeros((3, 0))) == [[], []]
    assert dyadic_product(np.zeros((0, 3)), np.zeros((3, 2))) == []


def fraction_canonical(W1, b1, W2, b2):
    """Keys, kinks, M and delta of docs/theory.md section 4 with plain Fractions."""
    h, d = len(W1), len(W1[0])
    k = len(W2)
    sums = {}
    for i in range(h):
        w = [Fraction(x) for x in W1[i]]
        beta = Fraction(b1[i])
        a = [Fraction(W2[j][i]) for j in range(k)]
        p = next((j for j in range(d) if w[j]), None)
        if p is None or not any(a):
            continue
        s = abs(w[p])
        normal = [x / w[p] for x in [*w, beta]]
        lcm = math.lcm(*(x.denominator for x in normal))
        ints = [int(x * lcm) for x in normal]
        g = math.gcd(*ints)
        key = tuple(x // g for x in ints)
        old = sums.get(key, [Fraction(0)] * k)
        sums[key] = [o + s * x for o, x in zip(old, a, strict=True)]
    keys = sorted(key for key in sums if any(sums[key]))
    linear = [
        [
            sum((Fraction(W2[j][i]) * Fraction(W1[i][c]) for i in range(h)), Fraction(0))
            for c in range(d)
        ]
        for j in range(k)
    ]
    constant = []
    for j in range(k):
        total = Fraction(b2[j])
        for i in range(h):
            beta = Fraction(b1[i])
            zero_input = not any(W1[i])
            total += Fraction(W2[j][i]) * (beta + (abs(beta) if zero_input else 0)) / 2
        constant.append(total)
    return keys, [tuple(sums[key]) for key in keys], linear, constant


def random_network(rng, d, h, k, style):
    W1 = random_matrix(rng, (h, d), style)
    b1 = random_matrix(rng, (h, 1), style)[:, 0]
    W2 = random_matrix(rng, (k, h), style)
    b2 = random_matrix(rng, (k, 1), style)[:, 0]
    if h >= 4:  # twins, a cancelling pair, a zero-input neuron, a dead neuron
        W1[1], b1[1] = W1[0] * 2.0, b1[0] * 2.0
        W1[2], b1[2], W2[:, 2] = -W1[0], -b1[0], W2[:, 0]
        W1[3] = rng.choice([0.0, -0.0], d)
        W2[:, h - 1] = 0.0
        if rng.random() < 0.5:  # the twin cancels the first neuron's kink
            W2[:, 1] = -W2[:, 0] / 2.0
    return W1, b1, W2, b2


@pytest.mark.parametrize("style", ["plain", "spread", "float32", "special", "sparse"])
def test_float_canonical_form_equals_fractions_and_flint(style, monkeypatch):
    monkeypatch.setattr(canonical, "DYADIC_MIN_WIDTH_RATIO", 0)  # the integer path at any width
    rng = np.random.default_rng(sum(map(ord, style)))
    for _ in range(25):
        d, h, k = int(rng.integers(1, 4)), int(rng.integers(1, 8)), int(rng.integers(1, 3))
        arrays = random_network(rng, d, h, k, style)
        with np.errstate(over="ignore", invalid="ignore"):
            if not all(np.isfinite(a).all() for a in arrays):
                continue
        net = ShallowNetwork(*arrays)
        assert "dyadic_w2" in net._cache  # the integer path is the one under test
        cf = canonical_form(net)
        keys, kinks, linear, constant = fraction_canonical(*(a.tolist() for a in arrays))
        assert list(cf.keys) == keys
        assert [tuple(kink) for kink in cf.kinks] == kinks
        assert [list(row) for row in cf.linear] == linear
        assert list(cf.constant) == constant
        exact = [
            [[Fraction(x) for x in row] for row in a.tolist()]
            if a.ndim == 2
            else [Fraction(x) for x in a.tolist()]
            for a in arrays
        ]
        flint_net = ShallowNetwork(*exact)
        assert "dyadic_rows" not in flint_net._cache
        assert canonical_form(flint_net) == cf


def test_float32_torch_and_mixed_inputs_agree():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    W1, b1, W2, b2 = (a.astype(np.float32) for a in random_network(rng, 5, 9, 3, "plain"))
    from_numpy = canonical_form(ShallowNetwork(W1, b1, W2, b2))
    tensors = [torch.from_numpy(a) for a in (W1, b1, W2, b2)]
    assert canonical_form(ShallowNetwork(*tensors)) == from_numpy
    mixed = ShallowNetwork(W1, b1, W2.tolist(), b2)  # W2 as lists: flint product path
    assert "dyadic_w2" not in mixed._cache
    assert canonical_form(mixed) == from_numpy


def test_wide_float_network_takes_the_integer_path_and_agrees(monkeypatch):
    calls = []

    def counted(A, B):
        calls.append(A.shape)
        return dyadic_product(A, B)

    monkeypatch.setattr(canonical, "dyadic_product", counted)
    rng = np.random.default_rng(11)
    d, k = 2, 2
    h = canonical.DYADIC_MIN_WIDTH_RATIO * (k + d + 2)
    arrays = random_network(rng, d, h, k, "spread")
    net = ShallowNetwork(*arrays)
    keys, kinks, linear, constant = fraction_canonical(*(a.tolist() for a in arrays))
    cf = canonical_form(net)
    assert calls == []  # M and delta are computed when first needed
    assert (list(cf.keys), [tuple(x) for x in cf.kinks]) == (keys, kinks)
    assert ([list(row) for row in cf.linear], list(cf.constant)) == (linear, constant)
    assert calls == [(k, h)]


@pytest.mark.parametrize("style", ["plain", "spread", "float32", "special", "sparse", "huge"])
def test_float_matrix_equals_fractions(style):
    rng = np.random.default_rng(100 + sum(map(ord, style)))
    converted = 0
    for _ in range(30):
        shape = tuple(int(v) for v in rng.integers(1, 6, 2))
        if style == "huge":  # entries far from 1: exponents e >= 0 or subnormal, a narrow range
            X = rng.integers(-(2**20), 2**20, shape) * 2.0 ** int(rng.choice([200, -1074, 960]))
        else:
            X = random_matrix(rng, shape, "float32" if style == "float32" else style)
            if style == "plain":
                X = X.astype(np.float32).astype(np.float64) * 2.0**-30
        got = float_matrix(X)
        if got is None:
            continue
        converted += 1
        rows = [
            [Fraction(int(x.p), int(x.q)) for x in got.entries()[r * X.shape[1] :][: X.shape[1]]]
            for r in range(X.shape[0])
        ]
        assert rows == [[Fraction(v) for v in row] for row in X.tolist()]
    assert converted > 0


def test_float32_network_parameters_are_exact():
    rng = np.random.default_rng(5)
    arrays = [a.astype(np.float32) for a in random_network(rng, 7, 12, 3, "plain")]
    net = ShallowNetwork(*arrays)
    exact = [[Fraction(float(v)) for v in a.ravel()] for a in arrays]
    assert [v for row in net.W1 for v in row] == exact[0]
    assert list(net.b1) == exact[1]
    assert [v for row in net.W2 for v in row] == exact[2]
    assert list(net.b2) == exact[3]
