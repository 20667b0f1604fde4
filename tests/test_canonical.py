"""Canonical form: Theorem 1 against direct evaluation, invariance under the standard group,
the examples of docs/theory.md section 5, degenerate shapes and big numbers."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from netgen import networks, positive_rationals
from oracles import reference_eval

from shallowsym import ShallowNetwork, apply_standard, canonical_form, examples
from shallowsym.hyperplanes import format_hyperplane, hyperplane_normal_offset


def grid_points(d, n=4):
    return [[Fraction(3 * i + j * j - 5, 2 + j) for j in range(d)] for i in range(n)]


@given(networks(max_d=3, max_h=6, max_k=2))
def test_canonical_form_evaluates_to_the_network(net):
    """Theorem 1: f(x) = sum kappa/2 |l_H| + Mx/2 + delta, and the sigma form too."""
    cf = canonical_form(net)
    L, e = cf.sigma_form
    for x in grid_points(net.d):
        expected = reference_eval(net, x)
        assert cf(x) == expected
        sigma = [
            e[j]
            + sum(L[j][c] * x[c] for c in range(net.d))
            + sum(
                kink[j] * max(sum(u * v for u, v in zip(normal, x)) + offset, 0)
                for normal, offset, kink in cf.bent_hyperplanes
            )
            for j in range(net.k)
        ]
        assert tuple(sigma) == expected


@given(networks(max_d=3, max_h=6, max_k=2, min_h=1), st.data())
def test_standard_group_preserves_the_canonical_form(net, data):
    perm = data.draw(st.permutations(range(net.h)))
    scales = [data.draw(positive_rationals) for _ in range(net.h)]
    moved = apply_standard(net, perm, scales)
    assert canonical_form(moved) == canonical_form(net)
    assert hash(canonical_form(moved)) == hash(canonical_form(net))
    assert str(canonical_form(moved)) == str(canonical_form(net))


@given(networks(max_d=3, max_h=6, max_k=2))
def test_canonical_form_is_well_formed(net):
    cf = canonical_form(net)
    assert list(cf.keys) == sorted(set(cf.keys))
    assert all(any(kink) for kink in cf.kinks)
    assert len(cf.linear) == net.k and all(len(row) == net.d for row in cf.linear)
    for key, bent in zip(cf.keys, cf.bent_hyperplanes):
        # The rational key (u, c) has u[p] = 1 at the first non-zero index, and the integer
        # key is primitive with a positive leading entry.
        assert next(u for u in bent.normal if u) == 1
        from math import gcd

        assert gcd(*key) == 1 and next(x for x in key if x) > 0
        assert hyperplane_normal_offset(key) == (bent.normal, bent.offset)
    # M = W2 W1 computed by hand.
    for j in range(net.k):
        for c in range(net.d):
            assert cf.linear[j][c] == sum(net.W2[j][i] * net.W1[i][c] for i in range(net.h))


@pytest.mark.parametrize("pair", [examples.flip_pair, examples.cancelling_pair, examples.twins])
def test_theory_examples_have_equal_canonical_forms(pair):
    a, b = pair()
    assert canonical_form(a) == canonical_form(b)


def test_flip_example_values():
    a, _ = examples.flip_pair()
    cf = canonical_form(a)
    assert [format_hyperplane(k) for k in cf.keys] == ["x1 - 3 = 0", "x1 - 1 = 0"]
    assert cf.kinks == ((1,), (1,))
    assert cf.linear == ((0,),) and cf.constant == (1,)
    assert str(cf) == "f(x) = 1/2 |x1 - 3| + 1/2 |x1 - 1| + 1"


def test_cancelling_pair_is_not_bent():
    _, b = examples.cancelling_pair()
    cf = canonical_form(b)
    assert [format_hyperplane(k) for k in cf.keys] == ["x1 = 0"]
    assert cf.kinks == ((2,),)


def test_multi_output_and_zero_neurons():
    # Zero-output neuron (free w), zero-input neurons with beta > 0, beta < 0 and beta = 0.
    net = ShallowNetwork(
        [[5, 7], [0, 0], [0, 0], [0, 0], [1, 0]],
        [1, 3, -2, 0, 0],
        [[0, 1, 4, 9, 1], [0, 2, 5, 9, -1]],
        [1, 1],
    )
    cf = canonical_form(net)
    assert cf.keys == ((1, 0, 0),)
    assert cf.kinks == ((1, -1),)
    # delta = b2 + W2 b1 / 2 + sum_{zero-input} |beta| a / 2 = b2 + a_1 relu(3) + ... - x terms
    assert cf.constant == (Fraction(1) + 3 * 1, Fraction(1) + 3 * 2)
    assert cf.linear == ((1, 0), (-1, 0))


def test_width_zero():
    net = ShallowNetwork.from_rows([], [], [[], []], [3, "1/2"], d=2)
    cf = canonical_form(net)
    assert cf.keys == () and cf.linear == ((0, 0), (0, 0)) and cf.constant == (3, Fraction(1, 2))
    assert str(cf) == "f1(x) = 3\nf2(x) = 1/2"
    assert cf == canonical_form(ShallowNetwork([[1, 1]], [0], [[0], [0]], [3, "1/2"]))


def test_forty_digit_numbers():
    big = 10**40 + 7
    w = Fraction(big, 10**39 + 3)
    net = ShallowNetwork([[w], [-2 * w]], [Fraction(1, big), Fraction(-2, big)], [[big, 3]], [0])
    cf = canonical_form(net)
    # Both neurons lie on x + (10^39 + 3) / big^2 = 0, with opposite orientations.
    assert cf.keys == ((big * big, 10**39 + 3),)
    normal, offset = hyperplane_normal_offset(cf.keys[0])
    assert normal == (1,) and offset == Fraction(1, big) / w
    assert cf.kinks == ((w * big + 2 * w * 3,),)  # s_i = |w_i[p]| > 0 for both
    for x in ([Fraction(-1, big)], [Fraction(big, 3)], [0]):
        assert cf(x) == reference_eval(net, x)


def test_canonical_forms_key_a_dict_of_functions():
    a, b = examples.flip_pair()
    table = {canonical_form(a): "flip"}
    assert table[canonical_form(b)] == "flip"


def test_to_dict_is_exact_strings():
    data = canonical_form(examples.two_dimensional()).to_dict()
    assert data["bent_hyperplanes"][0]["equation"] == "x1 - 2 x2 + 3 = 0"
    assert data["bent_hyperplanes"][0]["kink"] == ["3", "4"]
    assert data["constant"] == ["15/2", "11/2"]


def test_canonical_form_rejects_non_networks():
    with pytest.raises(TypeError, match="expects a ShallowNetwork"):
        canonical_form([[1]])
