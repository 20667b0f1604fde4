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


def _check_arch(arch: Any, function: str) -> tuple[int, ...]:
    """``arch`` as a tuple of at least two widths, each a positive integer, or a clear error."""
    try:
        widths = tuple(arch)
    except TypeError:
        raise TypeError(
            f"{function} expects an architecture (n_0, ..., n_L) for arch, not "
            f"{type(arch).__name__}"
        ) from None
    for n, width in enumerate(widths):
        if isinstance(width, bool) or not isinstance(width, (int, np.integer)):
            raise TypeError(f"{function}: arch[{n}] must be an integer, not {width!r}")
        if width < 1:
            raise ValueError(f"{function}: arch[{n}] must be a positive width, not {width}")
    if len(widths) < 2:
        raise ValueError(f"{function}: arch needs at least the input and output widths")
    return tuple(int(w) for w in widths)


def _check_rng(rng: Any, function: str) -> None:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{function} expects a numpy.random.Generator for rng, not {type(rng).__name__}"
        )


def architecture(weights: Sequence[Any]) -> tuple[int, ...]:
    """(n_0, n_1, ..., n_L) of a list of weight matrices.

    Parameters
    ----------
    weights : sequence of array-like
        The weight matrices W_1, ..., W_L in PyTorch's layout, W_l of shape (n_l, n_{l-1}).
        Only the shapes are read (with :func:`numpy.shape`), and they are not checked to
        chain: n_0 is the column count of W_1, every other n_l the row count of W_l.

    Returns
    -------
    tuple of int
        (n_0, n_1, ..., n_L): the input width, the hidden widths and the output width.

    Raises
    ------
    ValueError
        If ``weights`` is empty or an entry is not 2-d (the shapes are not checked to chain).
    TypeError
        If ``weights`` is not iterable.

    Examples
    --------
    >>> import numpy as np
    >>> architecture([np.ones((4, 2)), np.ones((1, 4))])
    (2, 4, 1)
    >>> architecture([[[1, 2, 3]], [[1], [1]]])
    (3, 1, 2)

    References
    ----------
    * docs/theory.md section 8 (architectures (n_0, ..., n_L)); proofs/deep.md section 1.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023
      (batch functional dimension, its bound, the experiment at random initializations).
    """
    try:
        shapes = [np.shape(W) for W in weights]
    except TypeError:
        raise TypeError(
            f"architecture expects a sequence of weight matrices, not {type(weights).__name__}"
        ) from None
    if not shapes:
        raise ValueError("architecture needs at least one weight matrix")
    for n, shape in enumerate(shapes):
        if len(shape) != 2:
            raise ValueError(f"architecture: weights[{n}] must be 2-d, not of shape {shape}")
    return (shapes[0][1], *(s[0] for s in shapes))


def num_parameters(arch: Sequence[int]) -> int:
    """P = sum over layers of n_l (n_{l-1} + 1): the number of weights and biases.

    Parameters
    ----------
    arch : sequence of int
        The architecture (n_0, n_1, ..., n_L), as :func:`architecture` returns it. The
        entries are not validated (a negative width gives a meaningless count).

    Returns
    -------
    int
        P, the dimension of the parameter space (0 for an architecture of one entry).

    Raises
    ------
    TypeError
        If ``arch`` is not a sequence of integers.
    ValueError
        If ``arch`` has fewer than two entries or a width is not positive.

    Examples
    --------
    >>> num_parameters((2, 4, 1))
    17
    >>> num_parameters((784, 128, 64, 10))
    109386

    References
    ----------
    * docs/theory.md sections 7-8 (the parameter count P); proofs/deep.md section 1.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023
      (batch functional dimension, its bound, the experiment at random initializations).
    """
    arch = _check_arch(arch, "num_parameters")
    return sum(arch[i] * (arch[i - 1] + 1) for i in range(1, len(arch)))


def parameter_bound(arch: Sequence[int]) -> int:
    """P minus the number of hidden neurons: the bound on the (batch) functional dimension.

    Each hidden neuron's positive scaling leaves the function unchanged, so the G-orbit of a
    parameter has dimension sum(n_1, ..., n_{L-1}) and the Jacobian rank is at most
    P minus that.

    Parameters
    ----------
    arch : sequence of int
        The architecture (n_0, n_1, ..., n_L); the entries are not validated.

    Returns
    -------
    int
        ``num_parameters(arch) - sum(arch[1:-1])``; for one hidden layer (d, h, k) this is
        h (d + k) + k.

    Raises
    ------
    TypeError
        If ``arch`` is not a sequence of integers.
    ValueError
        If ``arch`` has fewer than two entries or a width is not positive.

    Examples
    --------
    >>> parameter_bound((1, 3, 1))
    7
    >>> parameter_bound((2, 4, 1)) == num_parameters((2, 4, 1)) - 4
    True

    References
    ----------
    * docs/theory.md section 7 (the bound P - h at one hidden layer) and section 8 (P minus
      the hidden neurons at any depth); proofs/deep.md section 1 (the standard group G).
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023
      (batch functional dimension, its bound, the experiment at random initializations).
    """
    arch = _check_arch(arch, "parameter_bound")
    return num_parameters(arch) - sum(arch[1:-1])


def he_init(arch: Sequence[int], rng: np.random.Generator):
    """He initialisation: weights N(0, 2 / fan_in), biases 0.

    Parameters
    ----------
    arch : sequence of int
        The architecture (n_0, n_1, ..., n_L); fan_in of layer l is n_{l-1}.
    rng : numpy.random.Generator
        The source of randomness (for example ``numpy.random.default_rng(seed)``).

    Returns
    -------
    tuple of (list of numpy.ndarray, list of numpy.ndarray)
        ``(weights, biases)`` in PyTorch's layout: float64 weights of shape (n_l, n_{l-1})
        and zero biases of shape (n_l,), ready for :func:`batch_functional_dimension`
        (two empty lists for an architecture of one entry).

    Raises
    ------
    ValueError
        If ``arch`` has fewer than two entries or a width is not positive.
    TypeError
        If ``arch`` is not a sequence of integers or ``rng`` not a numpy Generator.

    Examples
    --------
    >>> import numpy as np
    >>> weights, biases = he_init((2, 4, 1), np.random.default_rng(0))
    >>> [w.shape for w in weights], [b.tolist() for b in biases]
    ([(4, 2), (1, 4)], [[0.0, 0.0, 0.0, 0.0], [0.0]])

    References
    ----------
    * docs/theory.md section 8 (the batch functional dimension at random initializations);
      benchmarks/glr_experiment.py, part 1, draws its networks with it.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023
      (batch functional dimension, its bound, the experiment at random initializations).
    """
    arch = _check_arch(arch, "he_init")
    _check_rng(rng, "he_init")
    weights = [
        rng.normal(0.0, np.sqrt(2.0 / arch[i - 1]), (arch[i], arch[i - 1]))
        for i in range(1, len(arch))
    ]
    return weights, [np.zeros(arch[i]) for i in range(1, len(arch))]


def torch_default_init(arch: Sequence[int], rng: np.random.Generator):
    """PyTorch's ``nn.Linear`` default: weights and biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)).

    Parameters
    ----------
    arch : sequence of int
        The architecture (n_0, n_1, ..., n_L); fan_in of layer l is n_{l-1}.
    rng : numpy.random.Generator
        The source of randomness (for example ``numpy.random.default_rng(seed)``).

    Returns
    -------
    tuple of (list of numpy.ndarray, list of numpy.ndarray)
        ``(weights, biases)`` in PyTorch's layout: float64 weights of shape (n_l, n_{l-1})
        and biases of shape (n_l,), uniform on [-1/sqrt(n_{l-1}), 1/sqrt(n_{l-1})) (two
        empty lists for an architecture of one entry).

    Raises
    ------
    ValueError
        If ``arch`` has fewer than two entries or a width is not positive.
    TypeError
        If ``arch`` is not a sequence of integers or ``rng`` not a numpy Generator.

    Examples
    --------
    >>> import numpy as np
    >>> weights, biases = torch_default_init((2, 4, 1), np.random.default_rng(0))
    >>> bool(abs(weights[0]).max() <= 2 ** -0.5)
    True
    >>> [b.shape for b in biases]
    [(4,), (1,)]

    References
    ----------
    * docs/theory.md section 8 (the batch functional dimension at random initializations);
      benchmarks/glr_experiment.py, parts 1 and 2, draws its networks with it.
    * The initialisation of ``torch.nn.Linear`` (PyTorch documentation: weights and bias
      U(-sqrt(k), sqrt(k)) with k = 1 / in_features).
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023
      (batch functional dimension, its bound, the experiment at random initializations).
    """
    arch = _check_arch(arch, "torch_default_init")
    _check_rng(rng, "torch_default_init")
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

    The Jacobian of theta -> (f_theta(x))_x over the rows x of X has one row per output and
    point and one column per parameter (P in all); its derivative of ReLU at 0 is 0, as in
    PyTorch. The result is a float estimate: use :func:`exact_batch_functional_dimension`
    for an exact rank.

    Parameters
    ----------
    weights : sequence of array-like
        W_1, ..., W_L in PyTorch's layout, W_l of shape (n_l, n_{l-1}); converted to float64.
    biases : sequence of array-like
        b_1, ..., b_L, b_l of shape (n_l,); one per weight matrix.
    X : array-like
        The points, shape (m, n_0) with m >= 1, converted to float64.
    tol : float, optional, keyword-only
        Singular values at or below ``tol`` count as zero. Default: numpy's ``matrix_rank``
        rule sigma_max * max(shape) * eps.

    Returns
    -------
    int
        The numerical rank, at most ``min(m * n_L, parameter_bound(arch))`` for generic
        points (each hidden neuron's positive scaling costs one dimension).

    Raises
    ------
    ValueError
        If ``weights`` and ``biases`` differ in length or are empty, a weight is not 2-d or
        its bias not of shape (n_l,), consecutive layers do not chain, X has no rows or not
        n_0 columns, or an entry cannot be converted to float.
    numpy.linalg.LinAlgError
        If the SVD does not converge (for example with NaN entries).
    TypeError
        If ``weights`` or ``biases`` is not a sequence, or ``tol`` is not a number.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> W, b = he_init((2, 3, 1), rng)
    >>> rank = batch_functional_dimension(W, b, rng.standard_normal((200, 2)))
    >>> rank <= parameter_bound((2, 3, 1))
    True

    References
    ----------
    * docs/theory.md section 7 (batch functional dimension) and section 8 (what is measured
      at depth); benchmarks/glr_experiment.py repeats the experiment with it.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023
      (batch functional dimension, its bound, the experiment at random initializations).
    * D. Rolnick, K. Kording, "Reverse-engineering deep ReLU networks", ICML 2020 (docs/theory.md
      section 8).
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

    Parameters
    ----------
    weights : sequence of array-like
        W_1, ..., W_L, W_l of shape (n_l, n_{l-1}); every entry (int, Fraction, float, string
        of a rational...) is converted exactly by :mod:`shallowsym.rationals`.
    biases : sequence of array-like
        b_1, ..., b_L, b_l of length n_l, converted exactly.
    points : sequence of array-like
        The points, each of length n_0, converted exactly.
    at_zero : {"raise", "zero"}, keyword-only
        What to do at a hidden pre-activation exactly 0 (default "raise").

    Returns
    -------
    int
        The exact rank of the (len(points) * n_L) x P Jacobian (0 when ``points`` is
        empty).

    Raises
    ------
    ValueError
        If ``at_zero`` is neither "raise" nor "zero"; with ``at_zero="raise"``, if a point
        makes a hidden pre-activation exactly 0 (naming the point and the layer); if
        ``weights`` and ``biases`` differ in length, a bias does not match its weight's row
        count, consecutive layers do not chain, or a point has not n_0 coordinates.
    InvalidNetworkError
        If an entry is not an exact finite number (NaN, infinity, a non-numeric string), a
        weight is not 2-d or a bias or point not 1-d (a ValueError).
    IndexError
        If ``weights`` and ``biases`` are both empty.
    TypeError
        If ``weights``, ``biases`` or ``points`` is not iterable.

    Examples
    --------
    >>> exact_batch_functional_dimension([[[1]], [[1]]], [[0], [0]], [[1], [2], [-1]])
    3
    >>> exact_batch_functional_dimension([[[1]], [[1]]], [[0], [0]], [[0]], at_zero='zero')
    1
    >>> exact_batch_functional_dimension([[[1]], [[1]]], [[0], [0]], [[0]])
    Traceback (most recent call last):
        ...
    ValueError: points[0] makes a pre-activation of layer 0 zero

    References
    ----------
    * docs/theory.md section 7 (batch functional dimension; exact ranks) and section 8;
      proofs/functional_dimension.md (the exact one-hidden-layer computation it extends).
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023
      (batch functional dimension, its bound, the experiment at random initializations).
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
