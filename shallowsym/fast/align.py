"""Float alignment of two models: which neurons matched, and how many bits agree."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..alignment import (
    Alignment,
    HyperplaneMatch,
    output_scale,
    relative_difference,
    unmatched_role,
)
from .core import (
    affine_parts,
    check_finite,
    coarsest,
    network_arrays,
    projection,
    resolve_tolerances,
)

__all__ = ["align"]

#: Mantissa bits (with the implicit one) per dtype: the most bits two values can agree on.
MANTISSA_BITS = {"float64": 53, "float32": 24, "float16": 11, "bfloat16": 8, "qint8": 8}
_BLOCK = 1024


def _offset_distance(ca: np.ndarray, cb: np.ndarray) -> np.ndarray:
    """|c_a - c_b| / max(1, |c_a|, |c_b|), broadcast."""
    return np.abs(ca - cb) / np.maximum(1.0, np.maximum(np.abs(ca), np.abs(cb)))


def _side(arrays, rtol: float, atol: float):
    """Hyperplanes of one network: unit normals u (sign fixed by a direction r: u.r >= 0) and
    offsets c with u.x + c = 0, kinks sum |w_i| a_i and their scale sum |w_i| |a_i|, member
    neurons, whether all outputs are zero; and the zero-input neurons.

    Neurons are grouped (twins) when u agrees entrywise within atol + rtol and the offsets
    within rtol relative to max(1, |c|): neighbours after sorting by a projection of u with
    the offset as a tie-breaker."""
    W1, b1, W2, _ = arrays
    d = W1.shape[1]
    has_w = (np.abs(W1) > atol).any(axis=1)
    live = np.nonzero(has_w)[0]
    norms = np.linalg.norm(W1[live], axis=1)
    U = W1[live] / norms[:, None]
    C = b1[live] / norms
    r = projection(d)
    sign = np.where(U @ r >= 0, 1.0, -1.0)
    U *= sign[:, None]
    C *= sign
    contrib = W2[:, live].T * norms[:, None]
    order = np.argsort(U @ r + 1e-3 * np.arctan(C), kind="stable")
    if len(order) > 1:
        left, right = order[:-1], order[1:]
        same = (np.abs(U[left] - U[right]).max(axis=1) <= atol + rtol) & (
            _offset_distance(C[left], C[right]) <= atol + rtol
        )
        starts = np.concatenate([[0], np.nonzero(~same)[0] + 1])
    else:
        starts = np.zeros(len(order), dtype=np.int64)
    members = np.split(order, starts[1:]) if len(order) else []
    firsts = order[starts] if len(order) else order
    sums = np.add.reduceat(contrib[order], starts, axis=0) if len(order) else contrib[:0]
    scale = np.add.reduceat(np.abs(contrib[order]), starts, axis=0) if len(order) else sums
    zero_out = [bool((np.abs(W2[:, live[m]]) <= atol).all()) for m in members]
    constants = tuple(
        (int(i), "active" if b1[i] > 0 else "inactive") for i in np.nonzero(~has_w)[0]
    )
    neurons = [live[m] for m in members]
    return U[firsts], C[firsts], sums, scale, neurons, zero_out, constants


def _mutual_nearest(Ua, Ca, Ub, Cb, max_distance: float):
    """Pairs (i, j) of mutually nearest hyperplanes, distance max(|u_a - u_b|,
    offset distance) at most ``max_distance``, computed in blocks of rows."""
    if len(Ua) == 0 or len(Ub) == 0:
        return []
    best_b = np.empty(len(Ua), dtype=np.int64)
    best_ab = np.empty(len(Ua))
    col_best = np.full(len(Ub), np.inf)
    col_arg = np.zeros(len(Ub), dtype=np.int64)
    columns = np.arange(len(Ub))
    for start in range(0, len(Ua), _BLOCK):
        stop = start + _BLOCK
        normal = np.sqrt(np.maximum(0.0, 2.0 - 2.0 * (Ua[start:stop] @ Ub.T)))
        D = np.maximum(normal, _offset_distance(Ca[start:stop, None], Cb[None, :]))
        best_b[start : start + len(D)] = D.argmin(axis=1)
        best_ab[start : start + len(D)] = D.min(axis=1)
        top = D.argmin(axis=0)
        value = D[top, columns]
        better = value < col_best
        col_best[better] = value[better]
        col_arg[better] = top[better] + start
    return [
        (i, int(best_b[i]))
        for i in range(len(Ua))
        if col_arg[best_b[i]] == i and best_ab[i] <= max_distance
    ]


def _bits(difference: float, cap: int) -> int:
    if difference <= 0:
        return cap
    return int(min(cap, max(0, np.floor(-np.log2(difference)))))


def align(
    a: Any,
    b: Any,
    *,
    rtol: float | None = None,
    atol: float | None = None,
    max_distance: float = 2.0**-4,
) -> Alignment:
    """Match the bent hyperplanes of two float models and say how well they agree.

    A neuron's hyperplane is u.x + c = 0 with u = w/|w| (its sign fixed by a direction) and
    c = beta/|w|; its kink is |w| a. Each network's neurons are grouped by hyperplane (u
    within ``atol + rtol`` entrywise, c within ``rtol`` relative to max(1, |c|)); a
    hyperplane of a and one of b match when each is the other's nearest in the distance
    max(|u_a - u_b|, |c_a - c_b| / max(1, |c_a|, |c_b|)), at most ``max_distance``. For each
    match: those two differences, the relative kink difference, and the leading bits on which
    all three agree; unmatched hyperplanes are ``dead`` (zero output weights), ``cancelling``
    (kinks summing to zero within tolerance) or ``missing``.

    Parameters
    ----------
    a, b
        Networks as for :func:`shallowsym.fast.equivalent` (arrays, ``ShallowNetwork``,
        PyTorch modules, model files), with the same d and k.
    rtol, atol
        Tolerances for grouping neurons within a network and for calling a kink zero;
        default from the dtype (the coarser of the two).
    max_distance
        The largest distance between matched unit keys (default 2^-4: at least 4 bits agree).

    Returns
    -------
    Alignment
        Matched hyperplanes worst first, with ``bits`` the agreement of the worst, the best
        positive output scale, and the differences of W2 W1 and delta.

    Raises
    ------
    TypeError
        For inputs of an unsupported type, or a tolerance that is not a number.
    ValueError
        If d or k differ, for nan or infinite weights, bad tolerances, or a ``max_distance``
        outside [0, 2].
    InvalidNetworkError
        For a path that cannot be read (as :func:`shallowsym.io.read`).

    Examples
    --------
    >>> a = ([[1.0], [-1.0]], [-1.0, 3.0], [[1.0, 1.0]], [0.0])
    >>> b = ([[-2.0], [1.0], [0.0]], [6.0, -1.0 + 2**-40, -1.0], [[0.5, 1.0, 0.0]], [0.0])
    >>> print(align(a, b))  # doctest: +NORMALIZE_WHITESPACE
    alignment (float64, rtol=1e-09, atol=1e-12): 2 hyperplanes matched, 0 only in a, 0 only in b
    every matched hyperplane agrees to 40 bits
    neurons matched one to one (2): a[0] -> b[1], a[1] -> b[0]
    zero-input neurons of b: 2 (inactive)
    W2 W1 differs by 0, delta by 4.55e-13 (relative)
    best output scale 1: kinks then differ by 0 (relative)
      a[0] <-> b[1] (matched): 40 bits, normal 0, offset 9.09e-13, kink 0
      a[1] <-> b[0] (matched): 53 bits, normal 0, offset 0, kink 0

    References
    ----------
    proofs/canonical_form.md (bent hyperplanes, kinks, M and delta determine f).
    """
    sa, sb = network_arrays(a, "a"), network_arrays(b, "b")
    dtype = coarsest([sa.dtype, sb.dtype])
    rtol, atol = resolve_tolerances(rtol, atol, dtype)
    if not (isinstance(max_distance, int | float) and 0 <= max_distance <= 2):
        raise ValueError(f"max_distance must be a number in [0, 2], not {max_distance!r}")
    A, B = sa.arrays, sb.arrays
    for side, arrays in (("a", A), ("b", B)):
        for name, array in zip(("W1", "b1", "W2", "b2"), arrays, strict=True):
            check_finite(f"{side}.{name}", array)
    if A[0].shape[1] != B[0].shape[1] or A[2].shape[0] != B[2].shape[0]:
        raise ValueError(
            f"a has (d, k) = {(A[0].shape[1], A[2].shape[0])} but b has "
            f"{(B[0].shape[1], B[2].shape[0])}"
        )
    cap = MANTISSA_BITS.get(dtype, 53)
    Ua, Ca, Ka, Sa, Ma, Za, consts_a = _side(A, rtol, atol)
    Ub, Cb, Kb, Sb, Mb, Zb, consts_b = _side(B, rtol, atol)
    pairs = _mutual_nearest(Ua, Ca, Ub, Cb, max_distance)
    matched = []
    for i, j in pairs:
        normal_diff = float(np.linalg.norm(Ua[i] - Ub[j]))
        offset_diff = float(_offset_distance(Ca[i], Cb[j]))
        kink_diff = float(relative_difference(Ka[i].tolist(), Kb[j].tolist()))
        worst = max(normal_diff, offset_diff, kink_diff)
        role = "twins" if len(Ma[i]) > 1 or len(Mb[j]) > 1 else "matched"
        matched.append(
            HyperplaneMatch(
                tuple(int(x) for x in Ma[i]),
                tuple(int(x) for x in Mb[j]),
                tuple(float(x) for x in Ua[i]),
                float(Ca[i]),
                tuple(float(x) for x in Ka[i]),
                tuple(float(x) for x in Kb[j]),
                normal_diff,
                offset_diff,
                kink_diff,
                _bits(worst, cap),
                role,
            )
        )
    matched.sort(key=lambda m: (m.bits, m.neurons_a))
    used_a = {i for i, _ in pairs}
    used_b = {j for _, j in pairs}
    k = A[2].shape[0]

    def unmatched(U, C, K, S, M, Z, used, first: bool):
        rows = []
        for g in range(len(U)):
            if g in used:
                continue
            zero = bool((np.abs(K[g]) <= atol + rtol * S[g]).all())
            kink = tuple(float(x) for x in K[g])
            neurons = tuple(int(x) for x in M[g])
            rows.append(
                HyperplaneMatch(
                    neurons if first else (),
                    () if first else neurons,
                    tuple(float(x) for x in U[g]),
                    float(C[g]),
                    kink if first else (0.0,) * k,
                    (0.0,) * k if first else kink,
                    None,
                    None,
                    None,
                    None,
                    unmatched_role(Z[g], zero),
                )
            )
        return tuple(rows)

    Ma_, da, _, _ = affine_parts(*(x[None] for x in A), atol)
    Mb_, db, _, _ = affine_parts(*(x[None] for x in B), atol)
    lam, scaled = output_scale(
        [Ka[i].tolist() for i, _ in pairs], [Kb[j].tolist() for _, j in pairs]
    )
    return Alignment(
        matched=tuple(matched),
        unmatched_a=unmatched(Ua, Ca, Ka, Sa, Ma, Za, used_a, True),
        unmatched_b=unmatched(Ub, Cb, Kb, Sb, Mb, Zb, used_b, False),
        constant_a=consts_a,
        constant_b=consts_b,
        linear_difference=float(relative_difference(Ma_.ravel().tolist(), Mb_.ravel().tolist())),
        constant_difference=float(relative_difference(da.ravel().tolist(), db.ravel().tolist())),
        output_scale=None if lam is None else float(lam),
        scaled_kink_difference=None if scaled is None else float(scaled),
        bits=min((m.bits for m in matched), default=None),
        exact=False,
        dtype=dtype,
        rtol=rtol,
        atol=atol,
    )
