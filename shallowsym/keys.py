"""Stable keys of functions: a SHA-256 digest of the exact canonical form, and a float key.

Exact key
---------
:func:`canonical_digest` hashes the exact canonical form (proofs/canonical_form.md) with SHA-256
over this byte encoding (ASCII, lines joined by ``\\n``, no trailing newline)::

    shallowsym-canonical-form-v1
    d <d> k <k> bent <n>
    H <n_1> ... <n_d> <n_0> : <kappa_1> ... <kappa_k>      (one line per bent hyperplane)
    M <m_j1> ... <m_jd>                                     (one line per output j)
    delta <delta_1> ... <delta_k>

``n_1 ... n_d n_0`` is the primitive integer vector of the hyperplane (first non-zero entry
positive, gcd 1), lines in the canonical form's sorted order; ``kappa`` is the canonical
form's kink across u.x + c = 0 with u = n / n_p (n_p the first non-zero entry). Every rational
is written ``p/q`` in lowest terms with q > 0, or ``p`` when q = 1, in decimal. Nothing in the
encoding depends on Python's hash, dict order, the machine or the process, so the digest is the same
across runs, processes, machines and PYTHONHASHSEED values; two networks have the same digest
exactly when they compute the same function (up to a SHA-256 collision).

Float key
---------
:func:`fast_keys` quantizes the float64 canonical form (``shallowsym.fast``) on a grid of step
``resolution`` (default 2^-10): every value x (hyperplane normals with u[p] = 1, offsets,
kinks, M, delta) becomes the integer ``round(x / resolution)``. The digest is SHA-256 of the
ASCII line ``shallowsym-float-key-v1 d <d> k <k> bent <n>`` followed by the integers as
little-endian int64: the bent hyperplanes' rows (u, c, kappa), in the order of their bytes,
then M row by row, then delta. The tolerance is ``tol(x) = atol + rtol * max(1, |x|)`` (the fast
path's ``rtol = 1e-9``, ``atol = 1e-12`` by default). Two networks whose canonical values agree
within it value by value get equal keys, except where a value lies within ``tol(x)`` of a cell
boundary: a value inside the tolerance can then fall in the next cell. Such values are counted
(``boundary``), and for up to ``max_neighbours`` of them the keys of every neighbouring cell are
listed (``neighbours``, 2^boundary - 1 keys): a network looked up under its key and its
neighbours' keys finds every network within tolerance (``shallowsym.zoo`` does this). The key
is ``uncertain`` when that lookup is incomplete: more boundary values than ``max_neighbours``, a
value too large for the grid, or a float canonical form that is itself uncertain (nearly
coincident hyperplanes, weights near ``atol``). Equal float keys mean the canonical values agree
within one grid step, not that the functions are equal: callers confirm with
``fast.equivalent`` (``shallowsym.zoo`` does).
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from . import fast
from .canonical import CanonicalForm, canonical_form
from .network import ShallowNetwork

__all__ = [
    "FastKey",
    "canonical_bytes",
    "canonical_digest",
    "canonical_key",
    "fast_keys",
]

EXACT_HEADER = "shallowsym-canonical-form-v1"
FLOAT_HEADER = "shallowsym-float-key-v1"
RESOLUTION = 2.0**-10
MAX_NEIGHBOURS = 4


def _rational(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator}"


def _form(value: ShallowNetwork | CanonicalForm, name: str) -> CanonicalForm:
    if isinstance(value, CanonicalForm):
        return value
    if isinstance(value, ShallowNetwork):
        return canonical_form(value)
    raise TypeError(
        f"{name} expects a ShallowNetwork or a CanonicalForm, not {type(value).__name__}"
    )


def canonical_bytes(value: ShallowNetwork | CanonicalForm) -> bytes:
    """The documented byte encoding of the exact canonical form (see the module docstring).

    Parameters
    ----------
    value
        A network or its canonical form.

    Returns
    -------
    bytes
        ASCII text; equal for two networks exactly when they compute the same function.

    Raises
    ------
    TypeError
        If ``value`` is neither a ``ShallowNetwork`` nor a ``CanonicalForm``.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> print(canonical_bytes(ShallowNetwork([[1], [-1]], [-1, 3], [[1, 1]], [0])).decode())
    shallowsym-canonical-form-v1
    d 1 k 1 bent 2
    H 1 -3 : 1
    H 1 -1 : 1
    M 0
    delta 1

    References
    ----------
    proofs/canonical_form.md (the canonical form is a complete invariant of the function).
    """
    cf = _form(value, "canonical_bytes")
    lines = [EXACT_HEADER, f"d {cf.d} k {cf.k} bent {cf.num_bent}"]
    for key, kink in zip(cf.keys, cf.kinks, strict=True):
        lines.append(
            "H " + " ".join(str(int(n)) for n in key) + " : " + " ".join(map(_rational, kink))
        )
    for row in cf.linear:
        lines.append("M " + " ".join(map(_rational, row)))
    lines.append("delta " + " ".join(map(_rational, cf.constant)))
    return "\n".join(lines).encode("ascii")


def canonical_digest(value: ShallowNetwork | CanonicalForm) -> bytes:
    """SHA-256 (32 bytes) of :func:`canonical_bytes`: a stable key of the function.

    Parameters
    ----------
    value
        A network or its canonical form.

    Returns
    -------
    bytes
        32 bytes, the same across runs, processes, machines and PYTHONHASHSEED values.

    Raises
    ------
    TypeError
        If ``value`` is neither a ``ShallowNetwork`` nor a ``CanonicalForm``.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> a = ShallowNetwork([[1], [-1]], [-1, 3], [[1, 1]], [0])
    >>> b = ShallowNetwork([[-1], [1]], [1, -3], [[1, 1]], [2])   # a flip of a
    >>> canonical_digest(a) == canonical_digest(b), len(canonical_digest(a))
    (True, 32)

    References
    ----------
    proofs/canonical_form.md.
    """
    return hashlib.sha256(canonical_bytes(_form(value, "canonical_digest"))).digest()


def canonical_key(value: ShallowNetwork | CanonicalForm) -> str:
    """:func:`canonical_digest` as 64 hexadecimal characters.

    Parameters
    ----------
    value
        A network or its canonical form.

    Returns
    -------
    str

    Raises
    ------
    TypeError
        If ``value`` is neither a ``ShallowNetwork`` nor a ``CanonicalForm``.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> canonical_key(ShallowNetwork([[1], [-1]], [-1, 3], [[1, 1]], [0]))[:16]
    '0d6824a7ac8b687f'

    References
    ----------
    proofs/canonical_form.md.
    """
    return canonical_digest(_form(value, "canonical_key")).hex()


@dataclass(frozen=True)
class FastKey:
    """The float key of one network (see the module docstring).

    Attributes
    ----------
    digest
        SHA-256 (32 bytes) of the quantized float canonical form.
    num_bent
        The number of bent hyperplanes of the float canonical form.
    uncertain
        True when a network within tolerance may have a key outside ``digest`` and
        ``neighbours``: too many boundary values, a value too large for the grid, or an
        uncertain float canonical form.
    boundary
        The number of values within their tolerance of a cell boundary.
    neighbours
        The digests of the neighbouring cells (all 2^boundary - 1 of them), unless
        ``uncertain``.
    resolution, rtol, atol
        The grid step and the tolerances used.
    """

    digest: bytes
    num_bent: int
    uncertain: bool
    boundary: int
    neighbours: tuple[bytes, ...]
    resolution: float
    rtol: float
    atol: float

    @property
    def hex(self) -> str:
        return self.digest.hex()

    def __str__(self) -> str:
        state = "uncertain" if self.uncertain else f"{len(self.neighbours)} neighbour cells"
        return f"float key {self.hex[:16]}... {state}, resolution {self.resolution:g}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.hex,
            "num_bent": self.num_bent,
            "uncertain": self.uncertain,
            "boundary": self.boundary,
            "neighbours": [n.hex() for n in self.neighbours],
            "resolution": self.resolution,
            "rtol": self.rtol,
            "atol": self.atol,
        }

    def _repr_markdown_(self) -> str:
        return f"`{self}`"


def _float_digest(d: int, k: int, rows: np.ndarray, linear: np.ndarray, const: np.ndarray):
    digest = hashlib.sha256(f"{FLOAT_HEADER} d {d} k {k} bent {len(rows)}\n".encode("ascii"))
    for row in sorted(np.ascontiguousarray(row, dtype="<i8").tobytes() for row in rows):
        digest.update(row)
    for part in (linear, const):
        digest.update(np.ascontiguousarray(part, dtype="<i8").tobytes())
    return digest.digest()


def _quantize(values: np.ndarray, resolution: float, rtol: float, atol: float):
    """(cells, near a boundary, the other cell, too large for the grid)."""
    scaled = values / resolution
    huge = ~(np.abs(scaled) < 2.0**62)
    scaled = np.where(huge, 0.0, scaled)
    q = np.rint(scaled)
    frac = scaled - q  # in [-1/2, 1/2]
    tol = (atol + rtol * np.maximum(1.0, np.abs(values))) / resolution
    near = (np.abs(np.abs(frac) - 0.5) <= tol) & ~huge
    other = q + np.where(frac >= 0, 1.0, -1.0)
    return q.astype(np.int64), near, other.astype(np.int64), huge


def fast_keys(
    W1: Any,
    b1: Any,
    W2: Any,
    b2: Any,
    *,
    resolution: float = RESOLUTION,
    rtol: float = fast.RTOL,
    atol: float = fast.ATOL,
    max_neighbours: int = MAX_NEIGHBOURS,
) -> list[FastKey]:
    """Float keys of a stack of N networks (N, h, d), (N, h), (N, k, h), (N, k).

    Parameters
    ----------
    W1, b1, W2, b2
        Float arrays of one architecture (anything ``numpy.asarray`` accepts).
    resolution
        Grid step of the quantization of the canonical values (default 2^-10).
    rtol, atol
        Tolerances of ``fast.canonicalize_batch`` and of the boundary test.
    max_neighbours
        Up to this many boundary values, the neighbouring cells' keys are listed.

    Returns
    -------
    list of FastKey
        One per network.

    Raises
    ------
    ValueError
        If ``resolution`` is not a positive finite number, ``max_neighbours`` is negative,
        or the arrays do not form a stack or hold nan or infinite entries (from
        ``fast.canonicalize_batch``).
    TypeError
        If an array is not numeric or a tolerance is not a number.

    Examples
    --------
    >>> import numpy as np
    >>> W1 = np.array([[[1.0], [-1.0]], [[-2.0], [2.0]]]); b1 = np.array([[-1.0, 3.0], [2.0, -6.0]])
    >>> W2 = np.array([[[1.0, 1.0]], [[0.5, 0.5]]]); b2 = np.array([[0.0], [2.0]])
    >>> first, second = fast_keys(W1, b1, W2, b2)   # the second is a flip and rescaling
    >>> first.digest == second.digest, first.uncertain
    (True, False)

    References
    ----------
    proofs/canonical_form.md; ``shallowsym.fast`` for the float canonical form.
    """
    if not (isinstance(resolution, float | int) and np.isfinite(resolution) and resolution > 0):
        raise ValueError(f"resolution must be a positive finite number, not {resolution!r}")
    if isinstance(max_neighbours, bool) or not isinstance(max_neighbours, int):
        raise TypeError(f"max_neighbours must be an int, not {type(max_neighbours).__name__}")
    if max_neighbours < 0:
        raise ValueError(f"max_neighbours must be a non-negative integer, not {max_neighbours!r}")
    batch = fast.canonicalize_batch(W1, b1, W2, b2, rtol=rtol, atol=atol)
    N = len(batch)
    d = batch.linear.shape[2]
    k = batch.linear.shape[1]
    rows_all = (
        np.concatenate([batch.normals, batch.offsets[:, None], batch.kinks], axis=1)
        if len(batch.offsets)
        else np.zeros((0, d + 1 + k))
    )
    qr, nr, orr, hr = _quantize(rows_all, resolution, rtol, atol)
    ql, nl, ol, hl = _quantize(batch.linear, resolution, rtol, atol)
    qc, nc, oc, hc = _quantize(batch.constant, resolution, rtol, atol)
    order = np.argsort(batch.network, kind="stable")
    starts = np.concatenate([[0], np.cumsum(batch.counts)])
    network = batch.network[order]
    near_count = np.bincount(network, weights=nr[order].sum(axis=1), minlength=N)
    near_count += nl.reshape(N, -1).sum(axis=1) + nc.sum(axis=1)
    huge = np.bincount(network, weights=hr[order].sum(axis=1), minlength=N) > 0
    huge |= hl.reshape(N, -1).any(axis=1) | hc.any(axis=1)
    keys = []
    for n in range(N):
        sel = order[starts[n] : starts[n + 1]]
        rows, lin, const = qr[sel], ql[n], qc[n]
        digest = _float_digest(d, k, rows, lin, const)
        spots = []
        if near_count[n]:
            spots = (
                [("r", i, j, orr[sel][i, j]) for i, j in np.argwhere(nr[sel])]
                + [("l", i, j, ol[n][i, j]) for i, j in np.argwhere(nl[n])]
                + [("c", j, 0, oc[n][j]) for (j,) in np.argwhere(nc[n])]
            )
        incomplete = bool(batch.uncertain[n]) or bool(huge[n]) or len(spots) > max_neighbours
        neighbours: list[bytes] = []
        if spots and not incomplete:
            for choice in itertools.product((False, True), repeat=len(spots)):
                if not any(choice):
                    continue
                r2, l2, c2 = rows.copy(), lin.copy(), const.copy()
                for use, (where, i, j, value) in zip(choice, spots, strict=True):
                    if use:
                        if where == "r":
                            r2[i, j] = value
                        elif where == "l":
                            l2[i, j] = value
                        else:
                            c2[i] = value
                neighbours.append(_float_digest(d, k, r2, l2, c2))
        keys.append(
            FastKey(
                digest=digest,
                num_bent=int(batch.counts[n]),
                uncertain=incomplete,
                boundary=len(spots),
                neighbours=tuple(neighbours),
                resolution=float(resolution),
                rtol=rtol,
                atol=atol,
            )
        )
    return keys
