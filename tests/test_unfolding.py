"""The fibre's dimension at theta: the stratum dimension by an independent count, and the
unfoldings of degenerate networks into larger nearby strata, on examples counted by hand."""

from fractions import Fraction

import sympy
from hypothesis import given
from netgen import networks
from oracles import reference_eval

from shallowsym import (
    ShallowNetwork,
    canonical_form,
    local_dimension,
    stratum_dimension,
    structure,
    symmetries,
)
from shallowsym.hyperplanes import hyperplane_normal_offset


def counted_dimension(net):
    """(k+1) h - k |S| + (d-k) (#zero-output + #cancelling groups) - rank, where the rank of
    the differential of W2 W1 in the v-terms is k n + m (d - n): n = dim of the span of the
    mixed groups' normals, m = dim of the span of the mixed cancelling groups' v."""
    s = structure(net)
    d, k, h = net.d, net.k, net.h
    mixed = [g for g in s.groups if g.mixed]
    n = (
        sympy.Matrix([list(hyperplane_normal_offset(g.key)[0]) for g in mixed]).rank()
        if mixed
        else 0
    )
    vs = [list(g.v) for g in mixed if not g.bent]
    m = sympy.Matrix(vs).rank() if vs else 0
    bent = sum(1 for g in s.groups if g.bent)
    cancelling = sum(1 for g in s.groups if not g.bent)
    return (
        (k + 1) * h - k * bent + (d - k) * (len(s.zero_output) + cancelling) - (k * n + m * (d - n))
    )


@given(networks(max_d=3, max_h=6, max_k=3))
def test_stratum_dimension_by_counting(net):
    assert stratum_dimension(net) == counted_dimension(net)


def same_function(a, b):
    points = [[Fraction(3 * i - 7, 2 + c) for c in range(a.d)] for i in range(5)]
    points += [[Fraction(i - 2 * c, 3) for c in range(a.d)] for i in range(5)]
    return all(reference_eval(a, x) == reference_eval(b, x) for x in points)


@given(networks(max_d=3, max_h=5, max_k=3))
def test_the_witness_is_a_nearby_realization_in_a_stratum_of_that_dimension(net):
    result = local_dimension(net)
    assert result.stratum_dimension == stratum_dimension(net)
    assert result.dimension >= result.stratum_dimension
    witness = result.witness
    assert same_function(net, witness) and canonical_form(witness) == canonical_form(net)
    assert stratum_dimension(witness) == result.dimension
    size = 1 + max((abs(x) for row in net.W1 + net.W2 for x in row), default=0)
    size += max((abs(x) for x in net.b1), default=0)
    for W, V in ((net.W1, witness.W1), (net.W2, witness.W2)):
        for row, other in zip(W, V, strict=True):
            assert all(abs(x - y) <= size**2 / 100 for x, y in zip(row, other, strict=True))


def check(net, own, local, exact=True):
    result = local_dimension(net)
    assert (result.stratum_dimension, result.dimension, result.exact) == (own, local, exact)
    assert symmetries(net).fiber_dimension == local


def test_all_zero_neuron_with_more_outputs_than_inputs():
    # d = 1, k = 3: zero-output 1 + 1 = 2 dimensions, zero-input 3 + 1 = 4; the live neuron 1
    net = ShallowNetwork([[1], [0]], [0, 0], [[1, 0], [2, 0], [3, 0]], [0, 0, 0])
    check(net, 1 + 2, 1 + 4)


def test_zero_output_neuron_beside_a_live_twin():
    # d = 1, k = 2: a zero-output neuron (2 dimensions) on the live neuron's hyperplane and
    # side can take part of its kink: twins, 2 (1 + 2) - 2 = 4 dimensions instead of 1 + 2
    net = ShallowNetwork([[1], [2]], [0, 0], [[1, 0], [1, 0]], [0, 0])
    check(net, 3, 4)


def test_two_zero_output_neurons_on_one_hyperplane():
    # d = 1, k = 3, f = 0: two zero-output neurons (2 + 2) become a small pure cancelling pair:
    # 2 (1 + 3) - 3 + 1 = 6
    net = ShallowNetwork([[1], [2]], [1, 2], [[0, 0]] * 3, [0, 0, 0])
    check(net, 4, 6)


def test_cancelling_twins_leave_a_bent_hyperplane():
    # d = 2, k = 1: three twins on x1 = 0 with kinks 1, 2, -2. Own stratum 3 (1 + 1) - 1 = 5.
    # Neurons 1 and 2 move to a parallel hyperplane as a pure cancelling pair: 1 + (4 - 1 + 2)
    net = ShallowNetwork([[1, 0], [1, 0], [2, 0]], [0, 0, 0], [[1, 2, -1]], [0])
    check(net, 5, 6)


def test_a_zero_sum_side_leaves_a_mixed_group_even_when_d_equals_k():
    # d = k = 1, f = relu(x): neuron 0 (+) and neurons 1, 2 (-) with kinks 1, -1 on x = 0.
    # Own stratum 3 (1 + 1) - 2 + (1 - 1) = 4; neurons 1, 2 leave as a pure cancelling pair:
    # 1 + (2 (1 + 1) - 1 + 1) = 5 (the v-term of the mixed group disappears).
    net = ShallowNetwork([[1], [-1], [-1]], [0, 0, 0], [[1, 1, -1]], [0])
    check(net, 4, 5)


def test_zero_input_neurons_become_a_far_cancelling_group():
    # d = 2, k = 1: zero-input neurons with beta = 1, 2 and |beta| a = 2, -2: own 2 (1 + 1) = 4;
    # as a pure cancelling pair on a far hyperplane 2 (1 + 1) - 1 + 2 = 5
    net = ShallowNetwork([[0, 0], [0, 0]], [1, 2], [[2, -1]], [0])
    check(net, 4, 5)


def test_generic_networks_do_not_unfold():
    net = ShallowNetwork([[1, 2], [3, -1], [0, 1]], [1, 2, -1], [[1, 2, 1]], [0])
    check(net, 3, 3)


def test_unexplored_mixed_unfoldings_are_flagged():
    # d = 2 > k = 1 and a mixed group of three neurons: a zero-sum set of both orientations
    # could leave as a mixed cancelling group, which is not explored
    net = ShallowNetwork([[1, 0], [-1, 0], [1, 0]], [0, 0, 0], [[1, 1, 3]], [0])
    assert not local_dimension(net).exact


def test_an_active_all_zero_neuron_keeps_the_constant():
    # beta = 1 > 0: the new zero-input neuron adds a relu(1) = a, which b2 must pay back
    net = ShallowNetwork([[0]], [1], [[0], [0]], [0, 0])
    result = local_dimension(net)
    assert (result.stratum_dimension, result.dimension) == (2, 3)
    assert same_function(net, result.witness)
