"""linalg.matrix_rank (modular rank, certified exactly) against Gaussian elimination written
here with Fraction only."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from flint import fmpq, fmpq_mat
from oracles import fraction_rank

from shallowsym.linalg import matrix_rank

P = 18446744073709551557  # the prime matrix_rank works modulo


def flint(rows):
    return fmpq_mat(
        len(rows), len(rows[0]), [fmpq(x.numerator, x.denominator) for r in rows for x in r]
    )


@pytest.mark.parametrize("seed", range(40))
def test_matrix_rank_of_low_rank_products_against_fraction_elimination(seed):
    rng = random.Random(seed)
    n, m, r = rng.randint(1, 9), rng.randint(1, 9), rng.randint(0, 5)

    def big():  # wide numerators and denominators, as float32-born rationals have
        return Fraction(rng.randint(-(2**70), 2**70), rng.choice([1, 3, 2**40]))

    left = [[big() for _ in range(r)] for _ in range(n)]
    right = [[big() for _ in range(m)] for _ in range(r)]
    rows = [
        [sum((left[i][t] * right[t][j] for t in range(r)), Fraction(0)) for j in range(m)]
        for i in range(n)
    ]
    assert matrix_rank(flint(rows)) == fraction_rank(rows)


@pytest.mark.parametrize(
    "rows",
    [
        [[P, 0], [0, P]],  # zero modulo p, rank 2
        [[1, 0], [0, P]],  # rank 1 modulo p: the exact check must fail and fall back
        [[1, 2, 3], [P, 2 * P, 3 * P + P * P], [2, 4, 6]],
        [[0, 0, 0], [0, 0, 0]],
        [[P, 2 * P], [1, 2]],  # rank 1 over Q, and modulo p
    ],
)
def test_matrix_rank_when_the_prime_divides_minors(rows):
    rows = [[Fraction(x) for x in r] for r in rows]
    assert matrix_rank(flint(rows)) == fraction_rank(rows)
