"""Minimal width and reduce: brute force (d = k = 1), Z3, idempotence, the k = 1 trichotomy."""

import itertools
from fractions import Fraction

import numpy as np
from bruteforce import same_function_1d
from hypothesis import given, settings
from netgen import networks
from oracles import z3_equivalent

from shallowsym import (
    SearchLimitExceeded,
    ShallowNetwork,
    canonical_form,
    equivalent,
    is_irreducible,
    minimal_width,
    reduce,
)

# Grid for the brute force: first-layer entries in halves, second layer in integers.
FIRST = [Fraction(v, 2) for v in range(-4, 5)]
SECOND = [-2, -1, 0, 1, 2]


def _realizes_with_fewer(net, width):
    """Whether some grid network with fewer than ``width`` neurons computes f_net.

    Independent of the code under test: exact integer evaluation (x scaled by 8, first layer
    by 2) at every breakpoint of the grid and of f, and one point beyond each end.
    """
    breaks = {-b / w for w in FIRST if w for b in FIRST}
    breaks |= {-b / w[0] for w, b in zip(net.W1, net.b1) if w[0]}
    lo, hi = min(breaks), max(breaks)
    pts = sorted(breaks | {lo - 1, hi + 1})
    scale = 1
    for p in pts:
        scale = np.lcm(scale, p.denominator)
    X = np.array([int(p * scale) for p in pts], dtype=object)
    target = [v * scale * 2 for (v,) in (net([p]) for p in pts)]  # 2 * scale * f
    for h in range(width):
        for first in itertools.product(FIRST, repeat=2 * h):
            W = [int(2 * w) for w in first[:h]]
            B = [int(2 * b) for b in first[h:]]
            # 2 * scale * relu(w x + b) = relu(2w * (scale x) + 2b * scale)
            acts = [[max(w * x + b * scale, 0) for x in X] for w, b in zip(W, B)]
            for second in itertools.product(SECOND, repeat=h + 1):
                values = [
                    2 * scale * second[-1] + sum(a * act[n] for a, act in zip(second, acts))
                    for n in range(len(X))
                ]
                if values == target:
                    return True
    return False


# The brute force costs about a second per width-2 case: capped at 300 examples in the
# thorough profile.
@settings(max_examples=min(settings().max_examples, 300))
@given(networks(max_d=1, max_h=3, max_k=1))
def test_minimal_width_against_brute_force(net):
    width = minimal_width(net)
    small = reduce(net)
    assert small.h == width <= net.h
    assert same_function_1d(small, net)
    if width <= 2:
        assert not _realizes_with_fewer(net, width)


@given(networks(max_d=3, max_h=5, max_k=2))
def test_reduce_is_equivalent_minimal_and_idempotent(net):
    small = reduce(net)
    assert equivalent(net, small)
    assert minimal_width(small) == small.h
    assert is_irreducible(small)
    assert reduce(small) == small
    assert canonical_form(small) == canonical_form(net)


@given(networks(max_d=2, max_h=4, max_k=1))
def test_reduce_agrees_with_z3(net):
    assert z3_equivalent(net, reduce(net))


@given(networks(max_d=3, max_h=6, max_k=1))
def test_dereich_kassing_trichotomy(net):
    extra = minimal_width(net) - canonical_form(net).num_bent
    assert extra in (0, 1, 2)


def test_examples():
    assert minimal_width(ShallowNetwork([[1], [-1]], [0, 0], [[1, -1]], [0])) == 2  # x
    assert minimal_width(ShallowNetwork([[1], [-1]], [0, 0], [[1, 1]], [0])) == 2  # |x|
    assert minimal_width(ShallowNetwork([[1]], [0], [[0]], [5])) == 0
    # |x| + x = 2 relu(x): one neuron
    assert (
        minimal_width(ShallowNetwork([[1], [-1], [1], [-1]], [0, 0, 0, 0], [[1, 1, 1, -1]], [0]))
        == 1
    )
    # A 2-output linear map of rank 2 needs two cancelling pairs.
    lin = ShallowNetwork(
        [[1, 0], [-1, 0], [0, 1], [0, -1]], [0] * 4, [[1, -1, 0, 0], [0, 0, 1, -1]], [0, 0]
    )
    assert minimal_width(lin) == 4 and is_irreducible(lin)


def test_limit():
    values = [3 ** (i % 7) * (1 + i // 7) for i in range(30)]
    net = ShallowNetwork(
        [[v, 1] if i % 2 else [-v, -1] for i, v in enumerate(values)],  # mixed orientations
        [v * (i + 1) for i, v in enumerate(values)],
        [[1] * 30, list(range(30))],
        [0, 0],
    )
    # A cancelling pair more (relu(x1) - relu(-x1) = x1 on both outputs): the bounds leave
    # N_min in {30, 31, 32} open, so the sign search (2^15 subset sums per half) has to run.
    net = ShallowNetwork(
        [*map(list, net.W1), [1, 0], [-1, 0]],
        [*net.b1, 0, 0],
        [[*row, 1, -1] for row in net.W2],
        net.b2,
    )
    try:
        minimal_width(net, limit=50)
    except SearchLimitExceeded as err:
        assert err.limit == 50
    else:
        raise AssertionError("expected SearchLimitExceeded")
