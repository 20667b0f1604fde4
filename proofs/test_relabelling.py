"""Executable check of proofs/relabelling.md: isomorphisms of relabelling graphs are exactly the
relabellings mapping one function onto the other, and are determined by their restriction to
the input and output nodes.

The truth is decided here: Z3 proves or refutes b(y)[pi(i)] = a(x)[i], x[j] = y[sigma(j)], from
the raw weights (its own encoding); a plain-Fraction evaluation at random points refutes most
candidates first. The isomorphisms are enumerated by networkx on the graphs of
``relabelling_graph``; no search of shallowsym is involved.
"""

import itertools
import random
from fractions import Fraction

import z3
from networkx.algorithms.isomorphism import GraphMatcher

from shallowsym import ShallowNetwork, moves
from shallowsym.relabel import relabelling_graph


def evaluate(net, x):
    hidden = [max(sum((w * v for w, v in zip(row, x)), b), 0) for row, b in zip(net.W1, net.b1)]
    return [sum((a * z for a, z in zip(row, hidden)), c) for row, c in zip(net.W2, net.b2)]


def q(v):
    v = Fraction(v)
    return z3.Q(v.numerator, v.denominator)


def z3_outputs(net, xs):
    act = [
        z3.If(e > 0, e, 0)
        for e in (sum((q(w) * x for w, x in zip(row, xs)), q(b)) for row, b in zip(net.W1, net.b1))
    ]
    return [sum((q(a) * z for a, z in zip(row, act)), q(c)) for row, c in zip(net.W2, net.b2)]


def true_relabellings(a, b, rng, signed=False):
    """Every (sigma, pi) with b(y)[pi(i)] = a(x)[i], x[j] = y[sigma(j)], for all y; when
    ``signed``, every (sigma, pi, eps) with x[j] = eps[j] y[sigma(j)] and pi the identity."""
    pts = [
        [Fraction(rng.randint(-30, 30), rng.randint(1, 5)) for _ in range(a.d)] for _ in range(6)
    ]
    pis = [tuple(range(a.k))] if signed else list(itertools.permutations(range(a.k)))
    all_eps = list(itertools.product((1, -1), repeat=a.d)) if signed else [(1,) * a.d]
    found = set()
    for sigma, pi, eps in itertools.product(itertools.permutations(range(a.d)), pis, all_eps):
        if any(
            evaluate(b, y)[pi[i]] != evaluate(a, [eps[j] * y[sigma[j]] for j in range(a.d)])[i]
            for y in pts
            for i in range(a.k)
        ):
            continue
        ys = [z3.Real(f"y{j}") for j in range(a.d)]
        fa = z3_outputs(a, [eps[j] * ys[sigma[j]] for j in range(a.d)])
        fb = z3_outputs(b, ys)
        solver = z3.Solver()
        solver.add(z3.Or([fb[pi[i]] != fa[i] for i in range(a.k)]))
        verdict = solver.check()
        assert verdict != z3.unknown
        if verdict == z3.unsat:
            found.add((sigma, pi, eps) if signed else (sigma, pi))
    return found


def isomorphism_restrictions(a, b, signed=False):
    """The restriction to inputs and outputs of every labelled isomorphism (networkx)."""
    mode = "signed-inputs" if signed else "both"
    ga, gb = relabelling_graph(a, relabel=mode), relabelling_graph(b, relabel=mode)
    matcher = GraphMatcher(
        ga,
        gb,
        node_match=lambda x, y: x["label"] == y["label"],
        edge_match=lambda x, y: x["label"] == y["label"],
    )
    restrictions = []
    for phi in matcher.isomorphisms_iter():
        sigma = tuple(phi[("input", j)][1] for j in range(a.d))
        pi = tuple(phi[("output", i)][1] for i in range(a.k))
        if signed:
            eps = tuple(1 if phi[("input", j)][0] == "input" else -1 for j in range(a.d))
            # the pair edge sends -x_j where x_j goes, negated
            assert all(
                phi[("neg-input", j)] == ("neg-input" if e > 0 else "input", p)
                for j, (p, e) in enumerate(zip(sigma, eps))
            )
            restrictions.append((sigma, pi, eps))
        else:
            restrictions.append((sigma, pi))
    return restrictions


def check_pair(a, b, rng, signed=False):
    restrictions = isomorphism_restrictions(a, b, signed)
    # Statement 3: an isomorphism is determined by its restriction.
    assert len(restrictions) == len(set(restrictions))
    # Statements 1 and 2: the restrictions are exactly the relabellings of the functions.
    assert set(restrictions) == true_relabellings(a, b, rng, signed)


def test_theorem_exhaustively_for_one_neuron_in_the_plane():
    values = (-1, 0, 1)
    nets = [
        ShallowNetwork([[w1, w2]], [beta], [[alpha]], [0])
        for w1, w2, beta in itertools.product(values, repeat=3)
        for alpha in (-1, 1)
    ]
    rng = random.Random(0)
    for a, b in itertools.product(nets, repeat=2):
        check_pair(a, b, rng)
    for a, b in itertools.product(nets[::3], repeat=2):  # signed: every third network
        check_pair(a, b, rng, signed=True)


def random_network(rng, d, h, k):
    def r():
        return Fraction(rng.choice([-2, -1, 0, 1, 1, 2]), rng.choice([1, 1, 2]))

    W1 = [[r() for _ in range(d)] for _ in range(h)]
    # Plant coincidences: a repeated row, a negated row, a row with swapped coordinates.
    for i in range(1, h):
        pick = rng.random()
        if pick < 0.2:
            W1[i] = list(W1[i - 1])
        elif pick < 0.35:
            W1[i] = [-v for v in W1[i - 1]]
        elif pick < 0.5 and d == 2:
            W1[i] = W1[i - 1][::-1]
    b1 = [rng.choice([-1, 0, 0, 1]) for _ in range(h)]
    W2 = [[r() for _ in range(h)] for _ in range(k)]
    return ShallowNetwork.from_rows(W1, b1, W2, [r() for _ in range(k)], d=d)


def relabelled(net, sigma, pi):
    W1 = [[row[sigma.index(m)] for m in range(net.d)] for row in net.W1]
    W2 = [net.W2[pi.index(i)] for i in range(net.k)]
    b2 = [net.b2[pi.index(i)] for i in range(net.k)]
    return ShallowNetwork.from_rows(W1, list(net.b1), W2, b2, d=net.d)


def test_theorem_on_drawn_pairs():
    rng = random.Random(19)
    for n in range(120):
        d, k, h = rng.choice([1, 2, 2]), rng.choice([1, 2]), rng.randint(0, 6)
        a = random_network(rng, d, h, k)
        kind = n % 3
        if kind == 0:  # a relabelled copy after hidden moves
            other = moves.random_equivalent(a, seed=n, moves=3)
            sigma = tuple(rng.sample(range(d), d))
            pi = tuple(rng.sample(range(k), k))
            b = relabelled(other, sigma, pi)
        elif kind == 1:  # a near miss: one output weight moved
            b = relabelled(a, tuple(reversed(range(d))), tuple(range(k)))
            if b.h:
                W2 = [list(row) for row in b.W2]
                W2[0][rng.randrange(b.h)] += 1
                b = ShallowNetwork.from_rows(
                    [list(r) for r in b.W1], list(b.b1), W2, list(b.b2), d=d
                )
        else:  # a symmetrized network against itself: a + g.a for an involution g
            g = relabelled(a, tuple(reversed(range(d))), tuple(reversed(range(k))))
            a = ShallowNetwork.from_rows(
                [*map(list, a.W1), *map(list, g.W1)],
                [*a.b1, *g.b1],
                [[*x, *y] for x, y in zip(a.W2, g.W2)],
                [x + y for x, y in zip(a.b2, g.b2)],
                d=d,
            )
            b = a
        check_pair(a, b, rng)
        if kind == 0:  # the same pair with input signs changed, as signed relabellings
            signs = tuple(rng.choice([1, -1]) for _ in range(d))
            W1 = [[signs[j] * row[j] for j in range(d)] for row in b.W1]
            b = ShallowNetwork.from_rows(W1, list(b.b1), [list(r) for r in b.W2], list(b.b2), d=d)
            check_pair(a, b, rng, signed=True)
