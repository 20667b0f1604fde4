"""Functional dimension in float64: the structural algorithm with SVD ranks, and the
Jacobian-rank method (docs/theory.md section 7)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .core import ATOL, network_arrays

__all__ = ["FastFunctionalDimension", "batch_functional_dimension", "functional_dimension"]


@dataclass(frozen=True, eq=False)
class FastFunctionalDimension:
    """The float mirror of :class:`shallowsym.FunctionalDimension`: the functional dimension
    computed with float64 SVD ranks, its bound P - h, and the tolerances used. Like the exact
    result it compares equal to an int and converts with ``int()``.

    >>> fd = functional_dimension(([[1.0], [2.0]], [1.0, 2.0], [[1.0, 1.0]], [0.0]))
    >>> fd == 3, int(fd), fd.deficit
    (True, 3, 2)
    """

    dimension: int
    bound: int
    rtol: float
    atol: float

    @property
    def deficit(self) -> int:
        """``bound - dimension``."""
        return self.bound - self.dimension

    def __int__(self) -> int:
        return self.dimension

    def __index__(self) -> int:
        return self.dimension

    def __eq__(self, other: object) -> bool:
        if isinstance(other, int):
            return self.dimension == other
        if isinstance(other, FastFunctionalDimension):
            return (self.dimension, self.bound) == (other.dimension, other.bound)
        if hasattr(other, "dimension") and hasattr(other, "bound"):  # the exact result
            return (self.dimension, self.bound) == (other.dimension, other.bound)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.dimension, self.bound))

    def __str__(self) -> str:
        return (
            f"functional dimension {self.dimension} of at most {self.bound} (deficit "
            f"{self.deficit}; float64 SVD ranks, rtol={self.rtol:g}, atol={self.atol:g})"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: dimension, bound, deficit and the tolerances."""
        return {
            "dimension": self.dimension,
            "bound": self.bound,
            "deficit": self.deficit,
            "rtol": self.rtol,
            "atol": self.atol,
        }

    def _repr_markdown_(self) -> str:
        return f"**{self}**"


# -- functional dimension --------------------------------------------------------------------
def _rank(matrix: np.ndarray, rtol: float) -> int:
    if matrix.size == 0:
        return 0
    s = np.linalg.svd(matrix, compute_uv=False)
    return int((s > rtol * max(s[0], 1e-300) * max(matrix.shape)).sum()) if s[0] > 0 else 0


def functional_dimension(
    net: Any, *, rtol: float = 1e-9, atol: float = ATOL
) -> FastFunctionalDimension:
    """The structural functional dimension (docs/theory.md section 7) with SVD ranks.

    Singular values below ``rtol * sigma_max * max(shape)`` count as zero; hyperplanes are
    grouped as in :func:`canonical_form`. Float64 throughout: the exact value is
    :func:`shallowsym.functional_dimension`.

    Parameters
    ----------
    net : ShallowNetwork, tuple (W1, b1, W2, b2), torch module or path
        Anything :func:`shallowsym.fast.core.network_arrays` reads: a ``ShallowNetwork``, a tuple of
        arrays, tensors or nested lists of shapes (h, d), (h,), (k, h), (k,), a PyTorch
        module, or a path to a file :func:`shallowsym.io.load` reads.
    rtol : float, keyword-only
        Relative tolerance of the SVD ranks and of grouping hyperplane keys (default 1e-9).
    atol : float, keyword-only
        Absolute tolerance below which a weight counts as zero (default ``ATOL``, 1e-12).

    Returns
    -------
    FastFunctionalDimension
        The rank of the derivative of theta -> f_theta (compares equal to an int), with its
        bound P - h = h(d + k) + k and the tolerances used.

    Raises
    ------
    TypeError
        If ``net`` is none of the accepted kinds.
    ValueError
        If the arrays' shapes are inconsistent (a file that cannot be read raises what
        :func:`shallowsym.io.load` raises).

    Examples
    --------
    >>> print(functional_dimension(([[1.0], [2.0]], [1.0, 2.0], [[1.0, 1.0]], [0.0])))
    functional dimension 3 of at most 5 (deficit 2; float64 SVD ranks, rtol=1e-09, atol=1e-12)

    References
    ----------
    * docs/theory.md section 7 (functional dimension, exact structural computation);
      proofs/functional_dimension.md.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023.
    """
    W1, b1, W2, _ = network_arrays(net).arrays
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
    dimension = total + _rank(np.array(pool), rtol)
    return FastFunctionalDimension(int(dimension), h * (d + k) + k, rtol, atol)


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


def batch_functional_dimension(net, points, *, tol: float | None = None) -> int:
    """Rank of the |points| k x P Jacobian of theta -> (f_theta(x))_x at the given points (SVD).

    ``tol`` defaults to numpy's ``matrix_rank`` rule: sigma_max * max(shape) * eps(float64).
    This is the method of Grigsby, Lindsey and Rolnick.

    Parameters
    ----------
    net : ShallowNetwork, tuple (W1, b1, W2, b2), torch module or path
        Anything :func:`shallowsym.fast.core.network_arrays` reads: a ``ShallowNetwork``, a tuple of
        arrays, tensors or nested lists of shapes (h, d), (h,), (k, h), (k,), a PyTorch
        module, or a path to a file :func:`shallowsym.io.load` reads.
    points : array_like, shape (n, d)
        The points z of the batch, one per row.
    tol : float, optional, keyword-only
        Singular values at most ``tol`` count as zero (default: numpy's rule above).

    Returns
    -------
    int
        The batch functional dimension on the rows of points, at most the functional dimension.

    Raises
    ------
    TypeError
        If ``net`` is none of the accepted kinds.
    ValueError
        If the arrays' shapes are inconsistent, ``points`` is not numeric or its rows do not have d
        entries (a file that cannot be read raises what :func:`shallowsym.io.load` raises).
    numpy.linalg.LinAlgError
        If the SVD does not converge (for example on nan entries).

    Examples
    --------
    >>> import numpy as np
    >>> points = np.array([[1.0], [2.0], [-1.0]])
    >>> batch_functional_dimension(([[1.0]], [0.0], [[1.0]], [0.0]), points)
    3

    References
    ----------
    * docs/theory.md section 7 (batch functional dimension); proofs/functional_dimension.md.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023.
    """
    W1, b1, W2, _ = network_arrays(net).arrays
    points = np.asarray(points, dtype=np.float64)
    h = W1.shape[0]
    k = W2.shape[0]
    pre = points @ W1.T + b1  # (n, h)
    act = (pre > 0).astype(np.float64)
    relu = np.maximum(pre, 0)
    n = points.shape[0]
    blocks = []
    for j in range(k):
        dW1 = (W2[j] * act)[:, :, None] * points[:, None, :]  # (n, h, d)
        db1 = W2[j] * act
        dW2 = np.zeros((n, k, h))
        dW2[:, j, :] = relu
        db2 = np.zeros((n, k))
        db2[:, j] = 1
        blocks.append(np.concatenate([dW1.reshape(n, -1), db1, dW2.reshape(n, -1), db2], axis=1))
    J = np.concatenate(blocks, axis=0)
    return int(np.linalg.matrix_rank(J, tol=tol))
