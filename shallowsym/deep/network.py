"""``DeepNetwork``: validated, immutable, exact parameters of a ReLU MLP of any depth.

f(x) = W_L relu(... relu(W_2 relu(W_1 x + b_1) + b_2) ...) + b_L, in PyTorch's layout
(``weights[l]`` is (n_{l+1}, n_l)), ReLU after every layer but the last. ``ShallowNetwork``
stays the one-hidden-layer type; :meth:`DeepNetwork.from_shallow` and
:meth:`DeepNetwork.to_shallow` convert.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np
from flint import fmpq, fmpq_mat

from ..errors import InvalidNetworkError
from ..network import ShallowNetwork, parse_json, read_text_file
from ..rationals import as_matrix, as_vector, format_rational, to_fraction

__all__ = ["DeepNetwork", "relu_columns"]

JSON_FORMAT = "shallowsym.DeepNetwork"
JSON_VERSION = 1

Matrix = tuple[tuple[Fraction, ...], ...]
Vector = tuple[Fraction, ...]
Layer = tuple[fmpq_mat, fmpq_mat]


def relu_columns(m: fmpq_mat) -> fmpq_mat:
    """Entrywise ReLU of an exact matrix (an internal helper shared by the deep modules).

    Parameters
    ----------
    m : flint.fmpq_mat
        An exact matrix (not validated or converted).

    Returns
    -------
    flint.fmpq_mat
        A new matrix of the same shape with every negative entry replaced by 0.

    Raises
    ------
    AttributeError
        If ``m`` is not a flint matrix (has no ``nrows``).

    Examples
    --------
    >>> relu_columns(fmpq_mat(2, 2, [-1, 2, 3, -4])).tolist()
    [[0, 2], [3, 0]]

    References
    ----------
    * proofs/deep.md section 1 (s = relu entrywise, after every layer but the last).
    * docs/theory.md section 11.
    """
    zero = fmpq(0)
    return fmpq_mat(m.nrows(), m.ncols(), [z if z > 0 else zero for z in m.entries()])


class DeepNetwork:
    """Exact parameters of a ReLU network with any number of hidden layers.

    Parameters
    ----------
    weights
        A sequence of L >= 1 matrices, ``weights[l]`` of shape (n_{l+1}, n_l) (PyTorch's
        ``nn.Linear.weight`` layout). Entries as for :class:`shallowsym.ShallowNetwork`: int,
        ``Fraction``, flint or sympy rationals, exact decimal strings, floats (converted
        exactly).
    biases
        L vectors, ``biases[l]`` of length n_{l+1}.
    d
        Keyword-only: the input dimension, needed only when ``weights[0]`` is an empty list.

    Raises
    ------
    TypeError
        If ``weights`` or ``biases`` is not a sequence of arrays.
    InvalidNetworkError
        If an entry is not an exact real number, an array has the wrong rank, or the shapes
        do not chain; the message names the array and the entry (``weights[1][0, 2] is nan``).

    Examples
    --------
    >>> net = DeepNetwork([[[1], [-1]], [[1, 1]], [[2]]], [[0, 0], [-1], [0]])
    >>> net
    DeepNetwork(weights=[[[1], [-1]], [[1, 1]], [[2]]], biases=[[0, 0], [-1], [0]])
    >>> net.architecture, net.depth, net.num_parameters
    ((1, 2, 1, 1), 3, 9)
    >>> net([3]), net(["1/2"])
    ((Fraction(4, 1),), (Fraction(0, 1),))
    >>> DeepNetwork([[[1]], [[float("inf")]]], [[0], [0]])
    Traceback (most recent call last):
    ...
    shallowsym.errors.InvalidNetworkError: weights[1][0, 0] is infinite
    """

    __slots__ = ("_cache", "_layers")

    def __init__(self, weights: Sequence[Any], biases: Sequence[Any], *, d: int | None = None):
        object.__setattr__(self, "_layers", _parse(weights, biases, d))
        object.__setattr__(self, "_cache", {})

    @classmethod
    def from_exact(cls, layers: Sequence[Layer]) -> DeepNetwork:
        """Internal constructor from flint matrices the package built itself (not copied):
        a sequence of (weight (n_{l+1}, n_l), bias (n_{l+1}, 1)) pairs that chain."""
        net = cls.__new__(cls)
        object.__setattr__(net, "_layers", tuple(layers))
        object.__setattr__(net, "_cache", {})
        return net

    @classmethod
    def from_shallow(cls, net: ShallowNetwork) -> DeepNetwork:
        """The same network as a two-layer ``DeepNetwork``.

        >>> DeepNetwork.from_shallow(ShallowNetwork([[1]], [0], [[2]], [1])).architecture
        (1, 1, 1)
        """
        if not isinstance(net, ShallowNetwork):
            raise TypeError(f"net must be a ShallowNetwork, not {type(net).__name__}")
        return cls([net.W1, net.W2], [net.b1, net.b2], d=net.d)

    def to_shallow(self) -> ShallowNetwork:
        """The ``ShallowNetwork`` of a network with exactly one hidden layer.

        Raises
        ------
        ValueError
            If the network does not have exactly one hidden layer.
        """
        if self.depth != 2:
            raise ValueError(
                f"only a network with one hidden layer is a ShallowNetwork; this one has "
                f"{self.depth - 1}"
            )
        return ShallowNetwork.from_rows(
            self.weights[0], self.biases[0], self.weights[1], self.biases[1], d=self.d
        )

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("DeepNetwork is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("DeepNetwork is immutable")

    # -- shape ---------------------------------------------------------------------------
    @property
    def layers(self) -> tuple[Layer, ...]:
        """The exact (weight, bias column) flint matrices (internal API; do not mutate)."""
        return self._layers

    @property
    def architecture(self) -> tuple[int, ...]:
        """(n_0, n_1, ..., n_L): input dimension, hidden widths, output dimension."""
        return (self._layers[0][0].ncols(), *(W.nrows() for W, _ in self._layers))

    @property
    def depth(self) -> int:
        """L, the number of affine layers (hidden layers + 1)."""
        return len(self._layers)

    @property
    def widths(self) -> tuple[int, ...]:
        """The hidden widths (n_1, ..., n_{L-1})."""
        return self.architecture[1:-1]

    @property
    def d(self) -> int:
        """Input dimension."""
        return self._layers[0][0].ncols()

    @property
    def k(self) -> int:
        """Output dimension."""
        return self._layers[-1][0].nrows()

    @property
    def num_parameters(self) -> int:
        """P = sum over layers of n_{l+1} (n_l + 1)."""
        return sum(W.nrows() * (W.ncols() + 1) for W, _ in self._layers)

    # -- exact parameters ----------------------------------------------------------------
    @property
    def weights(self) -> tuple[Matrix, ...]:
        """The weight matrices as tuples of rows of ``Fraction``."""
        cache = self._cache
        if "weights" not in cache:
            cache["weights"] = tuple(_fraction_rows(W) for W, _ in self._layers)
        return cache["weights"]

    @property
    def biases(self) -> tuple[Vector, ...]:
        """The bias vectors as tuples of ``Fraction``."""
        cache = self._cache
        if "biases" not in cache:
            cache["biases"] = tuple(tuple(map(to_fraction, b.entries())) for _, b in self._layers)
        return cache["biases"]

    # -- evaluation ----------------------------------------------------------------------
    def __call__(self, x: Any) -> Vector:
        """Evaluate exactly at one point; returns a tuple of k ``Fraction``."""
        return self.evaluate([x])[0]

    def evaluate(self, points: Iterable[Any]) -> list[Vector]:
        """Evaluate exactly at many points (one matrix product per layer).

        >>> DeepNetwork([[[1]], [[1]]], [[0], [0]]).evaluate([[-1], [2]])
        [(Fraction(0, 1),), (Fraction(2, 1),)]
        """
        columns = []
        for m, p in enumerate(points):
            values = as_vector(p, f"points[{m}]")
            if len(values) != self.d:
                raise InvalidNetworkError(
                    f"points[{m}] has {len(values)} coordinates but the network has d = {self.d}"
                )
            columns.append(values)
        if not columns:
            return []
        n = len(columns)
        X = fmpq_mat(self.d, n, [columns[j][i] for i in range(self.d) for j in range(n)])
        Y = self.evaluate_exact(X)
        entries = Y.entries()
        return [tuple(to_fraction(entries[i * n + j]) for i in range(self.k)) for j in range(n)]

    def evaluate_exact(self, X: fmpq_mat) -> fmpq_mat:
        """Internal: outputs (k, n) at the columns of an exact (d, n) matrix."""
        n = X.ncols()
        for index, (W, b) in enumerate(self._layers):
            Z = W * X
            if n:
                Z = Z + fmpq_mat(b.nrows(), n, [v for v in b.entries() for _ in range(n)])
            X = Z if index == len(self._layers) - 1 else relu_columns(Z)
        return X

    # -- identity ------------------------------------------------------------------------
    def _key(self) -> tuple:
        cache = self._cache
        if "key" not in cache:
            cache["key"] = (
                self.architecture,
                tuple(
                    tuple((int(x.p), int(x.q)) for x in m.entries())
                    for layer in self._layers
                    for m in layer
                ),
            )
        return cache["key"]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DeepNetwork):
            return NotImplemented
        return self.architecture == other.architecture and all(
            x == y
            for la, lb in zip(self._layers, other._layers, strict=True)
            for x, y in zip(la, lb, strict=True)
        )

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        if self.num_parameters > 60:
            return f"DeepNetwork(architecture={self.architecture})"
        weights = "[" + ", ".join(_format_rows(W) for W, _ in self._layers) + "]"
        biases = "[" + ", ".join(_format_list(b.entries()) for _, b in self._layers) + "]"
        extra = f"d={self.d}, " if self._layers[0][0].nrows() == 0 else ""
        return f"DeepNetwork({extra}weights={weights}, biases={biases})"

    def __reduce__(self):
        return (DeepNetwork.from_dict, (self.to_dict(),))

    # -- conversion ----------------------------------------------------------------------
    def to_numpy(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """(weights, biases) as float64 arrays (rounded to nearest: no longer exact)."""
        weights, biases = [], []
        for W, b in self._layers:
            weights.append(
                np.array([int(x.p) / int(x.q) for x in W.entries()], dtype=np.float64).reshape(
                    W.nrows(), W.ncols()
                )
            )
            biases.append(np.array([int(x.p) / int(x.q) for x in b.entries()], dtype=np.float64))
        return weights, biases

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with every number as an exact string such as ``"-3/4"``."""
        return {
            "format": JSON_FORMAT,
            "version": JSON_VERSION,
            "architecture": list(self.architecture),
            "weights": [
                [[format_rational(x) for x in row] for row in _chunks(W.entries(), W.ncols())]
                if W.ncols()
                else [[] for _ in range(W.nrows())]
                for W, _ in self._layers
            ],
            "biases": [[format_rational(x) for x in b.entries()] for _, b in self._layers],
        }

    @classmethod
    def from_dict(cls, data: Any) -> DeepNetwork:
        """Inverse of :meth:`to_dict`; validates everything, naming what is wrong."""
        if not isinstance(data, dict):
            raise InvalidNetworkError(f"a network must be a JSON object, not {type(data).__name__}")
        if data.get("format", JSON_FORMAT) != JSON_FORMAT:
            raise InvalidNetworkError(f"format is {data.get('format')!r}, expected {JSON_FORMAT!r}")
        missing = [key for key in ("weights", "biases") if key not in data]
        if missing:
            raise InvalidNetworkError(f"the network has no {', '.join(missing)}")
        arch = data.get("architecture")
        d = None
        if arch is not None:
            if (
                not isinstance(arch, list)
                or not arch
                or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in arch)
            ):
                raise InvalidNetworkError(f"architecture must be a list of integers, not {arch!r}")
            d = arch[0]
        net = cls(data["weights"], data["biases"], d=d)
        if arch is not None and tuple(arch) != net.architecture:
            raise InvalidNetworkError(
                f"architecture is {arch!r} but the arrays give {list(net.architecture)}"
            )
        return net

    def to_json(self, *, indent: int | None = None) -> str:
        """Exact JSON text (numbers as strings); :meth:`from_json` reads it back.

        >>> net = DeepNetwork([[["1/3"]], [[0.5]], [[-2]]], [[0], [1], [0]])
        >>> DeepNetwork.from_json(net.to_json()) == net
        True
        """
        return json.dumps(self.to_dict(), indent=indent)

    @classmethod
    def from_json(cls, text: str | bytes) -> DeepNetwork:
        """Read a network from JSON text. JSON numbers are read as exact decimals."""
        return cls.from_dict(parse_json(text))

    def save(self, path: str | os.PathLike) -> None:
        """Write the exact JSON form to ``path``."""
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(self.to_json(indent=1))
            fh.write("\n")

    @classmethod
    def load(cls, path: str | os.PathLike) -> DeepNetwork:
        """Read a network saved by :meth:`save` (regular files only, read with a bound)."""
        text = read_text_file(path)
        try:
            return cls.from_json(text)
        except InvalidNetworkError as err:
            raise InvalidNetworkError(f"{os.fspath(path)}: {err}") from None


def _parse(weights: Any, biases: Any, d: int | None) -> tuple[Layer, ...]:
    """Validate and convert the arrays; the one entry point for outside parameters."""
    for name, value in (("weights", weights), ("biases", biases)):
        if isinstance(value, str | bytes) or not isinstance(value, Sequence | np.ndarray):
            raise TypeError(
                f"{name} must be a sequence of arrays (one per layer), not {type(value).__name__}"
            )
    if d is not None and (isinstance(d, bool) or not isinstance(d, int) or d < 1):
        raise ValueError(f"d must be a positive integer, not {d!r}")
    if len(weights) == 0:
        raise InvalidNetworkError("weights is empty; a network has at least one layer")
    if len(weights) != len(biases):
        raise InvalidNetworkError(f"weights has {len(weights)} layers but biases has {len(biases)}")
    layers = []
    columns = d
    for n, (W, b) in enumerate(zip(weights, biases, strict=True)):
        name = f"weights[{n}]"
        entries, rows, cols = as_matrix(W, name, columns=columns)
        if columns is not None and cols != columns:
            need = "d is" if n == 0 else f"weights[{n - 1}] has {columns} rows, so it needs"
            raise InvalidNetworkError(f"{name} has {cols} columns but {need} {columns}")
        if n == 0 and cols < 1:
            raise InvalidNetworkError(
                "weights[0] has 0 columns; the input dimension d must be at least 1"
            )
        bias = as_vector(b, f"biases[{n}]")
        if len(bias) != rows:
            raise InvalidNetworkError(
                f"biases[{n}] has {len(bias)} entries but {name} has {rows} rows"
            )
        layers.append((fmpq_mat(rows, cols, entries), fmpq_mat(rows, 1, bias)))
        columns = rows
    if columns == 0:
        raise InvalidNetworkError(
            f"weights[{len(layers) - 1}] has 0 rows; the output dimension k must be at least 1"
        )
    return tuple(layers)


def _chunks(entries: list, width: int) -> list[list]:
    return [entries[i : i + width] for i in range(0, len(entries), width)] if width else []


def _fraction_rows(m: fmpq_mat) -> Matrix:
    entries = list(map(to_fraction, m.entries()))
    if not m.ncols():
        return tuple(() for _ in range(m.nrows()))
    return tuple(tuple(row) for row in _chunks(entries, m.ncols()))


def _format_list(entries: list) -> str:
    return "[" + ", ".join(format_rational(x) for x in entries) + "]"


def _format_rows(m: fmpq_mat) -> str:
    if m.ncols() == 0:
        return "[" + ", ".join("[]" for _ in range(m.nrows())) + "]"
    return "[" + ", ".join(_format_list(r) for r in _chunks(m.entries(), m.ncols())) + "]"
