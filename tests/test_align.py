"""Alignments (exact and float) and the float verdict's neuron map, witness and dtype.

Oracles: Z3 for the exact alignment's verdict, plain-Fraction evaluation for witnesses, and
the permutations, scales, deletions and roundings the tests apply themselves."""

import json
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from netgen import moved, networks
from oracles import reference_eval, z3_equivalent

from shallowsym import Alignment, ShallowNetwork, align, fast, io
from shallowsym.strategies import inequivalent_pairs


def says_equal(alignment: Alignment) -> bool:
    """The alignment shows no difference at all: every bent hyperplane matched with equal
    kinks, equal M and delta."""
    return (
        alignment.missing == 0
        and all(m.kink_difference == 0 for m in alignment.matched)
        and alignment.linear_difference == 0
        and alignment.constant_difference == 0
    )


@given(
    st.one_of(
        networks(max_d=2, max_h=4, max_k=2).flatmap(lambda n: st.tuples(st.just(n), moved(n))),
        inequivalent_pairs(max_h=4),
    )
)
def test_exact_alignment_agrees_with_z3(pair):
    net, other = pair
    alignment = align(net, other)
    assert says_equal(alignment) == z3_equivalent(net, other)
    for m in alignment.matched:  # the neurons named lie on the hyperplane named
        for side, neurons in ((net, m.neurons_a), (other, m.neurons_b)):
            for i in neurons:
                w, beta, _ = side.neuron(i)
                pivot = next(j for j, x in enumerate(w) if x)
                assert tuple(x / w[pivot] for x in w) == m.normal
                assert beta / w[pivot] == m.offset
    for m in (*alignment.unmatched_a, *alignment.unmatched_b):
        assert m.role in ("dead", "cancelling", "missing")


def test_exact_alignment_roles_and_scale():
    a = ShallowNetwork([[1], [-1], [2], [1], [1]], [-1, 3, 0, 5, 5], [[1, 1, 0, 2, -2]], [0])
    b = ShallowNetwork([[-1], [1], [0]], [3, -1, -1], [[3, 3, 7]], [0])
    alignment = align(a, b)
    roles = {m.neurons_a: m.role for m in alignment.unmatched_a}
    assert roles == {(2,): "dead", (3, 4): "cancelling"}
    assert alignment.output_scale == 3 and alignment.scaled_kink_difference == 0
    assert alignment.constant_b == ((2, "inactive"),)
    data = alignment.to_dict()
    assert data["output_scale"] == "3" and data["exact"] is True
    assert "best output scale 3" in str(alignment)
    assert alignment._repr_markdown_().startswith("```")
    with pytest.raises(TypeError, match="a must be a ShallowNetwork"):
        align("net", b)
    with pytest.raises(ValueError, match=r"\(d, k\)"):
        align(a, ShallowNetwork([[1, 0]], [0], [[1]], [0]))


def random_net(rng, d, h, k, dtype=np.float64):
    return [
        rng.standard_normal((h, d)).astype(dtype),
        rng.standard_normal(h).astype(dtype),
        rng.standard_normal((k, h)).astype(dtype),
        rng.standard_normal(k).astype(dtype),
    ]


def standard_copy(net, perm, exponents):
    """b's neuron perm[i] is neuron i of a scaled by 2^e_i (exact in floats)."""
    W1, b1, W2, b2 = net
    t = 2.0 ** np.asarray(exponents)
    W1b, b1b, W2b = np.empty_like(W1), np.empty_like(b1), np.empty_like(W2)
    W1b[perm] = W1 * t[:, None]
    b1b[perm] = b1 * t
    W2b[:, perm] = W2 / t
    return [W1b, b1b, W2b, b2.copy()]


@pytest.mark.parametrize("seed", range(5))
def test_fast_equivalent_returns_the_applied_permutation_and_scales(seed):
    rng = np.random.default_rng(seed)
    a = random_net(rng, 3, 7, 2)
    perm = rng.permutation(7)
    exponents = rng.integers(-3, 4, size=7)
    verdict = fast.equivalent(a, standard_copy(a, perm, exponents))
    assert verdict.equivalent is True
    assert verdict.permutation == tuple(perm.tolist())
    assert np.allclose(verdict.scales, 2.0**exponents, rtol=1e-12)
    assert verdict.to_dict()["permutation"] == perm.tolist()


@pytest.mark.parametrize("seed", range(5))
def test_fast_witness_is_checked_exactly(seed):
    rng = np.random.default_rng(seed)
    a = random_net(rng, 2, 5, 1)
    b = [x.copy() for x in a]
    b[1][rng.integers(5)] += 1e-3
    verdict = fast.equivalent(a, b)
    assert verdict.equivalent is False and verdict.witness is not None
    x = [Fraction(v) for v in verdict.witness.x]
    exact_a = reference_eval(ShallowNetwork(*a), x)
    exact_b = reference_eval(ShallowNetwork(*b), x)
    assert exact_a != exact_b
    assert "witness x = (" in str(verdict)


def test_large_discrepancy_beside_near_hyperplanes_is_not_uncertain():
    # relu(x - 3) against relu(x - 3 - 3e-9) + 5: the hyperplanes nearly coincide (ambiguous),
    # but delta differs by 5, far beyond any tolerance: NOT EQUIVALENT, with a witness.
    a = ([[1.0]], [-3.0], [[1.0]], [0.0])
    b = ([[1.0]], [-3.0 - 3e-9], [[1.0]], [5.0])
    verdict = fast.equivalent(a, b)
    assert verdict.equivalent is False and verdict.ratio > 1e6
    assert verdict.witness is not None and verdict.witness.difference > 4
    # Without the shift in delta the pair stays uncertain.
    assert fast.equivalent(a, ([[1.0]], [-3.0 - 3e-9], [[1.0]], [0.0])).uncertain


def test_default_tolerances_follow_the_dtype():
    rng = np.random.default_rng(3)
    a = random_net(rng, 4, 16, 2, np.float32)
    b = standard_copy(a, rng.permutation(16), np.zeros(16, dtype=int))
    b = [x.astype(np.float32) for x in b]
    b[0] = (b[0] * np.float32(3)) / np.float32(3)  # float32 rounding noise
    verdict = fast.equivalent(a, b)
    assert (verdict.dtype, verdict.rtol, verdict.atol) == ("float32", 1e-5, 1e-8)
    assert verdict.equivalent is True, str(verdict)
    assert "float32, rtol=1e-05" in str(verdict)
    strict = fast.equivalent(a, b, rtol=1e-9, atol=1e-12)
    assert strict.rtol == 1e-9 and strict.dtype == "float32"
    mixed = fast.equivalent(a, [x.astype(np.float64) for x in a])
    assert mixed.dtype == "float32"  # the coarser of the two


def test_fast_align_finds_pruned_and_quantized_neurons():
    rng = np.random.default_rng(7)
    a = random_net(rng, 10, 40, 3)
    keep = np.setdiff1d(np.arange(40), [4, 17, 33])
    pruned = [a[0][keep], a[1][keep], a[2][:, keep], a[3]]
    alignment = fast.align(a, pruned)
    assert sorted(m.neurons_a for m in alignment.unmatched_a) == [(4,), (17,), (33,)]
    assert {m.role for m in alignment.unmatched_a} == {"missing"}
    assert all(keep[m.neurons_b[0]] == m.neurons_a[0] for m in alignment.matched)
    assert alignment.bits == 53 and alignment.missing == 3
    half = [x.astype(np.float16) for x in a]
    quantized = fast.align(a, half)
    assert quantized.dtype == "float16" and len(quantized.matched) == 40
    assert all(m.neurons_a == m.neurons_b for m in quantized.matched)
    # float16 keeps 11 bits; ratios of rounded values keep a few bits fewer
    assert 5 <= quantized.bits <= 11
    # The worst match's differences agree with its bits.
    worst = quantized.matched[0]
    largest = max(worst.normal_difference, worst.offset_difference, worst.kink_difference)
    assert 2.0 ** -(worst.bits + 1) < largest <= 2.0**-worst.bits


def test_fast_align_output_scale_and_dead_neurons():
    rng = np.random.default_rng(8)
    a = random_net(rng, 3, 6, 2)
    scaled = [a[0], a[1], 2.5 * a[2], a[3]]
    alignment = fast.align(a, scaled)
    assert alignment.output_scale == pytest.approx(2.5)
    assert alignment.scaled_kink_difference < 1e-15
    dead = [
        np.vstack([a[0], np.ones((1, 3))]),
        np.append(a[1], 0.0),
        np.hstack([a[2], np.zeros((2, 1))]),
        a[3],
    ]
    roles = fast.align(dead, a)
    assert [(m.neurons_a, m.role) for m in roles.unmatched_a] == [((6,), "dead")]
    assert roles.to_dict()["unmatched_a"][0]["role"] == "dead"


def test_fast_inputs_torch_and_files(tmp_path):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.ReLU(), torch.nn.Linear(6, 2))
    net = io.from_torch(model)
    path = tmp_path / "net.npz"
    io.to_npz(net, path)
    verdict = fast.equivalent(model, str(path))
    assert verdict.equivalent is True and verdict.dtype == "float32"
    assert verdict.permutation == tuple(range(6))
    assert fast.align(model, path).bits == 24
    with pytest.raises(TypeError, match="a must be a ShallowNetwork"):
        fast.equivalent(object(), model)
    with pytest.raises(ValueError, match="inconsistent shapes"):
        fast.equivalent(([[1.0]], [0.0, 1.0], [[1.0]], [0.0]), model)


def test_near_zero_weights_stay_uncertain_unless_the_affine_part_decides():
    # A first weight of 5 atol in a and 0.5 atol in b moves b's pivot: the hyperplane keys
    # differ completely, but W2 W1 and delta agree within ten tolerances: uncertain.
    a = ([[5e-12, 1.0]], [1.0], [[1.0]], [0.0])
    b = ([[5e-13, 1.0]], [1.0], [[1.0]], [0.0])
    verdict = fast.equivalent(a, b)
    assert verdict.uncertain and "within a factor 10 of atol" in verdict.reason
    far = fast.equivalent(a, ([[5e-13, 1.0]], [1.0], [[1.0]], [3.0]))
    assert far.equivalent is False and "whatever near-zero weights mean" in far.reason


def test_cli_align(tmp_path, capsys):
    from shallowsym.cli import main

    a = ShallowNetwork([[1], [-1], [2]], [-1, 3, 0], [[1, 1, 0]], [0])
    b = ShallowNetwork([[-2], [1]], [6, -1], [[0.5, 3]], [0])
    pa, pb = tmp_path / "a.json", tmp_path / "b.json"
    a.save(pa)
    b.save(pb)
    assert main(["align", str(pa), str(pb)]) == 0
    assert "2 hyperplanes matched, 1 only in a" in capsys.readouterr().out
    assert main(["align", str(pa), str(pb), "--fast", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (
        data["exact"] is False and len(data["matched"]) == 2 and data["bits"] == 0
    )  # kinks differ by 2/3
    ShallowNetwork([[1, 0]], [0], [[1]], [0]).save(tmp_path / "c.json")
    assert main(["align", str(pa), str(tmp_path / "c.json"), "--fast"]) == 2
    assert capsys.readouterr().err.startswith("shallowsym: error: a has (d, k)")
