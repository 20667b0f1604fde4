"""The flip search's cheap certificate (classes of proportional a_i w_i^T, one per class
independent mod p) against the exact echelon path, on wide networks with planted twins,
opposite twins and triples, and against plain-Fraction subset enumeration of the flips."""

import random
from fractions import Fraction
from itertools import combinations

import pytest

from shallowsym import ShallowNetwork
from shallowsym.fibre import flips
from shallowsym.roles import structure


def _planted(seed, d=40, h=70, k=2):
    rnd = random.Random(seed)
    W1 = [[Fraction(rnd.randint(-9, 9), rnd.randint(1, 4)) for _ in range(d)] for _ in range(h)]
    b1 = [Fraction(rnd.randint(-5, 5)) for _ in range(h)]
    W2 = [[Fraction(rnd.randint(-9, 9) or 1) for _ in range(h)] for _ in range(k)]
    planted = rnd.sample(range(h), 12)
    for n in range(0, 12, 3):  # a source, an opposite twin, a scaled twin
        i, j, m = planted[n : n + 3]
        c = Fraction(rnd.randint(1, 3), rnd.randint(1, 3))
        W1[j], b1[j] = [-x for x in W1[i]], -b1[i]
        W1[m], b1[m] = [c * x for x in W1[i]], c * b1[i]
        for row in W2:
            row[j] = row[i] if n % 2 else -row[i]
            row[m] = -row[i] / c
    return ShallowNetwork.from_rows(W1, b1, W2, [0] * k, d=d)


def _brute_force(net, members):
    """The non-empty subsets T of ``members`` with sum a_i w_i^T = 0, in plain Fractions."""
    out = []
    for size in range(1, len(members) + 1):
        for T in combinations(members, size):
            if all(
                sum(net.W2[r][i] * net.W1[i][c] for i in T) == 0
                for r in range(net.k)
                for c in range(net.d)
            ):
                out.append(T)
    return out


@pytest.mark.parametrize("seed", range(4))
def test_the_certificate_agrees_with_the_exact_path(seed, monkeypatch):
    net = _planted(seed)
    live = sorted(i for g in structure(net).groups for i in g.neurons)
    assert flips._certified_classes(net, live) is not None  # the certificate decides here
    fast = flips.flip_sets(net)
    monkeypatch.setattr(flips, "_certified_classes", lambda net, live: None)
    assert flips.flip_sets(net) == fast
    planted = sorted({i for T in fast for i in T})
    assert len(planted) == 12
    assert list(fast) == sorted(_brute_force(net, planted), key=lambda T: (len(T), T))


def test_dependent_classes_fall_back_to_the_exact_path():
    # k r < number of classes: independence cannot be certified, the exact path decides
    net = _planted(0, d=4, h=70, k=1)
    live = sorted(i for g in structure(net).groups for i in g.neurons)
    assert flips._certified_classes(net, live) is None
