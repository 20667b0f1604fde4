"""equivalent(): verdicts against Z3, witnesses, certificates, and the graph method."""

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from netgen import moved, networks, nudged, positive_rationals
from oracles import (
    check_move_certificate,
    check_standard_certificate,
    reference_eval,
    z3_equivalent,
)

from shallowsym import (
    MoveCertificate,
    ShallowNetwork,
    StandardCertificate,
    apply_standard,
    equivalent,
    examples,
    find_standard_map,
)


def check(a, b):
    """Both methods against Z3, with every witness and certificate checked independently."""
    truth = z3_equivalent(a, b)
    results = [equivalent(a, b), equivalent(a, b, method="graph")]
    for result in results:
        assert bool(result) == truth, (str(result), a, b)
        if truth:
            assert result.witness is None
            if isinstance(result.certificate, StandardCertificate):
                check_standard_certificate(result.certificate, a, b)
            else:
                assert result.needs_hidden_symmetries
                if result.certificate is not None:
                    check_move_certificate(result.certificate, a, b)
        else:
            x = result.witness
            assert len(x) == a.d
            assert reference_eval(a, x) != reference_eval(b, x)
            assert result.values == (reference_eval(a, x), reference_eval(b, x))
            assert result.reason
    # Both methods find a standard certificate, or neither does.
    assert isinstance(results[0].certificate, StandardCertificate) == isinstance(
        results[1].certificate, StandardCertificate
    )
    return truth


@given(networks(), st.data())
def test_equivalent_partners_by_moves_agree_with_z3(net, data):
    partner = data.draw(moved(net))
    assert check(net, partner)


@given(networks(), st.data())
def test_near_misses_agree_with_z3(net, data):
    check(net, data.draw(nudged(net)))


@given(networks(max_h=4), networks(max_h=4))
def test_unrelated_pairs_agree_with_z3(a, b):
    if (a.d, a.k) == (b.d, b.k):
        check(a, b)


@given(networks(max_d=2, max_h=3, max_k=2, big=True), st.data())
def test_forty_digit_pairs_agree_with_z3(net, data):
    check(net, data.draw(moved(net, max_moves=2)))
    check(net, data.draw(nudged(net)))


@given(networks(min_h=1), st.data())
def test_standard_moves_get_a_checked_certificate(net, data):
    perm = data.draw(st.permutations(range(net.h)))
    scales = [data.draw(positive_rationals) for _ in range(net.h)]
    image = apply_standard(net, perm, scales)
    for method in ("canonical", "graph"):
        result = equivalent(net, image, method=method)
        assert result and result.certificate is not None
        check_standard_certificate(result.certificate, net, image)


def test_flip_needs_hidden_symmetries():
    a, b = examples.flip_pair()
    result = equivalent(a, b)
    assert result and result.needs_hidden_symmetries
    assert "hidden symmetries" in result.reason
    assert find_standard_map(a, b) is None
    assert [str(m) for m in result.certificate.moves] == ["flip([0, 1])"]
    check_move_certificate(result.certificate, a, b)


def _explain_random_equivalent(net, seed):
    """Draw a same-width equivalent network; check its move certificate when there is one.
    Returns "moves", "unexplained" or "standard"."""
    from shallowsym.moves import random_equivalent

    other = random_equivalent(net, seed=seed, moves=3)
    result = equivalent(net, other)
    assert result
    if isinstance(result.certificate, MoveCertificate):
        check_move_certificate(result.certificate, net, other)
        return "moves"
    return "unexplained" if result.certificate is None else "standard"


@given(networks(max_h=5), st.integers(0, 10**6))
def test_same_width_hidden_equivalences_are_explained(net, seed):
    _explain_random_equivalent(net, seed)


def test_most_hidden_equivalences_are_explained():
    # A fixed sample (derandomized, so the share cannot flake): a regression that explains
    # fewer than 95% of the hidden equivalences fails. Measured: 139 of 139 hidden ones.
    counts = {"moves": 0, "unexplained": 0, "standard": 0}

    @settings(
        max_examples=300,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(networks(max_h=5), st.integers(0, 10**6))
    def draw(net, seed):
        counts[_explain_random_equivalent(net, seed)] += 1

    draw()
    hidden = counts["moves"] + counts["unexplained"]
    assert hidden >= 50, counts
    assert counts["moves"] >= 0.95 * hidden, counts


def test_different_widths_compare_normally():
    a, b = examples.cancelling_pair()
    result = equivalent(a, b)
    assert result and result.needs_hidden_symmetries and "widths differ (1 and 3)" in result.reason


def test_different_dimensions_are_a_verdict_not_an_exception():
    a = ShallowNetwork([[1]], [0], [[1]], [0])
    b = ShallowNetwork([[1, 0]], [0], [[1]], [0])
    c = ShallowNetwork([[1]], [0], [[1], [1]], [0, 0])
    assert not equivalent(a, b) and equivalent(a, b).reason == "a has input dimension 1 but b has 2"
    assert not equivalent(a, c) and "output dimension 1 but b has 2" in equivalent(a, c).reason
    assert equivalent(a, b).witness is None


def test_reason_names_the_kink():
    a = ShallowNetwork([[1]], [-2], [[3]], [0])
    b = ShallowNetwork([[1]], [0], [[0]], [0])
    result = equivalent(a, b)
    assert result.reason == "hyperplane x1 - 2 = 0 has kink 3 in a and 0 in b"


def test_reason_names_the_linear_part_and_the_constant():
    a = ShallowNetwork([[1], [-1]], [0, 0], [[1, -1]], [0])  # |x| ... no: x
    b = ShallowNetwork([[1], [-1]], [0, 0], [[2, -2]], [0])
    result = equivalent(a, b)
    assert "linear part M = W2 W1 differs at [0, 0]: 2 in a and 4 in b" in result.reason
    c = ShallowNetwork([[1]], [0], [[1]], ["1/3"])
    e = ShallowNetwork([[1]], [0], [[1]], ["1/4"])
    assert "constant delta" in equivalent(c, e).reason
    assert equivalent(c, e).witness == (0,)


def test_to_dict_and_str():
    a, b = examples.near_miss()
    result = equivalent(a, b)
    data = result.to_dict()
    assert data["equivalent"] is False and data["witness"] == [str(result.witness[0])]
    assert str(result).startswith(
        "NOT EQUIVALENT: hyperplane x1 - 1 = 0 has kink 1 in a and 0 in b"
    )
    twin_a, twin_b = examples.twins()
    assert equivalent(twin_a, twin_b).to_dict()["needs_hidden_symmetries"] is True


def test_bad_arguments():
    a, _ = examples.flip_pair()
    with pytest.raises(TypeError, match="b is list"):
        equivalent(a, [1])
    with pytest.raises(ValueError, match="method must be one of"):
        equivalent(a, a, method="z3")


def test_witness_on_a_crowded_two_dimensional_difference():
    # Many hyperplanes through one point: the witness point must avoid all the others.
    rows = [[1, 0], [0, 1], [1, 1], [1, -1], [2, 1], [1, 2]]
    a = ShallowNetwork(rows, [0] * 6, [[1, 2, 3, 4, 5, 6]], [0])
    b = ShallowNetwork(rows, [0] * 6, [[1, 2, 3, 4, 5, Fraction(61, 10)]], [0])
    result = equivalent(a, b)
    assert not result
    assert reference_eval(a, result.witness) != reference_eval(b, result.witness)


@given(networks(max_h=5), st.data())
def test_witness_candidates_isolate_one_kink(net, data):
    """docs/theory.md section 4: at x0 on H and off the other bent hyperplanes of g = f_a - f_b,
    g(x0 + t u) + g(x0 - t u) - 2 g(x0) = kappa_g t |u|^2 exactly (no other kink crossed)."""
    from shallowsym import canonical_form
    from shallowsym.hyperplanes import hyperplane_normal_offset
    from shallowsym.witness import candidate_points, kink_differences

    other = data.draw(st.one_of(nudged(net), networks(max_h=5)))
    if (other.d, other.k) != (net.d, net.k):
        return
    cf_a, cf_b = canonical_form(net), canonical_form(other)
    diffs = kink_differences(cf_a, cf_b)
    if not diffs:
        return
    key, kink = next(iter(diffs.items()))
    normal, offset = hyperplane_normal_offset(key)
    x0, plus, minus = candidate_points(cf_a, cf_b)
    assert sum(u * v for u, v in zip(normal, x0)) + offset == 0
    pivot = next(j for j, u in enumerate(normal) if u)
    t = plus[pivot] - x0[pivot]
    assert t > 0 and all(p - x == t * u for p, x, u in zip(plus, x0, normal))
    g = [
        tuple(p - q for p, q in zip(reference_eval(net, x), reference_eval(other, x)))
        for x in (x0, plus, minus)
    ]
    norm2 = sum(u * u for u in normal)
    for j in range(net.k):
        assert g[1][j] + g[2][j] - 2 * g[0][j] == kink[j] * t * norm2


def test_the_verdict_never_calls_the_fibre_machinery(monkeypatch):
    # issue 17: equivalent decides from canonical forms alone; the fibre (flips, strata,
    # unfoldings) and the move certificates are reached only when an explanation is read
    import shallowsym.equivalence as equivalence_module
    from shallowsym.fibre import flips, strata
    from shallowsym.fibre.unfolding import driver
    from shallowsym.moves import flip

    def forbidden(*args, **kwargs):
        raise AssertionError("the verdict reached the fibre machinery")

    net = ShallowNetwork([[1], [-1], [2]], [-1, 3, 0], [[1, 1, 1]], [0])
    hidden = flip(net, [0, 1])  # a flip: equal functions, not in the standard orbit
    other = ShallowNetwork([[1], [-1], [2]], [-1, 3, 1], [[1, 1, 1]], [0])
    for module, name in [
        (flips, "flip_sets"),
        (strata, "realize"),
        (strata, "fibre_types"),
        (driver, "local_dimension"),
        (equivalence_module, "explain"),
    ]:
        monkeypatch.setattr(module, name, forbidden)
    assert bool(equivalent(net, hidden)) is True
    assert bool(equivalent(net, other)) is False
    with pytest.raises(AssertionError, match="fibre machinery"):
        equivalent(net, hidden).certificate  # noqa: B018 - reading it runs the search
