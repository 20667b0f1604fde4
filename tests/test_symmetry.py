"""symmetries(): roles, mechanisms, stabilizer, flips, limits, random_equivalent."""

import math
from fractions import Fraction

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from netgen import admissible_flips, networks
from oracles import reference_eval

from shallowsym import (
    SearchLimitExceeded,
    ShallowNetwork,
    apply_standard,
    canonical_form,
    examples,
    find_standard_map,
    flip_sets,
    neuron_graph,
    stratum_dimension,
    symmetries,
)
from shallowsym.moves import random_equivalent


def codes(report):
    return sorted((m.code, m.neurons, m.dimension) for m in report.mechanisms)


def test_s3_zero_output_with_k2():
    net = ShallowNetwork([[1, 2], [3, 4], [0, 0]], [0, 1, 0], [[1, 0, 0], [2, 0, 0]], [0, 0])
    report = symmetries(net)
    assert ("S3", (1,), 2) in codes(report)  # d = 2 free beyond its own scaling
    assert ("S3", (2,), 3) in codes(report)  # the all-zero neuron: d + 1
    assert report.stabilizer.dimension == 1 and report.orbit_dimension == 2
    assert [r.role for r in report.roles] == ["bent", "zero-output", "zero-output"]


def test_s4_zero_input_active_and_inactive_with_k2():
    net = ShallowNetwork([[1], [0], [0]], [0, 2, -1], [[1, 3, 1], [1, 0, 5]], [0, 0])
    report = symmetries(net)
    assert [r.role for r in report.roles] == ["bent", "zero-input-active", "zero-input-inactive"]
    assert ("S4", (1,), 2) in codes(report) and ("S4", (2,), 2) in codes(report)
    assert report.has_hidden_symmetries


def test_s5_twins_with_k2():
    net = ShallowNetwork([[1, 1], [2, 2], [3, 0]], [1, 2, 0], [[1, 1, 1], [2, 5, 0]], [0, 0])
    report = symmetries(net)
    assert ("S5", (0, 1), 2) in codes(report)
    assert report.fibre_dimension == report.orbit_dimension + 2


def test_s6_both_orientations_on_a_bent_hyperplane():
    # |x| + |x - 1| with an extra opposite neuron: P - Q on x = 0 is free (S6), because the
    # pair on x = 1 absorbs the change in W2 W1.
    net = ShallowNetwork([[1], [-1], [1], [-1]], [0, 0, -1, 1], [[1, 1, 1, 1]], [0])
    report = symmetries(net)
    s6 = [m for m in report.mechanisms if m.code == "S6"]
    assert sorted(m.neurons for m in s6) == [(0, 1), (2, 3)]
    assert sum(m.dimension for m in s6) == 1  # two v's, one equation
    assert report.fibre_dimension == 5 == stratum_dimension(net)


def test_s7_cancelling_groups():
    _, net = examples.cancelling_pair()
    report = symmetries(net)
    s7 = [m for m in report.mechanisms if m.code == "S7"]
    assert [(m.neurons, m.dimension) for m in s7] == [((1, 2), 1)]  # the free offset
    pure = ShallowNetwork([[1], [2], [1]], [1, 2, 0], [[2, -1, 1]], [0])
    assert ("S7", (0, 1), 1) in codes(symmetries(pure))
    assert [r.role for r in symmetries(pure).roles] == ["cancelling", "cancelling", "bent"]


def test_s8_flips_with_k2():
    # a_0 w_0^T + a_1 w_1^T = 0 with k = 2: (1, 2)(1) + (-1, -2)(1) ... via w_1 = -w_0.
    net = ShallowNetwork([[1], [-1], [5]], [-1, 3, 1], [[1, 1, 1], [2, 2, 0]], [0, 0])
    report = symmetries(net)
    assert report.flip_sets == ((0, 1),)
    assert ("S8", (0, 1), 0) in codes(report)
    assert report.has_hidden_symmetries and report.fibre_dimension == report.orbit_dimension
    witness = report.hidden_witness
    assert canonical_form(witness) == canonical_form(net)
    assert find_standard_map(net, witness) is None


def test_generic_network_has_no_hidden_symmetries():
    net = ShallowNetwork([[1, 2], [3, -1], [2, 5]], [1, 2, 3], [[1, 2, 4]], [0])
    report = symmetries(net)
    assert report.mechanisms == () and not report.has_hidden_symmetries
    assert report.hidden_witness is None
    assert report.fibre_dimension == report.orbit_dimension == 3
    assert len(report.fibre_types()) == 1


@given(networks(max_d=2, max_h=5, max_k=2))
def test_fibre_dimension_at_least_the_stratum_dimension(net):
    report = symmetries(net)
    assert report.stratum_dimension == stratum_dimension(net)
    assert report.fibre_dimension >= report.stratum_dimension >= report.orbit_dimension
    assert report.has_hidden_symmetries == (
        report.stratum_dimension > report.orbit_dimension or report.hidden_witness is not None
    )


@given(networks(max_d=2, max_h=5, max_k=2))
def test_stabilizer_against_networkx_automorphisms(net):
    stab = symmetries(net).stabilizer
    graph = neuron_graph(net)
    automorphisms = sum(1 for _ in nx.vf2pp_all_isomorphisms(graph, graph, node_label="label"))
    assert stab.order == automorphisms
    assert stab.order == math.prod(math.factorial(len(c)) for c in stab.classes)
    elements = list(stab.elements())
    assert len(elements) == stab.order
    for g in elements:
        assert g.apply(net) == net
    assert stab.as_sympy().order() == stab.order


def test_stabilizer_order_without_enumerating_a_huge_group():
    # 100 equal neurons and 50 others: order 100! * 50!, computed as a product of factorials.
    net = ShallowNetwork([[1]] * 100 + [[2]] * 50, [0] * 150, [[1] * 100 + [3] * 50], [0])
    stab = symmetries(net).stabilizer
    assert stab.order == math.factorial(100) * math.factorial(50)
    assert stab.order_formula == "100! x 50!" and len(stab.generators) == 148


@given(networks(max_d=2, max_h=7, max_k=2))
def test_flip_sets_against_brute_force(net):
    expected = sorted(
        t
        for t in admissible_flips(net)
        if all(net.W1[i] and any(net.W1[i]) and any(r[i] for r in net.W2) for i in t)
    )
    assert sorted(flip_sets(net)) == sorted(expected)


def test_flip_search_over_forty_neurons_within_the_limit():
    values = [3 ** (i % 7) * (1 + i // 7) for i in range(40)]
    net = ShallowNetwork([[v] for v in values], [0] * 40, [[1] * 40], [0])
    with pytest.raises(SearchLimitExceeded) as err:
        flip_sets(net, limit=1000)
    assert err.value.limit == 1000 and "limit=1000" in str(err.value)


def test_fibre_types_limit():
    net = ShallowNetwork([[1], [2], [3], [4]], [0, 1, 2, 3], [[1, 1, 1, 1]], [0])
    with pytest.raises(SearchLimitExceeded):
        symmetries(net).fibre_types(limit=3)


def test_report_text_and_dict():
    a, _ = examples.flip_pair()
    report = symmetries(a)
    text = str(report)
    assert "S8 discrete flip: neurons 0, 1" in text and "hidden symmetries: yes" in text
    data = report.to_dict()
    assert data["has_hidden_symmetries"] is True and data["fibre_dimension"] == 2
    assert data["hidden_witness"]["b2"] == ["2"]


def test_undecided_report_prints_instead_of_raising():
    values = [3 ** (i % 7) * (1 + i // 7) for i in range(30)]
    # distinct hyperplanes x = -(i + 1): no continuous mechanism, so flips must be searched
    net = ShallowNetwork(
        [[v] for v in values], [v * (i + 1) for i, v in enumerate(values)], [[1] * 30], [0]
    )
    report = symmetries(net, limit=100)
    assert report.fibre_dimension == report.orbit_dimension
    assert "undecided" in str(report)
    assert report.to_dict()["has_hidden_symmetries"] is None
    with pytest.raises(SearchLimitExceeded):
        _ = report.has_hidden_symmetries


def test_bad_arguments():
    with pytest.raises(TypeError):
        symmetries([[1]])
    with pytest.raises(ValueError, match="limit must be a positive integer"):
        symmetries(examples.flip_pair()[0], limit=0)


@given(networks(max_d=2, max_h=5, max_k=2), st.integers(0, 10**6))
def test_random_equivalent_preserves_the_function(net, seed):
    other = random_equivalent(net, seed=seed, moves=6)
    assert (other.d, other.h, other.k) == (net.d, net.h, net.k)
    points = ([Fraction(1, 3)] * net.d, [Fraction(-2)] * net.d, [Fraction(i) for i in range(net.d)])
    for x in points:
        assert reference_eval(other, x) == reference_eval(net, x)
    assert canonical_form(other) == canonical_form(net)


@given(networks(max_d=2, max_h=4, max_k=2, min_h=1))
def test_hidden_moves_leave_the_orbit_in_a_fair_share(net):
    report = symmetries(net)
    if not report.has_hidden_symmetries:
        for seed in range(5):
            assert find_standard_map(net, random_equivalent(net, seed=seed)) is not None
        return
    outside = sum(find_standard_map(net, random_equivalent(net, seed=s)) is None for s in range(20))
    assert outside >= 4, (net, outside)


def test_standard_moves_only_stay_in_the_orbit():
    net = ShallowNetwork([[1, 2], [3, -1]], [1, 2], [[1, 2]], [0])
    moved = apply_standard(net, [1, 0], [2, 3])
    assert not symmetries(net).has_hidden_symmetries
    assert find_standard_map(net, random_equivalent(moved, seed=3)) is not None
