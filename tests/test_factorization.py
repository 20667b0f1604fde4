"""The dimension of the factorization variety {V W^T = M} and of the F2 solutions of a
stratum, against a float oracle that knows nothing of their structure: random nearby points
pulled back onto the variety, and the Jacobian's corank there (tests/oracles.py)."""

import itertools
import random
from fractions import Fraction

import numpy as np
import pytest
from oracles import numeric_jacobian, numeric_local_dimension

from shallowsym.fibre.factorization import factorization_dimension, factorization_tangent_dimension
from shallowsym.fibre.strata import w_dimension


def _orthogonal(n, rng):
    return np.linalg.qr(rng.standard_normal((n, n)))[0]


def _point(k, e, c, r, x, y, rng):
    """V (k x c), W (e x c) with rank V W^T = r, rank V = r + x, rank W = r + y: V W^T =
    diag(I_r, 0) in suitable bases, the extra rows of V and W in orthogonal coordinates."""
    V, W = np.zeros((k, c)), np.zeros((e, c))
    V[range(r), range(r)] = W[range(r), range(r)] = 1
    V[r:, r : r + x] = _orthogonal(k - r, rng)[:, :x]
    W[r : r + y, r + x : r + x + y] = np.eye(y)
    g = _orthogonal(c, rng)
    return _orthogonal(k, rng) @ V @ g, _orthogonal(e, rng) @ W @ g


SHAPES = [
    (k, e, c, r, x, y)
    for k, e, c in itertools.product(range(1, 4), repeat=3)
    for r in range(min(k, e, c) + 1)
    for x in range(min(k, c) - r + 1)
    for y in range(min(e - r, c - r - x) + 1)
]


@pytest.mark.parametrize("k,e,c,r,x,y", SHAPES)
def test_factorization_dimension_against_the_float_oracle(k, e, c, r, x, y):
    rng = np.random.default_rng([k, e, c, r, x, y])
    V0, W0 = _point(k, e, c, r, x, y, rng)
    M = V0 @ W0.T

    def residual(z):
        return (z[: k * c].reshape(k, c) @ z[k * c :].reshape(e, c).T - M).ravel()

    z0 = np.concatenate([V0.ravel(), W0.ravel()])
    sizes = {"r": r, "a": r + x, "b": r + y}
    expected = numeric_local_dimension(residual, z0, seed=len(SHAPES), samples=60)
    assert factorization_dimension(k, e, c, **sizes) == expected
    singular = np.linalg.svd(numeric_jacobian(residual, z0), compute_uv=False)
    tangent = z0.size - int((singular > 1e-9).sum())
    assert factorization_tangent_dimension(k, e, c, **sizes) == tangent


def test_impossible_ranks_are_refused():
    with pytest.raises(ValueError, match="rank"):
        factorization_dimension(2, 2, 1, r=0, a=1, b=1)  # rank-one V, W with V W^T = 0, c = 1
    with pytest.raises(ValueError, match="non-negative"):
        factorization_dimension(2, 2, -1, r=0, a=0, b=0)


def _f2_data(seed):
    """Bent normals and (v_c, u_c) of mixed cancelling groups with small entries, so that
    singular points (parallel v-terms and normals, normals in the bent span) come up often."""
    rng = random.Random(seed)
    d, k = rng.choice((1, 2, 3, 3)), rng.choice((1, 2, 3, 3))

    def vector(size, pivot_one):
        while True:
            x = [Fraction(rng.choice((-1, 0, 0, 1))) for _ in range(size)]
            if any(x):
                lead = next(v for v in x if v)
                return [v / lead for v in x] if pivot_one else x

    bent = [vector(d, True) for _ in range(rng.randint(0, 1))]
    # v-terms and normals from small pools, so that they are often dependent
    vs = [vector(k, False) for _ in range(rng.randint(1, 2))]
    us = [vector(d, True) for _ in range(rng.randint(1, 3))]
    terms = [
        ([rng.choice((0, 1, -1, 2)) * x for x in rng.choice(vs)], rng.choice(us))
        for _ in range(rng.randint(2, 4))
    ]
    return d, k, bent, terms


@pytest.mark.parametrize("seed", range(60))
def test_f2_dimension_against_the_float_oracle(seed):
    # variables: v_H per bent group, (v_c, u_c off its pivot) per cancelling group; the offsets
    # of the cancelling groups add one each
    d, k, bent, terms = _f2_data(seed)
    pivots = [next(i for i, x in enumerate(u) if x) for _, u in terms]
    M = sum(np.outer(np.array(v, float), np.array(u, float)) for v, u in terms)
    M = M + sum((np.outer(np.ones(k), np.array(u, float)) for u in bent), np.zeros((k, d)))

    def unpack(z):
        z = list(z)
        vs_bent = [np.array(z[i * k : (i + 1) * k]) for i in range(len(bent))]
        z = z[len(bent) * k :]
        out = []
        for p in pivots:
            v, rest = np.array(z[:k]), z[k : k + d - 1]
            out.append((v, np.array([*rest[:p], 1.0, *rest[p:]])))
            z = z[k + d - 1 :]
        return vs_bent, out

    def residual(z):
        vs_bent, cterms = unpack(z)
        total = sum((np.outer(v, np.array(u, float)) for v, u in zip(vs_bent, bent)), -M)
        return (total + sum(np.outer(v, u) for v, u in cterms)).ravel()

    z0 = [1.0] * (k * len(bent))
    for (v, u), p in zip(terms, pivots):
        z0 += [float(x) for x in v] + [float(x) for i, x in enumerate(u) if i != p]
    expected = len(terms) + numeric_local_dimension(residual, z0, seed=seed, samples=60)
    assert w_dimension(d, k, bent, terms) == expected
