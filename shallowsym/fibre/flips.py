"""Discrete flips (S8) by an exact meet-in-the-middle search over subset sums.

Flipping a set T of live neurons, (w_i, beta_i) -> (-w_i, -beta_i) with sum_T a_i beta_i added
to b2, keeps the function iff sum_T a_i w_i^T = 0 (docs/theory.md section 5, S8). Deciding whether
such a T exists contains zero subset-sum, so it is NP-complete (Proposition 4); the search
here splits the items into two halves, lists the 2^(n/2) subset sums of each half, and matches
them. Items whose vector is not in the span of the others cannot take part in a zero sum and
are dropped first.

The vectors are first scaled by the lcm of all denominators to integer vectors. When their sums
fit, each sum is encoded exactly as one 64-bit integer (balanced base B, B^dim < 2^61), so a
match is a solution. Otherwise sums are hashed modulo a 61-bit prime with weights, both drawn
from a seed that is a digest of the integer vectors themselves (deterministic): the hash never
divides by anything (no "base is not invertible"), an input cannot be crafted against a fixed
modulus or fixed weights, and every match is checked in exact arithmetic. All the work counts
against ``limit``: 2^|left| + 2^|right| steps to list the sums, and ``CHECK_COST`` per matching
pair (with exact keys each is a solution, with hashed ones it may be a collision); the pairs are
counted before any is checked, so colliding hashes end in ``SearchLimitExceeded``, never in an
unbounded loop.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Sequence
from fractions import Fraction

import numpy as np
from flint import fmpq, fmpq_mat, fmpz, nmod_mat

from ..errors import SearchLimitExceeded, check_limit
from ..network import ShallowNetwork
from ..roles import structure

__all__ = ["CHECK_COST", "DEFAULT_LIMIT", "PRIME", "flip_sets", "independent_mod_p", "subset_sums"]

DEFAULT_LIMIT = 2**22
CHECK_COST = 32  # steps charged per matching pair checked exactly (a Python loop, not numpy)
_MAX_SOLUTIONS = 10_000

Vector = Sequence[Fraction]


def _integer_rows(rows: list[list[Fraction]]) -> list[list[int]]:
    """The rows scaled by the lcm of all their denominators (exact integers)."""
    scale = 1
    for row in rows:
        for x in row:
            scale = math.lcm(scale, x.denominator)
    return [[x.numerator * (scale // x.denominator) for x in row] for row in rows]


class _Keys:
    """Exact 64-bit keys of integer vectors when they fit, else a hash modulo a seeded prime."""

    def __init__(self, rows: list[list[int]], dim: int):
        bound = max((sum(abs(row[c]) for row in rows) for c in range(dim)), default=0)
        base = 2 * bound + 1
        # base^dim < 2^(bits * dim) <= 2^61; never raise a huge base to a power
        self.exact = base.bit_length() * dim <= 61
        if self.exact:
            self.weights = [base**c for c in range(dim)]
        else:
            rng = random.Random(_digest(rows))
            self.prime = _random_prime(rng)
            self.weights = [rng.randrange(1, self.prime) for _ in range(dim)]

    def key(self, row: list[int]) -> int:
        total = sum(r * x for r, x in zip(self.weights, row, strict=True))
        return total if self.exact else total % self.prime

    def all_sums(self, keys: list[int]) -> np.ndarray:
        """Keys of all 2^n subset sums; entry m is the sum over the set bits of m."""
        if self.exact:
            sums = np.zeros(1, dtype=np.int64)
            for value in keys:
                sums = np.concatenate([sums, sums + np.int64(value)])
            return sums
        sums, prime = np.zeros(1, dtype=np.uint64), np.uint64(self.prime)
        for value in keys:
            sums = np.concatenate([sums, (sums + np.uint64(value)) % prime])
        return sums

    def wanted(self, goal: int, right: np.ndarray) -> np.ndarray:
        """The left keys that complete each right sum to the goal."""
        if self.exact:
            return np.int64(goal) - right
        prime = np.uint64(self.prime)
        return (np.uint64(goal) + prime - right) % prime


def _digest(rows: list[list[int]]) -> bytes:
    """SHA-256 of the integers' bytes (not their decimal text, which Python refuses past 4300
    digits)."""
    digest = hashlib.sha256()
    for row in rows:
        for x in row:
            digest.update(x.to_bytes(x.bit_length() // 8 + 1, "little", signed=True) + b";")
        digest.update(b"|")
    return digest.digest()


def _random_prime(rng: random.Random) -> int:
    """A prime in [2^60, 2^61) drawn with ``rng`` (so two sums < 2^62 fit in a uint64)."""
    candidate = rng.randrange(1 << 60, 1 << 61) | 1
    while not fmpz(candidate).is_prime():
        candidate += 2
    return candidate


def _span_prune(vectors: list[Vector], items: list[int], dim: int) -> list[int]:
    """Drop items whose vector lies outside the span of the other items' vectors.

    Such an item has coefficient zero in every linear relation among the vectors (it is a
    coloop), so it is in no zero sum. From the reduced row echelon form of the dim x n matrix
    of the vectors: a free column is in its own relation, and a pivot column is in some
    relation iff its row has a non-zero entry in a free column. O(dim n) after the echelon
    form, never the n x n null space (h = 8000 neurons at d = k = 1 would need 64 million
    entries).
    """
    columns = [[fmpq(x.numerator, x.denominator) for x in vectors[i]] for i in items]
    kept = _non_coloops(columns, dim)
    return [items[n] for n in kept]


def _non_coloops(columns: list[list[fmpq]], dim: int) -> list[int]:
    """The indices of the columns that lie in some linear relation among the columns, by one
    flint echelon form of the dim x n matrix (exact; no Fraction is built)."""
    n = len(columns)
    if not n or not dim:
        return list(range(n)) if not dim else []
    matrix = fmpq_mat(dim, n, [columns[i][c] for c in range(dim) for i in range(n)])
    reduced, rank_ = matrix.rref()
    entries = reduced.entries()
    pivots = []
    for r in range(rank_):
        row = entries[r * n : (r + 1) * n]
        pivots.append(next(c for c, x in enumerate(row) if x != 0))
    pivot_set = set(pivots)
    keep = set(range(n)) - pivot_set
    for r, p in enumerate(pivots):
        row = entries[r * n : (r + 1) * n]
        if any(row[c] != 0 for c in range(n) if c not in pivot_set):
            keep.add(p)
    return sorted(keep)


def _too_much(what: str, work: int, limit: int) -> SearchLimitExceeded:
    steps = str(work) if work < 10**15 else f"about 2^{work.bit_length() - 1}"
    return SearchLimitExceeded(
        f"the subset-sum search {what} needs {steps} steps, more than limit={limit}; pass a "
        "larger limit= to search anyway",
        limit=limit,
    )


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
        Bound on the work: 2^|left| + 2^|right| subset sums listed, plus ``CHECK_COST`` per
        matching pair checked exactly.
    max_solutions
        Bound on the number of solutions listed.

    Returns
    -------
    list of tuple of int
        The solutions, by size and then lexicographically.

    Raises
    ------
    SearchLimitExceeded
        If the search needs more than ``limit`` steps or finds more than ``max_solutions``.
    ValueError
        If ``limit`` is not a positive integer.

    Examples
    --------
    >>> subset_sums([[1], [2], [-3], [5]])
    [(0, 1, 2)]
    >>> subset_sums([[1], [2], [4]], [6])
    [(1, 2)]

    References
    ----------
    proofs/fibre_mechanisms.md (S8); docs/theory.md Proposition 4 (meet in the middle).
    """
    check_limit(limit)
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
        raise _too_much(f"over {len(items)} items", work, limit)
    *ints, goal_ints = _integer_rows([[Fraction(x) for x in vectors[i]] for i in items] + [goal])
    keys = _Keys([*ints, goal_ints], dim)
    item_keys = dict(zip(items, (keys.key(row) for row in ints), strict=True))
    item_ints = dict(zip(items, ints, strict=True))
    left_sums = keys.all_sums([item_keys[i] for i in left])
    right_sums = keys.all_sums([item_keys[i] for i in right])
    order = np.argsort(left_sums, kind="stable")
    sorted_left = left_sums[order]
    wanted = keys.wanted(keys.key(goal_ints), right_sums)
    lo = np.searchsorted(sorted_left, wanted, side="left")
    hi = np.searchsorted(sorted_left, wanted, side="right")
    pairs = int((hi - lo).sum())
    work += CHECK_COST * pairs
    if work > limit:  # counted before any check: colliding hashes cannot run unbounded
        raise _too_much(f"over {len(items)} items with {pairs} matching pairs", work, limit)
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
            total = [sum(item_ints[i][c] for i in chosen) for c in range(dim)]
            if total == goal_ints:  # exact check: hash collisions are discarded
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


def _exact_flip_columns(net: ShallowNetwork, live: list[int]) -> list[list[fmpq]]:
    """a_i w_i^T of the live neurons as flint rationals (no Fraction: at (784, 1024, 10) these
    are 8 million products)."""
    out = []
    for i in live:
        w, _, a = net.neuron(i)
        wq = [fmpq(x.numerator, x.denominator) for x in w]
        aq = [fmpq(x.numerator, x.denominator) for x in a]
        out.append([x * y for x in aq for y in wq])
    return out


PRIME = 2**31 - 1  # the modulus of the rank certificates


def independent_mod_p(net: ShallowNetwork, live: Sequence[int]) -> bool:
    """A cheap exact certificate that the vectors a_i w_i^T (i in ``live``) are linearly
    independent: project w_i by a fixed pseudo-random integer matrix S (d x r, k r >= h),
    clear denominators, and find full row rank modulo a prime. A rational relation among the
    vectors would survive the projection and, scaled to coprime integers, the reduction mod p;
    so full rank mod p proves independence (False only says "not proved").

    Parameters
    ----------
    net
        The network.
    live
        Indices of live neurons.

    Returns
    -------
    bool
        True only when independence is proved.

    Raises
    ------
    IndexError
        When an index is not a neuron of ``net``.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> net = ShallowNetwork([[1, 0], [0, 1], [2, 0]], [0, 0, 0], [[1, 1, 1]], [0])
    >>> independent_mod_p(net, [0, 1]), independent_mod_p(net, [0, 1, 2])
    (True, False)

    References
    ----------
    docs/theory.md section 5 (S8, Proposition 4).
    """
    n, k = len(live), net.k
    y, a = _projected_mod_p(net)
    if k * y.shape[1] < n:
        return False
    live = list(live)
    rows = (a.T[live][:, :, None] * y[live][:, None, :]) % PRIME  # (n, k, r): a_i (x) S^T w_i
    return nmod_mat(n, k * y.shape[1], rows.ravel().tolist(), PRIME).rank() == n


def _projected_mod_p(net: ShallowNetwork) -> tuple[np.ndarray, np.ndarray]:
    """(S^T w_i times a common denominator, mod p, as an (h, r) array; the a_i times a common
    denominator, mod p, as a (k, h) array), S a fixed pseudo-random integer d x r matrix with
    r = min(d, ceil(h / k) + 8); computed once per network."""

    def make() -> tuple[np.ndarray, np.ndarray]:
        d, k, h = net.d, net.k, net.h
        r = min(d, -(-h // k) + 8)
        rnd = np.random.default_rng(20261130)  # fixed: deterministic
        S = fmpq_mat(d, r, rnd.integers(-(2**20), 2**20, size=d * r).tolist())
        left, _ = (net.exact.W1 * S).numer_denom()
        right, _ = net.exact.W2.numer_denom()
        y = np.array([int(x) % PRIME for x in left.entries()], dtype=np.int64).reshape(h, r)
        a = np.array([int(x) % PRIME for x in right.entries()], dtype=np.int64).reshape(k, h)
        return y, a

    return net.cached("flips: projection mod p", make)


def _first_nonzero(values: Sequence) -> int:
    return next(n for n, x in enumerate(values) if x != 0)


def _normalized(values: Sequence) -> tuple:
    """``values`` divided by their first non-zero entry (exact flint rationals)."""
    if not any(x != 0 for x in values):
        return tuple(values)
    first = values[_first_nonzero(values)]
    return tuple(x / first for x in values)


def _certified_classes(net: ShallowNetwork, live: list[int]) -> list[list[int]] | None:
    """The classes of live neurons whose a_i w_i^T are exactly proportional (twins and their
    like: found by a fingerprint mod p, checked exactly), when one vector per class is
    certified independent (:func:`independent_mod_p`); else None. Then the only linear
    relations among the a_i w_i^T are within classes, so a flip is a union of zero-sum sets
    of classes. At (784, 1024, 10) this replaces an exact echelon form of a 7840 x 1008
    matrix."""
    if len(live) <= 64:
        return None
    d, k = net.d, net.k
    y, a = _projected_mod_p(net)
    W1, W2 = net.exact.W1, net.exact.W2
    prints: dict[tuple, list[int]] = {}
    for i in live:
        key = []
        for row in (y[i], a[:, i]):
            nonzero = np.flatnonzero(row)
            inverse = pow(int(row[nonzero[0]]), -1, PRIME) if len(nonzero) else 1
            key.append(tuple(((row * inverse) % PRIME).tolist()))
        prints.setdefault(tuple(key), []).append(i)
    classes: list[list[int]] = []
    for members in prints.values():
        if len(members) == 1:
            classes.append(members)
            continue
        exact: dict[tuple, list[int]] = {}
        for i in members:
            w = _normalized([W1[i, c] for c in range(d)])
            exact.setdefault((w, _normalized([W2[j, i] for j in range(k)])), []).append(i)
        classes.extend(exact.values())
    if not independent_mod_p(net, [c[0] for c in classes]):
        return None
    return classes


def _class_vectors(net: ShallowNetwork, classes: list[list[int]]) -> tuple[list[int], list]:
    """The neurons of the classes of two or more, and for each the vector lambda_i e_c: its
    a_i w_i^T is lambda_i times that of its class's first neuron, c its class. Their zero sums
    are the flips when the classes' vectors are independent."""
    W1, W2 = net.exact.W1, net.exact.W2
    multi = [c for c in classes if len(c) > 1]
    kept, vectors = [], []
    for index, members in enumerate(multi):
        r = members[0]
        f = _first_nonzero([W1[r, c] for c in range(net.d)])
        g = _first_nonzero([W2[j, r] for j in range(net.k)])
        for i in members:
            ratio = (W1[i, f] * W2[g, i]) / (W1[r, f] * W2[g, r])
            vector = [Fraction(0)] * len(multi)
            vector[index] = Fraction(int(ratio.p), int(ratio.q))
            kept.append(i)
            vectors.append(vector)
    order = sorted(range(len(kept)), key=kept.__getitem__)
    return [kept[n] for n in order], [vectors[n] for n in order]


def flip_sets(net: ShallowNetwork, *, limit: int = DEFAULT_LIMIT) -> tuple[tuple[int, ...], ...]:
    """Every admissible flip: each non-empty set T of live neurons with sum_T a_i w_i^T = 0.

    Flipping T (``shallowsym.moves.flip``) keeps the function. Sets on hyperplanes that carry
    several neurons are included.

    Parameters
    ----------
    net
        A network.
    limit
        Bound on the meet-in-the-middle work (2^(n/2+1) for n live neurons after pruning,
        plus the matching pairs, see :func:`subset_sums`).

    Returns
    -------
    tuple of tuple of int
        The admissible flip sets, by size and then lexicographically.

    Raises
    ------
    SearchLimitExceeded
        When the search would exceed ``limit``.
    TypeError
        If ``net`` is not a ShallowNetwork.
    ValueError
        If ``limit`` is not a positive integer.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> flip_sets(ShallowNetwork([[1], [-1], [2]], [-1, 3, 0], [[1, 1, 1]], [0]))
    ((0, 1),)

    References
    ----------
    docs/theory.md section 5 (S8) and Proposition 4 (NP-completeness; meet in the middle).
    """
    if not isinstance(net, ShallowNetwork):
        raise TypeError(f"flip_sets expects a ShallowNetwork, not {type(net).__name__}")
    check_limit(limit)
    live = sorted(i for g in structure(net).groups for i in g.neurons)
    # the coloops (in no relation, so in no flip) are dropped first, in flint; only the
    # neurons left are handed to the subset-sum search as Fractions
    classes = _certified_classes(net, live)
    if classes is not None:  # relations only within classes of proportional vectors
        kept, vectors = _class_vectors(net, classes)
    else:
        kept = [live[n] for n in _non_coloops(_exact_flip_columns(net, live), net.k * net.d)]
        vectors = []
        for i in kept:
            w, _, a = net.neuron(i)
            vectors.append([aj * wl for aj in a for wl in w])
    found = subset_sums(vectors, limit=limit)
    return tuple(tuple(kept[i] for i in t) for t in found)
