"""Chunked batches agree with one network at a time, and exact conversion of float arrays is
exact: keys computed from float mantissas agree with plain-Fraction arithmetic."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from shallowsym import ShallowNetwork, canonical_form, fast
from shallowsym.errors import InvalidNetworkError
from shallowsym.hyperplanes import neuron_keys


def stack(rng, N, h, d, k):
    W1 = rng.standard_normal((N, h, d))
    b1 = rng.standard_normal((N, h))
    W2 = rng.standard_normal((N, k, h))
    b2 = rng.standard_normal((N, k))
    # Planted structure: twins, zero-input and zero-output neurons, coinciding hyperplanes.
    W1[::3, 1] = 2 * W1[::3, 0]
    b1[::3, 1] = 2 * b1[::3, 0]
    W1[1::4, 2] = 0
    W2[2::5, :, 3] = 0
    W1[::2, 4] = -W1[::2, 0]
    b1[::2, 4] = -b1[::2, 0]
    W2[::2, :, 4] = W2[::2, :, 0]
    return W1, b1, W2, b2


@pytest.mark.parametrize("chunk_size", [1, 7, None])
def test_chunks_agree_with_single_networks(chunk_size):
    rng = np.random.default_rng(1)
    W1, b1, W2, b2 = stack(rng, 40, 6, 3, 2)
    batch = fast.canonicalize_batch(W1, b1, W2, b2, chunk_size=chunk_size)
    assert len(batch) == 40
    for n in range(40):
        single = fast.canonical_form((W1[n], b1[n], W2[n], b2[n]))
        form = batch[n]
        assert np.array_equal(form.normals, single.normals)
        assert np.array_equal(form.kinks, single.kinks)
        assert np.array_equal(form.linear, single.linear)
        assert form.uncertain == single.uncertain
        exact = canonical_form(ShallowNetwork(W1[n], b1[n], W2[n], b2[n]))
        assert form.num_bent == exact.num_bent
    assert np.array_equal(batch.network, np.repeat(np.arange(40), batch.counts))


@pytest.mark.parametrize("chunk_size", [1, 5, None])
def test_equivalent_batch_chunks(chunk_size):
    rng = np.random.default_rng(2)
    A = stack(rng, 30, 6, 3, 2)
    perm = rng.permutation(6)
    B = [A[0][:, perm] * 2.0, A[1][:, perm] * 2.0, A[2][:, :, perm] / 2.0, A[3].copy()]
    B[3][::2] += 1e-3
    eq, uncertain, ratio = fast.equivalent_batch(A, B, chunk_size=chunk_size)
    assert not uncertain.any()
    assert eq.tolist() == [n % 2 == 1 for n in range(30)]
    for n in (0, 1):
        single = fast.equivalent(tuple(x[n] for x in A), tuple(x[n] for x in B))
        assert single.ratio == pytest.approx(ratio[n])


def test_float32_stacks_keep_their_dtype():
    rng = np.random.default_rng(3)
    W1, b1, W2, b2 = (x.astype(np.float32) for x in stack(rng, 5, 6, 3, 2))
    batch = fast.canonicalize_batch(W1, b1, W2, b2)
    assert batch.normals.dtype == np.float32 and batch.rtol == 1e-5


def test_batch_errors_name_the_network():
    rng = np.random.default_rng(4)
    W1, b1, W2, b2 = stack(rng, 5, 6, 3, 2)
    W2[3, 1, 2] = np.inf
    with pytest.raises(ValueError, match=r"W2 holds nan or infinite entries \(network 3\)"):
        fast.canonicalize_batch(W1, b1, W2, b2, chunk_size=2)
    with pytest.raises(ValueError, match="chunk_size must be a positive integer"):
        fast.canonicalize_batch(W1, b1, W2, b2, chunk_size=0)


def fraction_key(row):
    """The primitive integer key of (w, beta), in plain Fractions."""
    values = [Fraction(v) for v in row]
    lcm = math.lcm(*(v.denominator for v in values))
    ints = [int(v * lcm) for v in values]
    g = math.gcd(*ints)
    pivot = next(x for x in ints[:-1] if x)
    sign = 1 if pivot > 0 else -1
    return tuple(sign * x // g for x in ints)


floats = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.floats(-1e3, 1e3, width=32),
    st.sampled_from([0.0, -0.0, 5e-324, 1.0, -0.5, 2.0**-1074, 1e308]),
)


@given(
    hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2, max_side=5), elements=floats)
)
def test_float_keys_agree_with_fractions(rows):
    if rows.shape[1] < 2:
        return
    W1, b1 = rows[:, :-1], rows[:, -1]
    h = rows.shape[0]
    net = ShallowNetwork(W1, b1, np.ones((1, h)), np.zeros(1))
    keys = neuron_keys(net).keys
    for i in range(h):
        expected = fraction_key(rows[i]) if np.any(W1[i] != 0) else None
        assert keys[i] == expected


def test_array_conversion_names_the_bad_entry():
    W1 = np.array([[1.0, 2.0], [3.0, np.nan]])
    with pytest.raises(InvalidNetworkError, match=r"W1\[1, 1\] is nan"):
        ShallowNetwork(W1, [0.0, 0.0], [[1.0, 1.0]], [0.0])
    with pytest.raises(InvalidNetworkError, match=r"b1\[0\] is -infinite"):
        ShallowNetwork([[1.0]], np.array([-np.inf]), [[1.0]], [0.0])
    net = ShallowNetwork(np.array([[0.1]], dtype=np.float32), np.array([3]), [[1.0]], [0.0])
    assert net.W1[0][0] == Fraction(float(np.float32(0.1))) and net.b1[0] == 3
