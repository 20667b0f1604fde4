"""Exact rationals: the one place where outside numbers become exact.

Every value a user hands to shallowsym (a weight, a bias, an evaluation point) passes
through :func:`as_rational`, and every array through :func:`as_matrix` or
:func:`as_vector`. Floats are converted exactly with ``as_integer_ratio`` (so ``0.1``
is the binary double 3602879701896397/36028797018963968), decimal strings are read as
decimals (``"0.1"`` is 1/10). Nothing else in the package converts numbers.

Internally the package computes with python-flint's ``fmpq`` (fast C rationals); its
public results are :class:`fractions.Fraction`, which compare equal to ``int`` and to
other ``Fraction`` values as users expect.
"""

from __future__ import annotations

import decimal
import functools
import math
import numbers
import operator
import re
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np
from flint import fmpq, fmpq_mat, fmpz, fmpz_mat

from .caps import check_count, current
from .dyadic import float_array, mantissas, signed_limbs
from .errors import InvalidNetworkError

__all__ = [
    "as_matrix",
    "as_rational",
    "as_vector",
    "dyadic_integer_rows",
    "dyadic_rows",
    "float_matrix",
    "format_rational",
    "primitive_dyadic_keys",
    "primitive_int64_keys",
    "small_integer_rows",
    "to_fmpq",
    "to_fraction",
]

# A decimal string's exponent is bounded so that "1e999999999" cannot build a billion-digit
# integer (and hang) before anything else is checked.
_MAX_DECIMAL_EXPONENT = 100_000


class _BadEntry(Exception):
    """Internal: a single value is not an exact real number; the text says why."""


def _from_float(value: Any) -> fmpq:
    # numpy's tests keep long doubles (1e4000 is finite there) out of math's float conversion
    if np.isnan(value):
        raise _BadEntry("is nan")
    if np.isinf(value):
        raise _BadEntry("is infinite" if value > 0 else "is -infinite")
    num, den = value.as_integer_ratio()
    return fmpq(int(num), int(den))


# ASCII digits only: "١٢" (Arabic-Indic digits) is not a number here, in any position.
_RATIO = re.compile(r"\s*([+-]?)(\d+)(?:/(\d+))?\s*$", re.ASCII)
_DECIMAL = re.compile(r"\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$", re.ASCII)


def _from_string(value: str) -> fmpq:
    """Parse "p", "p/q" or a decimal such as "-1.25e-3" exactly, with flint's integer parser
    (no limit on the number of digits, unlike int() and Fraction())."""
    if len(value) > current().max_digits:
        raise _BadEntry(
            f"is a string of {len(value)} characters, over the cap max_digits = "
            f"{current().max_digits} (raise it with shallowsym.caps.override(max_digits=...))"
        )
    text = value.replace("_", "")
    match = _RATIO.match(text)
    if match:
        sign, num, den = match.groups()
        if den is not None and not den.strip("0"):
            raise _BadEntry(f"is the string {_short(value)}, a fraction with denominator 0")
        q = fmpq(fmpz(num), fmpz(den) if den is not None else fmpz(1))
        return -q if sign == "-" else q
    match = _DECIMAL.match(text)
    if not match or not (match.group(2) or match.group(3)):
        raise _BadEntry(f"is the string {_short(value)}, which is not a rational number")
    sign, whole, frac, exponent = match.groups()
    exp = int(exponent) if exponent else 0
    if abs(exp) > _MAX_DECIMAL_EXPONENT:
        raise _BadEntry(f"is the string {_short(value)}, whose exponent is too large")
    frac = frac or ""
    mantissa = fmpz((whole or "") + frac or "0")
    scale = exp - len(frac)
    q = fmpq(mantissa * fmpz(10) ** scale) if scale >= 0 else fmpq(mantissa, fmpz(10) ** -scale)
    return -q if sign == "-" else q


def _short(value: str) -> str:
    """A string for an error message: long inputs are cut."""
    return repr(value) if len(value) <= 40 else repr(value[:20] + "..." + value[-10:])


def _rational(value: Any) -> fmpq:
    """Convert one value exactly, or raise _BadEntry saying what it is."""
    if isinstance(value, bool | np.bool_):
        raise _BadEntry(f"is the boolean {bool(value)}, not a number")
    if isinstance(value, fmpq):
        return value
    if isinstance(value, int | fmpz):
        return fmpq(value)
    if isinstance(value, Fraction):
        return fmpq(value.numerator, value.denominator)
    if isinstance(value, float | np.floating):
        return _from_float(value)
    if isinstance(value, str):
        return _from_string(value)
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise _BadEntry(f"is the decimal {value}, which is not finite")
        return _from_string(str(value))
    if isinstance(value, complex | np.complexfloating):
        raise _BadEntry(f"is the complex number {complex(value)}, not a real number")
    if isinstance(value, numbers.Integral):  # numpy and sympy integers
        return fmpq(int(value))
    if isinstance(value, numbers.Rational):  # sympy Rational and other exact types
        return fmpq(int(value.numerator), int(value.denominator))
    raise _BadEntry(
        f"has type {type(value).__name__}, which is not a supported number "
        "(int, Fraction, float, decimal string, flint or sympy rational)"
    )


def as_rational(value: Any, name: str = "value") -> fmpq:
    """Convert one number exactly to a flint rational.

    Parameters
    ----------
    value
        An int, ``Fraction``, flint ``fmpz``/``fmpq``, sympy ``Integer``/``Rational``,
        a Python or numpy float (converted exactly), a ``Decimal``, or a string such as
        ``"-3/4"`` or ``"0.1"`` (read as an exact decimal).
    name
        How to call the value in an error message.

    Returns
    -------
    flint.fmpq

    Raises
    ------
    InvalidNetworkError
        If the value is nan, infinite, complex, boolean, a non-numeric string or of an
        unsupported type; the message starts with ``name``.

    Examples
    --------
    >>> as_rational("0.1")
    1/10
    >>> as_rational(0.5)
    1/2
    >>> as_rational(float("nan"), "b1[3]")
    Traceback (most recent call last):
    ...
    shallowsym.errors.InvalidNetworkError: b1[3] is nan
    """
    try:
        return _rational(value)
    except _BadEntry as bad:
        raise InvalidNetworkError(f"{name} {bad}") from None


def _coprime_fraction_maker():
    """A Fraction constructor that skips the gcd: flint rationals are already reduced.

    Python 3.12+ has ``Fraction._from_coprime_ints``; 3.11 has the ``_normalize`` flag.
    ``tests/test_network.py`` checks that the result equals the normalizing constructor's.
    """
    maker = getattr(Fraction, "_from_coprime_ints", None)
    if maker is not None:
        return maker
    return lambda num, den: Fraction(num, den, _normalize=False)


_coprime_fraction = _coprime_fraction_maker()


def to_fraction(value: fmpq) -> Fraction:
    """The public form of an internal rational: a ``fractions.Fraction``.

    Examples
    --------
    >>> from flint import fmpq
    >>> to_fraction(fmpq(-6, 4))
    Fraction(-3, 2)
    """
    return _coprime_fraction(int(value.p), int(value.q))


def to_fmpq(value: Fraction | fmpq | int) -> fmpq:
    """An internal exact rational (``Fraction``, int or flint ``fmpq``) as a flint ``fmpq``
    (no validation: outside numbers go through :func:`as_rational`).

    Examples
    --------
    >>> to_fmpq(Fraction(-3, 2)), to_fmpq(4)
    (-3/2, 4)
    """
    return value if isinstance(value, fmpq) else fmpq(value.numerator, value.denominator)


def format_rational(value: Fraction | fmpq | int) -> str:
    """``3``, ``-3/4``: the exact text used in JSON, reasons and formulas.

    Formatted by flint, so numbers with more than 4300 digits (Python's limit for ``str(int)``)
    print too.

    Examples
    --------
    >>> from fractions import Fraction
    >>> format_rational(Fraction(-3, 4)), len(format_rational(10 ** 5000))
    ('-3/4', 5001)
    """
    if isinstance(value, Fraction):
        return str(fmpq(value.numerator, value.denominator))
    if isinstance(value, int):
        return str(fmpz(value))
    return str(value)


def _entries_of_array(array: np.ndarray) -> list:
    if array.dtype.kind == "b":
        # Name the first boolean entry through the common per-entry path.
        return array.astype(object).tolist()
    if array.dtype.kind == "f" and array.dtype.itemsize > 8:
        return array.astype(object).tolist()  # keep long doubles exact
    return array.tolist()


def _array_entries(array: np.ndarray, name: str) -> list[fmpq] | None:
    """Every entry of a numeric array converted exactly in one pass, row-major; ``None`` when
    the dtype needs the per-entry path (booleans, objects, strings, long doubles).

    This is the one vectorized path for arrays: numpy checks finiteness for the whole array
    (naming the first bad entry, as in ``W1[1, 0] is nan``), then every float becomes
    ``fmpq(*as_integer_ratio())`` (exact: a binary float is a dyadic rational; float16 and
    float32 values are float64 values) and every integer ``fmpq(int)``, with no per-entry
    type dispatch.
    """
    kind = array.dtype.kind
    if kind in "iu":
        return [fmpq(v) for v in array.ravel().tolist()]
    if kind != "f" or array.dtype.itemsize > 8:
        return None
    finite = np.isfinite(array)
    if not finite.all():
        index = tuple(int(i) for i in np.argwhere(~finite)[0])
        where = f"{name}[{', '.join(map(str, index))}]"
        value = float(array[index])
        if math.isnan(value):
            raise InvalidNetworkError(f"{where} is nan")
        raise InvalidNetworkError(f"{where} is {'infinite' if value > 0 else '-infinite'}")
    return [fmpq(*v.as_integer_ratio()) for v in array.astype(np.float64).ravel().tolist()]


_Nested = tuple[list | None, tuple[int, ...] | None, list[fmpq] | None]


def _nested(value: Any, name: str, rank: int) -> _Nested:
    """Nested lists of raw entries and, for arrays, their shape; for numeric arrays, instead
    of raw entries, the row-major entries already converted by :func:`_array_entries`."""
    if isinstance(value, np.ndarray):
        check_count(value.size, f"{name} has {value.size} entries")
        if value.ndim != rank:
            raise InvalidNetworkError(
                f"{name} must be a {rank}-d array but is {value.ndim}-d with shape {value.shape}"
            )
        converted = _array_entries(value, name)
        if converted is not None:
            return None, value.shape, converted
        return _entries_of_array(value), value.shape, None
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # a torch tensor, maybe with grad
        value = value.detach().cpu()
        if value.is_floating_point():
            value = value.double()  # float64 holds float32, float16 and bfloat16 exactly
        return _nested(value.numpy(), name, rank)
    if hasattr(value, "__array__") and not isinstance(value, Sequence):
        try:
            array = np.asarray(value)
        except Exception as err:  # whatever the foreign object raised, report it as bad input
            raise InvalidNetworkError(f"{name} could not be read as an array: {err}") from None
        return _nested(array, name, rank)
    if isinstance(value, str) or not isinstance(value, Sequence):
        what = "a string" if isinstance(value, str) else f"of type {type(value).__name__}"
        raise InvalidNetworkError(f"{name} must be a {rank}-d array or nested sequence, not {what}")
    return list(value), None, None


def as_vector(value: Any, name: str) -> list[fmpq]:
    """A 1-d array or sequence of numbers, converted exactly entry by entry.

    Errors name the entry, as in ``b1[3] is nan``.

    Examples
    --------
    >>> as_vector(['1/2', 0.5, 2], 'b1')
    [1/2, 1/2, 2]
    >>> as_vector([1, float('inf')], 'b1')  # doctest: +SKIP
    """
    entries, _, converted = _nested(value, name, 1)
    if converted is not None:
        return converted
    out = []
    for i, entry in enumerate(entries):
        if isinstance(entry, Sequence | np.ndarray) and not isinstance(entry, str):
            raise InvalidNetworkError(f"{name} must be 1-d, but {name}[{i}] is a sequence")
        out.append(as_rational(entry, f"{name}[{i}]"))
    return out


def as_matrix(value: Any, name: str, columns: int | None = None) -> tuple[list[fmpq], int, int]:
    """A 2-d array or nested sequence, converted exactly: (row-major entries, rows, cols).

    ``columns`` gives the column count when the matrix has no rows and is given as a
    plain list, whose width cannot be seen. Errors name the row or entry.

    Examples
    --------
    >>> as_matrix([[1, '2/3']], 'W1')
    ([1, 2/3], 1, 2)
    >>> as_matrix([[1, 2], [3]], 'W1')  # doctest: +SKIP
    """
    rows_raw, shape, converted = _nested(value, name, 2)
    if converted is not None:
        return converted, shape[0], shape[1]
    if shape is not None and len(rows_raw) == 0:
        return [], shape[0], shape[1]
    if len(rows_raw) == 0:
        if columns is None:
            raise InvalidNetworkError(
                f"{name} has no rows, so its number of columns is unknown; "
                f"pass a numpy array of shape (0, n)"
            )
        return [], 0, columns
    width = None
    out: list[fmpq] = []
    for i, row in enumerate(rows_raw):
        if isinstance(row, str) or not isinstance(row, Sequence | np.ndarray):
            raise InvalidNetworkError(f"{name} must be 2-d, but {name}[{i}] is not a sequence")
        row = list(row)
        if width is None:
            width = len(row)
        elif len(row) != width:
            raise InvalidNetworkError(
                f"{name} is ragged: row 0 has {width} entries but row {i} has {len(row)}"
            )
        for j, entry in enumerate(row):
            if isinstance(entry, Sequence | np.ndarray) and not isinstance(entry, str):
                raise InvalidNetworkError(f"{name} must be 2-d, but {name}[{i}, {j}] is a sequence")
            out.append(as_rational(entry, f"{name}[{i}, {j}]"))
    return out, len(rows_raw), width or 0


def float_matrix(X: np.ndarray) -> fmpq_mat | None:
    """The exact rational matrix of a finite float64 matrix, built by flint from integers.

    Every entry is put on one common power of two 2^e (exactly: floats are dyadic); when the
    resulting integers fit in int64 (float32 weights of a trained model typically need 30 to
    60 bits), flint builds one integer matrix from machine integers and divides it by 2^-e,
    reducing every entry in C. This avoids one ``as_integer_ratio`` and one Python-level
    rational per entry. Returns None otherwise (float64 weights usually need two 62-bit limbs,
    and measured no faster that way than the per-entry path, which the caller then takes).

    Examples
    --------
    >>> print(float_matrix(np.array([[0.5, -3.0], [2.0**-40, 0.0]])))
    [          1/2, -3]
    [1/1099511627776,  0]
    >>> float_matrix(np.array([[1.0, 2.0**-70]])) is None
    True
    """
    rows, cols = X.shape
    if X.size == 0:
        return fmpq_mat(rows, cols)
    S, shift, emin, width = mantissas(X, axis=None)
    if width > 62:
        return None
    (limb,) = signed_limbs(S, shift, 62, 1)
    exact = fmpq_mat(fmpz_mat(rows, cols, limb.ravel().tolist()))
    e = int(emin.ravel()[0])
    return exact * (fmpz(1) << e) if e >= 0 else exact / (fmpz(1) << -e)


def dyadic_rows(W1: Any, b1: Any) -> np.ndarray | None:
    """[W1 | b1] as one float64 array when both are numeric float arrays (numpy or torch) of
    shapes (h, d) and (h,) with finite entries; otherwise None.

    The values are exactly the network's (floats are dyadic rationals and float64 holds
    float16/32 exactly), so :func:`primitive_dyadic_keys` can compute exact hyperplane keys
    from them with integer numpy arithmetic instead of one flint call per row.
    """
    W, b = float_array(W1), float_array(b1)
    if W is None or b is None or W.ndim != 2 or b.shape != (W.shape[0],):
        return None
    return np.concatenate([W, b[:, None]], axis=1)


def dyadic_integer_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Float rows as integer rows on one power of two each: rows[i] = P[i] 2^e[i] exactly.

    Every float is m 2^t with an odd integer m (|m| < 2^53): np.frexp gives m and t exactly.
    e[i] is the least t over the non-zero entries of row i (0 for a zero row), so each row of
    P is made of integers and has an odd entry. P is int64 when every entry is below 2^62
    (float32 weights of a trained model: 24 significant bits and a few bits of exponent
    spread per row), otherwise an object array of Python ints.

    Examples
    --------
    >>> P, e = dyadic_integer_rows(np.array([[0.75, -2.0, 0.0], [2.0**70, 2.0**-20, 1.0]]))
    >>> P[0].tolist(), e.tolist()
    ([3, -8, 0], [-2, -20])
    >>> P[1].tolist() == [2**90, 1, 2**20]
    True
    """
    mantissa, exponent = np.frexp(rows)  # |x| < 2^exponent
    exponent = exponent.astype(np.int64)  # (int32 from frexp: the int64 marks below would wrap)
    M = (mantissa * 2.0**53).astype(np.int64)  # exact: x = M 2^(exponent - 53)
    nonzero = M != 0
    # the lowest set bit 2^z of M: frexp(2^z) = (1/2, z + 1), so x = odd 2^(exponent - 54 + z + 1)
    low = exponent + np.frexp((M & -M).astype(np.float64))[1] - 54
    top = np.iinfo(np.int64).max
    e = np.where(nonzero, low, top).min(axis=1)
    e = np.where(e == top, 0, e)
    width = int(np.where(nonzero, exponent - e[:, None], 0).max(initial=0))
    if width <= 62:  # x 2^-e[i] is an integer below 2^62: scaling and conversion are exact
        return np.ldexp(rows, -e[:, None]).astype(np.int64), e
    odd = M >> np.where(nonzero, low - exponent + 53, 0)
    shift = np.where(nonzero, low - e[:, None], 0)
    return odd.astype(object) << shift.astype(object), e


def primitive_dyadic_keys(
    rows: np.ndarray, integer_rows=None
) -> tuple[list, np.ndarray, np.ndarray]:
    """Exact primitive integer keys of float rows (w, beta), computed from
    :func:`dyadic_integer_rows` (given as ``integer_rows`` or computed): each integer row
    divided by the gcd of its entries, signed so that the first non-zero w_j is positive.
    Returns (keys, pivots, has_w): ``keys[i]`` is a tuple of Python ints, or None where
    w_i = 0 (``has_w[i]`` False); ``pivots[i]`` is the first index with w_i[p] != 0 (-1 when
    w_i = 0).

    >>> primitive_dyadic_keys(np.array([[0.5, -1.5], [0.0, 2.0**-80]]))[0]
    [(1, -3), None]
    """
    P, _ = dyadic_integer_rows(rows) if integer_rows is None else integer_rows
    if P.dtype != object:
        return primitive_int64_keys(P.copy())
    d = rows.shape[1] - 1
    nonzero = rows[:, :d] != 0
    has_w = nonzero.any(axis=1)
    pivots = np.where(has_w, np.argmax(nonzero, axis=1), -1)
    keys: list = []
    for row, p in zip(P.tolist(), pivots.tolist(), strict=True):
        if p < 0:
            keys.append(None)
            continue
        divisor = math.gcd(*row) * (1 if row[p] > 0 else -1)
        keys.append(tuple(row) if divisor == 1 else tuple([x // divisor for x in row]))
    return keys, pivots, has_w


def primitive_int64_keys(P: np.ndarray) -> tuple[list, np.ndarray, np.ndarray]:
    """Primitive integer keys of the integer rows (w, beta) of ``P`` (int64 with at least
    two columns, d >= 1; every entry below 2^62 in absolute value, a safe margin inside
    int64): each row divided by the gcd of its entries, signed so that the first non-zero w_j
    is positive. Returns (keys, pivots, has_w) as :func:`primitive_dyadic_keys` does. ``P``
    is overwritten."""
    h, cols = P.shape
    nonzero = P[:, : cols - 1] != 0
    g = np.gcd.reduce(P, axis=1)
    if (g > 1).any():
        P //= np.where(g == 0, 1, g)[:, None]
    has_w = nonzero.any(axis=1)
    pivots = np.where(has_w, np.argmax(nonzero, axis=1), -1)
    P *= np.sign(P[np.arange(h), np.maximum(pivots, 0)])[:, None]
    keys: list = list(map(tuple, P.tolist()))
    if not has_w.all():
        for i in np.flatnonzero(~has_w).tolist():
            keys[i] = None
    return keys, pivots, has_w


# Rows of at most this many integers are read as one big integer each (small_integer_rows):
# the radix-2^64 number of a row has 64 (d + 1) bits, so building it costs O(d) per entry.
KRONECKER_MAX_COLUMNS = 33
# The saving is per entry, the extra cost (two Gram products, numpy set-up: about 30 us) is
# fixed or per row: measured break-even near h d = 500 for d >= 8 and h (d + 1) = 1000 for
# d <= 4, so narrow rows are read as big integers from h d >= this many weights on.
KRONECKER_MIN_ENTRIES = 768
_RADIX_BITS = 64
_HALF = 1 << (_RADIX_BITS - 1)


@functools.cache
def _radix_column(d: int) -> tuple[fmpz_mat, int, int]:
    """(the column (R^0, ..., R^(d-1)), R^d, sum_j 2^63 R^j over j <= d) for R = 2^64 (read
    only: the flint column is shared between calls)."""
    column = fmpz_mat(d, 1, [1 << (_RADIX_BITS * j) for j in range(d)])
    offset = sum(_HALF << (_RADIX_BITS * j) for j in range(d + 1))
    return column, 1 << (_RADIX_BITS * d), offset


def small_integer_rows(num_w: fmpz_mat, num_b: fmpz_mat) -> np.ndarray | None:
    """The integer matrix [num_w | num_b] as int64, read without one Python object per entry,
    or None when d + 1 > KRONECKER_MAX_COLUMNS, when h d < KRONECKER_MIN_ENTRIES (reading the
    entries one by one is as fast) or when an entry may reach 2^62.

    Every entry is below 2^62 when the squared Frobenius norm trace(N^T N) is below 2^124
    (flint products N^T N and b^T b: h d^2 multiplications of small integers, cheap for
    d + 1 <= 33; the bound is on the whole matrix, so entries near 2^62 / sqrt(h (d + 1))
    already send it to the per-entry path). Then row i is read as the single integer
    e_i = sum_j (n_ij + 2^63) 2^(64 j) (one flint product, a Kronecker substitution): every
    shifted digit lies in [0, 2^64), so the little-endian bytes of e_i are the digits, and
    flipping each digit's top bit gives back n_ij. Reading h integers instead of h (d + 1)
    flint entries is what makes the exact keys of small rational networks cheap.
    """
    h, d = num_w.nrows(), num_w.ncols()
    if d + 1 > KRONECKER_MAX_COLUMNS or h * d < KRONECKER_MIN_ENTRIES:
        return None
    gram = num_w.transpose() * num_w
    norm = sum((gram[j, j] for j in range(d)), (num_b.transpose() * num_b)[0, 0])
    if norm >= 1 << 124:
        return None
    column, top, offset = _radix_column(d)
    width = (_RADIX_BITS // 8) * (d + 1)
    rows = (num_w * column + num_b * top).entries()
    data = b"".join([(operator.index(e) + offset).to_bytes(width, "little") for e in rows])
    return np.frombuffer(data, dtype="<i8").reshape(h, d + 1) ^ np.int64(-_HALF)
