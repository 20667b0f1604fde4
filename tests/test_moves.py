"""The regrouping moves (transplant, forming and dissolving a mixed cancelling pair): each keeps
the function (checked by plain evaluation), each has an exact inverse, and bad calls fail."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracles import check_move_certificate, reference_eval

from shallowsym import ShallowNetwork, apply_standard, equivalent, find_standard_map
from shallowsym.hyperplanes import hyperplane_normal_offset, neuron_keys
from shallowsym.moves import (
    dissolve_cancelling_pair,
    dissolving_kink,
    form_cancelling_pair,
    move_cancelling_group,
    transplant,
)
from shallowsym.roles import structure

Q = Fraction


def same_function(a, b):
    points = [[Q(3 * i - 7, 2 + c) for c in range(a.d)] for i in range(6)]
    points += [[Q(5 * c - i, 3) for c in range(a.d)] for i in range(6)]
    return all(reference_eval(a, x) == reference_eval(b, x) for x in points)


nonzero = st.builds(Q, st.integers(1, 5), st.integers(1, 3)).flatmap(
    lambda x: st.sampled_from([x, -x])
)


@st.composite
def two_mixed_groups(draw):
    """Two mixed groups (neurons 0+, 1- on H0; 2+, 3- on H1), d = 2, k in {1, 2}, with output
    weights chosen so that neurons 1 and 3 can form a mixed cancelling pair (k = 2 needs their
    kinks parallel)."""
    k = draw(st.integers(1, 2))
    u0 = [Q(1), draw(nonzero)]
    u1 = [Q(0), Q(1)] if draw(st.booleans()) else [Q(1), draw(nonzero)]
    if u0 == u1:
        u1 = [Q(0), Q(1)]
    c0, c1 = draw(nonzero), draw(nonzero)
    s = [abs(draw(nonzero)) for _ in range(4)]
    direction = [draw(nonzero) for _ in range(k)]
    a1 = [draw(nonzero) * x for x in direction]
    a3 = [draw(nonzero) * x for x in direction]
    a0 = [draw(nonzero) for _ in range(k)]
    a2 = [draw(nonzero) for _ in range(k)]
    W1 = [
        [s[0] * x for x in u0],
        [-s[1] * x for x in u0],
        [s[2] * x for x in u1],
        [-s[3] * x for x in u1],
    ]
    b1 = [s[0] * c0, -s[1] * c0, s[2] * c1, -s[3] * c1]
    W2 = [[a[r] for a in (a0, a1, a2, a3)] for r in range(k)]
    return ShallowNetwork(W1, b1, W2, [draw(nonzero) for _ in range(k)])


@given(two_mixed_groups(), nonzero)
def test_form_then_dissolve_is_the_identity(net, offset):
    kink = _kink(net, 1)
    try:
        formed = form_cancelling_pair(net, (1, 0), (3, 2), offset)
    except ValueError as err:  # the two terms cancel (possible only when their sum is zero)
        assert "adds nothing" in str(err) or "rank-one" in str(err)
        return
    assert same_function(net, formed)
    pair = next(g for g in structure(formed).groups if 1 in g.neurons)
    assert not pair.bent and pair.mixed and pair.neurons == (1, 3)
    assert hyperplane_normal_offset(pair.key)[1] == offset
    assert dissolve_cancelling_pair(formed, (1, 0), (3, 2), kink) == net
    assert dissolving_kink(formed, 1, 0, 2) == kink


def _kink(net, i):
    return [neuron_keys(net).scale(i) * x for x in net.neuron(i)[2]]


@given(st.lists(nonzero, min_size=6, max_size=6), st.integers(1, 2))
def test_transplant_keeps_the_function_and_undoes_itself(values, k):
    # d = 1: a mixed group on x = c0 and a pure one on x = c1 (every normal is parallel)
    c0, c1, s0, s1, s2, a = values
    c1 = c0 + abs(c1)
    W1 = [[abs(s0)], [-abs(s1)], [abs(s2)]]
    b1 = [abs(s0) * c0, -abs(s1) * c0, abs(s2) * c1]
    W2 = [[a, 2 * a, -a]] if k == 1 else [[a, 2 * a, -a], [1, a, 3]]
    net = ShallowNetwork(W1, b1, W2, [0] * k)
    moved = transplant(net, 1, 0, 2)
    assert same_function(net, moved)
    groups = {g.key: g.signature for g in structure(moved).groups}
    assert sorted(groups.values()) in ([(1, 0), (1, 1)], [(0, 1), (1, 1)], [(1, 1), (1, 1)])
    assert transplant(moved, 1, 2, 0) == net


def test_transplant_needs_parallel_hyperplanes_and_an_opposite_partner():
    net = ShallowNetwork([[1, 0], [-1, 0], [0, 1]], [0, 0, 1], [[1, 2, 3]], [0])
    with pytest.raises(ValueError, match="not parallel"):
        transplant(net, 1, 0, 2)
    twins = ShallowNetwork([[1], [2], [1]], [0, 0, 1], [[1, 2, 3]], [0])
    with pytest.raises(ValueError, match="oppositely oriented"):
        transplant(twins, 1, 0, 2)


def test_form_needs_a_rank_one_sum():
    # k = 2 with non-parallel kinks on independent normals: the sum has rank two
    W1 = [[1, 0], [-1, 0], [0, 1], [0, -1]]
    net = ShallowNetwork(W1, [0, 0, 1, -1], [[1, 1, 1, 0], [1, 0, 1, 1]], [0, 0])
    with pytest.raises(ValueError, match="rank-one"):
        form_cancelling_pair(net, (1, 0), (3, 2), 0)
    with pytest.raises(ValueError, match="four distinct"):
        form_cancelling_pair(net, (1, 0), (1, 0), 0)


def test_dissolve_needs_a_mixed_cancelling_pair():
    W1 = [[1, 0], [-1, 0], [0, 1], [0, -1]]
    net = ShallowNetwork(W1, [0, 0, 1, -1], [[1, 1, 1, 1]], [0])
    with pytest.raises(ValueError, match="not exactly one mixed cancelling pair"):
        dissolve_cancelling_pair(net, (1, 0), (3, 2), [1])


def _disguised(net, data):
    """net after a random permutation and positive scaling (the standard group)."""
    perm = data.draw(st.permutations(range(net.h)))
    scales = data.draw(
        st.lists(st.sampled_from([Q(1), Q(2), Q(1, 3)]), min_size=net.h, max_size=net.h)
    )
    return apply_standard(net, perm, scales)


@given(two_mixed_groups(), nonzero, st.data())
def test_certificates_explain_forming_and_dissolving_a_pair(net, offset, data):
    try:
        formed = form_cancelling_pair(net, (1, 0), (3, 2), offset)
    except ValueError:
        return
    other = _disguised(formed, data)
    assert find_standard_map(net, other) is None  # the types differ
    for a, b in ((net, other), (other, net)):
        result = equivalent(a, b)
        assert result and result.needs_hidden_symmetries
        check_move_certificate(result.certificate, a, b)


@given(st.lists(nonzero, min_size=6, max_size=6), st.data())
def test_certificates_explain_a_transplant(values, data):
    c0, c1, s0, s1, s2, a = values
    net = ShallowNetwork(
        [[abs(s0)], [-abs(s1)], [abs(s2)]],
        [abs(s0) * c0, -abs(s1) * c0, abs(s2) * (c0 + abs(c1))],
        [[a, 2 * a, -a]],
        [0],
    )
    other = _disguised(transplant(net, 1, 0, 2), data)
    for first, second in ((net, other), (other, net)):
        result = equivalent(first, second)
        if result.needs_hidden_symmetries:
            check_move_certificate(result.certificate, first, second)


@given(two_mixed_groups(), nonzero, nonzero, st.data())
def test_certificates_explain_a_moved_cancelling_pair(net, offset, other_offset, data):
    try:
        formed = form_cancelling_pair(net, (1, 0), (3, 2), offset)
    except ValueError:
        return
    pair = next(g for g in structure(formed).groups if not g.bent)
    normal, _ = hyperplane_normal_offset(pair.key)
    moved = _disguised(move_cancelling_group(formed, pair.neurons, normal, other_offset), data)
    result = equivalent(formed, moved)
    assert result
    if result.needs_hidden_symmetries:
        check_move_certificate(result.certificate, formed, moved)
