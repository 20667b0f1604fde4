"""The float fast path against the exact path, on well-conditioned networks."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from netgen import moved, networks

from shallowsym import (
    ShallowNetwork,
    batch_functional_dimension,
    canonical_form,
    decisive_points,
    deep,
    equivalent,
    fast,
    functional_dimension,
)
from shallowsym.functional import NonDifferentiableError


def as_arrays(net):
    return net.to_numpy()


@given(networks(max_d=3, max_h=6, max_k=2))
def test_fast_canonical_form_matches_exact(net):
    exact = canonical_form(net)
    form = fast.canonical_form(net)
    assert form.num_bent == exact.num_bent
    assert not form.uncertain
    # The two paths order hyperplanes differently: compare sorted rows (normal, offset, kink).
    # Rounded before sorting: 2.9999999999999996 and 3 must sort alike.
    exact_rows = sorted(
        tuple(round(float(x), 9) + 0.0 for x in (*normal, offset, *kink))
        for normal, offset, kink in exact.bent_hyperplanes
    )
    rows = np.concatenate([form.normals, form.offsets[:, None], form.kinks], 1)
    fast_rows = sorted(tuple(np.round(row, 9) + 0.0) for row in rows)
    assert np.allclose(np.array(exact_rows).ravel(), np.array(fast_rows).ravel())
    assert np.allclose(np.array(exact.linear, dtype=float), form.linear)
    assert np.allclose(np.array(exact.constant, dtype=float), form.constant)


@given(networks(max_d=3, max_h=6, max_k=2), st.data())
def test_fast_equivalent_agrees_with_exact(net, data):
    partner = data.draw(moved(net))
    verdict = fast.equivalent(net, partner)
    assert verdict.equivalent is True, str(verdict)
    # A change far above the tolerance: the exact verdict decides, the float one must agree.
    W1, b1, W2, b2 = as_arrays(net)
    b2 = b2 + 1e-3
    assert fast.equivalent(net, (W1, b1, W2, b2)).equivalent is False
    assert not equivalent(net, ShallowNetwork(W1, b1, W2, b2))


@given(networks(max_d=2, max_h=4, max_k=2, min_h=1), st.data())
def test_batch_matches_single(net, data):
    others = [data.draw(moved(net, max_moves=1)) for _ in range(3)]
    others = [o for o in others if o.h == net.h] or [net]
    stack_a = [np.stack(x) for x in zip(*(as_arrays(net) for _ in others))]
    stack_b = [np.stack(x) for x in zip(*(as_arrays(o) for o in others))]
    eq, uncertain, _ = fast.equivalent_batch(stack_a, stack_b)
    assert eq.all() and not uncertain.any()
    batch = fast.canonicalize_batch(*stack_b)
    for n, o in enumerate(others):
        assert batch.counts[n] == canonical_form(o).num_bent


@given(networks(max_d=2, max_h=5, max_k=2))
def test_fast_functional_dimension_matches_exact(net):
    try:
        exact = functional_dimension(net).dimension
    except NonDifferentiableError:
        return
    assert fast.functional_dimension(net) == exact
    points = np.array([[float(v) for v in p] for p in decisive_points(net)])
    assert fast.batch_functional_dimension(net, points) == exact


def test_functional_dimension_regression_cancelling_outputs():
    # Found by CI: the positive side's outputs cancel exactly (1, 0) + (-1, 0); rounding noise
    # in that combination once counted as a shared direction of the two sides.
    net = ShallowNetwork(
        [[0, 1], [0, 1], [0, 0], [0, -1]], [0, 0, 0, 0], [[1, -1, 0, 1], [0, 0, 0, 1]], [0, 0]
    )
    assert fast.functional_dimension(net) == functional_dimension(net).dimension == 10


def test_merging_nearby_hyperplanes_is_uncertain():
    a = ([[0.0, 0.0, 1.0]], [3.0], [[1.0]], [0.0])
    b = ([[0.0, 0.0, 1.0]], [3.000000001], [[1.0]], [0.0])
    assert fast.equivalent(a, b).uncertain
    assert fast.equivalent(a, ([[0.0, 0.0, 1.0]], [3.0 + 1e-15], [[1.0]], [0.0])).equivalent


def test_uncertain_near_the_tolerance():
    a = ([[1.0], [-1.0]], [-1.0, 3.0], [[1.0, 1.0]], [0.0])
    near = ([[1.0], [-1.0]], [-1.0, 3.0], [[1.0, 1.0]], [3e-9])
    verdict = fast.equivalent(a, near)
    assert verdict.uncertain and verdict.equivalent is None and not verdict
    assert "UNCERTAIN" in str(verdict) and "rtol=1e-09" in str(verdict)


def test_bad_tolerances_and_shapes():
    with pytest.raises(ValueError, match="rtol must be"):
        fast.canonical_form(([[1.0]], [0.0], [[1.0]], [0.0]), rtol=-1)
    with pytest.raises(ValueError, match="nan"):
        fast.canonicalize_batch(
            np.full((1, 1, 1), np.nan), np.zeros((1, 1)), np.ones((1, 1, 1)), np.zeros((1, 1))
        )
    with pytest.raises(ValueError, match="shapes"):
        fast.canonicalize_batch(
            np.zeros((1, 2)), np.zeros((1, 1)), np.ones((1, 1, 1)), np.zeros((1, 1))
        )


def test_deep_one_hidden_layer_matches_the_shallow_exact_rank():
    net = ShallowNetwork([[1, 2], [2, 4], [0, 1]], [1, 2, -1], [[1, -1, 2]], [0])
    pts = decisive_points(net)
    W1, b1, W2, b2 = net.W1, net.b1, net.W2, net.b2
    exact = deep.exact_batch_functional_dimension([W1, W2], [b1, b2], pts)
    assert exact == batch_functional_dimension(net, pts) == functional_dimension(net).dimension
    floats = deep.batch_functional_dimension(
        [np.array(W1, dtype=float), np.array(W2, dtype=float)],
        [np.array(b1, dtype=float), np.array(b2, dtype=float)],
        np.array(pts, dtype=float),
    )
    assert floats == exact


def test_deep_bound_and_agreement_at_depth_three():
    rng = np.random.default_rng(1)
    arch = (2, 3, 3, 1)
    W, b = deep.torch_default_init(arch, rng)
    X = rng.standard_normal((60, 2))
    numeric = deep.batch_functional_dimension(W, b, X)
    exact = deep.exact_batch_functional_dimension(W, b, X.tolist())
    assert numeric == exact <= deep.parameter_bound(arch) == deep.num_parameters(arch) - 6
    assert deep.architecture(W) == arch


def test_deep_errors():
    with pytest.raises(ValueError, match="layer 1 takes 2 inputs but layer 0 gives 3"):
        deep.batch_functional_dimension(
            [np.ones((3, 2)), np.ones((1, 2))], [np.ones(3), np.ones(1)], np.ones((1, 2))
        )
    with pytest.raises(ValueError, match="pre-activation of layer 0 zero"):
        deep.exact_batch_functional_dimension([[[1]], [[1]]], [[0], [0]], [[Fraction(0)]])
    # PyTorch's convention relu'(0) = 0 on request, matching the float computation:
    W, b = [np.array([[1.0]]), np.array([[1.0]])], [np.zeros(1), np.zeros(1)]
    exact = deep.exact_batch_functional_dimension(W, b, [[0], [1]], at_zero="zero")
    assert exact == deep.batch_functional_dimension(W, b, np.array([[0.0], [1.0]]))
    with pytest.raises(ValueError, match="at_zero must be"):
        deep.exact_batch_functional_dimension(W, b, [[1]], at_zero="half")
