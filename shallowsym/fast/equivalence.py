"""Float verdicts on functional equivalence, with the neuron map or a witness point."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .core import (
    UNCERTAIN_FACTOR,
    affine_parts,
    check_finite,
    check_stack,
    chunks,
    coarsest,
    hyperplane_groups,
    max_abs_last,
    network_arrays,
    resolve_tolerances,
)

__all__ = ["FastEquivalence", "Witness", "equivalent", "equivalent_batch"]


@dataclass(frozen=True)
class Witness:
    """A float point x where the two networks differ: f_a(x), f_b(x) in float64."""

    x: tuple[float, ...]
    value_a: tuple[float, ...]
    value_b: tuple[float, ...]

    @property
    def difference(self) -> float:
        """The largest |f_a(x) - f_b(x)| over the outputs."""
        return max(abs(p - q) for p, q in zip(self.value_a, self.value_b, strict=True))

    def __str__(self) -> str:
        shown = ", ".join(f"{v:.6g}" for v in self.x[:6]) + (", ..." if len(self.x) > 6 else "")
        j = int(np.argmax(np.abs(np.subtract(self.value_a, self.value_b))))
        return (
            f"witness x = ({shown}): output {j + 1}: a(x) = {self.value_a[j]:.10g}, "
            f"b(x) = {self.value_b[j]:.10g} (difference {self.difference:.3g})"
        )

    def to_dict(self) -> dict[str, Any]:
        return {"x": list(self.x), "a": list(self.value_a), "b": list(self.value_b)}


@dataclass(frozen=True)
class FastEquivalence:
    """A float verdict: ``equivalent`` is True, False, or None when uncertain.

    ``ratio`` is the largest discrepancy divided by its tolerance (<= 1 means within
    tolerance); ``rtol`` and ``atol`` are the tolerances used, chosen from ``dtype`` unless
    given. When equivalent by permutation and positive scaling, ``permutation[i]`` is the
    neuron of b that neuron i of a maps to and ``scales[i]`` the factor t with
    (w, beta)_b = t (w, beta)_a and a_b = a_a / t (None when the equivalence needs other
    moves: zero, twin or cancelling neurons, flips). When not equivalent, ``witness`` is a
    point where the two float functions differ.
    """

    equivalent: bool | None
    ratio: float
    rtol: float
    atol: float
    reason: str
    dtype: str = "float64"
    permutation: tuple[int, ...] | None = None
    scales: tuple[float, ...] | None = None
    witness: Witness | None = None

    @property
    def uncertain(self) -> bool:
        return self.equivalent is None

    def __bool__(self) -> bool:
        return self.equivalent is True

    def _verdict(self) -> str:
        return {True: "EQUIVALENT", False: "NOT EQUIVALENT", None: "UNCERTAIN"}[self.equivalent]

    def __str__(self) -> str:
        lines = [
            f"{self._verdict()} ({self.dtype}, rtol={self.rtol:g}, atol={self.atol:g}): "
            f"{self.reason}; largest discrepancy / tolerance = {self.ratio:.3g}"
        ]
        if self.permutation is not None and self.scales is not None:
            pairs = ", ".join(
                f"{i}->{p} (x{t:.6g})"
                for i, (p, t) in enumerate(zip(self.permutation, self.scales, strict=True))
            )
            if len(self.permutation) > 12:
                pairs = pairs.split(", ")
                pairs = ", ".join(pairs[:12]) + f", ... ({len(self.permutation) - 12} more)"
            lines.append(f"neuron i of a -> neuron p of b, scaled by t: {pairs}")
        if self.witness is not None:
            lines.append(str(self.witness))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "equivalent": self.equivalent,
            "verdict": self._verdict(),
            "ratio": self.ratio,
            "rtol": self.rtol,
            "atol": self.atol,
            "dtype": self.dtype,
            "reason": self.reason,
            "permutation": None if self.permutation is None else list(self.permutation),
            "scales": None if self.scales is None else list(self.scales),
            "witness": None if self.witness is None else self.witness.to_dict(),
        }

    def _repr_markdown_(self) -> str:
        return "**" + self._verdict() + "**\n\n```\n" + str(self) + "\n```"


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


def _kink_ratio(g, n: int, rtol: float, atol: float) -> np.ndarray:
    per_net = np.zeros(n)
    if len(g.network):
        kink_ratio = max_abs_last(g.kinks / (atol + rtol * g.scale))
        np.maximum.at(per_net, g.network, kink_ratio)
    return per_net


def _ratios(W1, b1, W2, b2, rtol, atol):
    """Per network of a chunk: largest discrepancy / tolerance over kinks, M and delta, the
    ambiguity flag, and the same ratio with ambiguous hyperplanes merged (decisive when it
    exceeds ten: merging only lowers a ratio)."""
    n = W1.shape[0]
    g = hyperplane_groups(W1, b1, W2, rtol, atol)
    M, delta, M_scale, delta_scale = affine_parts(W1, b1, W2, b2, atol, has_w=g.has_w)
    affine = (np.abs(M) / (atol + rtol * M_scale)).reshape(n, -1).max(-1, initial=0.0)
    affine = np.maximum(affine, (np.abs(delta) / (atol + rtol * delta_scale)).max(-1))
    ratio = np.maximum(_kink_ratio(g, n, rtol, atol), affine)
    merged = ratio.copy()
    unsure = np.nonzero(g.ambiguous)[0]
    if len(unsure):
        loose = hyperplane_groups(
            W1[unsure], b1[unsure], W2[unsure], rtol, atol, merge=UNCERTAIN_FACTOR
        )
        merged[unsure] = np.maximum(_kink_ratio(loose, len(unsure), rtol, atol), affine[unsure])
    # A weight near zero may move a pivot and so split any hyperplane: only W2 W1 and delta
    # (which do not depend on pivots) can decide then.
    merged = np.where(g.tiny, affine, merged)
    # A borderline pivot can only have split what should match: when every kink, M and delta
    # agree within a tenth of their tolerances anyway, it changed nothing.
    ambiguous = g.coincide | (g.tiny & (ratio > 1 / UNCERTAIN_FACTOR))
    return ratio, ambiguous, merged, g.tiny


def _uncertain(ratio, ambiguous, merged):
    near = (ratio > 1 / UNCERTAIN_FACTOR) & (ratio <= UNCERTAIN_FACTOR)
    return (ambiguous & (merged <= UNCERTAIN_FACTOR)) | near


def equivalent_batch(
    A, B, *, rtol: float | None = None, atol: float | None = None, chunk_size: int | None = None
):
    """Verdicts for N pairs of stacks A = (W1, b1, W2, b2) and B (same d and k; widths may
    differ), chunk by chunk (``chunk_size`` networks at a time, default as in
    :func:`canonicalize_batch`).

    Parameters
    ----------
    A, B
        Each a sequence of four stacked arrays (W1 (N, h, d), b1 (N, h), W2 (N, k, h),
        b2 (N, k)); the two share N, d and k.
    rtol, atol
        Tolerances; default from the dtype (float32 when both stacks are float32).
    chunk_size
        Networks per chunk, which bounds the work memory; results do not depend on it.

    Returns
    -------
    tuple of three numpy arrays of length N
        ``(equivalent, uncertain, ratio)``: ``equivalent`` (bool) is meaningful where
        ``uncertain`` is False; ``ratio`` is the largest entry of the canonical form of
        f_a - f_b (kinks, M, delta) divided by its tolerance (equivalent where at most 1).

    Raises
    ------
    ValueError
        If A and B differ in N, d or k, a stack has inconsistent shapes or nan or infinite
        entries, a tolerance is negative or not finite, or ``chunk_size`` is not a positive
        integer.
    TypeError
        If A or B is not a sequence of four arrays, an array is not numeric, or a tolerance
        is not a number.

    Examples
    --------
    >>> import numpy as np
    >>> A = (np.ones((2, 1, 1)), np.zeros((2, 1)), np.ones((2, 1, 1)), np.zeros((2, 1)))
    >>> B = (2 * np.ones((2, 1, 1)), np.zeros((2, 1)), np.array([[[0.5]], [[1.0]]]),
    ...      np.zeros((2, 1)))
    >>> eq, uncertain, ratio = equivalent_batch(A, B)
    >>> eq.tolist(), uncertain.tolist()
    ([True, False], [False, False])

    References
    ----------
    * docs/theory.md section 4 (Theorem 1: f_a = f_b exactly when the canonical form of
      f_a - f_b vanishes); proofs/canonical_form.md, proofs/equivalence.md.
    * H. Petzka, M. Trimmel, C. Sminchisescu, "Notes on the symmetries of 2-layer
      ReLU-networks", NLDL 2020.
    """
    A = tuple(np.asarray(x) for x in A)
    B = tuple(np.asarray(x) for x in B)
    check_stack(*A)
    check_stack(*B)
    if (
        A[0].shape[0] != B[0].shape[0]
        or A[0].shape[2] != B[0].shape[2]
        or A[2].shape[1] != B[2].shape[1]
    ):
        raise ValueError("A and B must hold the same number of networks with the same d and k")
    dtype = "float32" if all(x.dtype == np.float32 for x in (*A, *B)) else "float64"
    rtol, atol = resolve_tolerances(rtol, atol, dtype)
    N, h, d = A[0].shape
    k = A[2].shape[1]
    ratio = np.zeros(N)
    uncertain = np.zeros(N, dtype=bool)
    for part in chunks(N, h + B[0].shape[1], d, k, chunk_size):
        a = [np.asarray(x[part], dtype=np.float64) for x in A]
        b = [np.asarray(x[part], dtype=np.float64) for x in B]
        for name, array in zip(("W1", "b1", "W2", "b2") * 2, (*a, *b), strict=True):
            check_finite(name, array)
        r, ambiguous, merged, _ = _ratios(*_difference_stack(a, b), rtol, atol)
        ratio[part] = r
        uncertain[part] = _uncertain(r, ambiguous, merged)
    return ratio <= 1, uncertain, ratio


_REPAIR_LIMIT = 256  # neurons re-paired by nearest signature when the sorted pairing fails


def _standard_map(A, B, rtol: float, atol: float):
    """(permutation, scales) with neuron i of a -> neuron p[i] of b, (w, beta)_b = t (w,
    beta)_a, a_b = a_a / t, each within tolerance; None when there is none."""
    W1a, b1a, W2a, _ = A
    W1b, b1b, W2b, _ = B
    if W1a.shape != W1b.shape or W2a.shape != W2b.shape:
        return None
    h = W1a.shape[0]
    if h == 0:
        return (), ()
    rows_a = np.concatenate([W1a, b1a[:, None]], 1)
    rows_b = np.concatenate([W1b, b1b[:, None]], 1)
    norm_a = np.linalg.norm(rows_a, axis=1)
    norm_b = np.linalg.norm(rows_b, axis=1)
    if (norm_a <= atol).any() or (norm_b <= atol).any():
        return None
    unit_a = rows_a / norm_a[:, None]
    unit_b = rows_b / norm_b[:, None]
    # Match by the oriented unit row and the output column it carries (so twins with
    # different outputs are told apart).
    col_a = W2a.T * norm_a[:, None]
    col_b = W2b.T * norm_b[:, None]
    sig_a = np.concatenate([unit_a, col_a], 1)
    sig_b = np.concatenate([unit_b, col_b], 1)
    direction = np.random.default_rng(5).standard_normal(sig_a.shape[1])
    oa = np.argsort(sig_a @ direction, kind="stable")
    ob = np.argsort(sig_b @ direction, kind="stable")
    size = np.maximum(np.abs(sig_a[oa]).max(1), np.abs(sig_b[ob]).max(1))
    bad = np.abs(sig_a[oa] - sig_b[ob]).max(1) > UNCERTAIN_FACTOR * (atol + rtol * size)
    if bad.any():
        # neurons whose projections lie closer than the rounding (a float16 copy) may swap
        # places in the sorted order: pair those few by nearest signature instead
        ia, ib = oa[bad], ob[bad]
        if len(ia) > _REPAIR_LIMIT:
            return None
        gap = np.abs(sig_a[ia][:, None, :] - sig_b[ib][None, :, :]).max(2)
        nearest = np.argmin(gap, axis=1)
        if len(set(nearest.tolist())) != len(ia):
            return None
        scale = np.maximum(np.abs(sig_a[ia]).max(1), np.abs(sig_b[ib][nearest]).max(1))
        if (gap[np.arange(len(ia)), nearest] > UNCERTAIN_FACTOR * (atol + rtol * scale)).any():
            return None
        ob = ob.copy()
        ob[bad] = ib[nearest]
    permutation = np.empty(h, dtype=np.int64)
    permutation[oa] = ob
    scales = norm_b[permutation] / norm_a
    return tuple(int(p) for p in permutation), tuple(float(t) for t in scales)


def _evaluate(arrays, X: np.ndarray) -> np.ndarray:
    W1, b1, W2, b2 = arrays
    return np.maximum(X @ W1.T + b1, 0) @ W2.T + b2


def find_witness(A, B, rtol: float, atol: float) -> Witness | None:
    """A point where f_a and f_b differ most among candidates: on each side of the bent
    hyperplanes of f_a - f_b with the largest kinks (a kink makes f_a - f_b non-affine
    there, so it is non-zero at one of three points across it), 0 and the unit vectors."""
    diff = tuple(
        x[None] for x in _difference_stack(tuple(x[None] for x in A), tuple(x[None] for x in B))
    )
    W1, b1, W2, _ = (x[0] for x in diff)
    d = W1.shape[2]
    g = hyperplane_groups(W1, b1, W2, rtol, atol)
    candidates = [np.zeros(d), *np.eye(d)]
    if len(g.network):
        size = np.abs(g.kinks).max(1)
        keys = g.keys
        rng = np.random.default_rng(11)
        normals = keys[:, :-1]
        lengths = np.linalg.norm(normals, axis=1)
        for row in np.argsort(-size)[:8]:
            u, c = normals[row], keys[row, -1]
            r = rng.standard_normal(d)
            x0 = r - (u @ r + c) * u / lengths[row] ** 2
            others = np.abs(normals @ x0 + keys[:, -1]) / lengths
            others[row] = np.inf
            t = 0.5 * others.min() if np.isfinite(others.min()) else 1.0
            t = t if t > 0 else 1e-6
            step = t * u / lengths[row]
            candidates += [x0, x0 + step, x0 - step]
    X = np.array(candidates)
    fa, fb = _evaluate(A, X), _evaluate(B, X)
    scale = 1.0 + np.abs(fa) + np.abs(fb)
    best = int(np.argmax((np.abs(fa - fb) / scale).max(1)))
    if not np.any(fa[best] != fb[best]):
        return None
    return Witness(
        tuple(map(float, X[best])), tuple(map(float, fa[best])), tuple(map(float, fb[best]))
    )


def equivalent(
    a: Any, b: Any, *, rtol: float | None = None, atol: float | None = None
) -> FastEquivalence:
    """Float verdict on whether a and b compute the same function.

    Parameters
    ----------
    a, b
        Networks: ``ShallowNetwork``, tuples (W1, b1, W2, b2) of arrays or tensors, PyTorch
        modules, or paths to any file :func:`shallowsym.io.load` reads.
    rtol, atol
        Tolerances; by default from the inputs' dtype (:data:`DEFAULT_TOLERANCES`, the
        coarser of the two), stated in the result.

    Returns
    -------
    FastEquivalence
        With the neuron permutation and scales when equivalent by them, and a witness point
        when not equivalent.

    Raises
    ------
    TypeError
        If a or b is of an unsupported type, or a tolerance is not a number.
    ValueError
        For nan or infinite weights, arrays of inconsistent shapes, or bad tolerances.
    InvalidNetworkError
        For a path that cannot be read (as :func:`shallowsym.io.read`).

    Examples
    --------
    >>> a = ([[1.0], [-1.0]], [-1.0, 3.0], [[1.0, 1.0]], [0.0])
    >>> b = ([[-1.0], [1.0]], [1.0, -3.0], [[1.0, 1.0]], [2.0])
    >>> equivalent(a, b).equivalent
    True
    >>> equivalent(a, ([[1.0], [-1.0]], [-1.0, 3.0 + 1e-10], [[1.0, 1.0]], [0.0])).equivalent
    True
    >>> equivalent(a, ([[1.0], [-1.0]], [-1.0, 3.0 + 1e-8], [[1.0, 1.0]], [0.0])).uncertain
    True
    >>> verdict = equivalent(a, ([[-2.0], [1.0]], [6.0, -1.0], [[0.5, 1.0]], [0.0]))
    >>> print(str(verdict).splitlines()[1])
    neuron i of a -> neuron p of b, scaled by t: 0->1 (x1), 1->0 (x2)
    >>> verdict.dtype, verdict.rtol
    ('float64', 1e-09)

    References
    ----------
    proofs/canonical_form.md (the canonical form of f_a - f_b vanishes exactly when a and b
    are equivalent); proofs/equivalence.md.
    """
    sa, sb = network_arrays(a, "a"), network_arrays(b, "b")
    dtype = coarsest([sa.dtype, sb.dtype])
    rtol, atol = resolve_tolerances(rtol, atol, dtype)
    A, B = sa.arrays, sb.arrays
    for side, arrays in (("a", A), ("b", B)):
        for name, array in zip(("W1", "b1", "W2", "b2"), arrays, strict=True):
            check_finite(f"{side}.{name}", array)
    if A[0].shape[1] != B[0].shape[1] or A[2].shape[0] != B[2].shape[0]:
        return FastEquivalence(
            False, math.inf, rtol, atol, "input or output dimensions differ", dtype
        )
    stacks = _difference_stack(tuple(x[None] for x in A), tuple(x[None] for x in B))
    check_stack(*stacks)
    ratio, ambiguous, merged, tiny = _ratios(*stacks, rtol, atol)
    r, m = float(ratio[0]), float(merged[0])
    if ambiguous[0] and m <= UNCERTAIN_FACTOR:
        why = (
            f"a neuron's pivot (its first weight above atol) is within a factor "
            f"{UNCERTAIN_FACTOR:g} of atol (another pivot or none would change its "
            "hyperplane), and W2 W1 and delta agree within "
            f"{UNCERTAIN_FACTOR:g} tolerances"
            if tiny[0]
            else "two hyperplanes nearly coincide (their keys differ by 1 to 10 tolerances), "
            "so they can be neither merged nor told apart"
        )
        return FastEquivalence(None, r, rtol, atol, why, dtype)
    if 1 / UNCERTAIN_FACTOR < r <= UNCERTAIN_FACTOR:
        return FastEquivalence(
            None,
            r,
            rtol,
            atol,
            f"the largest discrepancy is within a factor {UNCERTAIN_FACTOR:g} of its tolerance",
            dtype,
        )
    if r <= 1:
        mapping = _standard_map(A, B, rtol, atol)
        if mapping is None:
            return FastEquivalence(
                True,
                r,
                rtol,
                atol,
                "every kink, W2 W1 and delta agree (not by permutation and scaling alone: "
                "zero, twin or cancelling neurons or flips; see fast.align)",
                dtype,
            )
        return FastEquivalence(
            True, r, rtol, atol, "every kink, W2 W1 and delta agree", dtype, *mapping
        )
    reason = "a kink, W2 W1 or delta differs"
    if tiny[0]:
        reason += f" (W2 W1 or delta by {m:.3g} tolerances, whatever near-zero weights mean)"
    elif ambiguous[0]:
        reason += f" (by {m:.3g} tolerances even with nearly coinciding hyperplanes merged)"
    return FastEquivalence(
        False, r, rtol, atol, reason, dtype, witness=find_witness(A, B, rtol, atol)
    )
