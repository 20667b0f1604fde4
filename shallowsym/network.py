"""``ShallowNetwork``: validated, immutable, exact parameters of f(x) = W2 relu(W1 x + b1) + b2."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from fractions import Fraction
from typing import Any

import numpy as np
from flint import fmpq, fmpq_mat

from .caps import check_count, read_regular_file
from .dyadic import float_array
from .errors import InvalidNetworkError
from .rationals import (
    as_matrix,
    as_vector,
    dyadic_rows,
    float_matrix,
    format_rational,
    to_fraction,
)

__all__ = ["ShallowNetwork"]

JSON_FORMAT = "shallowsym.ShallowNetwork"
JSON_VERSION = 1

Matrix = tuple[tuple[Fraction, ...], ...]
Vector = tuple[Fraction, ...]
Neuron = tuple[Vector, Fraction, Vector]  # (w_i, beta_i, a_i)


class ExactArrays:
    """A network's exact parameters as python-flint matrices (see ``ShallowNetwork.exact``):
    ``W1`` (h, d), ``b1`` (h, 1), ``W2`` (k, h), ``b2`` (k, 1). ``W1`` of a network built from
    float arrays is made on first read (the canonical form never needs it); iterating gives
    the four in order."""

    __slots__ = ("_net",)

    def __init__(self, net: ShallowNetwork):
        self._net = net

    @property
    def W1(self) -> fmpq_mat:
        return self._net._A1

    @property
    def b1(self) -> fmpq_mat:
        return self._net._c1

    @property
    def W2(self) -> fmpq_mat:
        return self._net._A2

    @property
    def b2(self) -> fmpq_mat:
        return self._net._c2

    def __iter__(self) -> Iterator[fmpq_mat]:
        return iter((self.W1, self.b1, self.W2, self.b2))


def _relu(z: fmpq) -> fmpq:
    return z if z > 0 else fmpq(0)


class ShallowNetwork:
    """Exact parameters theta = (W1, b1, W2, b2) of a one-hidden-layer ReLU network.

    The network computes ``f(x) = W2 relu(W1 x + b1) + b2`` on R^d, in the layout of
    PyTorch's ``nn.Linear`` (weights are (out, in)): W1 is (h, d), b1 is (h,), W2 is
    (k, h) and b2 is (k,), with d >= 1, k >= 1 and h >= 0.

    Parameters
    ----------
    W1, b1, W2, b2
        Arrays or nested sequences of exact or float numbers: int, ``Fraction``, flint
        ``fmpz``/``fmpq``, sympy ``Integer``/``Rational``, strings such as ``"-3/4"`` or
        ``"0.1"`` (decimal strings are exact: ``"0.1"`` is 1/10), and Python or numpy
        floats (converted exactly: ``0.1`` is the binary double). A network of width 0 is
        given by arrays of shape (0, d) and (k, 0).

    Raises
    ------
    InvalidNetworkError
        If an entry is not an exact real number (nan, infinite, complex, boolean,
        non-numeric string), an array has the wrong rank or is ragged, or the shapes do
        not fit together. The message names the array and the entry.

    Notes
    -----
    Networks are immutable and hashable; ``==`` compares parameters, not functions (use
    :func:`shallowsym.equivalent` for that). Exact values come back as ``Fraction``.

    Examples
    --------
    >>> net = ShallowNetwork([[1], [-1]], [-1, 3], [[1, 1]], [0])
    >>> net
    ShallowNetwork(W1=[[1], [-1]], b1=[-1, 3], W2=[[1, 1]], b2=[0])
    >>> (net.d, net.h, net.k, net.num_parameters)
    (1, 2, 1, 7)
    >>> net([2])
    (Fraction(2, 1),)
    >>> net.W1[1][0], net.b1
    (Fraction(-1, 1), (Fraction(-1, 1), Fraction(3, 1)))
    >>> ShallowNetwork([[1], [float("nan")]], [0, 0], [[1, 1]], [0])
    Traceback (most recent call last):
    ...
    shallowsym.errors.InvalidNetworkError: W1[1, 0] is nan
    """

    __slots__ = ("_A2", "_a1", "_c1", "_c2", "_cache", "_d", "_h", "_k")

    def __init__(self, W1: Any, b1: Any, W2: Any, b2: Any):
        rows = dyadic_rows(W1, b1)
        if rows is not None and rows.shape[1] > 1:
            # float arrays: exact keys by integer numpy (hyperplanes.py); the exact matrix of
            # W1 (h d rationals, most of the conversion's cost) is built only when asked for
            # (the canonical form of a float network never needs it: canonical.py)
            check_count(rows.size - len(rows), f"W1 has {rows.size - len(rows)} entries")
            self._init(*_parse(_LazyRows(rows), b1, W2, b2))
            self._cache["dyadic_rows"] = rows
            w2 = float_array(W2)
            if w2 is not None and w2.shape == (self._k, self._h):  # M, delta: canonical.py
                self._cache["dyadic_w2"] = w2
        else:
            self._init(*_parse(W1, b1, W2, b2))

    def _init(self, A1: fmpq_mat | _LazyRows, c1: fmpq_mat, A2: fmpq_mat, c2: fmpq_mat) -> None:
        set_ = object.__setattr__
        set_(self, "_a1", None if isinstance(A1, _LazyRows) else A1)
        set_(self, "_c1", c1)
        set_(self, "_A2", A2)
        set_(self, "_c2", c2)
        set_(self, "_h", A1.nrows())
        set_(self, "_d", A1.ncols())
        set_(self, "_k", A2.nrows())
        set_(self, "_cache", {})

    @classmethod
    def from_exact(cls, A1: fmpq_mat, c1: fmpq_mat, A2: fmpq_mat, c2: fmpq_mat) -> ShallowNetwork:
        """Internal constructor from flint matrices the package built itself (not copied, not
        validated: the caller guarantees shapes (h, d), (h, 1), (k, h), (k, 1))."""
        net = cls.__new__(cls)
        net._init(A1, c1, A2, c2)
        return net

    @classmethod
    def from_rows(cls, W1: Any, b1: Any, W2: Any, b2: Any, *, d: int) -> ShallowNetwork:
        """Like the constructor, but with ``d`` given, so that W1 may be an empty list.

        >>> ShallowNetwork.from_rows([], [], [[]], [5], d=2)
        ShallowNetwork(d=2, W1=[], b1=[], W2=[[]], b2=[5])
        """
        return cls.from_exact(*_parse(W1, b1, W2, b2, d=d))

    @property
    def _A1(self) -> fmpq_mat:
        """W1 as an exact flint matrix (built on first use for networks from float arrays)."""
        A1 = self._a1
        if A1 is None:
            A1, _, _ = _matrix(self._cache["dyadic_rows"][:, :-1], "W1", self._d)
            object.__setattr__(self, "_a1", A1)
        return A1

    @property
    def has_exact_W1(self) -> bool:
        """Whether W1's exact flint matrix exists already (networks built from float arrays
        make it on first use of :attr:`exact`; a cost model may prefer to avoid that).

        >>> ShallowNetwork([[1]], [0], [[1]], [0]).has_exact_W1
        True
        """
        return self._a1 is not None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("ShallowNetwork is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("ShallowNetwork is immutable")

    # -- shape -----------------------------------------------------------------------
    @property
    def d(self) -> int:
        """Input dimension."""
        return self._d

    @property
    def h(self) -> int:
        """Width: the number of hidden ReLU neurons."""
        return self._h

    @property
    def k(self) -> int:
        """Output dimension."""
        return self._k

    @property
    def num_parameters(self) -> int:
        """P = h(d+1) + k(h+1)."""
        return self._h * (self._d + 1) + self._k * (self._h + 1)

    # -- exact parameters ------------------------------------------------------------
    def cached(self, key: Any, make: Callable[[], Any] | None = None) -> Any:
        """``make()``, computed once per network and key and remembered (the network is
        immutable, so derived values such as keys and canonical forms can be shared).

        >>> net = ShallowNetwork([[1]], [0], [[1]], [0])
        >>> net.cached("answer", lambda: 42), net.cached("answer", lambda: 0)
        (42, 42)

        With ``make=None``: the remembered value, or None if there is none.
        """
        cache = self._cache
        if make is None:
            return cache.get(key)
        if key not in cache:
            cache[key] = make()
        return cache[key]

    @property
    def W1(self) -> Matrix:
        """First-layer weights, (h, d), as a tuple of rows of ``Fraction``."""
        return self.cached("W1", lambda: _fraction_rows(self._A1))

    @property
    def b1(self) -> Vector:
        """First-layer biases, (h,), as ``Fraction``."""
        return self.cached("b1", lambda: tuple(map(to_fraction, self._c1.entries())))

    @property
    def W2(self) -> Matrix:
        """Second-layer weights, (k, h), as a tuple of rows of ``Fraction``."""
        return self.cached("W2", lambda: _fraction_rows(self._A2))

    @property
    def b2(self) -> Vector:
        """Output biases, (k,), as ``Fraction``."""
        return self.cached("b2", lambda: tuple(map(to_fraction, self._c2.entries())))

    def neuron(self, i: int) -> tuple[Vector, Fraction, Vector]:
        """Neuron ``i`` as the triple (w_i, beta_i, a_i): row i of W1, b1[i], column i of W2.

        >>> ShallowNetwork([[1, 2]], [3], [[4], [5]], [0, 0]).neuron(0)
        ((Fraction(1, 1), Fraction(2, 1)), Fraction(3, 1), (Fraction(4, 1), Fraction(5, 1)))
        """
        if not -self._h <= i < self._h:
            raise IndexError(f"neuron index {i} out of range for width {self._h}")
        i %= self._h
        return self.W1[i], self.b1[i], tuple(row[i] for row in self.W2)

    def neurons(self) -> list[Neuron]:
        """Every neuron as a triple (w_i, beta_i, a_i) of ``Fraction`` tuples, in order.

        The inverse of :meth:`from_neurons`; the moves and the fibre's constructions edit
        these lists and build networks back from them.

        >>> ShallowNetwork([[1], [2]], [3, 4], [[5, 6]], [0]).neurons()[1]
        ((Fraction(2, 1),), Fraction(4, 1), (Fraction(6, 1),))
        """
        return [self.neuron(i) for i in range(self._h)]

    @classmethod
    def from_neurons(cls, neurons: Sequence[Neuron], b2: Any, *, d: int) -> ShallowNetwork:
        """The network with these (w_i, beta_i, a_i) neurons and output bias ``b2``.

        ``d`` is needed when there are no neurons; k is ``len(b2)``.

        >>> net = ShallowNetwork([[1], [2]], [3, 4], [[5, 6]], [0])
        >>> ShallowNetwork.from_neurons(net.neurons()[::-1], [1], d=1)
        ShallowNetwork(W1=[[2], [1]], b1=[4, 3], W2=[[6, 5]], b2=[1])
        """
        b2 = list(b2)
        W1 = [list(w) for w, _, _ in neurons]
        b1 = [beta for _, beta, _ in neurons]
        W2 = [[a[j] for _, _, a in neurons] for j in range(len(b2))]
        return cls.from_rows(W1, b1, W2, b2, d=d)

    @property
    def exact(self) -> ExactArrays:
        """The exact parameters as python-flint matrices (W1, b1, W2, b2), not copied.

        The package's one internal accessor to the arrays behind the network (b1 and b2 are
        column matrices). flint matrices are mutable: read them, never write to them.

        >>> ShallowNetwork([[1, 2]], [3], [[4]], [5]).exact.W1
        [1, 2]
        """
        return ExactArrays(self)

    # -- evaluation ------------------------------------------------------------------
    def __call__(self, x: Any) -> Vector:
        """Evaluate exactly at one point x in R^d; returns a tuple of k ``Fraction``.

        >>> ShallowNetwork([[1], [-1]], [-1, 3], [[1, 1]], [0])(["1/2"])
        (Fraction(5, 2),)
        """
        col = fmpq_mat(self._d, 1, as_point(x, self._d, "x"))
        hidden = self._A1 * col + self._c1
        hidden = fmpq_mat(self._h, 1, [_relu(z) for z in hidden.entries()])
        return tuple(map(to_fraction, (self._A2 * hidden + self._c2).entries()))

    def evaluate(self, points: Iterable[Any]) -> list[Vector]:
        """Evaluate exactly at many points; returns one k-tuple of ``Fraction`` per point.

        >>> ShallowNetwork([[1]], [0], [[2]], [1]).evaluate([[-1], [3]])
        [(Fraction(1, 1),), (Fraction(7, 1),)]
        """
        pts = [as_point(p, self._d, f"points[{n}]") for n, p in enumerate(points)]
        if not pts:
            return []
        n = len(pts)
        X = fmpq_mat(self._d, n, [pts[j][i] for i in range(self._d) for j in range(n)])
        bias1 = fmpq_mat(self._h, n, [b for b in self._c1.entries() for _ in range(n)])
        Z = self._A1 * X + bias1
        Z = fmpq_mat(self._h, n, [_relu(z) for z in Z.entries()])
        bias2 = fmpq_mat(self._k, n, [b for b in self._c2.entries() for _ in range(n)])
        Y = (self._A2 * Z + bias2).entries()
        return [tuple(to_fraction(Y[i * n + j]) for i in range(self._k)) for j in range(n)]

    # -- identity ----------------------------------------------------------------------
    def _parameter_key(self) -> tuple:
        def pairs(m: fmpq_mat) -> tuple:
            return tuple((int(x.p), int(x.q)) for x in m.entries())

        return self.cached(
            "key",
            lambda: (
                self._d,
                self._h,
                self._k,
                *map(pairs, (self._A1, self._c1, self._A2, self._c2)),
            ),
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ShallowNetwork):
            return NotImplemented
        return (self._d, self._h, self._k) == (other._d, other._h, other._k) and all(
            x == y
            for x, y in zip(
                (self._A1, self._c1, self._A2, self._c2),
                (other._A1, other._c1, other._A2, other._c2),
                strict=True,
            )
        )

    def __hash__(self) -> int:
        return hash(self._parameter_key())

    def __repr__(self) -> str:
        if self.num_parameters > 60:
            return f"ShallowNetwork(d={self._d}, h={self._h}, k={self._k})"
        parts = [
            f"W1={_format_rows(self._A1)}",
            f"b1={_format_list(self._c1.entries())}",
            f"W2={_format_rows(self._A2)}",
            f"b2={_format_list(self._c2.entries())}",
        ]
        if self._h == 0:
            parts.insert(0, f"d={self._d}")
        return f"ShallowNetwork({', '.join(parts)})"

    def _repr_markdown_(self) -> str:
        from .text import markdown_block, network_text

        return markdown_block(network_text(self))

    def __reduce__(self):
        return (ShallowNetwork.from_dict, (self.to_dict(),))

    # -- conversion ----------------------------------------------------------------------
    def to_numpy(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(W1, b1, W2, b2) as float64 arrays (rounded to nearest: no longer exact).

        Raises
        ------
        InvalidNetworkError
            If an entry's magnitude is beyond float64's range (about 1.8e308), naming it.
        """

        def arr(m: fmpq_mat, shape: tuple[int, ...], name: str) -> np.ndarray:
            try:
                values = [int(x.p) / int(x.q) for x in m.entries()]
            except OverflowError:
                values = [_float_or_none(x) for x in m.entries()]
                n = values.index(None)
                index = divmod(n, shape[1]) if len(shape) == 2 else (n,)
                raise InvalidNetworkError(
                    f"{name}[{', '.join(map(str, index))}] is too large for float64 "
                    f"(magnitude above 1.8e308): the network cannot be given as float arrays"
                ) from None
            return np.array(values, dtype=np.float64).reshape(shape)

        return (
            arr(self._A1, (self._h, self._d), "W1"),
            arr(self._c1, (self._h,), "b1"),
            arr(self._A2, (self._k, self._h), "W2"),
            arr(self._c2, (self._k,), "b2"),
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with every number as an exact string such as ``"-3/4"``."""
        return {
            "format": JSON_FORMAT,
            "version": JSON_VERSION,
            "d": self._d,
            "h": self._h,
            "k": self._k,
            "W1": [
                [format_rational(x) for x in row] for row in _chunks(self._A1.entries(), self._d)
            ],
            "b1": [format_rational(x) for x in self._c1.entries()],
            "W2": [
                [format_rational(x) for x in row] for row in _chunks(self._A2.entries(), self._h)
            ]
            if self._h
            else [[] for _ in range(self._k)],
            "b2": [format_rational(x) for x in self._c2.entries()],
        }

    @classmethod
    def from_dict(cls, data: Any) -> ShallowNetwork:
        """Inverse of :meth:`to_dict`; validates everything, naming what is wrong."""
        if not isinstance(data, dict):
            raise InvalidNetworkError(f"a network must be a JSON object, not {type(data).__name__}")
        if data.get("format", JSON_FORMAT) != JSON_FORMAT:
            raise InvalidNetworkError(f"format is {data.get('format')!r}, expected {JSON_FORMAT!r}")
        missing = [key for key in ("W1", "b1", "W2", "b2") if key not in data]
        if missing:
            raise InvalidNetworkError(f"the network has no {', '.join(missing)}")
        d = data.get("d")
        if d is not None and (isinstance(d, bool) or not isinstance(d, int) or d < 1):
            raise InvalidNetworkError(f"d must be a positive integer, not {_clip(d)}")
        if d is None:
            net = cls(data["W1"], data["b1"], data["W2"], data["b2"])
        else:
            net = cls.from_rows(data["W1"], data["b1"], data["W2"], data["b2"], d=d)
        for key in ("h", "k"):
            if key in data and data[key] != getattr(net, key):
                raise InvalidNetworkError(
                    f"{key} is {_clip(data[key])} but the arrays give {key} = {getattr(net, key)}"
                )
        return net

    def to_json(self, *, indent: int | None = None) -> str:
        """Exact JSON text (numbers as strings); :meth:`from_json` reads it back.

        >>> net = ShallowNetwork([["1/3"]], [0.5], [[-2]], [0])
        >>> ShallowNetwork.from_json(net.to_json()) == net
        True
        """
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_json(cls, text: str | bytes) -> ShallowNetwork:
        """Read a network from JSON text (``str``, or UTF-8 ``bytes``). JSON numbers are read as
        exact decimals; integers of any length up to the cap ``max_digits`` (not only Python's
        4300 digits) are read exactly."""
        return cls.from_dict(parse_json(text))

    def save(self, path: str | os.PathLike) -> None:
        """Write the exact JSON form to ``path``."""
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(self.to_json(indent=1))
            fh.write("\n")

    @classmethod
    def load(cls, path: str | os.PathLike) -> ShallowNetwork:
        """Read a network saved by :meth:`save` (or any JSON in that format).

        Only regular files are read, with a bound (:mod:`shallowsym.caps`)."""
        text = read_text_file(path)
        try:
            return cls.from_json(text)
        except InvalidNetworkError as err:
            raise InvalidNetworkError(f"{os.fspath(path)}: {err}") from None


def parse_json(text: str | bytes) -> Any:
    """JSON text (``str``, or UTF-8 ``bytes``) parsed with exact numbers, for the network types:
    decimals kept as text, integers of any length up to the cap ``max_digits``, and
    InvalidNetworkError (never another exception) for anything that is not such JSON.

    >>> parse_json('{"b2": [0.1, 3]}')
    {'b2': ['0.1', 3]}
    """
    if not isinstance(text, str | bytes | bytearray):
        raise InvalidNetworkError(f"JSON text must be str or bytes, not {type(text).__name__}")
    try:
        data = json.loads(
            text, parse_float=str, parse_int=_json_int, parse_constant=_reject_constant
        )
    except json.JSONDecodeError as err:
        raise InvalidNetworkError(f"not valid JSON: {err}") from None
    except UnicodeDecodeError as err:
        raise InvalidNetworkError(
            f"not valid JSON: the bytes are not UTF-8 ({err.reason})"
        ) from None
    except RecursionError:
        raise InvalidNetworkError("not valid JSON: nested too deeply") from None
    return data


def read_text_file(path: str | os.PathLike) -> str:
    """The UTF-8 text of a regular file, read with a bound (:mod:`shallowsym.caps`)."""
    raw = read_regular_file(path)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidNetworkError(f"{os.fspath(path)} is not UTF-8 text") from None


def _clip(value: Any) -> str:
    """repr for an error message, cut when long (a JSON field may hold 10^5 digits)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:27] + "..." + text[-10:]


def _json_int(text: str) -> int | str:
    """A JSON integer: an int when Python can read it, else its digits (read by flint later)."""
    return int(text) if len(text) <= 4000 else text


def _float_or_none(x: fmpq) -> float | None:
    try:
        return int(x.p) / int(x.q)
    except OverflowError:
        return None


def _reject_constant(name: str) -> None:
    raise InvalidNetworkError(f"the JSON holds {name}, which is not an exact number")


def _parse(
    W1: Any, b1: Any, W2: Any, b2: Any, d: int | None = None
) -> tuple[fmpq_mat, fmpq_mat, fmpq_mat, fmpq_mat]:
    """Validate and convert the four arrays; the one entry point for outside parameters."""
    A1, h, d_seen = _matrix(W1, "W1", d)
    if d is not None and d_seen != d:
        raise InvalidNetworkError(f"W1 has {d_seen} columns but d is {d}")
    c1 = _vector(b1, "b1")
    A2, k, h2 = _matrix(W2, "W2", h)
    c2 = _vector(b2, "b2")
    _check_shapes(d_seen, h, c1.nrows(), k, h2, c2.nrows())
    check_count(
        h * (d_seen + 1) + k * (h + 1) + k * d_seen,
        f"the network (d = {d_seen}, h = {h}, k = {k}) has {h * (d_seen + 1) + k * (h + 1)} "
        f"parameters and {k * d_seen} entries of W2 W1",
    )
    return A1, c1, A2, c2


class _LazyRows:
    """Stands for W1 in :func:`_parse` when it is held as exact float rows [W1 | b1]: gives the
    shape; ShallowNetwork._A1 converts it when first read."""

    __slots__ = ("rows",)

    def __init__(self, rows: np.ndarray):
        self.rows = rows

    def nrows(self) -> int:
        return self.rows.shape[0]

    def ncols(self) -> int:
        return self.rows.shape[1] - 1


def _matrix(value: Any, name: str, columns: int | None) -> tuple[fmpq_mat | _LazyRows, int, int]:
    """A matrix converted exactly: float arrays by flint from integers (rationals.float_matrix),
    anything else entry by entry."""
    if isinstance(value, _LazyRows):
        return value, value.nrows(), value.ncols()
    floats = float_array(value)
    if floats is not None and floats.ndim == 2:
        check_count(floats.size, f"{name} has {floats.size} entries")
        exact = float_matrix(floats)
        if exact is not None:
            return exact, floats.shape[0], floats.shape[1]
    entries, rows, cols = as_matrix(value, name, columns=columns)
    # before any allocation: an empty W1 may declare a huge d (FLINT aborts on huge sizes);
    # a network with d columns has at least d entries of W2 W1 for each output
    check_count(max(rows, 1) * cols, f"{name} has {rows} rows and {cols} columns")
    return fmpq_mat(rows, cols, entries), rows, cols


def _vector(value: Any, name: str) -> fmpq_mat:
    """A vector converted exactly, as a column matrix."""
    floats = float_array(value)
    if floats is not None and floats.ndim == 1:
        check_count(floats.size, f"{name} has {floats.size} entries")
        exact = float_matrix(floats[:, None])
        if exact is not None:
            return exact
    entries = as_vector(value, name)
    return fmpq_mat(len(entries), 1, entries)


def _check_shapes(d: int, h: int, h_b1: int, k: int, h_w2: int, k_b2: int) -> None:
    # When the transposes chain, the arrays are (in, out) matrices: say so.
    hint = (
        "; the arrays fit as (in, out) matrices (scikit-learn, Keras, JAX): use "
        "shallowsym.io.from_arrays(..., layout='in_out')"
        if d == k and h_b1 == d and k_b2 == h_w2 and (h_b1, k_b2) != (h, k)
        else ""
    )
    if d < 1:
        raise InvalidNetworkError("W1 has 0 columns; the input dimension d must be at least 1")
    if h_b1 != h:
        raise InvalidNetworkError(f"b1 has {h_b1} entries but W1 has {h} rows{hint}")
    if k < 1:
        raise InvalidNetworkError("W2 has 0 rows; the output dimension k must be at least 1")
    if h_w2 != h:
        raise InvalidNetworkError(f"W2 has {h_w2} columns but W1 has {h} rows{hint}")
    if k_b2 != k:
        raise InvalidNetworkError(f"b2 has {k_b2} entries but W2 has {k} rows{hint}")


def as_point(x: Any, d: int, name: str) -> list[fmpq]:
    values = as_vector(x, name)
    if len(values) != d:
        raise InvalidNetworkError(
            f"{name} has {len(values)} coordinates but the network has d = {d}"
        )
    return values


def _chunks(entries: list, width: int) -> list[list]:
    return [entries[i : i + width] for i in range(0, len(entries), width)] if width else []


def _fraction_rows(m: fmpq_mat) -> Matrix:
    entries = list(map(to_fraction, m.entries()))
    return (
        tuple(tuple(row) for row in _chunks(entries, m.ncols()))
        if m.ncols()
        else tuple(() for _ in range(m.nrows()))
    )


def _format_list(entries: list) -> str:
    return "[" + ", ".join(format_rational(x) for x in entries) + "]"


def _format_rows(m: fmpq_mat) -> str:
    if m.ncols() == 0:
        return "[" + ", ".join("[]" for _ in range(m.nrows())) + "]"
    return "[" + ", ".join(_format_list(r) for r in _chunks(m.entries(), m.ncols())) + "]"


def check_network(value: Any, function: str, argument: str = "net") -> None:
    """Raise TypeError naming ``function``, ``argument`` and the type unless ``value`` is a
    ShallowNetwork: the first line of every public function that takes a network.

    >>> check_network([[1]], "structure")
    Traceback (most recent call last):
        ...
    TypeError: structure expects a ShallowNetwork for net, not list
    """
    if not isinstance(value, ShallowNetwork):
        raise TypeError(
            f"{function} expects a ShallowNetwork for {argument}, not {type(value).__name__}"
        )
