"""Float64 mirror of the deep canonical form and equivalence, with stated tolerances.

The same names and semantics as :mod:`shallowsym.deep.canonical` and
:mod:`shallowsym.deep.equivalence`, on float arrays: exactly-zero rows and columns are
reduced as in the exact form, every hidden row (w, beta) is scaled to largest |entry| 1 (the scale
pushed into the next layer), and neurons are matched layer by layer to their nearest row. Two
numbers agree when ``|x - y| <= atol + rtol (|x| + |y|)`` (defaults as
:mod:`shallowsym.fast`: ``rtol=1e-9``, ``atol=1e-12``); the verdict's ``ratio`` is the largest
discrepancy divided by its tolerance. Within a factor 10 of the tolerance, when a row has two
candidates within 10 tolerances, or when the matched forms differ but no point separates the
networks by more than 10 tolerances, the verdict is UNCERTAIN (``equivalent is None``).
A NOT EQUIVALENT verdict comes with a float point where the outputs differ by more than 10
tolerances of the evaluation's own scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..fast import ATOL, RTOL, UNCERTAIN_FACTOR, FastEquivalence
from .network import DeepNetwork

__all__ = ["FastDeepCanonicalForm", "canonical_form", "equivalent"]


def _arrays(net: Any, name: str) -> tuple[list[np.ndarray], list[np.ndarray]]:
    if isinstance(net, DeepNetwork):
        return net.to_numpy()
    if isinstance(net, tuple | list) and len(net) == 2:
        Ws = [np.asarray(W, dtype=np.float64) for W in net[0]]
        bs = [np.asarray(b, dtype=np.float64) for b in net[1]]
        if not Ws or len(Ws) != len(bs):
            raise ValueError(f"{name}: give one bias per weight matrix, at least one layer")
        for n, (W, b) in enumerate(zip(Ws, bs, strict=True)):
            if W.ndim != 2 or b.shape != (W.shape[0],):
                raise ValueError(f"{name}: layer {n} must have weight (out, in) and bias (out,)")
            if n and W.shape[1] != Ws[n - 1].shape[0]:
                raise ValueError(
                    f"{name}: layer {n} takes {W.shape[1]} inputs, not {Ws[n - 1].shape[0]}"
                )
            if not (np.all(np.isfinite(W)) and np.all(np.isfinite(b))):
                raise ValueError(f"{name}: layer {n} holds nan or infinite entries")
        return Ws, bs
    raise TypeError(f"{name} must be a DeepNetwork or a pair (weights, biases) of array lists")


def _check_tolerances(rtol: float, atol: float) -> None:
    for name, value in (("rtol", rtol), ("atol", atol)):
        if not isinstance(value, int | float) or not np.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a finite non-negative number, not {value!r}")


def _reduce(Ws, bs):
    """Exactly-zero outgoing columns dropped, exactly-zero rows folded as constants; rows
    scaled to largest |entry| 1, the scale pushed forward. Returns new lists."""
    Ws, bs = [W.copy() for W in Ws], [b.copy() for b in bs]
    changed = True
    while changed:
        changed = False
        for lay in range(len(Ws) - 1):
            dead_out = ~np.any(Ws[lay + 1] != 0, axis=0)
            const = ~np.any(Ws[lay] != 0, axis=1) & ~dead_out
            if const.any():
                bs[lay + 1] = bs[lay + 1] + Ws[lay + 1][:, const] @ np.maximum(bs[lay][const], 0)
            drop = dead_out | const
            if lay > 0:
                drop |= np.all(Ws[lay] <= 0, axis=1) & (bs[lay] <= 0)
            if drop.any():
                keep = ~drop
                Ws[lay], bs[lay] = Ws[lay][keep], bs[lay][keep]
                Ws[lay + 1] = Ws[lay + 1][:, keep]
                changed = True
    for lay in range(len(Ws) - 1):
        norm = np.maximum(np.abs(Ws[lay]).max(axis=1, initial=0.0), np.abs(bs[lay]))
        Ws[lay], bs[lay] = Ws[lay] / norm[:, None], bs[lay] / norm
        Ws[lay + 1] = Ws[lay + 1] * norm[None, :]
    return Ws, bs


@dataclass(frozen=True)
class FastDeepCanonicalForm:
    """Float canonical form: reduced, normalized rows sorted layer by layer. ``uncertain``
    flags two rows of a layer within 10 tolerances (their order is then not reliable)."""

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    uncertain: bool
    rtol: float
    atol: float

    @property
    def architecture(self) -> tuple[int, ...]:
        return (self.weights[0].shape[1], *(W.shape[0] for W in self.weights))

    def __str__(self) -> str:
        flag = ", uncertain" if self.uncertain else ""
        return f"float canonical form, architecture {self.architecture}{flag}"


def _ratio(x: np.ndarray, y: np.ndarray, rtol: float, atol: float) -> np.ndarray:
    return np.abs(x - y) / (atol + rtol * (np.abs(x) + np.abs(y)))


def canonical_form(net: Any, *, rtol: float = RTOL, atol: float = ATOL) -> FastDeepCanonicalForm:
    """The float reduced canonical form of a deep network.

    Exactly-zero outgoing columns are dropped and exactly-zero rows folded into the next
    biases (Lemma 1 on exact float zeros), every hidden row (w, beta) is scaled to largest
    |entry| 1 with the scale pushed into the next layer, and the rows of each hidden layer are
    sorted lexicographically.

    Parameters
    ----------
    net : DeepNetwork or (weights, biases)
        A :class:`DeepNetwork`, or a pair of lists of float arrays in PyTorch's layout
        (W_l of shape (n_l, n_{l-1}), b_l of shape (n_l,)).
    rtol, atol : float, keyword-only
        Tolerances (defaults ``1e-9`` and ``1e-12``, as :mod:`shallowsym.fast`): two rows
        within 10 tolerances of each other make the form ``uncertain``.

    Returns
    -------
    FastDeepCanonicalForm
        The normalized ``weights`` and ``biases`` (tuples of float64 arrays), ``uncertain``
        (True when the order of two rows of a layer is not reliable), ``rtol`` and ``atol``.

    Raises
    ------
    TypeError
        If ``net`` is neither a :class:`DeepNetwork` nor a pair (weights, biases).
    ValueError
        If ``rtol`` or ``atol`` is not a finite non-negative number; if the pair has no layer
        or one bias per weight is missing, a layer's shapes are wrong or do not chain, an
        entry is NaN or infinite, or an entry cannot be converted to float.

    Examples
    --------
    >>> cf = canonical_form(([[[1.0], [-2.0]], [[1.0, 1.0]]], [[0.0, 2.0], [0.0]]))
    >>> cf.weights[0].ravel().tolist(), cf.weights[1].tolist()
    ([-1.0, 1.0], [[2.0, 1.0]])
    >>> cf.uncertain
    False

    References
    ----------
    * proofs/deep.md section 7 (the float path) and sections 2-3 (the exact reductions and
      the reduced canonical form it mirrors).
    * docs/theory.md section 11.
    * D. Rolnick, K. Kording, "Reverse-engineering deep ReLU networks", ICML 2020 (recovery
      up to permutation and scaling).
    """
    _check_tolerances(rtol, atol)
    Ws, bs = _reduce(*_arrays(net, "net"))
    uncertain = False
    for lay in range(len(Ws) - 1):
        rows = np.concatenate([Ws[lay], bs[lay][:, None]], axis=1)
        order = np.lexsort(rows.T[::-1])
        Ws[lay], bs[lay] = Ws[lay][order], bs[lay][order]
        Ws[lay + 1] = Ws[lay + 1][:, order]
        rows = rows[order]
        if len(rows) > 1:
            close = _ratio(rows[1:], rows[:-1], rtol, atol).max(axis=1) <= UNCERTAIN_FACTOR
            uncertain |= bool(close.any())
    return FastDeepCanonicalForm(tuple(Ws), tuple(bs), uncertain, rtol, atol)


def _forward(Ws, bs, X):
    """Outputs and the scale sum |W| |.| + |b| that bounds their rounding error."""
    act, scale = X, np.abs(X)
    for n, (W, b) in enumerate(zip(Ws, bs, strict=True)):
        act = act @ W.T + b
        scale = scale @ np.abs(W).T + np.abs(b)
        if n < len(Ws) - 1:
            act = np.maximum(act, 0)
    return act, scale


def _float_witness(A, B, rtol, atol, seed):
    """The float point with the largest output discrepancy / tolerance among random points."""
    rng = np.random.default_rng(seed)
    d = A[0][0].shape[1]
    X = np.concatenate([s * rng.standard_normal((64, d)) for s in (1.0, 10.0, 100.0)])
    fa, sa = _forward(*A, X)
    fb, sb = _forward(*B, X)
    ratio = np.abs(fa - fb) / (atol + rtol * (sa + sb))
    j = int(np.argmax(ratio.max(axis=1)))
    return X[j], float(ratio[j].max())


def equivalent(
    a: Any, b: Any, *, rtol: float = RTOL, atol: float = ATOL, seed: int = 0
) -> FastEquivalence:
    """Float verdict on whether two deep networks compute the same function.

    Parameters
    ----------
    a, b
        :class:`DeepNetwork` or pairs (weights, biases) of float array lists.
    rtol, atol
        Keyword-only tolerances: x and y agree when ``|x - y| <= atol + rtol (|x| + |y|)``
        (defaults ``1e-9`` and ``1e-12``).
    seed
        Keyword-only seed of the random points used to confirm a difference (default 0).

    Returns
    -------
    shallowsym.fast.FastEquivalence
        ``equivalent`` True, False or None (UNCERTAIN), with the discrepancy ratio.

    Raises
    ------
    TypeError
        If ``a`` or ``b`` is neither a :class:`DeepNetwork` nor a pair (weights, biases).
    ValueError
        If ``rtol`` or ``atol`` is not a finite non-negative number; if a pair has no layer,
        wrong or non-chaining shapes, NaN or infinite entries, or entries that are not
        numbers; if ``seed`` is negative and random points are needed (numpy's error).

    Examples
    --------
    >>> a = ([[[1.0], [-1.0]], [[1.0, 1.0]], [[1.0]]], [[0.0, 0.0], [-1.0], [0.0]])
    >>> b = ([[[-2.0], [1.0]], [[0.5, 1.0]], [[1.0]]], [[0.0, 0.0], [-1.0], [0.0]])
    >>> r = equivalent(a, b)
    >>> r.equivalent, r.reason, r.ratio
    (True, 'matched neurons agree layer by layer', 0.0)
    >>> c = ([[[1.0], [-1.0]], [[1.0, 1.0]], [[1.0]]], [[0.0, 0.0], [-1.001], [0.0]])
    >>> equivalent(a, c).equivalent
    False

    References
    ----------
    * proofs/deep.md section 7 (the float path: matching, tolerances, UNCERTAIN).
    * docs/theory.md section 11 (three-valued equivalence at depth >= 2).
    * P. Grillo, G. Montúfar, identifiability of deep ReLU networks up to permutation and
      scaling (2026): for generic parameters matching neurons decides.
    """
    _check_tolerances(rtol, atol)
    A, B = _arrays(a, "a"), _arrays(b, "b")
    if A[0][0].shape[1] != B[0][0].shape[1] or A[0][-1].shape[0] != B[0][-1].shape[0]:
        return FastEquivalence(False, float("inf"), rtol, atol, "input or output dimensions differ")
    Ra, Rb = _reduce(*A), _reduce(*B)
    worst, ambiguous, matched = 0.0, False, len(Ra[0]) == len(Rb[0])
    if matched:
        Wb, bb = [W.copy() for W in Rb[0]], [v.copy() for v in Rb[1]]
        for lay in range(len(Ra[0]) - 1):
            rows_a = np.concatenate([Ra[0][lay], Ra[1][lay][:, None]], axis=1)
            rows_b = np.concatenate([Wb[lay], bb[lay][:, None]], axis=1)
            if rows_a.shape != rows_b.shape:
                matched = False
                break
            if not len(rows_a):
                continue
            # candidates by Euclidean distance (one matrix product), then the relative ratio
            # of the two nearest only
            D = (rows_a**2).sum(1)[:, None] + (rows_b**2).sum(1)[None, :] - 2 * rows_a @ rows_b.T
            near = np.argsort(D, axis=1)[:, :2]
            R = np.stack(
                [
                    _ratio(rows_a, rows_b[near[:, c]], rtol, atol).max(axis=1)
                    for c in range(near.shape[1])
                ],
                axis=1,
            )
            pick = R.argmin(axis=1)
            best = near[np.arange(len(near)), pick]
            if len(set(best.tolist())) != len(best):
                matched = False
                break
            if R.shape[1] > 1:
                ambiguous |= bool((R.max(axis=1) <= UNCERTAIN_FACTOR).any())
            worst = max(worst, float(R.min(axis=1).max()))
            Wb[lay], bb[lay] = Wb[lay][best], bb[lay][best]
            Wb[lay + 1] = Wb[lay + 1][:, best]
        if matched:
            worst = max(
                worst,
                float(_ratio(Ra[0][-1], Wb[-1], rtol, atol).max(initial=0.0)),
                float(_ratio(Ra[1][-1], bb[-1], rtol, atol).max(initial=0.0)),
            )
    if matched and ambiguous and worst <= UNCERTAIN_FACTOR:
        return FastEquivalence(
            None, worst, rtol, atol, "two neurons of a layer lie within 10 tolerances of each other"
        )
    if matched and 1 / UNCERTAIN_FACTOR < worst <= UNCERTAIN_FACTOR:
        return FastEquivalence(
            None,
            worst,
            rtol,
            atol,
            f"the largest discrepancy is within a factor {UNCERTAIN_FACTOR:g} of its tolerance",
        )
    if matched and worst <= 1:
        return FastEquivalence(True, worst, rtol, atol, "matched neurons agree layer by layer")
    x, ratio = _float_witness(A, B, rtol, atol, seed)
    if ratio > UNCERTAIN_FACTOR:
        point = np.array2string(x, precision=4, threshold=6)
        return FastEquivalence(False, ratio, rtol, atol, f"the outputs differ at x = {point}")
    return FastEquivalence(
        None,
        max(worst, ratio),
        rtol,
        atol,
        "the reduced forms do not match, but no random point separates the networks "
        "(a hidden symmetry, or a difference in a small region)",
    )
