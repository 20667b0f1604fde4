"""Discrete flips (S8) by an exact meet-in-the-middle search over subset sums.

Flipping a set T of live neurons, (w_i, beta_i) -> (-w_i, -beta_i) with sum_T a_i beta_i added
to b2, keeps the function iff sum_T a_i w_i^T = 0 (THEORY.md section 5, S8). Deciding whether
such a T exists contains zero subset-sum, so it is NP-complete (Proposition 4); the search
here splits the items into two halves, lists the 2^(n/2) subset sums of each half, and matches
them. Sums are compared through an exact-integer hash modulo the prime 2^61 - 1 (numpy, fast),
and every match is then checked in exact arithmetic, so no answer is ever wrong. Items whose
vector is not in the span of the others cannot take part in a zero sum and are dropped first.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from .errors import SearchLimitExceeded
from .linalg import nullspace
from .network import ShallowNetwork
from .roles import structure

__all__ = ["DEFAULT_LIMIT", "flip_sets", "subset_sums"]

DEFAULT_LIMIT = 2**22
_PRIME = (1 << 61) - 1
_MAX_SOLUTIONS = 10_000

Vector = Sequence[Fraction]


def _hash_weights(dim: int) -> list[int]:
    rng = random.Random(20261122)  # fixed: the search is deterministic
    return [rng.randrange(1, _PRIME) for _ in range(dim)]


def _hash(vector: Vector, weights: list[int]) -> int:
    total = 0
    for x, r in zip(vector, weights, strict=True):
        if x:
            x = Fraction(x)
            total += r * x.numerator * pow(x.denominator, -1, _PRIME)
    return total % _PRIME


def _all_sums(hashes: list[int]) -> np.ndarray:
    """Hashes of all 2^n subset sums; entry m is the sum over the set bits of m."""
    sums = np.zeros(1, dtype=np.uint64)
    for value in hashes:
        sums = np.concatenate([sums, (sums + np.uint64(value)) % np.uint64(_PRIME)])
    return sums


def _span_prune(vectors: list[Vector], items: list[int], dim: int) -> list[int]:
    """Drop items whose vector lies outside the span of the other items' vectors.

    Such an item has coefficient zero in every linear relation among the vectors (it is a
    coloop), so it is in no zero sum. One exact null-space computation finds them all.
    """
    rows = [[vectors[i][c] for i in items] for c in range(dim)]
    relations = nullspace(rows, len(items))
    return [i for n, i in enumerate(items) if any(vec[n] for vec in relations)]


def subset_sums(
    vectors: Sequence[Vector],
    target: Vector | None = None,
    *,
    limit: int = DEFAULT_LIMIT,
    max_solutions: int = _MAX_SOLUTIONS,
) -> list[tuple[int, ...]]:
    """Every set T of indices with sum_{i in T} vectors[i] = target (exact), T != {} when
    target is zero.

    Parameters
    ----------
    vectors
        Rational vectors of one dimension.
    target
        The wanted sum (default: zero).
    limit
        Bound on the work, 2^|left| + 2^|right| subset sums.
    max_solutions
        Bound on the number of solutions listed.

    Raises
    ------
    SearchLimitExceeded
        If the search needs more than ``limit`` steps or finds more than ``max_solutions``.

    Examples
    --------
    >>> subset_sums([[1], [2], [-3], [5]])
    [(0, 1, 2)]
    >>> subset_sums([[1], [2], [4]], [6])
    [(1, 2)]
    """
    n = len(vectors)
    dim = len(vectors[0]) if n else (len(target) if target is not None else 0)
    goal = [Fraction(0)] * dim if target is None else [Fraction(x) for x in target]
    items = list(range(n))
    if not any(goal):
        items = _span_prune([list(v) for v in vectors], items, dim)
    half = len(items) // 2
    left, right = items[:half], items[half:]
    work = 2 ** len(left) + 2 ** len(right)
    if work > limit:
        raise SearchLimitExceeded(
            f"the subset-sum search over {len(items)} items needs {work} steps, more than "
            f"limit={limit}; pass a larger limit= to search anyway",
            limit=limit,
        )
    weights = _hash_weights(dim)
    hashes = [_hash(vectors[i], weights) for i in range(n)]
    left_sums = _all_sums([hashes[i] for i in left])
    right_sums = _all_sums([hashes[i] for i in right])
    order = np.argsort(left_sums, kind="stable")
    sorted_left = left_sums[order]
    wanted = (np.uint64(_hash(goal, weights)) + np.uint64(_PRIME) - right_sums) % np.uint64(_PRIME)
    lo = np.searchsorted(sorted_left, wanted, side="left")
    hi = np.searchsorted(sorted_left, wanted, side="right")
    solutions = []
    for right_mask in np.nonzero(hi > lo)[0].tolist():
        for left_mask in order[lo[right_mask] : hi[right_mask]].tolist():
            chosen = tuple(
                sorted(
                    [left[b] for b in range(len(left)) if left_mask >> b & 1]
                    + [right[b] for b in range(len(right)) if right_mask >> b & 1]
                )
            )
            if target is None and not chosen:
                continue
            total = [
                sum((Fraction(vectors[i][c]) for i in chosen), Fraction(0)) for c in range(dim)
            ]
            if total == goal:  # exact check: hash collisions are discarded
                solutions.append(chosen)
                if len(solutions) > max_solutions:
                    raise SearchLimitExceeded(
                        f"more than {max_solutions} solutions; pass a larger max_solutions=",
                        limit=max_solutions,
                    )
    return sorted(solutions, key=lambda t: (len(t), t))


def flip_vectors(net: ShallowNetwork) -> tuple[list[int], list[list[Fraction]]]:
    """The live neurons and their vectors a_i w_i^T (flattened k x d)."""
    live = [i for g in structure(net).groups for i in g.neurons]
    live.sort()
    vectors = []
    for i in live:
        w, _, a = net.neuron(i)
        vectors.append([aj * wl for aj in a for wl in w])
    return live, vectors


def flip_sets(net: ShallowNetwork, *, limit: int = DEFAULT_LIMIT) -> tuple[tuple[int, ...], ...]:
    """Every admissible flip: each non-empty set T of live neurons with sum_T a_i w_i^T = 0.

    Flipping T (``shallowsym.moves.flip``) keeps the function. Sets on hyperplanes that carry
    several neurons are included.

    Parameters
    ----------
    net
        A network.
    limit
        Bound on the meet-in-the-middle work (2^(n/2+1) for n live neurons after pruning).

    Raises
    ------
    SearchLimitExceeded
        When the search would exceed ``limit``.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> flip_sets(ShallowNetwork([[1], [-1], [2]], [-1, 3, 0], [[1, 1, 1]], [0]))
    ((0, 1),)

    References
    ----------
    THEORY.md section 5 (S8) and Proposition 4 (NP-completeness; meet in the middle).
    """
    live, vectors = flip_vectors(net)
    found = subset_sums(vectors, limit=limit)
    return tuple(tuple(live[i] for i in t) for t in found)
