"""Deep ReLU networks (docs/theory.md section 8): batch functional dimension at any depth.

An MLP of architecture (n_0, n_1, ..., n_L) is given as lists of weights (n_l, n_{l-1}) and
biases (n_l,) in PyTorch's layout, ReLU after every layer but the last. The batch functional
dimension on points Z is the rank of the |Z| n_L x P Jacobian of theta -> (f_theta(z))_z; it
is at most P minus the number of hidden neurons (each hidden neuron's positive scaling is
invisible). ``batch_functional_dimension`` computes it with float64 and an SVD (the method of
Grigsby, Lindsey and Rolnick); ``exact_batch_functional_dimension`` with exact rationals and a
flint rank, at rational points.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np
from flint import fmpq, fmpq_mat

from ..rationals import as_matrix, as_vector, to_fraction

__all__ = [
    "architecture",
    "batch_functional_dimension",
    "exact_batch_functional_dimension",
    "he_init",
    "num_parameters",
    "parameter_bound",
    "torch_default_init",
]


def _layers(weights: Sequence[Any], biases: Sequence[Any]) -> list[tuple[np.ndarray, np.ndarray]]:
    if len(weights) != len(biases) or not weights:
        raise ValueError("give one bias vector per weight matrix, at least one layer")
    layers = []
    for n, (W, b) in enumerate(zip(weights, biases, strict=True)):
        W, b = np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64)
        if W.ndim != 2 or b.shape != (W.shape[0],):
            raise ValueError(f"layer {n}: weight must be (out, in) and bias (out,)")
        if n and W.shape[1] != layers[-1][0].shape[0]:
            raise ValueError(
                f"layer {n} takes {W.shape[1]} inputs but layer {n - 1} gives "
                f"{layers[-1][0].shape[0]}"
            )
        layers.append((W, b))
    return layers


def architecture(weights: Sequence[Any]) -> tuple[int, ...]:
    """(n_0, n_1, ..., n_L) of a list of weight matrices.

    Examples
    --------
    >>> import numpy as np
    >>> architecture([np.ones((4, 2)), np.ones((1, 4))])
    (2, 4, 1)
    """
    shapes = [np.shape(W) for W in weights]
    return (shapes[0][1], *(s[0] for s in shapes))


def num_parameters(arch: Sequence[int]) -> int:
    """P = sum over layers of n_l (n_{l-1} + 1).

    Examples
    --------
    >>> num_parameters((2, 4, 1))
    17
    """
    return sum(arch[i] * (arch[i - 1] + 1) for i in range(1, len(arch)))


def parameter_bound(arch: Sequence[int]) -> int:
    """P minus the number of hidden neurons: the bound on the (batch) functional dimension.

    >>> parameter_bound((1, 3, 1))
    7
    """
    return num_parameters(arch) - sum(arch[1:-1])


def he_init(arch: Sequence[int], rng: np.random.Generator):
    """He initialisation: weights N(0, 2 / fan_in), biases 0.

    Examples
    --------
    >>> import numpy as np
    >>> weights, biases = he_init((2, 4, 1), np.random.default_rng(0))
    >>> [w.shape for w in weights], [b.tolist() for b in biases]
    ([(4, 2), (1, 4)], [[0.0, 0.0, 0.0, 0.0], [0.0]])
    """
    weights = [
        rng.normal(0.0, np.sqrt(2.0 / arch[i - 1]), (arch[i], arch[i - 1]))
        for i in range(1, len(arch))
    ]
    return weights, [np.zeros(arch[i]) for i in range(1, len(arch))]


def torch_default_init(arch: Sequence[int], rng: np.random.Generator):
    """PyTorch's ``nn.Linear`` default: weights and biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)).

    Examples
    --------
    >>> import numpy as np
    >>> weights, biases = torch_default_init((2, 4, 1), np.random.default_rng(0))
    >>> bool(abs(weights[0]).max() <= 2 ** -0.5)
    True
    """
    weights, biases = [], []
    for i in range(1, len(arch)):
        bound = 1.0 / np.sqrt(arch[i - 1])
        weights.append(rng.uniform(-bound, bound, (arch[i], arch[i - 1])))
        biases.append(rng.uniform(-bound, bound, arch[i]))
    return weights, biases


def _jacobian(layers, X: np.ndarray) -> np.ndarray:
    """The (n k) x P Jacobian, rows ordered by output then point, columns layer by layer
    (weights row-major, then biases)."""
    acts, masks = [X], []
    for n, (W, b) in enumerate(layers):
        pre = acts[-1] @ W.T + b
        if n < len(layers) - 1:
            masks.append(pre > 0)
            acts.append(np.maximum(pre, 0))
    k = layers[-1][0].shape[0]
    blocks = []
    for j in range(k):
        delta = np.zeros((X.shape[0], k))
        delta[:, j] = 1.0
        grads = []
        for n in range(len(layers) - 1, -1, -1):
            W, _ = layers[n]
            grads.append((np.einsum("po,pi->poi", delta, acts[n]).reshape(X.shape[0], -1), delta))
            if n:
                delta = (delta @ W) * masks[n - 1]
        blocks.append(np.concatenate([g for pair in reversed(grads) for g in pair], axis=1))
    return np.concatenate(blocks, axis=0)


def batch_functional_dimension(
    weights: Sequence[Any], biases: Sequence[Any], X: Any, *, tol: float | None = None
) -> int:
    """Rank of the Jacobian at the rows of X, by SVD (float64).

    ``tol`` defaults to numpy's ``matrix_rank`` rule sigma_max * max(shape) * eps.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> W, b = he_init((2, 3, 1), rng)
    >>> rank = batch_functional_dimension(W, b, rng.standard_normal((200, 2)))
    >>> rank <= parameter_bound((2, 3, 1))
    True
    """
    layers = _layers(weights, biases)
    X = np.asarray(X, dtype=np.float64)
    return int(np.linalg.matrix_rank(_jacobian(layers, X), tol=tol))


def exact_batch_functional_dimension(
    weights: Sequence[Any], biases: Sequence[Any], points: Any, *, at_zero: str = "raise"
) -> int:
    """The same rank computed exactly: parameters converted exactly, rational points, flint.

    A hidden pre-activation exactly 0 makes the Jacobian undefined: ``at_zero="raise"`` (the
    default) raises ValueError naming the point and layer; ``at_zero="zero"`` uses PyTorch's
    convention relu'(0) = 0, as the float computation does.

    Examples
    --------
    >>> exact_batch_functional_dimension([[[1]], [[1]]], [[0], [0]], [[1], [2], [-1]])
    3
    >>> exact_batch_functional_dimension([[[1]], [[1]]], [[0], [0]], [[0]], at_zero='zero')
    1
    """
    if at_zero not in ("raise", "zero"):
        raise ValueError(f"at_zero must be 'raise' or 'zero', not {at_zero!r}")
    Ws, bs = [], []
    for n, (W, b) in enumerate(zip(weights, biases, strict=True)):
        entries, rows, cols = as_matrix(W, f"weights[{n}]")
        Ws.append(
            [[to_fraction(x) for x in entries[r * cols : (r + 1) * cols]] for r in range(rows)]
        )
        bs.append([to_fraction(x) for x in as_vector(b, f"biases[{n}]")])
    rows_out = []
    pts = [[to_fraction(v) for v in as_vector(p, f"points[{m}]")] for m, p in enumerate(points)]
    L = len(Ws)
    k = len(Ws[-1])
    for m, x in enumerate(pts):
        acts, masks = [x], []
        for n in range(L):
            pre = [
                sum((w * a for w, a in zip(row, acts[-1], strict=True)), bias)
                for row, bias in zip(Ws[n], bs[n], strict=True)
            ]
            if n < L - 1:
                if at_zero == "raise" and any(p == 0 for p in pre):
                    raise ValueError(f"points[{m}] makes a pre-activation of layer {n} zero")
                masks.append([p > 0 for p in pre])
                acts.append([max(p, Fraction(0)) for p in pre])
        for j in range(k):
            delta = [Fraction(int(o == j)) for o in range(k)]
            grads = []
            for n in range(L - 1, -1, -1):
                grads.append(([d * a for d in delta for a in acts[n]], list(delta)))
                if n:
                    delta = [
                        sum((delta[o] * Ws[n][o][i] for o in range(len(delta))), Fraction(0))
                        * masks[n - 1][i]
                        for i in range(len(Ws[n][0]))
                    ]
            rows_out.append([v for pair in reversed(grads) for part in pair for v in part])
    if not rows_out:
        return 0
    ncols = len(rows_out[0])
    return fmpq_mat(
        len(rows_out), ncols, [fmpq(v.numerator, v.denominator) for r in rows_out for v in r]
    ).rank()
