"""Executable checks of proofs/deep.md, with plain Fractions (own evaluation) and Z3."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import z3

from shallowsym.deep import DeepNetwork, canonical_form, equivalent


def evaluate(weights, biases, x):
    act = [Fraction(v) for v in x]
    for n, (W, b) in enumerate(zip(weights, biases)):
        pre = [
            sum((Fraction(w) * a for w, a in zip(row, act)), Fraction(c)) for row, c in zip(W, b)
        ]
        act = pre if n == len(weights) - 1 else [max(p, Fraction(0)) for p in pre]
    return tuple(act)


GRID = [Fraction(n, 4) for n in range(-16, 17)]


def test_lemma_1_reductions_on_a_grid():
    """Each reduction of Lemma 1, applied by hand, preserves f on a 2-d grid."""
    rng = random.Random(1)
    for _ in range(30):
        W1 = [[Fraction(rng.randint(-2, 2)) for _ in range(2)] for _ in range(3)]
        b1 = [Fraction(rng.randint(-2, 2)) for _ in range(3)]
        W2 = [[Fraction(rng.randint(-2, 2)) for _ in range(3)] for _ in range(2)]
        b2 = [Fraction(rng.randint(-2, 2)) for _ in range(2)]
        W3 = [[Fraction(rng.randint(-2, 2)) for _ in range(2)]]
        b3 = [Fraction(rng.randint(-2, 2))]
        base = ([W1, W2, W3], [b1, b2, b3])
        t = Fraction(rng.randint(1, 4), rng.randint(1, 4))
        # 4. twin of neuron 0 of layer 1 with factor t, its column c; merged: a_0 += t c
        c = [Fraction(rng.randint(-2, 2)) for _ in range(2)]
        twin = (
            [[*W1, [t * w for w in W1[0]]], [[*r, ci] for r, ci in zip(W2, c)], W3],
            [[*b1, t * b1[0]], b2, b3],
        )
        merged = ([W1, [[r[0] + t * ci, *r[1:]] for r, ci in zip(W2, c)], W3], [b1, b2, b3])
        # 2. a constant neuron (w = 0) folded into the next biases
        beta = Fraction(rng.randint(-2, 2))
        const = ([[*W1, [0, 0]], [[*r, ci] for r, ci in zip(W2, c)], W3], [[*b1, beta], b2, b3])
        folded = ([W1, W2, W3], [b1, [bi + ci * max(beta, 0) for bi, ci in zip(b2, c)], b3])
        # 3. a sign-inactive neuron of layer 2 (w <= 0, beta <= 0) with any column
        dead = (
            [W1, [*W2, [-abs(w) for w in W2[0]]], [[*W3[0], Fraction(rng.randint(-3, 3))]]],
            [b1, [*b2, -abs(b2[0])], b3],
        )
        for x in itertools.product(GRID[::4], GRID[::4]):
            assert evaluate(*twin, x) == evaluate(*merged, x)
            assert evaluate(*const, x) == evaluate(*folded, x)
            assert evaluate(*dead, x) == evaluate(*base, x)


def test_proposition_2_orbit_invariance():
    """CF is constant on G-orbits (permutations and positive scalings applied by hand)."""
    rng = random.Random(2)
    for _ in range(40):
        arch = [2, rng.randint(2, 4), rng.randint(2, 4), 1]
        W = [
            [
                [Fraction(rng.randint(-3, 3), rng.randint(1, 3)) for _ in range(arch[i])]
                for _ in range(arch[i + 1])
            ]
            for i in range(3)
        ]
        b = [[Fraction(rng.randint(-3, 3)) for _ in range(arch[i + 1])] for i in range(3)]
        W2, b2 = [[list(r) for r in M] for M in W], [list(v) for v in b]
        for lay in range(2):
            p = list(range(arch[lay + 1]))
            rng.shuffle(p)
            t = [Fraction(rng.randint(1, 5), rng.randint(1, 5)) for _ in p]
            W2[lay] = [[w * t[q] for w in W2[lay][p[q]]] for q in range(len(p))]
            b2[lay] = [b2[lay][p[q]] * t[q] for q in range(len(p))]
            W2[lay + 1] = [[row[p[q]] / t[q] for q in range(len(p))] for row in W2[lay + 1]]
        assert canonical_form(DeepNetwork(W, b)) == canonical_form(DeepNetwork(W2, b2))
        for x in itertools.product(GRID[::8], GRID[::8]):
            assert evaluate(W, b, x) == evaluate(W2, b2, x)


def test_lemma_4_agreement_at_breakpoints():
    """Two CPWL functions of t with kinks in T agree everywhere iff they agree on T and one
    point beyond each end: checked for pairs of 1-d deep networks against a fine grid."""
    rng = random.Random(4)
    for _ in range(60):
        nets = []
        for _ in range(2):
            W = [
                [[Fraction(rng.randint(-2, 2))] for _ in range(2)],
                [[Fraction(rng.randint(-2, 2)) for _ in range(2)] for _ in range(2)],
                [[Fraction(rng.randint(-1, 1)) for _ in range(2)]],
            ]
            b = [
                [Fraction(rng.randint(-3, 3)) for _ in range(2)],
                [Fraction(rng.randint(-2, 2)) for _ in range(2)],
                [Fraction(0)],
            ]
            nets.append((W, b))
        verdict = equivalent(DeepNetwork(*nets[0]), DeepNetwork(*nets[1]))
        assert verdict.equivalent is not None  # d = 1: the real line decides
        if verdict.equivalent:
            grid = [Fraction(n, 8) for n in range(-80, 81)]
            assert all(evaluate(*nets[0], [x]) == evaluate(*nets[1], [x]) for x in grid)
        else:
            assert evaluate(*nets[0], verdict.witness) != evaluate(*nets[1], verdict.witness)


def z3_same(A, B, d):
    xs = [z3.Real(f"x{i}") for i in range(d)]

    def out(W, b):
        act = xs
        for n, (M, c) in enumerate(zip(W, b)):
            pre = [
                z3.Sum([z3.RealVal(w) * a for w, a in zip(r, act)]) + z3.RealVal(ci)
                for r, ci in zip(M, c)
            ]
            act = pre if n == len(W) - 1 else [z3.If(p > 0, p, 0) for p in pre]
        return act

    s = z3.Solver()
    s.add(z3.Or([p != q for p, q in zip(out(*A), out(*B))]))
    return s.check() == z3.unsat


def test_section_4_hidden_symmetries():
    """Items 1 and 2 of section 4 are real equivalences that the reduced form misses."""
    # 1. relu(relu(x1) - relu(-x1)) = relu(relu(x1)), in d = 2 so no line decides it
    a = ([[[1, 0], [-1, 0]], [[1, -1]], [[1]]], [[0, 0], [0], [0]])
    b = ([[[1, 0]], [[1]], [[1]]], [[0], [0], [0]])
    # 2. y2 = relu(x1 - 1) <= y1 = relu(x1): relu(y2 - y1) = 0, a neuron the sign test keeps
    c = ([[[1, 0], [1, 0]], [[1, 0], [-1, 1]], [[1, 5]]], [[0, -1], [0, 0], [0]])
    e = ([[[1, 0], [1, 0]], [[1, 0]], [[1]]], [[0, -1], [0], [0]])
    for A, B in ((a, b), (c, e)):
        assert z3_same(A, B, 2)
        for x in itertools.product(GRID[::2], GRID[::2]):
            assert evaluate(*A, x) == evaluate(*B, x)
        na, nb = DeepNetwork(*A), DeepNetwork(*B)
        assert canonical_form(na) != canonical_form(nb)
        # d = 2: decided by the bounded exact enumeration of activation regions (section 6)
        r = equivalent(na, nb)
        assert r.equivalent is True and r.method == "regions"
        assert equivalent(na, nb, decide=True).equivalent is True
