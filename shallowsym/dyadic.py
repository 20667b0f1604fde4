"""Exact products of float matrices in integer numpy (an internal API of the exact path).

A finite binary float is a dyadic rational m 2^e (m an odd integer, |m| < 2^53), so a product
of two float matrices has exact dyadic entries. :func:`dyadic_product` computes them without
one flint operation per product term. Narrow floats (float32 weights: each matrix fits in
53-bit integers on one power of two) are cut into float limbs whose products BLAS sums
exactly (every partial sum is an integer below 2^53); the limb products are carried into
int64 words and flint adds the few word matrices and reduces every entry in C. Wider floats
(float64 weights) put every row of A and column of B on its own power of two and multiply
int64 limbs, recombined as Python ints. Used by :mod:`shallowsym.canonical` for
M = W2 W1 and delta of networks built from float arrays."""

from __future__ import annotations

import operator

import numpy as np
from flint import fmpq, fmpq_mat, fmpz, fmpz_mat

__all__ = [
    "dyadic_product",
    "exponent_rows_product",
    "float_array",
    "float_integers",
    "float_limbs",
    "mantissas",
    "signed_limbs",
]

_MAX_LIMB_PAIRS = 64  # wider exponent ranges fall back to flint (returns None)


def float_array(value) -> np.ndarray | None:
    """``value`` as a float64 array holding exactly its values, when it is a numpy or torch float
    array (float16/32/64, bfloat16) with finite entries; otherwise None."""
    if hasattr(value, "detach") and hasattr(value, "cpu"):
        value = value.detach().cpu()
        if not value.is_floating_point():
            return None
        value = value.double().numpy()
    if not isinstance(value, np.ndarray) or value.dtype.kind != "f" or value.itemsize > 8:
        return None
    value = value.astype(np.float64)
    return value if np.isfinite(value).all() else None


def mantissas(X: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """X = S 2^shift 2^emin exactly, S odd int64 (0 for zeros), emin common along ``axis``.

    Returns (S, shift, emin, width): shift >= 0 and every |S| 2^shift < 2^width.
    """
    mantissa, exponent = np.frexp(X)
    S = (mantissa * 2.0**53).astype(np.int64)  # exact: X = S 2^(exponent - 53)
    E = exponent.astype(np.int64) - 53
    nonzero = S != 0
    low = np.where(nonzero, S & -S, 1)  # lowest set bit, an exact power of two
    zeros = np.frexp(low.astype(np.float64))[1].astype(np.int64) - 1
    S >>= zeros
    E += zeros
    top = np.iinfo(np.int64).max
    emin = np.where(nonzero, E, top).min(axis=axis, keepdims=True)
    emin = np.where(emin == top, 0, emin)
    shift = np.where(nonzero, E - emin, 0)
    length = np.frexp(np.abs(S).astype(np.float64))[1].astype(np.int64)  # bit length of |S|
    width = int((length + shift).max(initial=0))
    return S, shift, emin, width


def signed_limbs(S: np.ndarray, shift: np.ndarray, bits: int, count: int) -> list[np.ndarray]:
    """Signed limbs L_t (|L_t| < 2^bits) with S 2^shift = sum_t L_t 2^(bits t)."""
    U = np.abs(S).astype(np.uint64)
    sign = np.sign(S)
    mask = np.uint64((1 << bits) - 1)
    out = []
    for t in range(count):
        r = bits * t - shift  # the limb holds bits r, r+1, ... of |S|
        right = U >> np.clip(r, 0, 63).astype(np.uint64)
        left = U << np.clip(-r, 0, 63).astype(np.uint64)  # wraps modulo 2^64; masked below
        limb = np.where(r >= 0, right, left) & mask
        out.append(limb.astype(np.int64) * sign)
    return out


def float_integers(X: np.ndarray) -> tuple[np.ndarray, int, int] | None:
    """X = Y 2^e exactly with Y a float64 array of integers, |Y| < 2^width <= 2^53: (Y, e,
    width); None when the entries' exponents span too many bits for that.

    Every entry has at most 53 significant bits (24 when all entries are float32 values, 11
    when float16 values), so x 2^-(exponent(x) - bits) is an integer; e is the least such
    power over the non-zero entries and the scaling by 2^-e is exact (no rounding: |Y| < 2^53).

    >>> float_integers(np.array([0.75, -2.0, 0.0], dtype=np.float32).astype(np.float64))
    (array([ 1536., -4096.,     0.]), -11, 13)
    """
    nonzero = X != 0
    if not nonzero.any():
        return np.zeros_like(X), 0, 0
    exponent = np.frexp(X)[1][nonzero]  # |x| < 2^exponent
    significant = 53
    with np.errstate(over="ignore"):  # values beyond float32's range become inf: not equal
        if (X.astype(np.float32) == X).all():
            significant = 11 if (X.astype(np.float16) == X).all() else 24
    low = int(exponent.min()) - significant
    high = int(exponent.max())
    if high - low > 53:
        return None
    return np.ldexp(X, -low), low, high - low


def float_limbs(Y: np.ndarray, bits: int, count: int) -> list[np.ndarray]:
    """Signed limbs L_t (|L_t| < 2^bits, float64 integers) with Y = sum_t L_t 2^(bits t),
    split by exact float operations (Y integers below 2^53)."""
    out = []
    rest = Y
    for _ in range(count - 1):
        high = np.trunc(rest * 2.0**-bits)
        out.append(rest - high * 2.0**bits)
        rest = high
    out.append(rest)
    return out


def _float_limb_product(A: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, int, int] | None:
    """Limb products of A B by float64 matrix multiplication, exact (every partial sum is an
    integer below 2^53): (R, e, bits, nu, nt) with A B = 2^e sum R[u, :, t, :] 2^(bits (u+t));
    None when A or B does not fit in 53-bit integers on one power of two."""
    n = A.shape[1]
    bits = (53 - n.bit_length()) // 2  # n (2^bits - 1)^2 < 2^53
    if bits < 8:
        return None
    a, b = float_integers(A), float_integers(B)
    if a is None or b is None:
        return None
    (YA, eA, widthA), (YB, eB, widthB) = a, b
    nu = max(1, -(-widthA // bits))
    nt = max(1, -(-widthB // bits))
    left = np.concatenate(float_limbs(YA, bits, nu), axis=0)
    right = np.concatenate(float_limbs(YB, bits, nt), axis=1)
    R = (left @ right).astype(np.int64)
    return R.reshape(nu, A.shape[0], nt, B.shape[1]), eA + eB, bits


def dyadic_product(A: np.ndarray, B: np.ndarray) -> list[list[fmpq]] | None:
    """The exact product A B of float64 matrices (m, n) and (n, p), as rows of flint rationals.

    Both matrices are put on one power of two each (A = SA 2^eA, B = SB 2^eB with integer SA,
    SB), the integers are cut into signed limbs of ``bits`` bits and multiplied as int64
    matrices (no sum can overflow); the limb products are carried into words of at most 62
    bits in int64 numpy, and flint adds the few word matrices and reduces every entry in C.
    Returns None when the exponents span so many bits that the limb products would cost more
    than flint's rational product (the caller then uses flint).

    Examples
    --------
    >>> import numpy as np
    >>> dyadic_product(np.array([[0.5, 3.0]]), np.array([[0.25], [2.0**-60]]))
    [[144115188075855875/1152921504606846976]]
    >>> from fractions import Fraction
    >>> Fraction(1, 8) + 3 * Fraction(1, 2**60) == Fraction(144115188075855875, 2**60)
    True
    """
    m, n = A.shape
    p = B.shape[1]
    if m == 0 or p == 0:
        return [[] for _ in range(m)] if p == 0 else []
    if n == 0:
        return [[fmpq(0)] * p for _ in range(m)]
    fast = _float_limb_product(A, B)  # float32 weights: BLAS, exact
    if fast is None:
        return _integer_limb_product(A, B)
    R, e, bits = fast
    nu, nt = R.shape[0], R.shape[2]
    # A B 2^-e = sum_s L_s 2^(bits s), L_s = sum_{u + t = s} R[u, :, t, :]; each product is
    # split into its low ``bits`` bits and a carry first, so no level overflows
    mask = (1 << bits) - 1
    levels = [np.zeros((m, p), dtype=np.int64) for _ in range(nu + nt + 1)]
    for u in range(nu):
        for t in range(nt):
            block = R[u, :, t, :]
            levels[u + t] += block & mask
            levels[u + t + 1] += block >> bits  # arithmetic shift: floor division
    half = 1 << (bits - 1)
    for s in range(len(levels) - 1):  # balanced carry: all but the top in [-2^(bits-1), 2^(bits-1))
        carry = (levels[s] + half) >> bits
        levels[s + 1] += carry
        levels[s] -= carry << bits
    total = fmpz_mat(m, p)
    for j in range(0, len(levels), 2):  # two levels per int64 word (bits <= 26 here)
        word = levels[j] if j + 1 == len(levels) else levels[j] + (levels[j + 1] << bits)
        if word.any():
            total += fmpz_mat(m, p, word.ravel().tolist()) * (1 << (bits * j))
    exact = fmpq_mat(total)
    exact = exact * (fmpz(1) << e) if e >= 0 else exact / (fmpz(1) << -e)
    entries = exact.entries()
    return [entries[i * p : (i + 1) * p] for i in range(m)]


def _integer_limb_product(A: np.ndarray, B: np.ndarray) -> list[list[fmpq]] | None:
    """:func:`dyadic_product` for wide floats (float64 weights): every row of A and column of
    B on its own power of two, int64 limb products recombined as Python ints."""
    m, n = A.shape
    p = B.shape[1]
    bits = (63 - n.bit_length()) // 2  # n (2^bits - 1)^2 < 2^63: no int64 sum overflows
    SA, shiftA, eA, widthA = mantissas(A, axis=1)
    SB, shiftB, eB, widthB = mantissas(B, axis=0)
    nu = max(1, -(-widthA // bits))
    nt = max(1, -(-widthB // bits))
    if nu * nt > _MAX_LIMB_PAIRS:
        return None
    left = np.concatenate(signed_limbs(SA, shiftA, bits, nu), axis=0)  # (nu m, n)
    right = np.concatenate(signed_limbs(SB, shiftB, bits, nt), axis=1)  # (n, nt p)
    R = np.einsum("ij,jk->ik", left, right).astype(object).reshape(nu, m, nt, p)
    weights = np.array(
        [[1 << (bits * (u + t)) for t in range(nt)] for u in range(nu)], dtype=object
    )
    N = (R * weights[:, None, :, None]).sum(axis=(0, 2))  # (m, p) Python ints
    exponents = (eA + eB).tolist()  # (m, p): A B = N 2^exponent
    return [
        [
            fmpq(int(v) << e) if e >= 0 else fmpq(int(v), 1 << -e)
            for v, e in zip(row, erow, strict=True)
        ]
        for row, erow in zip(N.tolist(), exponents, strict=True)
    ]


def exponent_rows_product(A: np.ndarray, P: np.ndarray, e: np.ndarray) -> list[list[fmpq]]:
    """The exact product A diag(2^e) P of a float64 matrix A (m, n) and integer rows P
    (n, p; int64 or Python ints) on powers of two 2^e[i], as rows of flint rationals.

    Each row of A is read exactly as integers on one power of two (``as_integer_ratio``:
    a_i = num_i / 2^t_i, num_i odd and so as short as the float allows), so every entry of
    the product is 2^E times one Python integer dot product: m n p integer operations and no
    rational arithmetic, the fastest exact way for small products (the canonical form of a
    (8, 32, 1) network; up to about 1000 operations); large ones go to :func:`dyadic_product`.

    Examples
    --------
    >>> import numpy as np
    >>> P, e = np.array([[3, -8], [1, 1]]), np.array([-2, 5])
    >>> exponent_rows_product(np.array([[0.5, -3.0]]), P, e)
    [[-765/8, -97]]
    >>> from fractions import Fraction
    >>> [Fraction(1, 2) * Fraction(1, 4) * v - 3 * 32 for v in (3, -8)]
    [Fraction(-765, 8), Fraction(-97, 1)]
    """
    columns = P.T.tolist()
    exponents = e.tolist()
    out = []
    for row in A.tolist():
        terms = [
            (i, num, t - den.bit_length() + 1)
            for i, ((num, den), t) in enumerate(
                zip(map(float.as_integer_ratio, row), exponents, strict=True)
            )
            if num
        ]
        if not terms:
            out.append([fmpq(0)] * len(columns))
            continue
        low = min(t for _, _, t in terms)
        coefficients = [0] * len(row)
        for i, num, t in terms:
            coefficients[i] = num << (t - low)
        sums = [sum(map(operator.mul, coefficients, column)) for column in columns]
        if low >= 0:
            out.append([fmpq(v << low) for v in sums])
        else:
            den = 1 << -low
            out.append([fmpq(v, den) for v in sums])
    return out
