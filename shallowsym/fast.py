"""The float64 fast path: the exact API's names and semantics, with explicit tolerances.

Every comparison here is ``|x - y| <= atol + rtol * scale`` where ``scale`` is the sum of the
magnitudes that produced x and y (so cancellation is judged relative to what cancelled):

* two neurons lie on one hyperplane when their keys (w, beta) / w[p] agree entrywise within
  ``atol + rtol * max(|key|)`` (p: the first index with |w[p]| > atol);
* a hyperplane is bent when its summed kink exceeds ``atol + rtol * sum_i |s_i a_i|``;
* two networks are equivalent when the canonical form of their difference f_a - f_b (the
  network with b's output weights negated) vanishes within those tolerances.

Verdicts report ``ratio`` = (largest discrepancy) / (its tolerance). A ratio within a factor 10
of 1 on either side, or two hyperplanes whose keys are between a tenth of a tolerance and ten
tolerances apart (merged or not), makes the verdict *uncertain* (``equivalent is None``)
instead of a guess.

Failure modes: near-coincident hyperplanes (keys closer than a tenth of the tolerance are
merged, which hides a difference that small; up to ten tolerances apart they are flagged
uncertain), weights within ten atol of zero (flagged uncertain: treated as zero they may turn a
live neuron into a constant or move the pivot), and catastrophic cancellation in W2 W1 for huge
weights (the relative tolerance scales with |W2| |W1|).
Batch functions work on stacks of networks of one architecture with no Python loop over
networks or neurons.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .network import ShallowNetwork

__all__ = [
    "FastCanonicalForm",
    "FastEquivalence",
    "batch_functional_dimension",
    "canonical_form",
    "canonicalize_batch",
    "equivalent",
    "equivalent_batch",
    "functional_dimension",
]

RTOL = 1e-9
ATOL = 1e-12
_PROJECTION = np.random.default_rng(20261122).standard_normal(64)
UNCERTAIN_FACTOR = 10.0


def _arrays(net: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    if isinstance(net, ShallowNetwork):
        return net.to_numpy()
    if isinstance(net, tuple | list) and len(net) == 4:
        W1, b1, W2, b2 = (np.asarray(x, dtype=np.float64) for x in net)
        return W1, b1, W2, b2
    raise TypeError("expected a ShallowNetwork or a tuple (W1, b1, W2, b2) of arrays")


def _check_tolerances(rtol: float, atol: float) -> None:
    for name, value in (("rtol", rtol), ("atol", atol)):
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a finite non-negative number, not {value!r}")


def _check_stack(W1, b1, W2, b2) -> None:
    if W1.ndim != 3 or b1.ndim != 2 or W2.ndim != 3 or b2.ndim != 2:
        raise ValueError("stacks must have shapes (N, h, d), (N, h), (N, k, h), (N, k)")
    N, h, _ = W1.shape
    if b1.shape != (N, h) or W2.shape[0] != N or W2.shape[2] != h or b2.shape != (N, W2.shape[1]):
        raise ValueError(
            f"inconsistent stack shapes W1 {W1.shape}, b1 {b1.shape}, W2 {W2.shape}, b2 {b2.shape}"
        )
    for name, arr in (("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2)):
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} holds nan or infinite entries")


@dataclass
class _Groups:
    """Hyperplane groups of a stack: one row per group, in sorted order."""

    network: np.ndarray  # (G,) network index
    keys: np.ndarray  # (G, d+1) representative key (u[p] = 1)
    kinks: np.ndarray  # (G, k) summed s_i a_i
    scale: np.ndarray  # (G, k) summed |s_i a_i|
    ambiguous: np.ndarray  # (N,) two groups within UNCERTAIN_FACTOR key tolerances


def _groups(W1, b1, W2, rtol: float, atol: float) -> _Groups:
    N, h, d = W1.shape
    k = W2.shape[1]
    big = np.abs(W1) > atol
    has_w = big.any(axis=-1)
    pivot = np.argmax(big, axis=-1)
    wp = np.take_along_axis(W1, pivot[..., None], axis=-1)[..., 0]
    safe = np.where(has_w, wp, 1.0)
    keys = np.concatenate([W1, b1[..., None]], axis=-1) / safe[..., None]
    contrib = np.transpose(W2, (0, 2, 1)) * np.abs(wp)[..., None]  # s_i a_i, (N, h, k)
    net_index = np.broadcast_to(np.arange(N)[:, None], (N, h))
    flat_keys = keys[has_w]
    flat_net = net_index[has_w]
    flat_contrib = contrib[has_w]
    if flat_keys.shape[0] == 0:
        empty = np.zeros((0,))
        return _Groups(
            empty.astype(int),
            np.zeros((0, d + 1)),
            np.zeros((0, k)),
            np.zeros((0, k)),
            np.zeros(N, dtype=bool),
        )
    # Sort by network, then by one fixed projection of the key: keys equal within tolerance
    # project within tolerance, so they end up adjacent (a third key projecting between them
    # would need to lie within the same tiny band); neighbours are then compared entrywise.
    projection = (
        flat_keys @ _PROJECTION[: d + 1]
        if d + 1 <= len(_PROJECTION)
        else (flat_keys @ np.random.default_rng(7).standard_normal(d + 1))
    )
    order = np.lexsort((projection, flat_net))
    sk, sn, sc = flat_keys[order], flat_net[order], flat_contrib[order]
    tol = atol + rtol * np.maximum(np.abs(sk[1:]), np.abs(sk[:-1])).max(axis=-1)
    gap = np.abs(sk[1:] - sk[:-1]).max(axis=-1)
    same = (sn[1:] == sn[:-1]) & (gap <= tol)
    starts = np.concatenate([[0], np.nonzero(~same)[0] + 1])
    # Uncertain: keys merged although more than a tenth of the tolerance apart, or kept apart
    # although within ten tolerances (the same factor 10 as for every other comparison).
    near = (sn[1:] == sn[:-1]) & (gap <= UNCERTAIN_FACTOR * tol) & (gap > tol / UNCERTAIN_FACTOR)
    ambiguous = np.zeros(N, dtype=bool)
    ambiguous[sn[1:][near]] = True
    # A weight within ten atol of zero: treated as zero (or as a pivot) it may change the
    # hyperplane or turn a live neuron into a constant, so it is a borderline case too.
    tiny = (np.abs(W1) > 0) & (np.abs(W1) <= UNCERTAIN_FACTOR * atol)
    ambiguous |= tiny.any(axis=(1, 2))
    return _Groups(
        network=sn[starts],
        keys=sk[starts],
        kinks=np.add.reduceat(sc, starts, axis=0),
        scale=np.add.reduceat(np.abs(sc), starts, axis=0),
        ambiguous=ambiguous,
    )


def _affine(W1, b1, W2, b2, atol: float):
    """M = W2 W1, delta, and their magnitude scales, for a stack."""
    has_w = (np.abs(W1) > atol).any(axis=-1)
    shifted = np.where(has_w, b1, b1 + np.abs(b1))
    M = W2 @ W1
    delta = b2 + 0.5 * np.einsum("nkh,nh->nk", W2, shifted)
    M_scale = np.abs(W2) @ np.abs(W1)
    delta_scale = np.abs(b2) + 0.5 * np.einsum("nkh,nh->nk", np.abs(W2), np.abs(shifted))
    return M, delta, M_scale, delta_scale


def _short(values: np.ndarray, shown: int = 4) -> str:
    """``[0.1, -2, ... (780 more)]``: a float vector cut to its first entries."""
    head = ", ".join(f"{x:.5g}" for x in np.ravel(values)[:shown])
    more = np.size(values) - shown
    return f"[{head}{f', ... ({more} more)' if more > 0 else ''}]"


@dataclass(frozen=True)
class FastCanonicalForm:
    """Float canonical form: bent hyperplanes (u[p] = 1), kinks, M and delta, with the
    tolerances used. ``uncertain`` flags near-coincident but unmerged hyperplanes."""

    normals: np.ndarray
    offsets: np.ndarray
    kinks: np.ndarray
    linear: np.ndarray
    constant: np.ndarray
    rtol: float
    atol: float
    uncertain: bool

    @property
    def num_bent(self) -> int:
        return len(self.offsets)

    def __repr__(self) -> str:
        d = self.normals.shape[1] if self.normals.ndim == 2 else 0
        k = self.linear.shape[0] if self.linear.ndim == 2 else 0
        return (
            f"FastCanonicalForm(d={d}, k={k}, num_bent={self.num_bent}, rtol={self.rtol:g}, "
            f"atol={self.atol:g}, uncertain={self.uncertain})"
        )

    def __str__(self) -> str:
        head = repr(self)
        rows = [
            f"  H{n}: normal {_short(u)}, offset {c:.5g}, kink {_short(kappa)}"
            for n, (u, c, kappa) in enumerate(
                zip(self.normals[:8], self.offsets[:8], self.kinks[:8], strict=True)
            )
        ]
        if self.num_bent > 8:
            rows.append(f"  ... and {self.num_bent - 8} more bent hyperplanes")
        return "\n".join([head, *rows])

    def _repr_markdown_(self) -> str:
        return "```text\n" + str(self) + "\n```"


@dataclass(frozen=True)
class FastCanonicalBatch:
    """Canonical forms of a stack: bent hyperplanes of all networks, concatenated, with
    ``network`` giving each one's network and ``counts`` the number per network."""

    network: np.ndarray
    normals: np.ndarray
    offsets: np.ndarray
    kinks: np.ndarray
    counts: np.ndarray
    linear: np.ndarray
    constant: np.ndarray
    uncertain: np.ndarray
    rtol: float
    atol: float

    def __len__(self) -> int:
        return len(self.counts)

    def __getitem__(self, n: int) -> FastCanonicalForm:
        rows = self.network == n
        return FastCanonicalForm(
            self.normals[rows],
            self.offsets[rows],
            self.kinks[rows],
            self.linear[n],
            self.constant[n],
            self.rtol,
            self.atol,
            bool(self.uncertain[n]),
        )


def canonicalize_batch(
    W1, b1, W2, b2, *, rtol: float = RTOL, atol: float = ATOL
) -> FastCanonicalBatch:
    """Canonical forms of N networks at once: arrays (N, h, d), (N, h), (N, k, h), (N, k).

    Vectorized: one sort of all neurons' keys, segment sums, one batched matrix product.

    >>> import numpy as np
    >>> W1 = np.array([[[1.0], [-1.0]], [[2.0], [3.0]]]); b1 = np.array([[-1.0, 3.0], [0.0, 0.0]])
    >>> W2 = np.ones((2, 1, 2)); b2 = np.zeros((2, 1))
    >>> batch = canonicalize_batch(W1, b1, W2, b2)
    >>> batch.counts.tolist(), batch[1].kinks.tolist()
    ([2, 1], [[5.0]])
    """
    _check_tolerances(rtol, atol)
    W1, b1, W2, b2 = (np.asarray(x, dtype=np.float64) for x in (W1, b1, W2, b2))
    _check_stack(W1, b1, W2, b2)
    N = W1.shape[0]
    g = _groups(W1, b1, W2, rtol, atol)
    bent = (np.abs(g.kinks) > atol + rtol * g.scale).any(axis=-1)
    M, delta, _, _ = _affine(W1, b1, W2, b2, atol)
    return FastCanonicalBatch(
        network=g.network[bent],
        normals=g.keys[bent, :-1],
        offsets=g.keys[bent, -1],
        kinks=g.kinks[bent],
        counts=np.bincount(g.network[bent], minlength=N),
        linear=M,
        constant=delta,
        uncertain=g.ambiguous,
        rtol=rtol,
        atol=atol,
    )


def canonical_form(
    W1, b1=None, W2=None, b2=None, *, rtol: float = RTOL, atol: float = ATOL
) -> FastCanonicalForm:
    """The float canonical form of one network, given as arrays or as a ``ShallowNetwork``.

    >>> form = canonical_form([[1.0], [-1.0]], [-1.0, 3.0], [[1.0, 1.0]], [0.0])
    >>> form.offsets.tolist(), form.kinks.tolist(), form.constant.tolist()
    ([-3.0, -1.0], [[1.0], [1.0]], [1.0])
    """
    W1, b1, W2, b2 = _arrays(W1 if b1 is None else (W1, b1, W2, b2))
    return canonicalize_batch(W1[None], b1[None], W2[None], b2[None], rtol=rtol, atol=atol)[0]


@dataclass(frozen=True)
class FastEquivalence:
    """A float verdict: ``equivalent`` is True, False, or None when uncertain.

    ``ratio`` is the largest discrepancy divided by its tolerance (<= 1 means within
    tolerance); ``rtol`` and ``atol`` are the tolerances used.
    """

    equivalent: bool | None
    ratio: float
    rtol: float
    atol: float
    reason: str

    @property
    def uncertain(self) -> bool:
        return self.equivalent is None

    def __bool__(self) -> bool:
        return self.equivalent is True

    def __str__(self) -> str:
        word = {True: "EQUIVALENT", False: "NOT EQUIVALENT", None: "UNCERTAIN"}[self.equivalent]
        return (
            f"{word} (float64, rtol={self.rtol:g}, atol={self.atol:g}): {self.reason}; "
            f"largest discrepancy / tolerance = {self.ratio:.3g}"
        )


def _difference_stack(A, B):
    """The stack of networks f_a - f_b: a's neurons, then b's with negated outputs."""
    W1a, b1a, W2a, b2a = A
    W1b, b1b, W2b, b2b = B
    return (
        np.concatenate([W1a, W1b], axis=1),
        np.concatenate([b1a, b1b], axis=1),
        np.concatenate([W2a, -W2b], axis=2),
        b2a - b2b,
    )


def _ratios(W1, b1, W2, b2, rtol, atol):
    """Per network: largest discrepancy / tolerance over kinks, M and delta; ambiguity."""
    N = W1.shape[0]
    g = _groups(W1, b1, W2, rtol, atol)
    kink_ratio = (np.abs(g.kinks) / (atol + rtol * g.scale)).max(axis=-1, initial=0.0)
    per_net = np.zeros(N)
    np.maximum.at(per_net, g.network, kink_ratio)
    M, delta, M_scale, delta_scale = _affine(W1, b1, W2, b2, atol)
    per_net = np.maximum(per_net, (np.abs(M) / (atol + rtol * M_scale)).reshape(N, -1).max(-1))
    per_net = np.maximum(per_net, (np.abs(delta) / (atol + rtol * delta_scale)).max(-1))
    return per_net, g.ambiguous


def equivalent_batch(A, B, *, rtol: float = RTOL, atol: float = ATOL):
    """Verdicts for N pairs of stacks A = (W1, b1, W2, b2) and B (same d and k; widths may
    differ). Returns (equivalent, uncertain, ratio) arrays: ``equivalent`` is meaningful
    where ``uncertain`` is False.

    Examples
    --------
    >>> import numpy as np
    >>> A = (np.ones((2, 1, 1)), np.zeros((2, 1)), np.ones((2, 1, 1)), np.zeros((2, 1)))
    >>> B = (2 * np.ones((2, 1, 1)), np.zeros((2, 1)), np.array([[[0.5]], [[1.0]]]),
    ...      np.zeros((2, 1)))
    >>> eq, uncertain, ratio = equivalent_batch(A, B)
    >>> eq.tolist(), uncertain.tolist()
    ([True, False], [False, False])
    """
    _check_tolerances(rtol, atol)
    A = tuple(np.asarray(x, dtype=np.float64) for x in A)
    B = tuple(np.asarray(x, dtype=np.float64) for x in B)
    _check_stack(*A)
    _check_stack(*B)
    if (
        A[0].shape[0] != B[0].shape[0]
        or A[0].shape[2] != B[0].shape[2]
        or A[2].shape[1] != B[2].shape[1]
    ):
        raise ValueError("A and B must hold the same number of networks with the same d and k")
    ratio, ambiguous = _ratios(*_difference_stack(A, B), rtol, atol)
    uncertain = ambiguous | ((ratio > 1 / UNCERTAIN_FACTOR) & (ratio <= UNCERTAIN_FACTOR))
    return ratio <= 1, uncertain, ratio


def equivalent(a, b, *, rtol: float = RTOL, atol: float = ATOL) -> FastEquivalence:
    """Float verdict on whether a and b compute the same function (tuples or networks).

    >>> a = ([[1.0], [-1.0]], [-1.0, 3.0], [[1.0, 1.0]], [0.0])
    >>> b = ([[-1.0], [1.0]], [1.0, -3.0], [[1.0, 1.0]], [2.0])
    >>> equivalent(a, b).equivalent
    True
    >>> equivalent(a, ([[1.0], [-1.0]], [-1.0, 3.0 + 1e-10], [[1.0, 1.0]], [0.0])).equivalent
    True
    >>> equivalent(a, ([[1.0], [-1.0]], [-1.0, 3.0 + 1e-8], [[1.0, 1.0]], [0.0])).uncertain
    True
    """
    _check_tolerances(rtol, atol)
    A, B = _arrays(a), _arrays(b)
    if A[0].shape[1] != B[0].shape[1] or A[2].shape[0] != B[2].shape[0]:
        return FastEquivalence(False, float("inf"), rtol, atol, "input or output dimensions differ")
    stacks = _difference_stack(tuple(x[None] for x in A), tuple(x[None] for x in B))
    _check_stack(*stacks)
    ratio, ambiguous = _ratios(*stacks, rtol, atol)
    r = float(ratio[0])
    if ambiguous[0]:
        return FastEquivalence(
            None,
            r,
            rtol,
            atol,
            "two hyperplanes nearly coincide (their keys "
            "differ by 1 to 10 tolerances), so they can be neither merged nor "
            "told apart",
        )
    if 1 / UNCERTAIN_FACTOR < r <= UNCERTAIN_FACTOR:
        return FastEquivalence(
            None,
            r,
            rtol,
            atol,
            f"the largest discrepancy is within a factor {UNCERTAIN_FACTOR:g} of its tolerance",
        )
    if r <= 1:
        return FastEquivalence(True, r, rtol, atol, "every kink, W2 W1 and delta agree")
    return FastEquivalence(False, r, rtol, atol, "a kink, W2 W1 or delta differs")


# -- functional dimension --------------------------------------------------------------------
def _rank(matrix: np.ndarray, rtol: float) -> int:
    if matrix.size == 0:
        return 0
    s = np.linalg.svd(matrix, compute_uv=False)
    return int((s > rtol * max(s[0], 1e-300) * max(matrix.shape)).sum()) if s[0] > 0 else 0


def functional_dimension(net, *, rtol: float = 1e-9, atol: float = ATOL) -> int:
    """The structural functional dimension (THEORY.md section 7) with SVD ranks.

    Singular values below ``rtol * sigma_max * max(shape)`` count as zero; hyperplanes are
    grouped as in :func:`canonical_form`.

    >>> functional_dimension(([[1.0], [2.0]], [1.0, 2.0], [[1.0, 1.0]], [0.0]))
    3
    """
    W1, b1, W2, _ = _arrays(net)
    h, d = W1.shape
    k = W2.shape[0]
    big = np.abs(W1) > atol
    has_w = big.any(-1)
    pivot = np.argmax(big, -1)
    wp = W1[np.arange(h), pivot]
    keys = np.concatenate([W1, b1[:, None]], -1) / np.where(has_w, wp, 1.0)[:, None]
    orient = np.sign(wp)
    outputs = W2.T
    live = np.nonzero(has_w)[0]
    order = live[np.argsort(keys[live] @ np.random.default_rng(7).standard_normal(d + 1))]
    total = 0
    pool = [np.kron(np.eye(k)[j], np.eye(d + 1)[d]) for j in range(k)]
    start = 0
    while start < len(order):
        stop = start + 1
        while (
            stop < len(order)
            and np.abs(keys[order[stop]] - keys[order[start]]).max()
            <= atol + rtol * np.abs(keys[order[start]]).max()
        ):
            stop += 1
        members = order[start:stop]
        r = _rank(outputs[members], rtol)
        total += k + r * d
        pos, neg = members[orient[members] > 0], members[orient[members] < 0]
        if len(pos) and len(neg):
            ell = keys[members[0]]
            pool += [np.kron(np.eye(k)[j], ell) for j in range(k)]
            nonzero = np.abs(outputs).max(axis=1) > atol  # zero-output neurons add no a_i
            pos, neg = pos[nonzero[pos]], neg[nonzero[neg]]
            shared = (
                _intersection(outputs[pos], outputs[neg], rtol) if len(pos) and len(neg) else []
            )
            for a in shared:
                pool += [np.kron(a, np.eye(d + 1)[c]) for c in range(d + 1)]
        start = stop
    active = np.nonzero(~has_w & (b1 > 0))[0]
    for i in active:
        pool += [np.kron(outputs[i], np.eye(d + 1)[c]) for c in range(d + 1)]
    return total + _rank(np.array(pool), rtol)


def _intersection(A: np.ndarray, B: np.ndarray, rtol: float) -> list[np.ndarray]:
    """A basis of span(rows A) intersect span(rows B), by SVD null spaces.

    Thresholds scale with the inputs' size, not with the intermediate results: a combination
    that cancels exactly comes out as rounding noise, which must not count as a direction.
    """
    scale = max(np.abs(A).max(initial=0), np.abs(B).max(initial=0), 1e-300)
    stacked = np.concatenate([A, -B], axis=0).T  # columns: rows of A and -B
    _, s, vt = np.linalg.svd(stacked)
    rank = int((s > rtol * scale * max(stacked.shape)).sum())
    null = vt[rank:]
    vectors = null[:, : len(A)] @ A
    if len(vectors) == 0:
        return []
    u, s, _ = np.linalg.svd(vectors.T, full_matrices=False)
    r = int((s > rtol * scale * max(vectors.shape)).sum())
    return list(u[:, :r].T)


def batch_functional_dimension(net, X, *, tol: float | None = None) -> int:
    """Rank of the |X| k x P Jacobian of theta -> (f_theta(x))_x at the rows of X, by SVD.

    ``tol`` defaults to numpy's ``matrix_rank`` rule: sigma_max * max(shape) * eps(float64).
    This is the method of Grigsby, Lindsey and Rolnick.

    >>> import numpy as np
    >>> X = np.array([[1.0], [2.0], [-1.0]])
    >>> batch_functional_dimension(([[1.0]], [0.0], [[1.0]], [0.0]), X)
    3
    """
    W1, b1, W2, _ = _arrays(net)
    X = np.asarray(X, dtype=np.float64)
    h = W1.shape[0]
    k = W2.shape[0]
    pre = X @ W1.T + b1  # (n, h)
    act = (pre > 0).astype(np.float64)
    relu = np.maximum(pre, 0)
    n = X.shape[0]
    blocks = []
    for j in range(k):
        dW1 = (W2[j] * act)[:, :, None] * X[:, None, :]  # (n, h, d)
        db1 = W2[j] * act
        dW2 = np.zeros((n, k, h))
        dW2[:, j, :] = relu
        db2 = np.zeros((n, k))
        db2[:, j] = 1
        blocks.append(np.concatenate([dW1.reshape(n, -1), db1, dW2.reshape(n, -1), db2], axis=1))
    J = np.concatenate(blocks, axis=0)
    return int(np.linalg.matrix_rank(J, tol=tol))
