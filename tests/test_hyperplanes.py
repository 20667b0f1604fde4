"""Exact hyperplane keys against an oracle written with ``Fraction`` and ``math.gcd`` only.

The package reads the integer rows of a rational network in three ways (a radix-2^64 big
integer per row for narrow rows with entries below 2^62, flint entries otherwise, float
mantissas for float networks); every way must give the same primitive keys, orientations and
scales as this oracle, including at the 2^62 boundary and at the width limit of the first way.
"""

import math
from fractions import Fraction

import numpy as np
from flint import fmpz_mat
from hypothesis import given, settings
from hypothesis import strategies as st

from shallowsym import ShallowNetwork
from shallowsym.hyperplanes import neuron_keys
from shallowsym.rationals import (
    KRONECKER_MAX_COLUMNS,
    KRONECKER_MIN_ENTRIES,
    small_integer_rows,
)


def oracle_key(w, beta):
    """(key, orientation, scale) of one neuron, by Fraction arithmetic."""
    pivot = next((j for j, x in enumerate(w) if x), None)
    if pivot is None:
        return None, 0, Fraction(0)
    row = [Fraction(x) for x in (*w, beta)]
    common = math.lcm(*(x.denominator for x in row))
    ints = [int(x * common) for x in row]
    g = math.gcd(*ints)
    sign = 1 if ints[pivot] > 0 else -1
    return tuple(sign * x // g for x in ints), sign, abs(Fraction(w[pivot]))


def check_against_oracle(net):
    nk = neuron_keys(net)
    for i in range(net.h):
        key, orientation, scale = oracle_key(net.W1[i], net.b1[i])
        assert nk.keys[i] == key, (i, nk.keys[i], key)
        assert all(type(x) is int for x in nk.keys[i] or ())
        assert nk.orientations[i] == orientation
        assert nk.scale(i) == scale


magnitudes = st.sampled_from(
    [1, 7, 2**20, 2**40, 2**61 - 1, 2**61, 2**62 - 1, 2**62, 2**64, 10**30]
)


@st.composite
def wide_range_networks(draw):
    d = draw(
        st.sampled_from([1, 2, 5, 15, KRONECKER_MAX_COLUMNS - 2, KRONECKER_MAX_COLUMNS - 1, 40])
    )
    # widths on both sides of the size where narrow rows are read as one integer each
    h = draw(st.sampled_from([0, 1, 3, 6, -(-KRONECKER_MIN_ENTRIES // d), 70]))
    top = draw(magnitudes)
    numerators = st.integers(-top, top)
    denominators = st.sampled_from([1, 1, 2, 3, 2**30, top])
    # one denominator and a few numerators per row keep the draw cheap at h = 70
    W1, b1 = [], []
    for _ in range(h):
        den = draw(denominators)
        pool = draw(st.lists(numerators, min_size=1, max_size=4))
        picks = draw(st.lists(st.integers(0, len(pool)), min_size=d + 1, max_size=d + 1))
        row = [Fraction(pool[p], den) if p < len(pool) else Fraction(0) for p in picks]
        W1.append(row[:d])
        b1.append(row[d])
    W2 = [[draw(st.integers(-3, 3)) for _ in range(h)]]
    return ShallowNetwork.from_rows(W1, b1, W2, [0], d=d)


@settings(max_examples=300, deadline=None)
@given(wide_range_networks())
def test_keys_match_the_fraction_oracle(net):
    check_against_oracle(net)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from([8, 16, KRONECKER_MAX_COLUMNS - 1]),
    st.sampled_from([(1, 1), (2**20, 6), (2**30, 2**10 + 1), (2**44, 1)]),
    st.integers(0, 2**32),
)
def test_narrow_rational_networks_take_the_big_integer_reading(d, sizes, seed):
    """Networks at the size where rows are read as one integer each (h d at the threshold,
    entries under the norm bound): same keys as the oracle, and the fast reading was used."""
    top, den = sizes  # scaled entries stay below 2^46: under the norm bound
    rng = np.random.default_rng(seed)
    h = -(-KRONECKER_MIN_ENTRIES // d)
    W1 = [[Fraction(int(x), den) for x in row] for row in rng.integers(-top, top + 1, (h, d))]
    W1[0] = [Fraction(0)] * d  # a zero-input neuron
    W1[1][:2] = [Fraction(0), Fraction(0)]  # a pivot further right
    W1[2] = [-x for x in W1[3]]  # an opposite pair
    b1 = [Fraction(int(x), den + 1) for x in rng.integers(-top, top + 1, h)]
    net = ShallowNetwork.from_rows(W1, b1, [[1] * h], [0], d=d)
    used = small_integer_rows(*_scaled_numerators(net))
    assert used is not None
    check_against_oracle(net)


def _scaled_numerators(net):
    num_w, den_w = net.exact.W1.numer_denom()
    num_b, den_b = net.exact.b1.numer_denom()
    common = den_w * den_b // den_w.gcd(den_b)
    return num_w * (common // den_w), num_b * (common // den_b)


def test_keys_of_float_networks_match_the_oracle():
    rng = np.random.default_rng(3)
    for d, h in [(3, 5), (16, 64), (40, 8)]:
        W1 = rng.standard_normal((h, d)).astype(np.float32)
        W1[0] = 0.0
        W1[1, :2] = 0.0
        net = ShallowNetwork(W1, rng.standard_normal(h), rng.standard_normal((2, h)), [0, 0])
        check_against_oracle(net)


def check_rows(W, b, h, d):
    rows = small_integer_rows(fmpz_mat(h, d, W), fmpz_mat(h, 1, b))
    if d + 1 > KRONECKER_MAX_COLUMNS or max(map(abs, W + b), default=0) >= 2**62:
        assert rows is None  # too wide, or an entry outside int64's safe range
        return
    if rows is None:  # allowed for few entries or a conservative norm bound only
        assert h * d < KRONECKER_MIN_ENTRIES or sum(x * x for x in W + b) >= 2**124
        return
    assert rows.dtype == np.int64 and rows.shape == (h, d + 1)
    assert rows[:, :d].ravel().tolist() == W
    assert rows[:, d].tolist() == b


@settings(deadline=None)
@given(
    st.integers(0, KRONECKER_MAX_COLUMNS),
    st.sampled_from([3, 30, 60, 61, 62, 63, 64, 70]),
    st.data(),
)
def test_small_integer_rows_reads_every_entry(d, bits, data):
    h = data.draw(st.sampled_from([0, 2, -(-KRONECKER_MIN_ENTRIES // max(d, 1))]))
    entry = st.one_of(
        st.integers(-(2**bits), 2**bits),
        st.sampled_from([2**bits, -(2**bits), 2**bits - 1, 1 - 2**bits, 0, -1]),
    )
    pool = data.draw(st.lists(entry, min_size=1, max_size=6))
    picks = st.integers(0, len(pool) - 1)
    W = [pool[data.draw(picks)] for _ in range(h * d)]
    b = [pool[data.draw(picks)] for _ in range(h)]
    check_rows(W, b, h, d)


def test_small_integer_rows_at_the_boundaries():
    for value in [2**61, 2**62 - 1, 2**62, 2**63 - 1, 2**63, 2**64 + 5, -(2**63)]:
        for d in [1, 3, KRONECKER_MAX_COLUMNS - 1]:
            h = -(-KRONECKER_MIN_ENTRIES // d)
            W = [value if j % 2 else -value + 1 for j in range(h * d)]
            check_rows(W, [value] * h, h, d)
            check_rows([0] * (h * d), [value] * h, h, d)
    # one large entry among small ones, in the first and in the last column
    d = 7
    h = -(-KRONECKER_MIN_ENTRIES // d)
    for where in (0, h * d - 1):
        W = [1] * (h * d)
        W[where] = 2**62
        check_rows(W, [0] * h, h, d)
    # a digit carrying into the next one (n_0 = 2^64 t, n_1 = -t: invisible to one radix)
    check_rows([2**64 * 5, -5] * 300, [0] * 300, 300, 2)
    # the rows the keys use: small entries, read exactly
    check_rows(list(range(-2000, 2000)), list(range(500)), 500, 8)
