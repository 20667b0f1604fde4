"""Reading and writing networks: JSON, NPZ, safetensors, ONNX, PyTorch and scikit-learn.

Floats are converted exactly (through :mod:`shallowsym.rationals`). Nothing here runs code
from a file: NPZ is read with ``allow_pickle=False``, PyTorch files with
``torch.load(weights_only=True)``, safetensors through its numpy backend (no torch needed), and
ONNX graphs are only inspected (external data is never opened). Readers follow the model or
refuse: ONNX graphs are followed edge by edge from the graph output back to the graph input;
the two layers of a state dict are ordered by how their shapes chain, and by their names where
both orders chain. A model that is not exactly one hidden ReLU layer raises
:class:`UnsupportedArchitectureError` naming the first thing that does not fit (for a chain of
several hidden ReLU layers: how many, and to read it with :mod:`shallowsym.deep`, whose
readers go through this module's internal API: :func:`tensor_array`, :func:`state_chain`,
:func:`state_file`, :func:`npz_arrays`, :func:`torch_chain`, :func:`onnx_chain`); a format whose
optional dependency is missing raises :class:`~shallowsym.errors.MissingDependencyError` naming
the pip extra. Files are read only when they are regular files, with the bounds of
:mod:`shallowsym.caps`, and every failure on bad input is an
:class:`~shallowsym.errors.InvalidNetworkError` naming the file, the array and the entry.

A state dict (``.pt``, ``.safetensors``, an NPZ keyed by layer names) does not record its
activation: readers then assume ReLU and say so (:class:`ReadResult.relu_assumed`, a
:class:`ReLUAssumedWarning` from :func:`load` and the ``from_*`` functions, a note from the
CLI).
"""

from __future__ import annotations

import functools
import io as stdio
import itertools
import math
import os
import re
import sys
import warnings
import zipfile
from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from .caps import check_count, current, read_regular_file
from .errors import (
    DequantizedWarning,
    InvalidNetworkError,
    MissingDependencyError,
    ReLUAssumedWarning,
    UnsupportedArchitectureError,
)
from .network import ShallowNetwork, check_network
from .rationals import as_matrix, as_vector

__all__ = [
    "RELU_ASSUMED",
    "DequantizedWarning",
    "ReLUAssumedWarning",
    "ReadResult",
    "UnsupportedArchitectureError",
    "from_arrays",
    "from_npz",
    "from_onnx",
    "from_safetensors",
    "from_sklearn",
    "from_state_dict",
    "from_torch",
    "load",
    "read",
    "save",
    "to_npz",
    "to_onnx",
    "to_safetensors",
    "to_torch",
]

EXTENSIONS = (".json", ".npz", ".safetensors", ".onnx", ".pt", ".pth")
RELU_ASSUMED = "the file does not record its activation; ReLU was assumed"
CHECKPOINT_KEYS = ("state_dict", "model_state_dict", "model")


@dataclass(frozen=True)
class ReadResult:
    """A network read from a file, with what the file did not say.

    Attributes
    ----------
    network
        The network read.
    source
        The path read.
    format
        ``"json"``, ``"npz"``, ``"npz state dict"``, ``"safetensors"``, ``"onnx"`` or ``"pt"``.
    layers
        The names of the first and second layer in the file (state-dict prefixes, ONNX node
        names, or ``("W1", "W2")``).
    relu_assumed
        True when the file does not record the activation (state dicts) and ReLU was assumed.
    dtype
        The float type the weights are stored in (``"float16"``, ``"bfloat16"``,
        ``"float32"`` or ``"float64"``; the coarsest when the arrays differ), or ``"exact"``
        when the file holds no floats (JSON, exact strings, integers). The network holds the
        stored values exactly whatever the dtype; the fast path takes its default tolerances
        from it (:data:`shallowsym.fast.DEFAULT_TOLERANCES`).
    """

    network: ShallowNetwork
    source: str
    format: str
    layers: tuple[str, str]
    relu_assumed: bool
    dtype: str = "exact"

    def __str__(self) -> str:
        net = self.network
        text = (
            f"{self.source} ({self.format}): d = {net.d}, h = {net.h}, k = {net.k}; "
            f"layers {self.layers[0]!r}, {self.layers[1]!r}"
        )
        if self.dtype != "exact":
            text += f"; weights stored as {self.dtype}"
        return text + (f"; {RELU_ASSUMED}" if self.relu_assumed else "")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the network with exact numbers as strings)."""
        return {
            "source": self.source,
            "format": self.format,
            "layers": list(self.layers),
            "relu_assumed": self.relu_assumed,
            "dtype": self.dtype,
            "network": self.network.to_dict(),
        }

    def _repr_markdown_(self) -> str:
        return f"**{self.source}** ({self.format}): " + str(self).split(": ", 1)[1]


def require(module: str, extra: str):
    """Import an optional dependency, or say which extra installs it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependencyError(
            f"this needs the optional dependency {module.split('.')[0]}: "
            f"pip install 'shallowsym[{extra}]'"
        ) from None


def _short(text: str, size: int = 40) -> str:
    return text if len(text) <= size else text[: size - 13] + "..." + text[-10:]


# -- arrays ---------------------------------------------------------------------------------
_SOURCE_DTYPES: ContextVar[list[str] | None] = ContextVar("shallowsym_io_dtypes", default=None)
# coarsest first: the order in which a mixed file's dtype is reported
_FLOAT_DTYPES = ("bfloat16", "float16", "float32", "float64")


def note_dtype(dtype: Any) -> None:
    """Record the dtype of an array a reader is about to convert (inside :func:`read`)."""
    seen = _SOURCE_DTYPES.get()
    if seen is not None and dtype is not None:
        seen.append(str(dtype).replace("torch.", "").replace("half", "float16"))


def source_dtype(names: Sequence[str]) -> str:
    """The coarsest float dtype among ``names``, or ``"exact"`` when there is none.

    >>> source_dtype(["float32", "float16", "int64"]), source_dtype(["<U3"])
    ('float16', 'exact')
    """
    floats = [n for n in names if n in _FLOAT_DTYPES]
    return min(floats, key=_FLOAT_DTYPES.index) if floats else "exact"


def tensor_array(value: Any, name: str) -> np.ndarray:
    """An array of a state dict or model as numpy, checked before anything is allocated:
    torch tensors must be dense, strided, unquantized, real and hold data; every array must
    fit the cap ``max_entries``. Float tensors become float64 (exact for float32/16/bf16)."""
    note_dtype(getattr(value, "dtype", None))
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor):
        if value.layout != torch.strided:
            raise InvalidNetworkError(
                f"{name} is a {str(value.layout).replace('torch.', '')} tensor; "
                "convert it with .to_dense() first"
            )
        if value.is_quantized:
            raise InvalidNetworkError(
                f"{name} is a quantized tensor ({value.dtype}); dequantize it first "
                "(tensor.dequantize())"
            )
        if value.is_meta:
            raise InvalidNetworkError(f"{name} is a meta tensor: it holds no values")
        if value.is_complex():
            raise InvalidNetworkError(f"{name} is a complex tensor ({value.dtype})")
        if getattr(value, "is_nested", False):
            raise InvalidNetworkError(f"{name} is a nested tensor")
        check_count(value.numel(), f"{name} has {value.numel()} entries")
        value = value.detach().cpu()
        if value.is_floating_point():
            value = value.to(torch.float64)  # exact for float32, float16 and bfloat16
        try:
            return value.numpy()
        except (TypeError, RuntimeError) as err:
            raise InvalidNetworkError(f"{name} cannot be read as numbers: {err}") from None
    if not isinstance(value, np.ndarray):
        try:
            value = np.asarray(value)
        except Exception as err:  # whatever the foreign object raised: bad input
            raise InvalidNetworkError(f"{name} cannot be read as an array: {err}") from None
    check_count(value.size, f"{name} has {value.size} entries")
    return value


# -- state dicts ----------------------------------------------------------------------------
def unwrap_checkpoint(state: Mapping) -> tuple[Mapping, str]:
    """The state dict inside a checkpoint ``{"model": ..., "epoch": 3}``, and its path."""
    for key in CHECKPOINT_KEYS:
        inner = state.get(key) if all(isinstance(k, str) for k in state) else None
        if isinstance(inner, Mapping):
            return inner, f"[{key!r}]"
    return state, ""


_TOKEN = re.compile(r"([A-Za-z_]*)(\d+)$")
_NAMED_ORDER = (
    ("encoder", "decoder"),
    ("input", "output"),
    ("inp", "out"),
    ("in", "out"),
    ("hidden", "output"),
    ("hidden", "out"),
    ("first", "second"),
    ("body", "head"),
    ("backbone", "head"),
    ("features", "classifier"),
)


def _order_by_names(first: str, second: str) -> bool | None:
    """True if the names say ``first`` comes first, False if ``second`` does, None if they do
    not say: the first differing part of the dotted names decides when both parts are one word
    with different numbers (``0``/``2``, ``fc1``/``fc2``, ``layers.0``/``layers.1``) or a
    known pair (``encoder``/``decoder``, ``hidden``/``output``...)."""
    a, b = first.strip(".").split("."), second.strip(".").split(".")
    for x, y in zip(a, b, strict=False):
        if x == y:
            continue
        mx, my = _TOKEN.match(x), _TOKEN.match(y)
        if mx and my and mx.group(1) == my.group(1):
            return int(mx.group(2)) < int(my.group(2))
        for one, two in _NAMED_ORDER:
            if (x.lower(), y.lower()) == (one, two):
                return True
            if (x.lower(), y.lower()) == (two, one):
                return False
        return None
    return None


def _layers(state: Mapping, keys: Sequence[str] | None, where: str) -> list[tuple[str, str, str]]:
    """(prefix, weight key, bias key) of the two layers, in the order of the network."""
    bad = [k for k in state if not isinstance(k, str)]
    if bad:
        raise InvalidNetworkError(
            f"state dict{where} key {bad[0]!r} is a {type(bad[0]).__name__}, not a string name"
        )
    if keys is not None:
        if isinstance(keys, str) or not isinstance(keys, Sequence) or len(keys) != 2:
            raise TypeError(
                f"keys must be a pair of layer names such as ('fc1', 'fc2'), not {keys!r}"
            )
        return [
            (weight[: -len("weight")], weight, weight[: -len("weight")] + "bias")
            for weight in _chosen_weights(state, keys, where)
        ]
    weights = [k for k in state if k.endswith("weight")]
    extra = [k for k in state if not k.endswith(("weight", "bias"))]
    if len(weights) != 2 or extra:
        found = ", ".join(f"{k} {tuple(np.shape(state[k]))}" for k in weights) or "no weights"
        more = f" and other entries {[_short(k) for k in extra[:5]]}" if extra else ""
        raise UnsupportedArchitectureError(
            f"expected two linear layers (Linear, ReLU, Linear); found {found}{more}"
        )
    return [(w[: -len("weight")], w, w[: -len("weight")] + "bias") for w in weights]


def _chosen_weights(state: Mapping, keys: Sequence[str], where: str) -> list[str]:
    """The weight key of every layer named in ``keys``, in that order."""
    weights = []
    for prefix in keys:
        if not isinstance(prefix, str):
            raise TypeError(f"keys must hold strings, not {type(prefix).__name__}")
        stem = prefix if prefix.endswith(".") or not prefix else prefix + "."
        weight = next((w for w in (stem + "weight", prefix + "weight") if w in state), None)
        if weight is None:
            names = ", ".join(_prefixes(state)) or "none"
            raise InvalidNetworkError(
                f"keys: the state dict{where} has no layer {prefix!r} (layers: {names})"
            )
        weights.append(weight)
    return weights


def _prefixes(state: Mapping) -> list[str]:
    return [k[: -len("weight")].rstrip(".") for k in state if k.endswith("weight")]


def _state_network(
    state: Any, keys: Sequence[str] | None
) -> tuple[ShallowNetwork, tuple[str, str]]:
    """The network of a state dict and the names of its two layers (no warning)."""
    if not isinstance(state, Mapping):
        raise InvalidNetworkError(f"a state dict must be a mapping, not {type(state).__name__}")
    original = state
    state, where = unwrap_checkpoint(state)
    try:
        layers = _layers(state, keys, where)
    except UnsupportedArchitectureError as err:
        raise _deep_state_refusal(original, err) from None
    arrays = []
    for prefix, weight, bias in layers:
        if bias not in state:
            raise UnsupportedArchitectureError(f"layer {weight!r} has no bias {bias!r}")
        W = tensor_array(state[weight], f"{where}{weight!r}")
        b = tensor_array(state[bias], f"{where}{bias!r}")
        if W.ndim != 2:
            raise UnsupportedArchitectureError(
                f"{weight!r} is {W.ndim}-d with shape {W.shape}; a linear layer's weight is 2-d"
            )
        arrays.append((prefix.rstrip(".") or "(top)", W, b, weight))
    if keys is None:
        (p, W, b, wk), (q, V, c, vk) = arrays
        forward = W.shape[0] == V.shape[1]  # p then q: q's inputs are p's outputs
        backward = V.shape[0] == W.shape[1]
        if not forward and not backward:
            raise UnsupportedArchitectureError(
                f"the layers do not chain: {wk!r} is {W.shape} and {vk!r} is {V.shape} "
                "(a layer's weight is (out, in))"
            )
        if forward and backward:
            by_name = _order_by_names(p, q)
            if by_name is None:
                raise UnsupportedArchitectureError(
                    f"both orders of the layers {p!r} {W.shape} and {q!r} {V.shape} chain and "
                    "their names do not say which comes first; choose with "
                    f"keys=({p!r}, {q!r}) or keys=({q!r}, {p!r}) (CLI: --layers {p},{q})"
                )
            forward = by_name
        if not forward:
            arrays.reverse()
    (p, W, b, _), (q, V, c, _) = arrays
    return ShallowNetwork(W, b, V, c), (p, q)


# -- chains of any depth: the internal API that shallowsym.deep.io reads through ---------
def not_one_hidden_layer(
    architecture: Sequence[int], found: str = ""
) -> UnsupportedArchitectureError:
    """The error for a model that reads as a ReLU chain whose number of hidden layers is not
    one: it names that number and where deep networks are read.

    Parameters
    ----------
    architecture
        The widths (d, n1, ..., k) of the chain found.
    found
        What was found, in words (prefixed to the message when given).

    Returns
    -------
    UnsupportedArchitectureError
        To be raised by the caller.

    Examples
    --------
    >>> str(not_one_hidden_layer((3, 5, 4, 2))).split(";")[0]
    'found 2 hidden layers (architecture (3, 5, 4, 2))'
    """
    arch = tuple(int(n) for n in architecture)
    hidden = len(arch) - 2
    count = "no hidden layer" if hidden == 0 else f"{hidden} hidden layers"
    prefix = f"{found}: " if found else ""
    return UnsupportedArchitectureError(
        f"{prefix}found {count} (architecture {arch}); a ShallowNetwork has exactly one: "
        "read deep networks with shallowsym.deep.io.load (CLI: shallowsym deepequiv)"
    )


def _chain_orders(shapes: list[tuple[int, int]], budget: int = 100_000) -> list[list[int]]:
    """Up to two orders of the layers in which every layer's outputs are the next one's
    inputs (a depth-first search over the shapes; a third entry ``[]`` means the budget ran
    out, which is read as "ambiguous")."""
    n = len(shapes)
    found: list[list[int]] = []
    steps = 0

    def extend(path: list[int], used: set[int]) -> None:
        nonlocal steps
        if len(found) >= 2:
            return
        if len(path) == n:
            found.append(list(path))
            return
        for j in range(n):
            steps += 1
            if steps > budget:
                found.extend([[], []])
                return
            if j not in used and (not path or shapes[path[-1]][0] == shapes[j][1]):
                path.append(j)
                used.add(j)
                extend(path, used)
                path.pop()
                used.discard(j)
                if len(found) >= 2:
                    return

    extend([], set())
    return found[:2]


def state_chain(
    state: Any, *, keys: Sequence[str] | None = None, bias_required: bool = True
) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """The linear layers of a state dict of any depth, in network order (internal API, the
    reader behind :func:`shallowsym.deep.io.from_state_dict`).

    Checkpoints are unwrapped as in :func:`from_state_dict`, every tensor goes through
    :func:`tensor_array` (dense, real, within the caps; float64 exactly). Without ``keys``,
    the layers are ordered by how their shapes chain; when several orders chain, by their
    names (``0``/``2``/``4``, ``fc1``/``fc2``/``fc3``...); otherwise the dict is refused with
    advice to pass ``keys``.

    Parameters
    ----------
    state
        A mapping from ``<layer>.weight`` / ``<layer>.bias`` names to tensors or arrays.
    keys
        The layer names in network order; needed only when shapes and names do not decide.
    bias_required
        When False, a layer without bias gets zeros (``nn.Linear(bias=False)``).

    Returns
    -------
    list of (name, W, b)
        W in PyTorch's (out, in) layout.

    Raises
    ------
    UnsupportedArchitectureError
        For an entry that is not a weight or bias, a missing bias (when required), a weight
        that is not 2-d, layers that do not chain, or an order that cannot be decided.
    InvalidNetworkError
        For a key that is not a string or a tensor that cannot be read.

    Examples
    --------
    >>> import numpy as np
    >>> state = {'fc3.weight': np.ones((1, 4)), 'fc3.bias': np.zeros(1),
    ...          'fc1.weight': np.ones((5, 3)), 'fc1.bias': np.zeros(5),
    ...          'fc2.weight': np.ones((4, 5)), 'fc2.bias': np.zeros(4)}
    >>> [(name, W.shape) for name, W, _ in state_chain(state)]
    [('fc1', (5, 3)), ('fc2', (4, 5)), ('fc3', (1, 4))]
    """
    if not isinstance(state, Mapping):
        raise InvalidNetworkError(f"a state dict must be a mapping, not {type(state).__name__}")
    state, where = unwrap_checkpoint(state)
    bad = [k for k in state if not isinstance(k, str)]
    if bad:
        raise InvalidNetworkError(
            f"state dict{where} key {bad[0]!r} is a {type(bad[0]).__name__}, not a string name"
        )
    extra = [k for k in state if not k.endswith(("weight", "bias"))]
    if extra:
        raise UnsupportedArchitectureError(
            f"state dict{where} entries {[_short(k) for k in extra[:5]]} are not a linear "
            "layer's weight or bias"
        )
    if keys is not None:
        if isinstance(keys, str) or not isinstance(keys, Sequence) or not keys:
            raise TypeError(
                f"keys must be a sequence of layer names such as ('fc1', 'fc2'), not {keys!r}"
            )
        weights = _chosen_weights(state, keys, where)
    else:
        weights = [k for k in state if k.endswith("weight")]
        orphans = [k for k in state if k.endswith("bias") and k[:-4] + "weight" not in state]
        if orphans:
            raise UnsupportedArchitectureError(
                f"state dict{where} has {orphans[0]!r} but no {orphans[0][:-4] + 'weight'!r}"
            )
    if not weights:
        raise UnsupportedArchitectureError(f"state dict{where} holds no layer weights")
    layers = []
    for weight in weights:
        prefix, bias = weight[: -len("weight")], weight[: -len("weight")] + "bias"
        W = tensor_array(state[weight], f"{where}{weight!r}")
        if W.ndim != 2:
            raise UnsupportedArchitectureError(
                f"{weight!r} is {W.ndim}-d with shape {W.shape}; a linear layer's weight is 2-d"
            )
        if bias in state:
            b = tensor_array(state[bias], f"{where}{bias!r}")
        elif bias_required:
            raise UnsupportedArchitectureError(f"layer {weight!r} has no bias {bias!r}")
        else:
            b = np.zeros(W.shape[0])
        layers.append((prefix.rstrip(".") or "(top)", W, b))
    shapes = [W.shape for _, W, _ in layers]
    described = ", ".join(f"{name} {W.shape}" for name, W, _ in layers)
    if keys is not None:
        for (p, W, _), (q, V, _) in itertools.pairwise(layers):
            if W.shape[0] != V.shape[1]:
                raise UnsupportedArchitectureError(
                    f"keys: layer {q!r} {V.shape} does not take layer {p!r} {W.shape}'s outputs"
                )
        return layers
    orders = _chain_orders(shapes)
    if not orders:
        raise UnsupportedArchitectureError(
            f"the layers do not chain in any order: {described} (a layer's weight is (out, in))"
        )
    if len(orders) == 1:
        return [layers[i] for i in orders[0]]

    def by_name(i: int, j: int) -> int:
        first = _order_by_names(layers[i][0], layers[j][0])
        if first is None:
            raise LookupError
        return -1 if first else 1

    try:
        named = sorted(range(len(layers)), key=functools.cmp_to_key(by_name))
    except LookupError:
        named = None
    if named is not None and all(
        shapes[i][0] == shapes[j][1] for i, j in itertools.pairwise(named)
    ):
        return [layers[i] for i in named]
    names = [name for name, _, _ in layers]
    raise UnsupportedArchitectureError(
        f"several orders of the layers {described} chain and their names do not say which "
        f"comes first; choose with keys={tuple(names)!r} in network order "
        f"(CLI: --layers {','.join(names)})"
    )


def state_file(path: str | os.PathLike, kind: str) -> Any:
    """What a PyTorch file (``kind="pt"``: ``torch.load(weights_only=True)``) or a
    safetensors file (``kind="safetensors"``: numpy backend) holds, read as a bounded regular
    file (internal API, shared with :mod:`shallowsym.deep.io`).

    Raises
    ------
    InvalidNetworkError
        If the file is not a readable file of that format or does not hold a mapping.
    MissingDependencyError
        If torch (``.pt``) or safetensors is not installed.

    Examples
    --------
    >>> state = state_file('model.safetensors', 'safetensors')  # doctest: +SKIP
    """
    if kind not in ("pt", "safetensors"):
        raise ValueError(f"kind must be 'pt' or 'safetensors', not {kind!r}")
    name = os.fspath(path)
    data = read_regular_file(path)
    if kind == "safetensors":
        load_bytes = require("safetensors.numpy", "onnx").load
        try:
            return load_bytes(data)
        except Exception as err:  # the format's own errors: report them as bad input
            raise InvalidNetworkError(
                f"{name} is not a readable safetensors file: {_first_line(err)}"
            ) from None
    torch = require("torch", "torch")
    try:
        state = torch.load(stdio.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception as err:  # weights_only refuses code; any failure is bad input
        raise InvalidNetworkError(
            f"{name} is not a readable PyTorch state dict: {_first_line(err)}"
        ) from None
    return state


def _deep_state_refusal(state: Any, err: UnsupportedArchitectureError) -> Exception:
    """The clear error for a state dict that chains as a network of another depth, else
    ``err``."""
    try:
        layers = state_chain(state)
    except (InvalidNetworkError, TypeError):
        return err
    if len(layers) <= 2:
        return err
    shapes = [W.shape for _, W, _ in layers]
    return not_one_hidden_layer(
        (shapes[0][1], *(s[0] for s in shapes)), f"{len(layers)} linear layers"
    )


def _warn_relu(what: str) -> None:
    warnings.warn(f"{what}: {RELU_ASSUMED}", ReLUAssumedWarning, stacklevel=3)


def from_state_dict(
    state: Mapping[str, Any], *, keys: Sequence[str] | None = None
) -> ShallowNetwork:
    """A network from a state dict holding two linear layers (``*.weight``/``*.bias``).

    The layers are ordered by how their shapes chain (the first layer's outputs are the
    second's inputs), not by the dict's order. When both orders chain (square shapes), the
    names decide (``0``/``2``, ``fc1``/``fc2``, ``layers.0``/``layers.1``,
    ``encoder``/``decoder``, ``hidden``/``output``...), or ``keys=`` does. A checkpoint
    ``{"model": state_dict, "epoch": 3}`` (or with ``state_dict`` / ``model_state_dict``) is
    read through its state dict. A state dict does not record the activation: ReLU is assumed,
    with a :class:`ReLUAssumedWarning`.

    Parameters
    ----------
    state
        A mapping from names to tensors or arrays (torch, numpy, nested lists).
    keys
        The two layer names in network order, such as ``("fc1", "fc2")``; needed only when
        the shapes and names do not decide.

    Returns
    -------
    ShallowNetwork

    Raises
    ------
    UnsupportedArchitectureError
        If the dict does not hold exactly two (weight, bias) pairs that chain, or if both
        orders chain and neither the names nor ``keys`` decide.
    InvalidNetworkError
        For a key that is not a string, or a tensor that is sparse, quantized, meta, complex
        or over the caps.

    Examples
    --------
    >>> import numpy as np, warnings
    >>> state = {'head.weight': np.ones((1, 2)), 'head.bias': np.zeros(1),
    ...          'body.weight': np.ones((2, 3)), 'body.bias': np.zeros(2)}
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", ReLUAssumedWarning)
    ...     net = from_state_dict(state)
    >>> (net.d, net.h, net.k)
    (3, 2, 1)

    References
    ----------
    ``proofs/canonical_form.md`` (the network read is f(x) = W2 relu(W1 x + b1) + b2).
    """
    net, _ = _state_network(state, keys)
    _warn_relu("state dict")
    return net


def from_arrays(W1: Any, b1: Any, W2: Any, b2: Any, *, layout: str = "out_in") -> ShallowNetwork:
    """A network from four arrays in either weight layout.

    Parameters
    ----------
    W1, b1, W2, b2
        Arrays or nested sequences (anything :class:`~shallowsym.ShallowNetwork` takes).
    layout
        ``"out_in"`` (PyTorch's ``nn.Linear``: W1 is (h, d), W2 is (k, h)) or ``"in_out"``
        (scikit-learn's ``coefs_``, Keras, JAX/Flax: W1 is (d, h), W2 is (h, k)).

    Returns
    -------
    ShallowNetwork

    Raises
    ------
    ValueError
        If ``layout`` is not one of the two names.
    InvalidNetworkError
        If an array is not a matrix of numbers or the shapes do not chain; entries are named
        in the given layout (``W1[i, j]`` is row i of the array you passed).

    Examples
    --------
    >>> from_arrays([[1, 2]], [0, 0], [[3], [4]], [5], layout="in_out")
    ShallowNetwork(W1=[[1], [2]], b1=[0, 0], W2=[[3, 4]], b2=[5])

    References
    ----------
    docs/theory.md section 1 (the network f(x) = W2 relu(W1 x + b1) + b2 with weights stored
    as ``nn.Linear`` stores them; floats read as the exact binary rationals they are).
    """
    if layout not in ("out_in", "in_out"):
        raise ValueError(f"layout must be 'out_in' or 'in_out', not {layout!r}")
    if layout == "out_in":
        return ShallowNetwork(W1, b1, W2, b2)
    w1, d, h = as_matrix(W1, "W1")
    w2, h2, k = as_matrix(W2, "W2")
    if h2 != h:
        raise InvalidNetworkError(
            f"W2 has {h2} rows but W1 has {h} columns (layout='in_out': W1 is (d, h), W2 is (h, k))"
        )
    return ShallowNetwork(
        np.array(w1, dtype=object).reshape(d, h).T,
        as_vector(b1, "b1"),
        np.array(w2, dtype=object).reshape(h, k).T,
        as_vector(b2, "b2"),
    )


def from_sklearn(model: Any) -> ShallowNetwork:
    """A network from a fitted scikit-learn ``MLPRegressor`` or ``MLPClassifier`` with one
    hidden layer and ``activation='relu'``.

    For a classifier the network computes the logits, before the output activation
    (``model.out_activation_``: logistic or softmax), which does not change the predicted
    class; for a regressor it computes ``model.predict`` exactly.

    Parameters
    ----------
    model
        A fitted ``sklearn.neural_network.MLPRegressor`` or ``MLPClassifier``.

    Returns
    -------
    ShallowNetwork

    Raises
    ------
    UnsupportedArchitectureError
        If the activation is not ``'relu'`` or there is not exactly one hidden layer.
    InvalidNetworkError
        If ``model`` is not such an estimator, or not fitted, or its ``coefs_`` and
        ``intercepts_`` are not lists of finite numeric arrays.

    Examples
    --------
    The scikit-learn part needs the ``sklearn`` extra:

    >>> import numpy as np
    >>> from sklearn.neural_network import MLPRegressor  # doctest: +SKIP
    >>> X = np.random.default_rng(0).normal(size=(20, 3)); y = X.sum(axis=1)
    >>> model = MLPRegressor(hidden_layer_sizes=(4,), max_iter=20).fit(X, y)  # doctest: +SKIP
    >>> net = from_sklearn(model)  # doctest: +SKIP
    >>> (net.d, net.h, net.k)  # doctest: +SKIP
    (3, 4, 1)
    >>> from_sklearn("model.pkl")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    shallowsym.errors.InvalidNetworkError: from_sklearn needs an MLPRegressor or ... not str

    References
    ----------
    docs/theory.md section 1 (the network f(x) = W2 relu(W1 x + b1) + b2 with weights stored
    as ``nn.Linear`` stores them; floats read as the exact binary rationals they are).
    """
    name = type(model).__name__
    if not (hasattr(model, "hidden_layer_sizes") and hasattr(model, "activation")):
        raise InvalidNetworkError(
            f"from_sklearn needs an MLPRegressor or MLPClassifier, not {name}"
        )
    if not hasattr(model, "coefs_"):
        raise InvalidNetworkError(f"this {name} is not fitted (it has no coefs_)")
    if not isinstance(model.activation, str) or model.activation != "relu":
        raise UnsupportedArchitectureError(
            f"{name} has activation={_short(repr(model.activation))}; only 'relu' is a ReLU network"
        )
    coefs, intercepts = getattr(model, "coefs_", None), getattr(model, "intercepts_", None)
    for attr, value in (("coefs_", coefs), ("intercepts_", intercepts)):
        if not isinstance(value, (list, tuple)):
            raise InvalidNetworkError(
                f"{name}.{attr} must be a list of arrays, not {type(value).__name__}"
            )
    coefs, intercepts = list(coefs), list(intercepts)
    if len(coefs) != 2 or len(intercepts) != 2:
        raise UnsupportedArchitectureError(
            f"{name} has {len(coefs) - 1} hidden layers "
            f"(hidden_layer_sizes={model.hidden_layer_sizes!r}); expected exactly one"
        )
    arrays = [
        tensor_array(a, f"{name}.{n}")
        for a, n in zip(
            (coefs[0], intercepts[0], coefs[1], intercepts[1]),
            ("coefs_[0]", "intercepts_[0]", "coefs_[1]", "intercepts_[1]"),
            strict=True,
        )
    ]
    return from_arrays(*arrays, layout="in_out")


# -- torch modules --------------------------------------------------------------------------
def module_ops(module) -> list[tuple[str, Any]]:
    """The sequence of operations of a torch module, in the order of its forward pass: by
    torch.fx, or for an ``nn.Sequential`` (whose order is the forward order) by its children.
    Any other module that fx cannot trace is refused: registration order is not forward
    order."""
    torch = require("torch", "torch")

    try:
        graph = torch.fx.symbolic_trace(module).graph
    except Exception as err:  # untraceable (data-dependent control flow)
        if isinstance(module, torch.nn.Sequential):
            return [(type(m).__name__, m) for m in module.modules() if not list(m.children())]
        raise UnsupportedArchitectureError(
            f"torch.fx cannot trace {type(module).__name__}.forward ({_first_line(err)}), so "
            "the order of its layers is unknown; read its state dict with "
            "io.from_state_dict(module.state_dict(), keys=(first, second))"
        ) from None
    ops = []
    modules = dict(module.named_modules())
    for node in graph.nodes:
        if node.op == "call_module":
            target = modules[node.target]
            ops.append((type(target).__name__, target))
        elif node.op in ("call_function", "call_method"):
            name = getattr(node.target, "__name__", str(node.target))
            ops.append(("ReLU" if name in ("relu", "relu_") else name, None))
    return ops


def from_torch(module) -> ShallowNetwork:
    """A network from a PyTorch module computing Linear, ReLU, Linear (``nn.Sequential`` or
    any module with exactly that structure, found by torch.fx), or from a state dict.

    Parameters
    ----------
    module
        A ``torch.nn.Module``, or a state dict (see :func:`from_state_dict`).

    Returns
    -------
    ShallowNetwork

    Quantized Linear layers (``torch.ao.quantization.quantize_dynamic`` and friends) are read
    as their dequantized weights, with a :class:`DequantizedWarning`: the network is the
    float model the quantized weights define, not the run-time rounding of activations.

    Raises
    ------
    UnsupportedArchitectureError
        Naming the operations found, for any other structure (another activation, more
        layers), and for a module that torch.fx cannot trace (other than ``nn.Sequential``).
    InvalidNetworkError
        If ``module`` is not a module or a mapping (a scikit-learn model is pointed to
        :func:`from_sklearn`), or a tensor is not finite and numeric; for a state dict, as in
        :func:`from_state_dict` (whose UnsupportedArchitectureError also applies).

    Examples
    --------
    A state dict needs no torch (ReLU is then assumed, with a warning):

    >>> import numpy as np, warnings
    >>> state = {'0.weight': np.ones((2, 1)), '0.bias': np.zeros(2),
    ...          '2.weight': np.ones((1, 2)), '2.bias': np.zeros(1)}
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", ReLUAssumedWarning)
    ...     from_torch(state)
    ShallowNetwork(W1=[[1], [1]], b1=[0, 0], W2=[[1, 1]], b2=[0])

    A module needs the ``torch`` extra:

    >>> import torch  # doctest: +SKIP
    >>> nn = torch.nn  # doctest: +SKIP
    >>> model = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2))  # doctest: +SKIP
    >>> net = from_torch(model)  # doctest: +SKIP
    >>> (net.d, net.h, net.k)  # doctest: +SKIP
    (3, 5, 2)

    References
    ----------
    docs/theory.md section 1 (the network f(x) = W2 relu(W1 x + b1) + b2 with weights stored
    as ``nn.Linear`` stores them; floats read as the exact binary rationals they are).
    """
    if isinstance(module, Mapping):
        return from_state_dict(module)
    if hasattr(module, "coefs_") or hasattr(module, "hidden_layer_sizes"):
        raise InvalidNetworkError(
            f"from_torch got a scikit-learn {type(module).__name__}; use io.from_sklearn"
        )
    torch = sys.modules.get("torch")
    if torch is None or not isinstance(module, torch.nn.Module):
        raise InvalidNetworkError(
            f"from_torch needs a torch.nn.Module or a state dict, not {type(module).__name__}"
        )
    ops = [(name, m) for name, m in module_ops(module) if name not in ("Identity", "Flatten")]
    names = [name for name, _ in ops]
    if names != ["Linear", "ReLU", "Linear"]:
        found = f"expected Linear, ReLU, Linear; found {', '.join(names) or 'no operations'}"
        if len(names) > 3 and _alternates(names):
            linears = [m for _, m in ops[::2]]
            raise not_one_hidden_layer(
                (linears[0].in_features, *(m.out_features for m in linears)), found
            )
        raise UnsupportedArchitectureError(found)
    first, second = ops[0][1], ops[2][1]
    arrays = []
    for layer, (wname, bname) in zip((first, second), (("W1", "b1"), ("W2", "b2")), strict=True):
        weight, bias = _linear_parameters(layer)
        if bias is None:
            raise UnsupportedArchitectureError("a Linear layer without bias is not supported")
        arrays += [tensor_array(weight, wname), tensor_array(bias, bname)]
    return ShallowNetwork(*arrays)


def _linear_parameters(layer) -> tuple[Any, Any]:
    """(weight, bias) of a Linear layer; a quantized one (``weight()`` a method) dequantized,
    with a :class:`DequantizedWarning`."""
    weight, bias = layer.weight, layer.bias
    if not callable(weight):
        return weight, bias
    weight, bias = weight(), bias() if callable(bias) else bias
    if getattr(weight, "is_quantized", False):
        weight = weight.dequantize()
    warnings.warn(
        f"a quantized {type(layer).__module__}.{type(layer).__name__} layer was read as its "
        "dequantized weights (weight().dequantize()); its rounding of activations at run time "
        "is not modelled",
        DequantizedWarning,
        stacklevel=3,
    )
    return weight, bias


def _alternates(names: Sequence[str]) -> bool:
    """True for Linear, ReLU, Linear, ..., Linear."""
    return len(names) % 2 == 1 and all(
        n == ("Linear" if i % 2 == 0 else "ReLU") for i, n in enumerate(names)
    )


def torch_chain(module: Any) -> list[Any]:
    """The ``nn.Linear`` layers of a torch module computing Linear, ReLU, Linear, ...,
    Linear (any depth; Identity, Flatten and Dropout skipped, the model read as in evaluation
    mode), in forward order found by :func:`module_ops` (internal API, the reader behind
    :func:`shallowsym.deep.io.from_torch`).

    Raises
    ------
    UnsupportedArchitectureError
        Naming the operations found, for any other structure.
    InvalidNetworkError
        If ``module`` is not a torch module.

    Examples
    --------
    >>> import torch  # doctest: +SKIP
    >>> nn = torch.nn  # doctest: +SKIP
    >>> model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))  # doctest: +SKIP
    >>> len(torch_chain(model))  # doctest: +SKIP
    2
    """
    torch = sys.modules.get("torch")
    if torch is None or not isinstance(module, torch.nn.Module):
        raise InvalidNetworkError(
            f"from_torch needs a torch.nn.Module or a state dict, not {type(module).__name__}"
        )
    skip = ("Identity", "Flatten", "Dropout")
    ops = [(name, m) for name, m in module_ops(module) if name not in skip]
    names = [name for name, _ in ops]
    if not _alternates(names):
        raise UnsupportedArchitectureError(
            "expected Linear, ReLU, Linear, ..., Linear; found "
            + (", ".join(names) or "no operations")
        )
    return [m for _, m in ops[::2]]


def to_torch(net: ShallowNetwork, *, dtype=None):
    """``nn.Sequential(Linear(d, h), ReLU(), Linear(h, k))`` with the network's weights
    (rounded to ``dtype``, float64 by default).

    Parameters
    ----------
    net
        The network to write.
    dtype
        A torch floating dtype such as ``torch.float32`` (default ``torch.float64``).

    Returns
    -------
    torch.nn.Sequential
        The module; exact only for numbers that are representable in ``dtype``.

    Raises
    ------
    MissingDependencyError
        If torch is not installed (the ``torch`` extra).
    TypeError
        If ``net`` is not a :class:`~shallowsym.ShallowNetwork`.
    TypeError, RuntimeError
        From torch, for a ``dtype`` that is not a torch dtype.

    Examples
    --------
    Needs the ``torch`` extra:

    >>> from shallowsym import ShallowNetwork
    >>> model = to_torch(ShallowNetwork([[1]], [0], [[2]], [0]))  # doctest: +SKIP
    >>> from_torch(model) == ShallowNetwork([[1]], [0], [[2]], [0])  # doctest: +SKIP
    True

    References
    ----------
    docs/theory.md section 1 (the network f(x) = W2 relu(W1 x + b1) + b2 with weights stored
    as ``nn.Linear`` stores them; floats read as the exact binary rationals they are).
    """
    check_network(net, "to_torch")
    torch = require("torch", "torch")
    nn = torch.nn
    dtype = torch.float64 if dtype is None else dtype
    W1, b1, W2, b2 = net.to_numpy()
    model = nn.Sequential(nn.Linear(net.d, net.h), nn.ReLU(), nn.Linear(net.h, net.k)).to(dtype)
    with torch.no_grad():
        for param, value in zip(model.parameters(), (W1, b1, W2, b2), strict=True):
            param.copy_(torch.as_tensor(value, dtype=dtype))
    return model


# -- files ----------------------------------------------------------------------------------
def _safetensors_network(
    path: str | os.PathLike, keys: Sequence[str] | None
) -> tuple[ShallowNetwork, tuple[str, str]]:
    return _state_network(state_file(path, "safetensors"), keys)


def from_safetensors(
    path: str | os.PathLike, *, keys: Sequence[str] | None = None
) -> ShallowNetwork:
    """A network from a safetensors file of a Linear, ReLU, Linear state dict (numpy backend).

    The layers are ordered as in :func:`from_state_dict` (safetensors stores keys
    alphabetically, so the file's order says nothing); ReLU is assumed, with a
    :class:`ReLUAssumedWarning`.

    Parameters
    ----------
    path
        The file to read (str or ``os.PathLike``).
    keys
        For a state dict: the two layer names in network order, such as ``("fc1", "fc2")``;
        needed only when the shapes and names do not decide (see :func:`from_state_dict`).

    Returns
    -------
    ShallowNetwork
        The stored numbers, exactly.

    Raises
    ------
    InvalidNetworkError
        If the file does not exist, is not a regular file, is over the caps
        (:mod:`shallowsym.caps`), is not a readable safetensors file, or holds a tensor that is
        not finite and numeric.
    UnsupportedArchitectureError
        If the state dict is not two (weight, bias) pairs that chain, or both orders chain and
        neither the names nor ``keys`` decide.
    MissingDependencyError
        If safetensors is not installed (the ``onnx`` extra).
    TypeError
        If ``path`` is not a str or ``os.PathLike``.

    Examples
    --------
    Needs the ``onnx`` extra (safetensors):

    >>> import os, tempfile, warnings
    >>> from shallowsym import ShallowNetwork
    >>> path = os.path.join(tempfile.mkdtemp(), 'net.safetensors')
    >>> to_safetensors(ShallowNetwork([[1]], ['1/2'], [[2]], [0]), path)  # doctest: +SKIP
    >>> with warnings.catch_warnings():  # doctest: +SKIP
    ...     warnings.simplefilter("ignore", ReLUAssumedWarning)
    ...     from_safetensors(path)
    ShallowNetwork(W1=[[1]], b1=[1/2], W2=[[2]], b2=[0])

    References
    ----------
    docs/theory.md section 1 (the network f(x) = W2 relu(W1 x + b1) + b2 with weights stored
    as ``nn.Linear`` stores them; floats read as the exact binary rationals they are).
    """
    net, _ = _safetensors_network(path, keys)
    _warn_relu(os.fspath(path))
    return net


# ONNX tensor element types read as numbers, with their sizes in bytes.
_ONNX_NUMERIC = {1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2}
_ONNX_TYPE_NAMES = {0: "UNDEFINED", 8: "STRING", 9: "BOOL", 14: "COMPLEX64", 15: "COMPLEX128"}
_ONNX_DTYPE_NAMES = {1: "float32", 10: "float16", 11: "float64", 16: "bfloat16"}
_ONNX_NOOPS = ("Identity", "Cast", "Flatten", "Reshape", "Dropout")


class _Onnx:
    """Follows an ONNX graph from its output back to its input (internal)."""

    def __init__(self, model: Any, numpy_helper: Any):
        graph = model.graph
        self.numpy_helper = numpy_helper
        self.inits = {t.name: t for t in graph.initializer}
        self.producer: dict[str, Any] = {}
        for node in graph.node:
            for out in node.output:
                self.producer.setdefault(out, node)
        # a corrupted file may hold op types that are not UTF-8 (protobuf gives bytes then)
        self.ops = [_text(n.op_type) for n in graph.node]
        self.graph = graph
        self.widths: list[tuple[Any, int, int]] = []  # (Reshape node, position, width)

    def refuse(self, message: str) -> UnsupportedArchitectureError:
        found = ", ".join(self.ops[:12]) + (", ..." if len(self.ops) > 12 else "")
        return UnsupportedArchitectureError(
            f"{message} (expected Gemm or MatMul (+ Add), Relu, Gemm or MatMul (+ Add); "
            f"found {found or 'no nodes'})"
        )

    @staticmethod
    def label(node: Any) -> str:
        op = _text(node.op_type)
        return f"{op} node {_text(node.name)!r}" if node.name else f"{op} node"

    def constant(self, name: str) -> np.ndarray | None:
        """The value of an initializer or Constant node, or None if ``name`` is computed."""
        if name in self.inits:
            return self.array(self.inits[name], f"initializer {name!r}")
        node = self.producer.get(name)
        if node is None or node.op_type != "Constant":
            return None
        for attr in node.attribute:
            if attr.name == "value" and attr.type == attr.TENSOR:
                return self.array(attr.t, f"{self.label(node)} value")
            if attr.name == "value_float" and attr.type == attr.FLOAT:
                return np.array(attr.f, dtype=np.float64)
            if attr.name == "value_floats" and attr.type == attr.FLOATS:
                check_count(len(attr.floats), f"{self.label(node)} has {len(attr.floats)} values")
                return np.array(attr.floats, dtype=np.float64)
        raise self.refuse(f"{self.label(node)} holds no numeric tensor value")

    def array(self, tensor: Any, what: str) -> np.ndarray:
        """An ONNX tensor as float64, with its declared size checked before conversion."""
        kind = tensor.data_type
        if kind not in _ONNX_NUMERIC:
            name = _ONNX_TYPE_NAMES.get(kind, f"type {kind}")
            raise InvalidNetworkError(f"{what} is a {name} tensor, not numbers")
        if tensor.data_location == 1:
            raise InvalidNetworkError(f"{what} has external data, which is not read")
        dims = list(tensor.dims)
        if any(n < 0 for n in dims):
            raise InvalidNetworkError(f"{what} has a negative dimension {dims}")
        count = 1
        for n in dims:
            count *= n
            check_count(count, f"{what} has shape {dims}")
        if tensor.HasField("raw_data") and len(tensor.raw_data) != count * _ONNX_NUMERIC[kind]:
            raise InvalidNetworkError(
                f"{what} has {len(tensor.raw_data)} bytes of raw data; shape {dims} of "
                f"{_ONNX_NUMERIC[kind]}-byte numbers needs {count * _ONNX_NUMERIC[kind]}"
            )
        note_dtype(_ONNX_DTYPE_NAMES.get(kind))
        try:
            return np.asarray(self.numpy_helper.to_array(tensor)).astype(np.float64)
        except Exception as err:  # onnx's own errors on malformed tensors: bad input
            raise InvalidNetworkError(f"{what} cannot be read: {_first_line(err)}") from None

    def attribute(self, node: Any, name: str, kind: str, default: Any) -> Any:
        for attr in node.attribute:
            if attr.name == name:
                if kind == "float" and attr.type == attr.FLOAT:
                    return attr.f
                if kind == "int" and attr.type == attr.INT:
                    return attr.i
                type_name = _attribute_type_name(attr)
                raise self.refuse(
                    f"{self.label(node)}: attribute {name} is {type_name}, expected {kind.upper()}"
                )
        return default

    def skip(self, tensor: str, position: int) -> str:
        """Walk back over no-op nodes (Identity, float Cast, Flatten/Reshape to rows,
        inference Dropout)."""
        for _ in range(len(self.producer) + 1):
            node = self.producer.get(tensor)
            if node is None or node.op_type not in _ONNX_NOOPS:
                return tensor
            if not node.input:
                raise self.refuse(f"{self.label(node)} has no input")
            if node.op_type == "Cast" and self.attribute(node, "to", "int", 0) not in (1, 11):
                raise self.refuse(f"{self.label(node)} casts to a type that is not float/double")
            if node.op_type == "Flatten" and self.attribute(node, "axis", "int", 1) != 1:
                raise self.refuse(f"{self.label(node)} flattens with axis != 1")
            if node.op_type == "Dropout" and len(node.input) > 2:
                raise self.refuse(f"{self.label(node)} has a training_mode input")
            if node.op_type == "Reshape":
                shape = self.constant(node.input[1]) if len(node.input) > 1 else None
                if (
                    shape is None
                    or shape.shape != (2,)
                    or not np.all(np.isfinite(shape))
                    or shape[0] not in (-1, 0)
                ):
                    raise self.refuse(f"{self.label(node)} is not a reshape to rows (-1, n)")
                if shape[1] != -1:
                    self.widths.append((node, position, int(shape[1])))
            tensor = node.input[0]
        raise self.refuse("the graph has a cycle")

    def layer(self, tensor: str, which: str) -> tuple[Any, np.ndarray, str, str]:
        """The layer computing ``tensor``: (W in (out, in) layout, bias, input, node name)."""
        node = self.producer.get(tensor)
        if node is None:
            where = "the graph input" if tensor in self.inputs else f"constant {tensor!r}"
            raise self.refuse(f"the {which} layer is missing: {where} is used in its place")
        label = self.label(node)
        if node.op_type == "Gemm":
            if len(node.input) < 2 or not node.input[1]:
                raise self.refuse(f"{label} has {len(node.input)} input: no weight")
            if self.attribute(node, "transA", "int", 0):
                raise self.refuse(f"{label} has transA=1: not a layer on row inputs")
            B = self.constant(node.input[1])
            if B is None or self.constant(node.input[0]) is not None:
                raise self.refuse(f"{label}: its weight B must be a constant and A the data")
            if B.ndim != 2:
                raise self.refuse(f"{label}: its weight is {B.ndim}-d")
            alpha = self.attribute(node, "alpha", "float", 1.0)
            beta = self.attribute(node, "beta", "float", 1.0)
            W = B if self.attribute(node, "transB", "int", 0) else B.T
            C = None
            if len(node.input) > 2 and node.input[2]:
                C = self.constant(node.input[2])
                if C is None:
                    raise self.refuse(f"{label}: its bias {node.input[2]!r} is not a constant")
            bias = np.zeros(W.shape[0]) if C is None else self.bias(C, W.shape[0], label)
            return _scaled(W, alpha), _scaled(bias, beta), node.input[0], node.name or "Gemm"
        if node.op_type == "Add":
            if len(node.input) != 2:
                raise self.refuse(f"{label} has {len(node.input)} inputs")
            values = [self.constant(x) for x in node.input]
            if all(v is not None for v in values):
                raise self.refuse(f"{label} adds two constants: no data flows through it")
            if all(v is None for v in values):
                raise self.refuse(f"{label} adds two computed tensors: not a bias")
            C = values[0] if values[0] is not None else values[1]
            data = node.input[1] if values[0] is not None else node.input[0]
            matmul = self.producer.get(data)
            if matmul is None or matmul.op_type != "MatMul":
                what = self.label(matmul) if matmul is not None else f"{data!r}"
                raise self.refuse(f"{label} adds a bias to {what}, not to a MatMul")
            W, _, source, name = self.matmul(matmul)
            return W, self.bias(C, W.shape[0], label), source, name
        if node.op_type == "MatMul":
            return self.matmul(node)
        raise self.refuse(f"{label} computes the {which} layer's output {tensor!r}")

    def matmul(self, node: Any) -> tuple[np.ndarray, np.ndarray, str, str]:
        label = self.label(node)
        if len(node.input) != 2:
            raise self.refuse(f"{label} has {len(node.input)} input(s); expected data and weight")
        B = self.constant(node.input[1])
        if B is None or self.constant(node.input[0]) is not None:
            raise self.refuse(f"{label}: its second input must be a constant weight")
        if B.ndim != 2:
            raise self.refuse(f"{label}: its weight is {B.ndim}-d")
        return B.T, np.zeros(B.shape[1]), node.input[0], node.name or "MatMul"

    def bias(self, values: np.ndarray, width: int, label: str) -> np.ndarray:
        """A bias that broadcasts over rows: shape (), (1,), (width,), (1, 1) or (1, width)."""
        if values.shape in ((), (1,), (1, 1)):
            return np.full(width, values.reshape(()))
        if values.shape in ((width,), (1, width)):
            return values.reshape(width)
        raise self.refuse(f"{label}: a bias of shape {values.shape} does not fit width {width}")

    def graph_input(self) -> str:
        """The one graph input that is not an initializer (one output required too)."""
        graph = self.graph
        self.inputs = [i.name for i in graph.input if i.name not in self.inits]
        if len(self.inputs) != 1 or len(graph.output) != 1:
            raise self.refuse(
                f"the graph has {len(self.inputs)} inputs and {len(graph.output)} outputs; "
                "expected one of each"
            )
        return self.inputs[0]

    def chain(self) -> list[tuple[Any, Any, str]]:
        """Every affine layer from the graph input to its output, with one Relu between
        consecutive ones, any depth: [(W (out, in), b, node name)] in network order."""
        graph = self.graph
        x = self.graph_input()
        layers: list[tuple[Any, Any, str]] = []
        t = self.skip(graph.output[0].name, -1)
        while True:
            if len(layers) > len(graph.node):
                raise self.refuse("the graph has a cycle")
            W, b, t, name = self.layer(t, "last" if not layers else "previous")
            layers.append((W, b, name))
            t = self.skip(t, -1 - len(layers))
            if t == x:
                break
            relu = self.producer.get(t)
            if relu is None or relu.op_type != "Relu":
                what = self.label(relu) if relu is not None else f"{t!r}"
                raise self.refuse(f"the layer {name} reads {what}, not a Relu or the graph input")
            if len(relu.input) != 1:
                raise self.refuse(f"{self.label(relu)} has {len(relu.input)} inputs")
            t = self.skip(relu.input[0], -1 - len(layers))
        layers.reverse()
        sizes = [np.shape(layers[0][0])[1], *(np.shape(W)[0] for W, _, _ in layers)]
        for node, position, width in self.widths:
            if width != sizes[position]:
                raise self.refuse(f"{self.label(node)} reshapes rows to width {width}")
        return layers

    def network(self) -> tuple[ShallowNetwork, tuple[str, str]]:
        graph = self.graph
        x = self.graph_input()
        W2, b2, t, second = self.layer(self.skip(graph.output[0].name, 2), "second")
        t = self.skip(t, 1)
        relu = self.producer.get(t)
        if relu is None or relu.op_type != "Relu":
            what = (
                self.label(relu)
                if relu is not None
                else ("the graph input" if t == x else f"{t!r}")
            )
            raise self.refuse(f"the second layer ({second}) reads {what}, not a Relu")
        if len(relu.input) != 1:
            raise self.refuse(f"{self.label(relu)} has {len(relu.input)} inputs")
        W1, b1, t, first = self.layer(self.skip(relu.input[0], 1), "first")
        t = self.skip(t, 0)
        if t != x:
            node = self.producer.get(t)
            what = self.label(node) if node is not None else f"{t!r}"
            raise self.refuse(f"the first layer ({first}) reads {what}, not the graph input {x!r}")
        sizes = (np.shape(W1)[1], np.shape(W1)[0], np.shape(W2)[0])  # width after position
        for node, position, width in self.widths:
            if width != sizes[position]:
                raise self.refuse(f"{self.label(node)} reshapes rows to width {width}")
        return ShallowNetwork(W1, b1, W2, b2), (first, second)


def _text(value: str | bytes) -> str:
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def _attribute_type_name(attr: Any) -> str:
    try:
        return type(attr).AttributeType.Name(attr.type)
    except ValueError:
        return f"type {attr.type}"


def _scaled(values: np.ndarray, factor: float) -> Any:
    """``values * factor`` exactly (as Fractions) when the factor is not 1; non-finite entries
    are left for the constructor to name."""
    if factor == 1.0:
        return values
    if not math.isfinite(factor):
        raise InvalidNetworkError(f"a Gemm alpha or beta of {factor} is not a finite number")
    f = Fraction(factor)
    return np.array(
        [Fraction(float(v)) * f if math.isfinite(v) else v for v in values.reshape(-1)],
        dtype=object,
    ).reshape(values.shape)


def _onnx_model(model: Any) -> Any:
    """An ONNX ``ModelProto`` from a path (read as a bounded regular file) or a model."""
    data = read_regular_file(model) if isinstance(model, str | os.PathLike) else None
    onnx = require("onnx", "onnx")
    if not isinstance(model, onnx.ModelProto):
        if not isinstance(model, str | os.PathLike):
            raise InvalidNetworkError(
                f"from_onnx needs a path or an onnx.ModelProto, not {type(model).__name__}"
            )
        try:
            model = onnx.load_model_from_string(data)
        except Exception as err:
            raise InvalidNetworkError(
                f"{os.fspath(model)} is not a readable ONNX file: {_first_line(err)}"
            ) from None
    return model


def onnx_chain(model: Any) -> list[tuple[Any, Any, str]]:
    """The affine layers of an ONNX graph of any depth, followed from its output back to its
    input as in :func:`from_onnx` with one Relu between consecutive layers (internal API, the
    reader behind :func:`shallowsym.deep.io.from_onnx`).

    Returns
    -------
    list of (W, b, name)
        W in (out, in) layout (float64 arrays, or exact Fractions where a Gemm alpha or beta
        is not 1), in network order.

    Raises
    ------
    UnsupportedArchitectureError
        Naming the first node on the path that does not fit.
    InvalidNetworkError
        For a file that is not ONNX or a tensor that cannot be read.

    Examples
    --------
    >>> [W.shape for W, _, _ in onnx_chain('model.onnx')]  # doctest: +SKIP
    [(5, 3), (4, 5), (2, 4)]
    """
    model = _onnx_model(model)
    return _Onnx(model, require("onnx.numpy_helper", "onnx")).chain()


def _onnx_network(model: Any) -> tuple[ShallowNetwork, tuple[str, str]]:
    model = _onnx_model(model)
    numpy_helper = require("onnx.numpy_helper", "onnx")
    try:
        return _Onnx(model, numpy_helper).network()
    except UnsupportedArchitectureError as err:
        try:
            layers = _Onnx(model, numpy_helper).chain()
        except InvalidNetworkError:
            raise err from None
        if len(layers) <= 2:  # one layer: the shallow reader's message says more
            raise
        shapes = [np.shape(W) for W, _, _ in layers]
        found = f"{len(layers)} affine layers with Relu between them"
        raise not_one_hidden_layer((shapes[0][1], *(s[0] for s in shapes)), found) from None


def from_onnx(model: Any) -> ShallowNetwork:
    """A network from an ONNX model (path or ``ModelProto``), found by following the graph
    from its output back to its input: Gemm (with transA, transB, alpha, beta; alpha and beta
    applied exactly) or MatMul (+ Add of a constant bias), then Relu, then Gemm or MatMul
    (+ Add). Identity, Cast to float/double, Flatten (axis 1), Reshape to rows (-1, n) and
    inference Dropout are skipped as the no-ops they are there; weights and biases must be
    constants (initializers or Constant nodes). Nodes that do not reach the output are ignored.

    Parameters
    ----------
    model
        A path (str or ``os.PathLike``) to an ``.onnx`` file, or an ``onnx.ModelProto``.

    Returns
    -------
    ShallowNetwork
        The stored numbers, exactly (alpha and beta of a Gemm applied in exact arithmetic).

    Raises
    ------
    UnsupportedArchitectureError
        Naming the first node on the path that does not fit (and listing the operators).
    InvalidNetworkError
        For a file that does not exist or is not ONNX, a ``model`` that is neither a path nor a
        ``ModelProto``, a tensor of strings or undefined type, raw data of the wrong size,
        external data, or a tensor over the caps.
    MissingDependencyError
        If onnx is not installed (the ``onnx`` extra).

    Examples
    --------
    Needs the ``onnx`` extra:

    >>> from shallowsym import ShallowNetwork
    >>> from_onnx(to_onnx(ShallowNetwork([[1]], ['1/2'], [[2]], [0])))  # doctest: +SKIP
    ShallowNetwork(W1=[[1]], b1=[1/2], W2=[[2]], b2=[0])
    >>> from_onnx(3)  # doctest: +SKIP
    Traceback (most recent call last):
    ...
    shallowsym.errors.InvalidNetworkError: from_onnx needs a path or an onnx.ModelProto, not int

    References
    ----------
    docs/theory.md section 1 (the network f(x) = W2 relu(W1 x + b1) + b2 with weights stored
    as ``nn.Linear`` stores them; floats read as the exact binary rationals they are).
    """
    return _onnx_network(model)[0]


def to_npz(net: ShallowNetwork, path: str | os.PathLike) -> None:
    """Save W1, b1, W2, b2 as exact rational strings in an NPZ file.

    Parameters
    ----------
    net
        The network to write.
    path
        The file to write (numpy adds ``.npz`` when the name lacks it).

    Returns
    -------
    None
        The file holds the network exactly; :func:`from_npz` reads it back.

    Raises
    ------
    OSError
        If the file cannot be written (for example its directory does not exist).
    TypeError
        If ``net`` is not a :class:`~shallowsym.ShallowNetwork`.

    Examples
    --------
    >>> import os, tempfile
    >>> from shallowsym import ShallowNetwork
    >>> path = os.path.join(tempfile.mkdtemp(), 'net.npz')
    >>> to_npz(ShallowNetwork([['1/3']], [0], [[1]], [0]), path)
    >>> from_npz(path)
    ShallowNetwork(W1=[[1/3]], b1=[0], W2=[[1]], b2=[0])

    References
    ----------
    docs/theory.md section 1 (the network f(x) = W2 relu(W1 x + b1) + b2 with weights stored
    as ``nn.Linear`` stores them; floats read as the exact binary rationals they are).
    """
    check_network(net, "to_npz")
    data = net.to_dict()
    np.savez(
        path,
        W1=np.array(data["W1"], dtype=str).reshape(net.h, net.d),
        b1=np.array(data["b1"], dtype=str).reshape(net.h),
        W2=np.array(data["W2"], dtype=str).reshape(net.k, net.h),
        b2=np.array(data["b2"], dtype=str),
    )


def npz_arrays(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """The arrays of an NPZ file, each checked (declared and decompressed size, header shape
    and dtype, no pickles) before it is read."""
    name = os.fspath(path)
    data = read_regular_file(path)
    if data.startswith(b"\x93NUMPY"):
        raise InvalidNetworkError(f"{name} is a single .npy array, not an NPZ archive")
    cap = current().max_file_bytes
    arrays = {}
    try:
        with zipfile.ZipFile(stdio.BytesIO(data)) as archive:
            for info in archive.infolist():
                key = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
                check_count(
                    info.file_size,
                    f"array {key!r} decompresses to {info.file_size} bytes",
                    "max_file_bytes",
                )
                with archive.open(info) as member:
                    fmt = np.lib.format
                    version = fmt.read_magic(member)
                    header = (
                        fmt.read_array_header_1_0
                        if version == (1, 0)
                        else fmt.read_array_header_2_0
                    )
                    shape, _, dtype = header(member)
                    count = int(np.prod(shape, dtype=object)) if shape else 1
                    check_count(count, f"array {key!r} has shape {shape}")
                    if dtype.hasobject:
                        raise InvalidNetworkError(
                            f"array {key!r} holds Python objects, which are not read (no pickle)"
                        )
                    if count * dtype.itemsize > min(info.file_size, cap):
                        raise InvalidNetworkError(
                            f"array {key!r} declares shape {shape} of {dtype} but holds only "
                            f"{info.file_size} bytes"
                        )
                arrays[key] = np.load(stdio.BytesIO(archive.read(info)), allow_pickle=False)
    except InvalidNetworkError:
        raise
    except (ValueError, OSError, zipfile.BadZipFile, EOFError, KeyError, TypeError) as err:
        raise InvalidNetworkError(
            f"{name} is not a readable NPZ file: {_first_line(err)}"
        ) from None
    except Exception as err:  # zlib.error, NotImplementedError (compression) and the like
        raise InvalidNetworkError(
            f"{name} is not a readable NPZ file: {_first_line(err)}"
        ) from None
    return arrays


def _npz_network(
    path: str | os.PathLike, keys: Sequence[str] | None
) -> tuple[ShallowNetwork, tuple[str, str], bool]:
    arrays = npz_arrays(path)
    names = ("W1", "b1", "W2", "b2")
    missing = [k for k in names if k not in arrays]
    if missing and (keys is not None or any(k.endswith("weight") for k in arrays)):
        net, layers = _state_network(arrays, keys)
        return net, layers, True
    if missing:
        raise InvalidNetworkError(f"the NPZ file has no {', '.join(missing)}")
    if "W3" in arrays:
        count = 1
        while f"W{count + 1}" in arrays:
            count += 1
        shapes = [np.shape(arrays[f"W{n}"]) for n in range(1, count + 1)]
        if all(len(shape) == 2 for shape in shapes):
            architecture = (shapes[0][1], *(shape[0] for shape in shapes))
        else:
            architecture = (0,) * (count + 1)
        raise not_one_hidden_layer(architecture, f"arrays W1 to W{count}")
    values = [arrays[k] for k in names]
    for a in values:
        note_dtype(a.dtype)
    values = [a.astype(object) if a.dtype.kind == "U" else a for a in values]
    return ShallowNetwork(*values), ("W1", "W2"), False


def from_npz(path: str | os.PathLike, *, keys: Sequence[str] | None = None) -> ShallowNetwork:
    """A network from an NPZ file with arrays W1, b1, W2, b2 (numeric or exact strings), or
    with state-dict names (``0.weight``, ``fc1.bias``...: read as by :func:`from_state_dict`,
    ReLU assumed, with a :class:`ReLUAssumedWarning`).

    Each array's declared and decompressed size is checked against the caps before it is
    read (a zip bomb is refused by name); pickled objects are never read.

    Parameters
    ----------
    path
        The file to read (str or ``os.PathLike``).
    keys
        For a state dict: the two layer names in network order, such as ``("fc1", "fc2")``;
        needed only when the shapes and names do not decide (see :func:`from_state_dict`).

    Returns
    -------
    ShallowNetwork
        The stored numbers, exactly.

    Raises
    ------
    InvalidNetworkError
        If the file does not exist, is not a regular file, is not a readable NPZ archive (a
        single ``.npy`` included), is over the caps, holds Python objects, lacks one of W1, b1,
        W2, b2 (and has no state-dict names), or holds an entry that is not a finite number.
    UnsupportedArchitectureError
        For arrays W1 to W3 and beyond (a deeper network, pointed to :mod:`shallowsym.deep`),
        or a state dict that is not two chaining (weight, bias) pairs.
    TypeError
        If ``path`` is not a str or ``os.PathLike``.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> path = os.path.join(tempfile.mkdtemp(), 'net.npz')
    >>> np.savez(path, W1=np.ones((1, 1)), b1=np.zeros(1), W2=np.ones((1, 1)), b2=np.zeros(1))
    >>> from_npz(path)
    ShallowNetwork(W1=[[1]], b1=[0], W2=[[1]], b2=[0])

    References
    ----------
    docs/theory.md section 1 (the network f(x) = W2 relu(W1 x + b1) + b2 with weights stored
    as ``nn.Linear`` stores them; floats read as the exact binary rationals they are).
    """
    net, _, assumed = _npz_network(path, keys)
    if assumed:
        _warn_relu(os.fspath(path))
    return net


def _pt_network(
    path: str | os.PathLike, keys: Sequence[str] | None
) -> tuple[ShallowNetwork, tuple[str, str]]:
    state = state_file(path, "pt")
    if not isinstance(state, Mapping):
        raise InvalidNetworkError(
            f"{os.fspath(path)} holds a {type(state).__name__}, not a state dict"
        )
    return _state_network(state, keys)


def _first_line(err: BaseException) -> str:
    """The first line of an exception's message, or its type when the message is empty."""
    lines = str(err).strip().splitlines()
    return _short(lines[0], 200) if lines else type(err).__name__


def _json_network(path: str | os.PathLike) -> ShallowNetwork:
    """A ShallowNetwork JSON file, or a DeepNetwork one with exactly one hidden layer; a
    DeepNetwork of another depth is refused by :func:`not_one_hidden_layer`."""
    try:
        return ShallowNetwork.load(path)
    except InvalidNetworkError as err:
        if "'shallowsym.DeepNetwork'" not in str(err):
            raise
    from .deep.network import DeepNetwork  # deep.network does not import this module

    deep = DeepNetwork.load(path)
    if deep.depth == 2:
        return deep.to_shallow()
    raise not_one_hidden_layer(deep.architecture, "a DeepNetwork")


def read(path: str | os.PathLike, *, keys: Sequence[str] | None = None) -> ReadResult:
    """Read a network from any supported file, chosen by extension, and say what was assumed.

    Parameters
    ----------
    path
        A .json, .npz, .safetensors, .onnx, .pt or .pth file (PyTorch: a state dict or a
        checkpoint holding one, loaded with ``weights_only=True``).
    keys
        For state dicts: the two layer names in network order (see :func:`from_state_dict`).

    Returns
    -------
    ReadResult
        The network, the format, the layer names, whether ReLU was assumed, and the dtype the
        weights are stored in.

    Raises
    ------
    InvalidNetworkError
        For every kind of bad input, naming the file (and the array and entry): a path that
        is not a str or ``os.PathLike``, an unknown extension, a missing or unreadable file.
    UnsupportedArchitectureError
        If the model is not one hidden ReLU layer (a subclass of InvalidNetworkError).
    MissingDependencyError
        If the format needs an extra that is not installed (``.pt``: torch; ``.onnx`` and
        ``.safetensors``: the ``onnx`` extra).

    Examples
    --------
    >>> import os, tempfile, numpy as np
    >>> path = os.path.join(tempfile.mkdtemp(), 'sd.npz')
    >>> np.savez(path, **{'fc2.weight': np.ones((1, 2)), 'fc2.bias': np.zeros(1),
    ...                   'fc1.weight': np.ones((2, 2)), 'fc1.bias': np.zeros(2)})
    >>> result = read(path)
    >>> result.layers, result.relu_assumed, result.dtype
    (('fc1', 'fc2'), True, 'float64')

    References
    ----------
    docs/theory.md section 1 (the network f(x) = W2 relu(W1 x + b1) + b2 with weights stored
    as ``nn.Linear`` stores them; floats read as the exact binary rationals they are).
    """
    if not isinstance(path, str | os.PathLike):
        raise InvalidNetworkError(
            f"a file path must be a str or os.PathLike, not {type(path).__name__}"
        )
    name = os.fspath(path)
    suffix = Path(name).suffix.lower()
    if suffix not in EXTENSIONS:
        raise InvalidNetworkError(
            f"cannot tell the format of {name!r}; use one of {', '.join(EXTENSIONS)}"
        )
    seen: list[str] = []
    token = _SOURCE_DTYPES.set(seen)
    try:
        result = _read(path, keys, name, suffix)
    finally:
        _SOURCE_DTYPES.reset(token)
    return replace(result, dtype=source_dtype(seen))


def _read(
    path: str | os.PathLike, keys: Sequence[str] | None, name: str, suffix: str
) -> ReadResult:
    try:
        if suffix == ".json":
            return ReadResult(_json_network(path), name, "json", ("W1", "W2"), False)
        if suffix == ".npz":
            net, layers, assumed = _npz_network(path, keys)
            kind = "npz state dict" if assumed else "npz"
            return ReadResult(net, name, kind, layers, assumed)
        if suffix == ".safetensors":
            net, layers = _safetensors_network(path, keys)
            return ReadResult(net, name, "safetensors", layers, True)
        if suffix == ".onnx":
            net, layers = _onnx_network(path)
            return ReadResult(net, name, "onnx", layers, False)
        net, layers = _pt_network(path, keys)
        return ReadResult(net, name, "pt", layers, True)
    except UnsupportedArchitectureError as err:
        if name in str(err):
            raise
        raise UnsupportedArchitectureError(f"{name}: {err}") from None
    except InvalidNetworkError as err:
        if name in str(err):
            raise
        raise InvalidNetworkError(f"{name}: {err}") from None


def load(path: str | os.PathLike, *, keys: Sequence[str] | None = None) -> ShallowNetwork:
    """Read a network from any supported file, chosen by extension: .json, .npz,
    .safetensors, .onnx, .pt / .pth (a state dict, loaded with weights_only=True).

    Like :func:`read`, returning only the network; a :class:`ReLUAssumedWarning` says when
    the file does not record its activation.

    Parameters
    ----------
    path
        A .json, .npz, .safetensors, .onnx, .pt or .pth file.
    keys
        For a state dict: the two layer names in network order, such as ``("fc1", "fc2")``;
        needed only when the shapes and names do not decide (see :func:`from_state_dict`).

    Returns
    -------
    ShallowNetwork
        The stored numbers, exactly.

    Raises
    ------
    InvalidNetworkError
        For every kind of bad input, naming the file: a path that is not a str or
        ``os.PathLike``, an unknown extension, a missing or unreadable file, a bad entry.
    UnsupportedArchitectureError
        If the model is not one hidden ReLU layer.
    MissingDependencyError
        If the format needs an extra that is not installed.

    Examples
    --------
    >>> import os, tempfile
    >>> from shallowsym import ShallowNetwork
    >>> path = os.path.join(tempfile.mkdtemp(), 'net.json')
    >>> ShallowNetwork([[1]], [0], [[2]], [0]).save(path)
    >>> load(path)
    ShallowNetwork(W1=[[1]], b1=[0], W2=[[2]], b2=[0])
    >>> load('model.h5')  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    shallowsym.errors.InvalidNetworkError: cannot tell the format of 'model.h5'; use one of ...

    References
    ----------
    docs/theory.md section 1 (the network f(x) = W2 relu(W1 x + b1) + b2 with weights stored
    as ``nn.Linear`` stores them; floats read as the exact binary rationals they are).
    """
    result = read(path, keys=keys)
    if result.relu_assumed:
        _warn_relu(result.source)
    return result.network


def _state_arrays(net: ShallowNetwork) -> dict[str, np.ndarray]:
    W1, b1, W2, b2 = net.to_numpy()
    return {"0.weight": W1, "0.bias": b1, "2.weight": W2, "2.bias": b2}


def to_safetensors(net: ShallowNetwork, path: str | os.PathLike) -> None:
    """Save a float64 state dict (``0.weight``, ``0.bias``, ``2.weight``, ``2.bias``) as
    safetensors (numpy backend). Rounded to float64: exact only for numbers that are doubles.

    Parameters
    ----------
    net
        The network to write.
    path
        The file to write.

    Returns
    -------
    None
        :func:`from_safetensors` reads the file back (:func:`save` also says whether it is
        exact).

    Raises
    ------
    MissingDependencyError
        If safetensors is not installed (the ``onnx`` extra).
    safetensors.SafetensorError
        If the file cannot be written (for example its directory does not exist).
    TypeError
        If ``net`` is not a :class:`~shallowsym.ShallowNetwork`.

    Examples
    --------
    Needs the ``onnx`` extra (safetensors):

    >>> import os, tempfile
    >>> from shallowsym import ShallowNetwork
    >>> path = os.path.join(tempfile.mkdtemp(), 'net.safetensors')
    >>> to_safetensors(ShallowNetwork([[1]], [0], [[2]], [0]), path)  # doctest: +SKIP
    >>> read(path).layers  # doctest: +SKIP
    ('0', '2')

    References
    ----------
    docs/theory.md section 1 (the network f(x) = W2 relu(W1 x + b1) + b2 with weights stored
    as ``nn.Linear`` stores them; floats read as the exact binary rationals they are).
    """
    check_network(net, "to_safetensors")
    save_file = require("safetensors.numpy", "onnx").save_file
    save_file({k: np.ascontiguousarray(v) for k, v in _state_arrays(net).items()}, os.fspath(path))


def to_onnx(net: ShallowNetwork, path: str | os.PathLike | None = None):
    """An ONNX model Gemm (transB = 1), Relu, Gemm with float64 weights (input ``x`` of shape
    (N, d), output ``y``), written to ``path`` when given; returns the ``ModelProto``.
    Rounded to float64: exact only for numbers that are doubles.

    Parameters
    ----------
    net
        The network to write.
    path
        Where to write the model (optional).

    Returns
    -------
    onnx.ModelProto
        The model (also written to ``path`` when given).

    Raises
    ------
    MissingDependencyError
        If onnx is not installed (the ``onnx`` extra).
    OSError
        If ``path`` cannot be written.
    TypeError
        If ``net`` is not a :class:`~shallowsym.ShallowNetwork`.

    Examples
    --------
    Needs the ``onnx`` extra:

    >>> from shallowsym import ShallowNetwork
    >>> from_onnx(to_onnx(ShallowNetwork([[1]], ['1/2'], [[2]], [0])))  # doctest: +SKIP
    ShallowNetwork(W1=[[1]], b1=[1/2], W2=[[2]], b2=[0])

    References
    ----------
    docs/theory.md section 1 (the network f(x) = W2 relu(W1 x + b1) + b2 with weights stored
    as ``nn.Linear`` stores them; floats read as the exact binary rationals they are).
    """
    check_network(net, "to_onnx")
    onnx = require("onnx", "onnx")
    helper, numpy_helper = onnx.helper, onnx.numpy_helper
    arrays = _state_arrays(net)
    names = {"0.weight": "W1", "0.bias": "b1", "2.weight": "W2", "2.bias": "b2"}
    inits = [numpy_helper.from_array(arrays[k], name=v) for k, v in names.items()]
    nodes = [
        helper.make_node("Gemm", ["x", "W1", "b1"], ["z"], transB=1),
        helper.make_node("Relu", ["z"], ["r"]),
        helper.make_node("Gemm", ["r", "W2", "b2"], ["y"], transB=1),
    ]
    graph = helper.make_graph(
        nodes,
        "shallowsym",
        [helper.make_tensor_value_info("x", onnx.TensorProto.DOUBLE, ["N", net.d])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.DOUBLE, ["N", net.k])],
        inits,
    )
    model = helper.make_model(graph)
    if path is not None:
        onnx.save(model, os.fspath(path))
    return model


WRITABLE = EXTENSIONS
"""The extensions :func:`save` writes (every one :func:`load` reads)."""


def save(net: ShallowNetwork, path: str | os.PathLike) -> bool:
    """Write a network in the format of the extension: .json and .npz (exact strings), .pt and
    .pth (a float64 state dict), .safetensors (float64 state dict), .onnx (float64 Gemm, Relu,
    Gemm).

    Parameters
    ----------
    net
        The network to write.
    path
        The file to write; its extension chooses the format.

    Returns
    -------
    bool
        Whether the file holds the network exactly (always for .json and .npz; for the float
        formats, whether every number is a double).

    Raises
    ------
    ValueError
        For any other extension (nothing is written).
    MissingDependencyError
        When the format needs an extra that is not installed.
    OSError
        If the file cannot be written (safetensors raises its own ``SafetensorError``).
    TypeError
        If ``path`` is not a str or ``os.PathLike``.
    TypeError
        If ``net`` is not a :class:`~shallowsym.ShallowNetwork`.

    Examples
    --------
    >>> import os, tempfile
    >>> from shallowsym import ShallowNetwork
    >>> path = os.path.join(tempfile.mkdtemp(), 'net.npz')
    >>> save(ShallowNetwork([[1]], ['0.1'], [[2]], [0]), path)
    True
    >>> load(path).b1
    (Fraction(1, 10),)

    References
    ----------
    docs/theory.md section 1 (the network f(x) = W2 relu(W1 x + b1) + b2 with weights stored
    as ``nn.Linear`` stores them; floats read as the exact binary rationals they are).
    """
    check_network(net, "save")
    suffix = Path(path).suffix.lower()
    if suffix not in WRITABLE:
        raise ValueError(
            f"cannot write {suffix or 'extension-less'!r} files; use one of {', '.join(WRITABLE)}"
        )
    if suffix == ".json":
        net.save(path)
        return True
    if suffix == ".npz":
        to_npz(net, path)
        return True
    if suffix in (".pt", ".pth"):
        torch = require("torch", "torch")
        torch.save(to_torch(net).state_dict(), os.fspath(path))
    elif suffix == ".safetensors":
        to_safetensors(net, path)
    else:
        to_onnx(net, path)
    with warnings.catch_warnings():  # our own round trip: the activation is known to be ReLU
        warnings.simplefilter("ignore", ReLUAssumedWarning)
        return from_state_dict(_state_arrays(net)) == net
