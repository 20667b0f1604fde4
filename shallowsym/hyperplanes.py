"""Exact hyperplane keys of neurons (docs/theory.md section 3).

For a neuron with w_i != 0 let p be the first index with w_i[p] != 0. Then
(w_i, beta_i) = eps_i s_i (u_H, c_H) with s_i = |w_i[p]| > 0, eps_i = sign(w_i[p]) and
(u_H, c_H) = (w_i, beta_i) / w_i[p], so u_H[p] = 1. Two neurons lie on the same unoriented
hyperplane iff their keys agree. The key stored here is the equivalent *integer* key: the
primitive integer vector of (w_i, beta_i) whose first non-zero coordinate is positive.
Python ints hash fast, so grouping h neurons costs O(h (d+1)).
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from flint import fmpq, fmpq_mat, fmpz_mat

from .network import check_network
from .rationals import (
    dyadic_integer_rows,
    primitive_dyadic_keys,
    primitive_int64_keys,
    small_integer_rows,
    to_fmpq,
    to_fraction,
)
from .text import format_number

__all__ = [
    "NeuronKeys",
    "combine_hyperplanes",
    "float_integer_rows",
    "format_hyperplane",
    "hyperplane_normal_offset",
    "neuron_keys",
]

Key = tuple[int, ...]


@dataclass(frozen=True)
class NeuronKeys:
    """Per-neuron hyperplane data of one network.

    Attributes
    ----------
    keys
        Primitive integer key of (w_i, beta_i), or ``None`` when w_i = 0.
    orientations
        eps_i = sign(w_i[p]) (+1 or -1), or 0 when w_i = 0.
    scales
        s_i = |w_i[p]| as a flint rational, or 0 when w_i = 0.
    zero_output
        Whether a_i = 0.
    """

    keys: tuple[Key | None, ...]
    orientations: tuple[int, ...]
    scales: tuple[fmpq, ...]
    zero_output: tuple[bool, ...]

    def scale(self, i: int) -> Fraction:
        """s_i as a ``Fraction``."""
        return to_fraction(self.scales[i])


def neuron_keys(net) -> NeuronKeys:
    """Hyperplane keys, orientations and scales of every neuron of ``net`` (cached).

    Parameters
    ----------
    net : ShallowNetwork
        The network to read.

    Returns
    -------
    NeuronKeys
        ``keys`` (per neuron the primitive integer key of its hyperplane, None when w_i = 0),
        ``orientations`` (epsilon_i in {1, -1}, 0 when w_i = 0), the scales s_i (read with
        ``scale(i)``) and the ``zero_output`` flags.

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`ShallowNetwork`.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> nk = neuron_keys(ShallowNetwork([[2, -4], [-1, 2], [0, 0]], [6, -3, 1], [[1, 1, 1]], [0]))
    >>> nk.keys
    ((1, -2, 3), (1, -2, 3), None)
    >>> nk.orientations, [nk.scale(i) for i in range(3)]
    ((1, -1, 0), [Fraction(2, 1), Fraction(1, 1), Fraction(0, 1)])

    References
    ----------
    * docs/theory.md section 3 (exact keys for hyperplanes).
    """
    check_network(net, "neuron_keys", "net")
    return net.cached("neuron_keys", lambda: _compute_neuron_keys(net))


def _compute_neuron_keys(net) -> NeuronKeys:
    d, h, k = net.d, net.h, net.k
    ex = net.exact
    w2 = net.cached("dyadic_w2")  # W2 exactly, as floats: a_i = 0 iff its floats are 0
    if w2 is not None:
        zero_output = tuple((~w2.any(axis=0)).tolist())
    else:
        a_columns = ex.W2.transpose().entries()  # row i: the output weights a_i of neuron i
        if k == 1:
            zero_output = tuple([not x for x in a_columns])
        else:
            zero_output = tuple(not any(a_columns[i * k : (i + 1) * k]) for i in range(h))
    rows = net.cached("dyadic_rows")
    if rows is not None:
        return _dyadic_neuron_keys(rows, float_integer_rows(net), zero_output)
    # [W1 | b1] scaled by one positive common denominator: integer rows with the same
    # primitive keys (a positive factor per row does not change a key), in one flint pass.
    num_w, den_w = ex.W1.numer_denom()
    num_b, den_b = ex.b1.numer_denom()
    common = den_w * den_b // den_w.gcd(den_b)
    if common != den_w:
        num_w *= common // den_w
    if common != den_b:
        num_b *= common // den_b
    small = small_integer_rows(num_w, num_b)
    if small is not None:
        return _int64_neuron_keys(small, common, zero_output)
    # operator.index: fmpz -> int at half the cost of int()
    w_ints = list(map(operator.index, num_w.entries()))
    b_ints = list(map(operator.index, num_b.entries()))
    A1 = ex.W1
    return _integer_neuron_keys(A1, w_ints, b_ints, h, d, zero_output)


def float_integer_rows(net) -> tuple[np.ndarray, np.ndarray] | None:
    """(P, e) of :func:`~shallowsym.rationals.dyadic_integer_rows` for the rows [W1 | b1] of a
    network built from float arrays (computed once, cached), None for other networks: the
    keys, the sides on a domain and M, delta of the canonical form all read them.

    >>> import numpy as np
    >>> from shallowsym import ShallowNetwork
    >>> P, e = float_integer_rows(ShallowNetwork(np.array([[0.5]]), np.array([1.5]), [[1]], [0]))
    >>> P.tolist(), e.tolist()
    ([[1, 3]], [-1])
    >>> float_integer_rows(ShallowNetwork([[1]], [0], [[1]], [0])) is None
    True
    """
    rows = net.cached("dyadic_rows")
    if rows is None:
        return None
    return net.cached("dyadic_integer_rows", lambda: dyadic_integer_rows(rows))


def _int64_neuron_keys(P: np.ndarray, common, zero_output) -> NeuronKeys:
    """Neuron keys from the int64 rows P = common [W1 | b1] (overwritten): keys by one numpy
    pass, orientation and scale s_i = |P[i, p]| / common from the pivot entries."""
    original = P.copy()
    keys, pivots, has_w = primitive_int64_keys(P)
    return _keyed(
        keys, original, pivots, has_w, lambda vs: [fmpq(v, common) for v in vs], zero_output
    )


def _keyed(keys, rows: np.ndarray, pivots, has_w, exact, zero_output) -> NeuronKeys:
    """NeuronKeys from the keys and the pivots of the original ``rows``: eps_i the sign of
    the pivot entry, s_i = |pivot entry| as exact rationals by ``exact`` (a list of them;
    0 where w_i = 0)."""
    values = np.where(has_w, rows[np.arange(len(keys)), np.maximum(pivots, 0)], 0)
    orientations = tuple(np.sign(values).astype(np.int64).tolist())
    scales = tuple(exact(np.abs(values).tolist()))
    return NeuronKeys(tuple(keys), orientations, scales, zero_output)


def _integer_neuron_keys(A1, w_ints, b_ints, h: int, d: int, zero_output) -> NeuronKeys:
    keys: list[Key | None] = []
    orientations: list[int] = []
    scales: list[fmpq] = []
    zero = fmpq(0)
    gcd = math.gcd
    for i in range(h):
        start = i * d
        row = w_ints[start : start + d]
        pivot = 0 if row and row[0] else next((j for j, x in enumerate(row) if x), -1)
        if pivot < 0:
            keys.append(None)
            orientations.append(0)
            scales.append(zero)
            continue
        row.append(b_ints[i])
        sign = 1 if row[pivot] > 0 else -1
        divisor = sign * gcd(*row)
        keys.append(tuple(row) if divisor == 1 else tuple([x // divisor for x in row]))
        orientations.append(sign)
        scales.append(abs(A1[i, pivot]))
    return NeuronKeys(tuple(keys), tuple(orientations), tuple(scales), zero_output)


def _dyadic_neuron_keys(rows, integer_rows, zero_output: tuple[bool, ...]) -> NeuronKeys:
    """Neuron keys of a network whose [W1 | b1] are exactly the float64 ``rows`` (and
    ``integer_rows`` their :func:`~shallowsym.rationals.dyadic_integer_rows`): keys from the
    integer rows, orientation and scale s_i = |w_i[p]| from the pivot entries, each converted
    exactly (``as_integer_ratio``)."""
    keys, pivots, has_w = primitive_dyadic_keys(rows, integer_rows)
    return _keyed(
        keys,
        rows,
        pivots,
        has_w,
        lambda vs: [fmpq(*v.as_integer_ratio()) for v in vs],
        zero_output,
    )


def hyperplane_normal_offset(key: Key) -> tuple[tuple[Fraction, ...], Fraction]:
    """(u_H, c_H) of docs/theory.md section 3, with u_H[p] = 1 at the first non-zero index p.

    Parameters
    ----------
    key : tuple of int
        A hyperplane key (n_1, ..., n_d, n_0) as :func:`neuron_keys` returns it: the
        hyperplane n.x + n_0 = 0.

    Returns
    -------
    tuple
        (u_H, c_H): u_H, a tuple of d ``Fraction`` with u_H[p] = 1, and c_H, a ``Fraction``,
        so that the hyperplane is u_H.x + c_H = 0.

    Raises
    ------
    StopIteration
        If every entry of ``key`` is zero (no key is).

    Examples
    --------
    >>> hyperplane_normal_offset((2, 1, -4))
    ((Fraction(1, 1), Fraction(1, 2)), Fraction(-2, 1))

    References
    ----------
    * docs/theory.md section 3 (exact keys for hyperplanes).
    """
    lead = next(x for x in key if x)
    scaled = tuple(Fraction(x, lead) for x in key)
    return scaled[:-1], scaled[-1]


def combine_hyperplanes(weights, keys, k: int) -> fmpq_mat:
    """sum_H weights_H (u_H, c_H)^T: the k x (d + 1) exact matrix of a weighted sum of
    hyperplanes, each (u_H, c_H) = n_H / lead_H as in :func:`hyperplane_normal_offset`.

    One flint product W N of the k x m rationals W[j, H] = weights_H[j] / lead_H and the
    m x (d + 1) integer keys, instead of k m (d + 1) Python rational operations (the sigma
    form, folding onto a domain and flip sets of a trained network touch every entry of
    hundreds of 785-entry keys).

    Parameters
    ----------
    weights
        One k-vector per key (exact rationals: ``Fraction``, int or flint ``fmpq``).
    keys
        The m integer keys (n_1, ..., n_d, n_0) (non-zero n), at least one.
    k
        The length of every weight vector.

    Returns
    -------
    flint.fmpq_mat
        k rows of d + 1 entries: sum_H w_H[j] u_H in the first d columns, sum_H w_H[j] c_H
        in the last.

    Raises
    ------
    ValueError
        If ``weights`` and ``keys`` have different lengths or ``keys`` is empty.

    Examples
    --------
    >>> print(combine_hyperplanes([(2,), (1,)], [(2, 1, -4), (0, 3, 3)], 1))
    [2, 2, -3]

    References
    ----------
    * docs/theory.md section 4 (the sigma form L = M/2 - (1/2) sum_H kappa_H u_H^T) and
      section 9 (folding onto a domain).
    """
    if len(weights) != len(keys) or not keys:
        raise ValueError(
            f"combine_hyperplanes: {len(weights)} weight vectors for {len(keys)} keys "
            "(equal and positive counts needed)"
        )
    m, cols = len(keys), len(keys[0])
    leads = [next(x for x in key if x) for key in keys]
    W = fmpq_mat(
        k,
        m,
        [to_fmpq(w[j]) / lead for j in range(k) for w, lead in zip(weights, leads, strict=True)],
    )
    return W * fmpq_mat(fmpz_mat(m, cols, [x for key in keys for x in key]))


def _term(coef: Fraction, name: str, first: bool, exact: bool = True) -> str:
    sign = "-" if coef < 0 else ("" if first else "+")
    mag = abs(coef)
    number = format_number(mag, exact=exact)
    body = name if mag == 1 and name else (f"{number}{' ' + name if name else ''}")
    return f"{sign}{body}" if first else f"{sign} {body}"


def format_affine(
    coefs: tuple[Fraction, ...],
    const: Fraction,
    *,
    exact: bool = True,
    max_terms: int | None = None,
) -> str:
    """``x1 - 1/2 x2 + 3``: an affine function of x in readable form.

    With ``exact=False`` long numbers print as ``~`` decimals (:func:`shallowsym.text.
    format_number`); with ``max_terms`` only the first terms of x print, then
    ``+ ... (N more terms)``.

    >>> format_affine((1, 0, 2, 3, 4), 5, max_terms=2)
    'x1 + 2 x3 + ... (2 more terms) + 5'
    """
    parts: list[str] = []
    nonzero = [(j, c) for j, c in enumerate(coefs) if c]
    shown = nonzero if max_terms is None else nonzero[:max_terms]
    for j, c in shown:
        parts.append(_term(c, f"x{j + 1}", not parts, exact))
    if len(shown) < len(nonzero):
        parts.append(f"+ ... ({len(nonzero) - len(shown)} more terms)")
    if const or not parts:
        parts.append(_term(const, "", not parts, exact) if const else "0")
    return " ".join(parts)


def format_hyperplane(key: Key, *, exact: bool = True, max_terms: int | None = None) -> str:
    """``x1 - 2 = 0``: the hyperplane of a key, normalized so its leading coefficient is 1.

    Parameters
    ----------
    key : tuple of int
        A hyperplane key (n_1, ..., n_d, n_0).
    exact : bool, keyword-only
        Print every number exactly (default True); False prints long numbers as ``~`` decimals.
    max_terms : int, optional, keyword-only
        Print only the first terms of x, then ``+ ... (N more terms)`` (default: all).

    Returns
    -------
    str
        The equation u_H.x + c_H = 0 in readable form.

    Raises
    ------
    StopIteration
        If every entry of ``key`` is zero (no key is).

    Examples
    --------
    >>> format_hyperplane((1, -2))
    'x1 - 2 = 0'
    >>> format_hyperplane((0, 2, 1, 0))
    'x2 + 1/2 x3 = 0'

    References
    ----------
    * docs/theory.md section 3 (exact keys for hyperplanes, the normalization u_H[p] = 1).
    """
    normal, offset = hyperplane_normal_offset(key)
    return f"{format_affine(normal, offset, exact=exact, max_terms=max_terms)} = 0"
