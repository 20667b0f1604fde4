"""Equivalence and symmetry up to relabelled inputs and outputs (issue 19).

Oracles, independent of shallowsym.relabel: relabellings are applied by hand to the raw
weights and evaluated with plain Fractions (``reference_eval``), and Z3 decides equality of a
network and a relabelled one (its own formula below). Brute force runs over every (sigma, pi).
"""

import itertools
import json
import random
from fractions import Fraction

import pytest
import z3
from hypothesis import given, settings
from hypothesis import strategies as st
from netgen import moved, networks
from oracles import reference_eval

from shallowsym import SearchLimitExceeded, ShallowNetwork, equivalent
from shallowsym.relabel import (
    RelabelledEquivalence,
    Relabelling,
    apply_relabelling,
    relabelled_equivalent,
    relabelling_graph,
    relabelling_group,
    relabelling_symmetries,
)

# -- oracles ------------------------------------------------------------------------------------


def by_hand(net, sigma, pi, signs=None):
    """b with b(y)[pi[i]] = net(x)[i], x[j] = signs[j] y[sigma[j]], from the raw weight lists."""
    eps = signs or (1,) * net.d
    W1 = [[eps[sigma.index(m)] * row[sigma.index(m)] for m in range(net.d)] for row in net.W1]
    W2 = [net.W2[pi.index(i)] for i in range(net.k)]
    b2 = [net.b2[pi.index(i)] for i in range(net.k)]
    return ShallowNetwork.from_rows(W1, list(net.b1), W2, b2, d=net.d)


def _relu_z3(z):
    return z3.If(z > 0, z, 0)


def _q(v):
    v = Fraction(v)
    return z3.Q(v.numerator, v.denominator)


def _outputs(net, xs):
    pre = [sum((_q(w) * x for w, x in zip(row, xs)), _q(b)) for row, b in zip(net.W1, net.b1)]
    act = [_relu_z3(z) for z in pre]
    return [sum((_q(a) * z for a, z in zip(row, act)), _q(c)) for row, c in zip(net.W2, net.b2)]


def z3_relabels(a, b, sigma, pi, signs=None):
    """Z3: is b(y)[pi[i]] = a(x)[i] with x[j] = signs[j] y[sigma[j]] for every y in R^d?"""
    eps = signs or (1,) * a.d
    ys = [z3.Real(f"y{j}") for j in range(a.d)]
    xs = [eps[j] * ys[sigma[j]] for j in range(a.d)]
    fa, fb = _outputs(a, xs), _outputs(b, ys)
    solver = z3.Solver()
    solver.set("timeout", 60_000)
    solver.add(z3.Or([fb[pi[i]] != fa[i] for i in range(a.k)]))
    verdict = solver.check()
    assert verdict != z3.unknown
    return verdict == z3.unsat


def points(d, n, rng):
    return [[Fraction(rng.randint(-40, 40), rng.randint(1, 7)) for _ in range(d)] for _ in range(n)]


def agrees_at(a, b, sigma, pi, pts, signs=None):
    eps = signs or (1,) * a.d
    for y in pts:
        x = [eps[j] * y[sigma[j]] for j in range(a.d)]
        va, vb = reference_eval(a, x), reference_eval(b, y)
        if any(vb[pi[i]] != va[i] for i in range(a.k)):
            return False
    return True


def brute_force(a, b, modes="both", n_points=8, seed=0):
    """Every allowed (sigma, pi) mapping a onto b: random points reject, Z3 confirms.

    For ``modes="signed-inputs"``, triples (sigma, pi, signs)."""
    rng = random.Random(seed)
    pts = points(a.d, n_points, rng)
    sigmas = itertools.permutations(range(a.d)) if modes != "outputs" else [tuple(range(a.d))]
    sigmas = list(sigmas)
    fixed_out = modes in ("inputs", "signed-inputs")
    pis = [tuple(range(a.k))] if fixed_out else list(itertools.permutations(range(a.k)))
    signed = modes == "signed-inputs"
    all_signs = list(itertools.product((1, -1), repeat=a.d)) if signed else [None]
    found = []
    for sigma in sigmas:
        for pi in pis:
            for eps in all_signs:
                if agrees_at(a, b, sigma, pi, pts, eps) and z3_relabels(a, b, sigma, pi, eps):
                    found.append((sigma, pi, eps) if signed else (sigma, pi))
    return found


def check_found(result, a, b):
    """A positive verdict's maps, checked by hand and by Z3."""
    assert isinstance(result, RelabelledEquivalence) and result
    r = result.relabelling
    assert sorted(r.inputs) == list(range(a.d)) and sorted(r.outputs) == list(range(a.k))
    assert agrees_at(a, b, r.inputs, r.outputs, points(a.d, 6, random.Random(1)), r.signs)
    assert z3_relabels(a, b, r.inputs, r.outputs, r.signs)


# -- strategies -----------------------------------------------------------------------------


@st.composite
def relabelled_pairs(draw, max_d=4, max_k=3):
    net = draw(networks(max_d=max_d, max_h=6, max_k=max_k))
    other = draw(moved(net))
    sigma = tuple(draw(st.permutations(range(net.d))))
    pi = tuple(draw(st.permutations(range(net.k))))
    return net, by_hand(other, sigma, pi)


@st.composite
def near_misses(draw, max_d=3, max_k=2):
    """A relabelled copy with one kink changed: a live neuron's output weight moved by 1."""
    net, b = draw(relabelled_pairs(max_d=max_d, max_k=max_k))
    live = [i for i in range(b.h) if any(b.W1[i])]
    if not live:  # no kink to change: add one, relu(x1) on output 1
        return net, ShallowNetwork.from_rows(
            [[1] + [0] * (b.d - 1), *map(list, b.W1)],
            [0, *b.b1],
            [[int(i == 0), *b.W2[i]] for i in range(b.k)],
            list(b.b2),
            d=b.d,
        )
    i = draw(st.sampled_from(live))
    j = draw(st.integers(0, b.k - 1))
    W2 = [list(row) for row in b.W2]
    W2[j][i] += 1
    return net, ShallowNetwork.from_rows([list(r) for r in b.W1], list(b.b1), W2, list(b.b2), d=b.d)


# -- properties -----------------------------------------------------------------------------


@settings(max_examples=40)
@given(relabelled_pairs(), st.sampled_from(["both", "inputs", "outputs"]))
def test_relabelled_copies_with_hidden_moves_are_found(pair, mode):
    a, b = pair
    if mode == "both":
        result = relabelled_equivalent(a, b)
        check_found(result, a, b)
    else:
        # Only the allowed side may move: the verdict must agree with brute force.
        result = relabelled_equivalent(a, b, relabel=mode)
        truth = bool(brute_force(a, b, modes=mode))
        assert bool(result) == truth
        if result:
            check_found(result, a, b)
            moved_side = (
                result.relabelling.outputs if mode == "inputs" else result.relabelling.inputs
            )
            assert moved_side == tuple(range(len(moved_side)))


@settings(max_examples=25)
@given(near_misses())
def test_near_misses_are_refused_exactly(pair):
    a, b = pair
    result = relabelled_equivalent(a, b)
    assert bool(result) == bool(brute_force(a, b))
    if not result:
        assert result.obstruction is not None and result.relabelling is None


@st.composite
def non_permutation_maps(draw):
    """b(x) = a(A x) for an integer matrix A that is not a permutation (scalings, shears,
    sign changes)."""
    a = draw(networks(max_d=3, max_h=5, max_k=2))
    d = a.d
    entries = st.integers(-2, 2)
    A = [[draw(entries) for _ in range(d)] for _ in range(d)]
    W1 = [[sum(row[m] * A[m][j] for m in range(d)) for j in range(d)] for row in a.W1]
    b = ShallowNetwork.from_rows(W1, list(a.b1), [list(r) for r in a.W2], list(a.b2), d=d)
    return a, b


@settings(max_examples=30)
@given(non_permutation_maps())
def test_verdict_agrees_with_brute_force_on_other_linear_maps(pair):
    a, b = pair
    result = relabelled_equivalent(a, b)
    truth = brute_force(a, b)
    assert bool(result) == bool(truth)
    if result:
        check_found(result, a, b)


def test_a_rescaled_or_negated_input_is_refused():
    a = ShallowNetwork([[1, 2], [3, -1], [1, 1]], [1, 0, -2], [[1, 2, -1]], [0])
    for A in ([[2, 0], [0, 1]], [[-1, 0], [0, 1]], [[1, 1], [0, 1]], [[0, -1], [1, 0]]):
        W1 = [[sum(row[m] * A[m][j] for m in range(2)) for j in range(2)] for row in a.W1]
        b = ShallowNetwork(W1, a.b1, a.W2, a.b2)
        result = relabelled_equivalent(a, b)
        assert not result and not brute_force(a, b)
        assert result.decided_by in ("invariants", "refinement")


@st.composite
def symmetrized(draw):
    """a + g.a for an involution g = (sigma, pi): g is in its relabelling group."""
    a = draw(networks(max_d=4, max_h=4, max_k=4))
    involution = draw(st.sampled_from(["swap", "none"]))

    def involution_of(n):
        perm = list(range(n))
        if involution == "swap" and n >= 2:
            i, j = draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True))
            perm[i], perm[j] = perm[j], perm[i]
        return tuple(perm)

    sigma, pi = involution_of(a.d), involution_of(a.k)
    g = by_hand(a, sigma, pi)
    both = ShallowNetwork.from_rows(
        [*map(list, a.W1), *map(list, g.W1)],
        [*a.b1, *g.b1],
        [[*ra, *rg] for ra, rg in zip(a.W2, g.W2)],
        [x + y for x, y in zip(a.b2, g.b2)],
        d=a.d,
    )
    return both, sigma, pi


@settings(max_examples=20)
@given(symmetrized())
def test_relabelling_group_against_brute_force(case):
    net, sigma, pi = case
    group = relabelling_group(net)
    d, k = net.d, net.k
    elements = {tuple(p.array_form + list(range(p.size, d + k))) for p in group.generate()}
    truth = {(*s, *(d + q for q in p)) for s, p in brute_force(net, net)}
    assert elements == truth
    assert group.order() == len(truth)
    assert (*sigma, *(d + q for q in pi)) in elements


def test_a_network_symmetric_in_two_inputs_has_the_transposition():
    # relu(x1 + 2 x2 + 1) + relu(2 x1 + x2 + 1) + relu(x1 - x2) + relu(x2 - x1) - relu(x3 - 1)
    net = ShallowNetwork(
        [[1, 2, 0], [2, 1, 0], [1, -1, 0], [-1, 1, 0], [0, 0, 1]],
        [1, 1, 0, 0, -1],
        [[1, 1, 1, 1, -1], [0, 0, 0, 0, 3]],
        [0, 1],
    )
    group = relabelling_group(net)
    from sympy.combinatorics import Permutation

    assert group.contains(Permutation(0, 1, size=5))
    assert group.order() == 2
    assert brute_force(net, net) == [((0, 1, 2), (0, 1)), ((1, 0, 2), (0, 1))]
    report = relabelling_symmetries(net)
    assert report.order == 2 and "x1->x2" in str(report)
    assert json.loads(json.dumps(report.to_dict()))["order"] == "2"


def test_symmetric_graphs_go_to_the_matcher_and_the_limit_stops_it():
    d = 6
    net = ShallowNetwork(
        [[int(i == j) for j in range(d)] for i in range(d)], [0] * d, [[1] * d], [0]
    )
    other = by_hand(net, (1, 2, 3, 4, 5, 0), (0,))
    result = relabelled_equivalent(net, other)
    check_found(result, net, other)
    assert result.decided_by == "search"
    assert relabelling_group(net).order() == 720
    with pytest.raises(SearchLimitExceeded):
        relabelling_group(net, limit=5)
    with pytest.raises(SearchLimitExceeded):
        relabelled_equivalent(net, other, limit=2)


def test_graph_encoding_and_the_facade():
    a = ShallowNetwork([[1, 0]], [0], [[1]], [0])
    b = ShallowNetwork([[0, 1]], [0], [[1]], [0])
    assert not equivalent(a, b)
    assert equivalent(a, b, relabel="inputs").relabelling == Relabelling((1, 0), (0,))
    assert not equivalent(a, b, relabel="outputs")
    g = relabelling_graph(a)
    assert g.nodes[("half", 0, 1)]["label"] == ("half", 0)
    data = equivalent(a, b, relabel="both").to_dict()
    assert json.loads(json.dumps(data))["relabelling"] == {"inputs": [1, 0], "outputs": [0]}
    assert "**" in equivalent(a, b, relabel="both")._repr_markdown_()
    c = ShallowNetwork([[1]], [0], [[1]], [0])
    assert relabelled_equivalent(a, c).decided_by == "dimensions"


def test_arguments_are_validated():
    a = ShallowNetwork([[1, 0]], [0], [[1]], [0])
    with pytest.raises(ValueError, match="relabel must be one of"):
        relabelled_equivalent(a, a, relabel="signs")
    with pytest.raises(TypeError, match="relabel must be a string"):
        relabelled_equivalent(a, a, relabel=1)
    with pytest.raises(ValueError, match="limit"):
        relabelled_equivalent(a, a, limit=0)
    with pytest.raises(TypeError, match="b is list"):
        relabelled_equivalent(a, [1])
    with pytest.raises(ValueError, match="relabel must be one of"):
        equivalent(a, a, relabel="all")
    with pytest.raises(ValueError, match="inputs must be a permutation"):
        apply_relabelling(a, [0, 0], [0])
    with pytest.raises(TypeError, match=r"outputs\[0\] must be an integer"):
        apply_relabelling(a, [0, 1], ["0"])
    with pytest.raises(TypeError, match="ShallowNetwork"):
        relabelling_group("net")


def test_apply_relabelling_matches_the_hand_construction():
    rng = random.Random(3)
    for _ in range(20):
        d, h, k = rng.randint(1, 4), rng.randint(0, 4), rng.randint(1, 3)
        W1 = [[Fraction(rng.randint(-3, 3)) for _ in range(d)] for _ in range(h)]
        net = ShallowNetwork.from_rows(
            W1,
            [rng.randint(-2, 2) for _ in range(h)],
            [[rng.randint(-2, 2) for _ in range(h)] for _ in range(k)],
            [rng.randint(-2, 2) for _ in range(k)],
            d=d,
        )
        sigma, pi = tuple(rng.sample(range(d), d)), tuple(rng.sample(range(k), k))
        assert apply_relabelling(net, sigma, pi) == by_hand(net, sigma, pi)


def test_cli_relabel(tmp_path, capsys):
    from shallowsym.cli import main

    a = ShallowNetwork(
        [[1, 2, 0], [2, 1, 0], [0, 0, 1]], [1, 1, -1], [[1, 1, -1], [0, 0, 3]], [0, 1]
    )
    b = by_hand(a, (2, 0, 1), (1, 0))
    c = ShallowNetwork(
        [[1, 2, 0], [2, 1, 0], [0, 0, 1]], [1, 1, -1], [[1, 1, -1], [0, 0, 4]], [0, 1]
    )
    paths = []
    for name, net in (("a", a), ("b", b), ("c", c)):
        paths.append(str(tmp_path / f"{name}.json"))
        net.save(paths[-1])
    pa, pb, pc = paths
    assert main(["equiv", pa, pb]) == 1
    capsys.readouterr()
    assert main(["equiv", pa, pb, "--relabel", "both", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    r = data["relabelling"]
    assert z3_relabels(a, b, tuple(r["inputs"]), tuple(r["outputs"]))
    assert main(["equiv", pa, pc, "--relabel", "both"]) == 1
    assert "obstruction" in capsys.readouterr().out
    assert main(["equiv", pa, pb, "--relabel", "inputs"]) == 1
    assert main(["equiv", pa, pb, "--relabel", "both", "--relabel-limit", "1"]) == 3
    assert capsys.readouterr().err.startswith("shallowsym: error: ")
    assert main(["symmetries", pa, "--relabel"]) == 0
    assert "relabelling group: order 2" in capsys.readouterr().out
    assert main(["symmetries", pa, "--relabel", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["relabelling"]["order"] == "2"


# -- signed input permutations ------------------------------------------------------------------


@st.composite
def signed_pairs(draw):
    net = draw(networks(max_d=3, max_h=6, max_k=2))
    other = draw(moved(net))
    sigma = tuple(draw(st.permutations(range(net.d))))
    signs = tuple(draw(st.lists(st.sampled_from([1, -1]), min_size=net.d, max_size=net.d)))
    b = by_hand(other, sigma, tuple(range(net.k)), signs)
    if draw(st.booleans()) and b.h:  # a near miss: one output weight moved
        W2 = [list(row) for row in b.W2]
        W2[0][draw(st.integers(0, b.h - 1))] += 1
        b = ShallowNetwork.from_rows([list(r) for r in b.W1], list(b.b1), W2, list(b.b2), d=b.d)
    return net, b


@settings(max_examples=30)
@given(signed_pairs())
def test_signed_input_permutations_against_brute_force(pair):
    a, b = pair
    result = relabelled_equivalent(a, b, relabel="signed-inputs")
    assert bool(result) == bool(brute_force(a, b, modes="signed-inputs"))
    if result:
        check_found(result, a, b)
        assert result.relabelling.outputs == tuple(range(a.k))
        assert len(result.relabelling.signs) == a.d


@st.composite
def signed_symmetrized(draw):
    """a + g.a for a signed involution g of the inputs."""
    a = draw(networks(max_d=3, max_h=4, max_k=2))
    sigma = list(range(a.d))
    if a.d >= 2 and draw(st.booleans()):
        sigma[0], sigma[1] = 1, 0
    signs = [1] * a.d
    flip = draw(st.integers(0, a.d - 1))
    if sigma[flip] == flip:
        signs[flip] = -1
    elif draw(st.booleans()):
        signs[0] = signs[1] = -1
    g = by_hand(a, tuple(sigma), tuple(range(a.k)), tuple(signs))
    return ShallowNetwork.from_rows(
        [*map(list, a.W1), *map(list, g.W1)],
        [*a.b1, *g.b1],
        [[*ra, *rg] for ra, rg in zip(a.W2, g.W2)],
        [x + y for x, y in zip(a.b2, g.b2)],
        d=a.d,
    )


@settings(max_examples=15)
@given(signed_symmetrized())
def test_signed_relabelling_group_against_brute_force(net):
    group = relabelling_group(net, relabel="signed-inputs")
    d, k = net.d, net.k
    elements = {tuple(p.array_form) for p in group.generate()}
    truth = set()
    for sigma, _, signs in brute_force(net, net, modes="signed-inputs"):
        plus = [p if e > 0 else p + d for p, e in zip(sigma, signs)]
        minus = [p + d if e > 0 else p for p, e in zip(sigma, signs)]
        truth.add((*plus, *minus, *range(2 * d, 2 * d + k)))
    assert elements == truth


def test_a_network_symmetric_under_a_sign_change():
    f = ShallowNetwork([[1, 1], [1, -1]], [0, 0], [[1, 1]], [0])  # relu(x1 + x2) + relu(x1 - x2)
    g = ShallowNetwork([[1, -1], [1, 1]], [0, 0], [[1, 2]], [0])
    assert not relabelled_equivalent(f, g, relabel="signed-inputs")
    h = by_hand(f, (1, 0), (0,), (-1, 1))
    assert not relabelled_equivalent(f, h)
    result = relabelled_equivalent(f, h, relabel="signed-inputs")
    check_found(result, f, h)
    assert "->-x" in str(result)
    assert json.loads(json.dumps(result.to_dict()))["relabelling"]["signs"] in ([-1, 1], [-1, -1])
