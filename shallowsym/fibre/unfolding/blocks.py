"""Zero-sum blocks: the combinatorics the unfoldings choose from (exact, bounded by ``limit``).

A cancelling group is a set of neurons on one hyperplane whose kinks sum to zero; the units of
:mod:`shallowsym.fibre.unfolding` move such blocks to hyperplanes of their own. This module
finds them: the zero-sum subsets of a list of kink vectors, the families of disjoint blocks
that change F2 differently (:func:`block_families`), the most disjoint blocks
(:func:`packing`), linear dependencies with every coefficient nonzero (:func:`dependency`) and
the minimal positive dependencies (:func:`positive_circuits`). docs/theory.md section 5 and
proofs/fibre_dimension.md, item 2, have the argument.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from fractions import Fraction
from itertools import combinations
from math import comb

from ...errors import SearchLimitExceeded
from ...linalg import nullspace

__all__ = [
    "Rest",
    "block_families",
    "dependency",
    "packing",
    "positive_circuits",
    "sums_to_zero",
    "zero_masks",
]


class Rest(Enum):
    """What F2 sees of the neurons a family of blocks leaves behind: the orientations that
    stay on a bent hyperplane (BENT), one more zero-sum set on a cancelling hyperplane
    (CANCELLING), or nothing, for zero-input neurons (IDLE)."""

    BENT = "bent"
    CANCELLING = "cancelling"
    IDLE = "idle"


def zero_masks(vectors: Sequence[Sequence[Fraction]], limit: int) -> list[int]:
    """The non-empty subsets (bitmasks) of ``vectors`` summing to zero; 3^n counts against
    ``limit`` (``SearchLimitExceeded`` above it)."""
    n = len(vectors)
    if 3**n > limit:
        raise SearchLimitExceeded(
            f"searching the zero-sum sets of {n} neurons of one hyperplane needs 3^{n} steps, "
            f"over limit={limit}",
            limit=limit,
        )
    k = len(vectors[0]) if vectors else 0
    return [
        mask
        for mask in range(1, 1 << n)
        if all(sum(vectors[i][r] for i in range(n) if mask >> i & 1) == 0 for r in range(k))
    ]


def packing(n: int, masks: Sequence[int]) -> list[list[int]]:
    """Most disjoint sets among ``masks`` (bitmasks over n indices), as index lists."""
    full = (1 << n) - 1
    memo: dict[int, tuple[int, int]] = {0: (0, 0)}

    def best(mask: int) -> tuple[int, int]:
        """(most blocks within mask, one block of such a choice as a bitmask, or 0)."""
        if mask in memo:
            return memo[mask]
        low = mask & -mask
        result = best(mask ^ low)
        for z in masks:
            if z & low and z & mask == z:
                count, _ = best(mask ^ z)
                if count + 1 > result[0]:
                    result = (count + 1, z)
        memo[mask] = result
        return result

    out = []
    mask = full
    while mask:
        _, z = best(mask)
        if z:
            out.append([i for i in range(n) if z >> i & 1])
            mask ^= z
        else:
            mask ^= mask & -mask
    return out


def sums_to_zero(vectors: Sequence[Sequence[Fraction]]) -> bool:
    """Whether two or more ``vectors`` sum to zero."""
    return len(vectors) > 1 and all(sum(col) == 0 for col in zip(*vectors, strict=True))


def block_families(
    kinks: Sequence[Sequence[Fraction]], positive: int, *, rest: Rest, limit: int
) -> list[list[list[int]]]:
    """The ways disjoint zero-sum blocks can leave a set of neurons, one for each way it changes
    F2, with the most pure cancelling groups for that change (each worth d - k).

    The positive ones are the bitmask ``positive``; a block's v-term is P - Q, the sum of its
    positive kinks minus its negative ones. A block of one orientation is taken minimal
    (splitting it is one group more); a block of both orientations has a nonzero v-term (else
    it is two pure blocks) and no zero-sum subset of one orientation (taking that out too keeps
    its v-term and makes one group more). F2 sees the multiset of the mixed blocks' v-terms and
    what stays (``rest``). Each visited choice counts one step against ``limit``.
    """
    n = len(kinks)
    full = (1 << n) - 1
    zeros = zero_masks(kinks, limit)

    def one_sided(mask: int) -> bool:
        return not mask & positive or not mask & ~positive & full

    def v_term(mask: int) -> tuple[Fraction, ...]:
        signs = [1 if positive >> i & 1 else -1 for i in range(n)]
        return tuple(
            sum(signs[i] * kinks[i][r] for i in range(n) if mask >> i & 1)
            for r in range(len(kinks[0]))
        )

    pure = [z for z in zeros if one_sided(z)]
    blocks = [z for z in pure if not any(p != z and p & z == p for p in pure)]
    blocks += [
        z
        for z in zeros
        if not one_sided(z) and any(v_term(z)) and not any(p & z == p for p in pure)
    ]
    best: dict[tuple, tuple[int, list[int]]] = {}
    visited = 0

    def visit(start: int, used: int, chosen: list[int]) -> None:
        nonlocal visited
        visited += 1
        if visited > limit:
            raise SearchLimitExceeded(
                f"choosing zero-sum blocks among {n} neurons exceeds limit={limit}", limit=limit
            )
        left = full & ~used
        mixed = [v_term(b) for b in chosen if not one_sided(b)]
        score = len(chosen) - len(mixed)
        stays: tuple = ()
        if rest is Rest.BENT:
            stays = (bool(left & positive), bool(left & ~positive))
        elif rest is Rest.CANCELLING and left:
            if one_sided(left):
                score += 1
            else:
                mixed.append(v_term(left))
        footprint = (stays, tuple(sorted(mixed)))
        if footprint not in best or best[footprint][0] < score:
            best[footprint] = (score, chosen)
        for index in range(start, len(blocks)):
            if not blocks[index] & used:
                visit(index + 1, used | blocks[index], [*chosen, blocks[index]])

    visit(0, 0, [])
    return [[[i for i in range(n) if b >> i & 1] for b in chosen] for _, chosen in best.values()]


def dependency(vectors: Sequence[Sequence[Fraction]], n: int) -> list[Fraction]:
    """Coefficients c with sum_j c_j vectors_j = 0 (vectors in R^n), nonzero exactly on the
    vectors that lie in some circuit (a generic combination of a kernel basis)."""
    rows = [[v[r] for v in vectors] for r in range(n)]
    kernel = nullspace(rows, len(vectors)) if vectors else []
    used = [any(vector[j] for vector in kernel) for j in range(len(vectors))]
    for x in range(1, len(kernel) * len(vectors) + 2):  # a polynomial in x with few roots
        c = [
            sum(Fraction(x) ** b * vector[j] for b, vector in enumerate(kernel))
            for j in range(len(vectors))
        ]
        if all(cj != 0 for cj, use in zip(c, used, strict=True) if use):
            return c
    return [Fraction(0)] * len(vectors)


def positive_circuits(
    vectors: Sequence[Sequence[Fraction]], limit: int
) -> dict[int, dict[int, Fraction]]:
    """Bitmask -> coefficients, for the minimal sets of vectors with a dependency of positive
    coefficients: the circuits (one-dimensional kernel, no zero entry) whose kernel vector has
    one sign. Every positively dependent set is a union of such sets (conformal decomposition),
    so the most disjoint positively dependent sets can be chosen among them."""
    n, k = len(vectors), len(vectors[0]) if vectors else 0
    sizes = range(2, min(n, k + 1) + 1)
    if sum(comb(n, size) for size in sizes) > limit:
        raise SearchLimitExceeded(
            f"searching the positive dependencies among {n} zero-input neurons with beta = 0 "
            f"exceeds limit={limit}",
            limit=limit,
        )
    out = {}
    for size in sizes:
        for subset in combinations(range(n), size):
            kernel = nullspace([[vectors[i][r] for i in subset] for r in range(k)], size)
            if len(kernel) == 1 and (
                all(x > 0 for x in kernel[0]) or all(x < 0 for x in kernel[0])
            ):
                mask = sum(1 << i for i in subset)
                out[mask] = dict(zip(subset, map(abs, kernel[0]), strict=True))
    return out
