"""Functional dimension in float64: the structural algorithm with SVD ranks, and the
Jacobian-rank method (docs/theory.md section 7)."""

from __future__ import annotations

import numpy as np

from .core import ATOL, network_arrays

__all__ = ["batch_functional_dimension", "functional_dimension"]


# -- functional dimension --------------------------------------------------------------------
def _rank(matrix: np.ndarray, rtol: float) -> int:
    if matrix.size == 0:
        return 0
    s = np.linalg.svd(matrix, compute_uv=False)
    return int((s > rtol * max(s[0], 1e-300) * max(matrix.shape)).sum()) if s[0] > 0 else 0


def functional_dimension(net, *, rtol: float = 1e-9, atol: float = ATOL) -> int:
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
    int
        The rank of the derivative of theta -> f_theta, at most h(d + k) + k.

    Raises
    ------
    TypeError
        If ``net`` is none of the accepted kinds.
    ValueError
        If the arrays' shapes are inconsistent (a file that cannot be read raises what
        :func:`shallowsym.io.load` raises).

    Examples
    --------
    >>> functional_dimension(([[1.0], [2.0]], [1.0, 2.0], [[1.0, 1.0]], [0.0]))
    3

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
