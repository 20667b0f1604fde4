"""Reading deep ReLU networks: arrays, state dicts, PyTorch, NPZ, safetensors and ONNX.

The same conventions as :mod:`shallowsym.io`: floats are converted exactly (through
:mod:`shallowsym.rationals`), nothing runs code from a file (NPZ with ``allow_pickle=False``,
safetensors through its numpy backend, ONNX graphs only inspected). A model that is not a chain
of affine layers with a ReLU between consecutive ones raises
:class:`~shallowsym.errors.InvalidNetworkError` naming what was found.
"""

from __future__ import annotations

import importlib
import os
import re
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..errors import InvalidNetworkError, MissingDependencyError
from ..rationals import as_rational
from .network import DeepNetwork

__all__ = [
    "from_arrays",
    "from_npz",
    "from_onnx",
    "from_safetensors",
    "from_state_dict",
    "from_torch",
    "load",
    "to_npz",
]


def _optional(module: str, extra: str):
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependencyError(
            f"this needs the optional dependency {module.split('.')[0]}: "
            f"pip install 'shallowsym[{extra}]'"
        ) from None


def _array(value: Any) -> Any:
    if hasattr(value, "detach"):  # torch tensor: float64 holds float32/16/bfloat16 exactly
        value = value.detach().cpu()
        if value.is_floating_point():
            value = value.double()
        return value.numpy()
    return value


def from_arrays(weights: Sequence[Any], biases: Sequence[Any]) -> DeepNetwork:
    """A network from lists of weight (out, in) and bias arrays (numpy, torch or lists).

    Examples
    --------
    >>> import numpy as np
    >>> from_arrays([np.ones((2, 1)), np.ones((1, 2))], [np.zeros(2), np.array([0.5])])
    DeepNetwork(weights=[[[1], [1]], [[1, 1]]], biases=[[0, 0], [1/2]])
    """
    if isinstance(weights, str | bytes) or not isinstance(weights, Sequence):
        raise TypeError(f"weights must be a sequence of arrays, not {type(weights).__name__}")
    if isinstance(biases, str | bytes) or not isinstance(biases, Sequence):
        raise TypeError(f"biases must be a sequence of arrays, not {type(biases).__name__}")
    return DeepNetwork([_array(W) for W in weights], [_array(b) for b in biases])


def from_state_dict(state: Mapping[str, Any]) -> DeepNetwork:
    """A network from a state dict of linear layers ``<name>.weight`` / ``<name>.bias``, in the
    dict's order (PyTorch's registration order); a layer without bias gets zeros.

    Raises
    ------
    InvalidNetworkError
        If a key is not a weight or bias, a bias has no weight, or the shapes do not chain.

    Examples
    --------
    >>> import numpy as np
    >>> state = {'0.weight': np.ones((2, 1)), '0.bias': np.zeros(2),
    ...          '2.weight': np.ones((3, 2)), '2.bias': np.zeros(3),
    ...          '4.weight': np.ones((1, 3)), '4.bias': np.zeros(1)}
    >>> from_state_dict(state).architecture
    (1, 2, 3, 1)
    """
    if not isinstance(state, Mapping):
        raise TypeError(f"state must be a mapping, not {type(state).__name__}")
    order: list[str] = []
    weights: dict[str, Any] = {}
    biases: dict[str, Any] = {}
    for key, value in state.items():
        match = re.fullmatch(r"(.*?)\.?(weight|bias)", str(key))
        if not match:
            raise InvalidNetworkError(f"state dict key {key!r} is not a layer's weight or bias")
        prefix, kind = match.groups()
        if prefix not in order:
            order.append(prefix)
        (weights if kind == "weight" else biases)[prefix] = _array(value)
    for prefix in order:
        if prefix not in weights:
            raise InvalidNetworkError(f"state dict has {prefix}.bias but no {prefix}.weight")
    Ws = [weights[p] for p in order]
    for p, W in zip(order, Ws, strict=True):
        if np.ndim(W) != 2:
            raise InvalidNetworkError(f"{p}.weight is {np.ndim(W)}-d, not a linear layer")
    bs = [
        biases[p] if p in biases else np.zeros(np.shape(W)[0])
        for p, W in zip(order, Ws, strict=True)
    ]
    return DeepNetwork(Ws, bs)


def from_torch(module: Any) -> DeepNetwork:
    """A network from an ``nn.Sequential`` (nested allowed) of ``Linear`` layers with one
    ``ReLU`` between consecutive ones (``Identity``, ``Flatten`` and ``Dropout`` are skipped:
    the model is read as in evaluation mode), or from a state dict.

    Raises
    ------
    InvalidNetworkError
        Naming the modules found, for any other structure.

    Examples
    --------
    >>> import torch  # doctest: +SKIP
    >>> nn = torch.nn  # doctest: +SKIP
    >>> model = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 4), nn.ReLU(),
    ...                       nn.Linear(4, 2))  # doctest: +SKIP
    >>> from_torch(model).architecture  # doctest: +SKIP
    (3, 5, 4, 2)
    """
    if isinstance(module, Mapping):
        return from_state_dict(module)
    torch = _optional("torch", "torch")
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"module must be a torch.nn.Module, not {type(module).__name__}")
    skip = ("Identity", "Flatten", "Dropout")
    leaves = [m for m in module.modules() if not list(m.children())]
    ops = [m for m in leaves if type(m).__name__ not in skip]
    names = [type(m).__name__ for m in ops]
    ok = len(names) % 2 == 1 and all(
        n == ("Linear" if i % 2 == 0 else "ReLU") for i, n in enumerate(names)
    )
    if not ok:
        raise InvalidNetworkError(
            "expected Linear, ReLU, Linear, ..., Linear; found "
            + (", ".join(names) or "no operations")
        )
    linears = ops[::2]
    return DeepNetwork(
        [_array(m.weight) for m in linears],
        [np.zeros(m.out_features) if m.bias is None else _array(m.bias) for m in linears],
    )


def to_npz(net: DeepNetwork, path: str | os.PathLike) -> None:
    """Save W1, b1, ..., WL, bL as exact rational strings in an NPZ file.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), 'net.npz')
    >>> net = DeepNetwork([[['1/3']], [[2]], [[1]]], [[0], [1], [0]])
    >>> to_npz(net, path)
    >>> from_npz(path) == net
    True
    """
    if not isinstance(net, DeepNetwork):
        raise TypeError(f"net must be a DeepNetwork, not {type(net).__name__}")
    data = net.to_dict()
    arch = net.architecture
    arrays = {}
    for n in range(net.depth):
        arrays[f"W{n + 1}"] = np.array(data["weights"][n], dtype=str).reshape(arch[n + 1], arch[n])
        arrays[f"b{n + 1}"] = np.array(data["biases"][n], dtype=str).reshape(arch[n + 1])
    np.savez(path, **arrays)


def from_npz(path: str | os.PathLike) -> DeepNetwork:
    """A network from an NPZ file with arrays W1, b1, W2, b2, ..., WL, bL (numeric or exact
    strings) or with state-dict keys (``0.weight``, ``0.bias``, ...)."""
    try:
        with np.load(os.fspath(path), allow_pickle=False) as data:
            files = list(data.files)
            arrays = {k: data[k] for k in files}
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as err:
        raise InvalidNetworkError(f"{os.fspath(path)} is not a readable NPZ file: {err}") from None
    arrays = {k: (a.astype(object) if a.dtype.kind == "U" else a) for k, a in arrays.items()}
    if any(k.endswith("weight") for k in files):
        return from_state_dict(arrays)
    n = 1
    while f"W{n}" in arrays:
        n += 1
    if n < 2:
        raise InvalidNetworkError("the NPZ file has no W1 (expected W1, b1, ..., WL, bL)")
    missing = [f"b{i}" for i in range(1, n) if f"b{i}" not in arrays]
    if missing:
        raise InvalidNetworkError(f"the NPZ file has no {', '.join(missing)}")
    return DeepNetwork(
        [arrays[f"W{i}"] for i in range(1, n)], [arrays[f"b{i}"] for i in range(1, n)]
    )


def from_safetensors(path: str | os.PathLike) -> DeepNetwork:
    """A network from a safetensors file of linear layers (numpy backend, no torch)."""
    load_file = _optional("safetensors.numpy", "onnx").load_file
    try:
        state = load_file(os.fspath(path))
    except Exception as err:  # the format's own errors: report them as bad input
        raise InvalidNetworkError(
            f"{os.fspath(path)} is not a readable safetensors file: {err}"
        ) from None
    return from_state_dict(state)


def _attribute(node, name: str, default):
    for attr in node.attribute:
        if attr.name == name:
            return attr.f if attr.type == attr.FLOAT else attr.i
    return default


def from_onnx(model: Any) -> DeepNetwork:
    """A network from an ONNX model (path or ``ModelProto``): affine layers (Gemm with transB,
    alpha, beta; or MatMul + Add) with one Relu between consecutive ones (Identity and
    Flatten skipped).

    Raises
    ------
    InvalidNetworkError
        Naming the operators found, for any other graph.
    """
    onnx = _optional("onnx", "onnx")
    numpy_helper = _optional("onnx.numpy_helper", "onnx")
    if not isinstance(model, onnx.ModelProto):
        try:
            model = onnx.load(os.fspath(model))
        except Exception as err:
            raise InvalidNetworkError(f"{model} is not a readable ONNX file: {err}") from None
    inits = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in model.graph.initializer}
    nodes = [n for n in model.graph.node if n.op_type not in ("Identity", "Flatten")]
    found = ", ".join(n.op_type for n in nodes)
    Ws, bs, i, expect_layer = [], [], 0, True

    def fail():
        return InvalidNetworkError(
            f"expected affine layers (Gemm, or MatMul + Add) with Relu between them; found {found}"
        )

    while i < len(nodes):
        node = nodes[i]
        if expect_layer and node.op_type == "Gemm":
            B = inits.get(node.input[1])
            C = inits.get(node.input[2]) if len(node.input) > 2 else None
            if B is None or B.ndim != 2 or _attribute(node, "transA", 0):
                raise fail()
            W = B if _attribute(node, "transB", 0) else B.T
            alpha, beta = _attribute(node, "alpha", 1.0), _attribute(node, "beta", 1.0)
            # alpha and beta are float32 attributes: the products are formed exactly below
            Ws.append(np.vectorize(lambda w, a=alpha: _exact_product(w, a), otypes=[object])(W))
            bias = np.zeros(W.shape[0]) if C is None else np.broadcast_to(C.reshape(-1), W.shape[0])
            bs.append(np.vectorize(lambda c, b=beta: _exact_product(c, b), otypes=[object])(bias))
            i += 1
        elif (
            expect_layer
            and node.op_type == "MatMul"
            and i + 1 < len(nodes)
            and nodes[i + 1].op_type == "Add"
        ):
            B = inits.get(node.input[1])
            C = next((inits[x] for x in nodes[i + 1].input if x in inits), None)
            if B is None or C is None or B.ndim != 2:
                raise fail()
            Ws.append(B.T)
            bs.append(np.broadcast_to(C.reshape(-1), B.shape[1]))
            i += 2
        elif not expect_layer and node.op_type == "Relu":
            i += 1
        else:
            raise fail()
        expect_layer = not expect_layer
    if not Ws or expect_layer:
        raise fail()
    return DeepNetwork(Ws, bs)


def _exact_product(x: float, y: float):
    """x y, exactly: both floats converted exactly, the product is a rational."""
    return as_rational(x, "an ONNX weight") * as_rational(y, "an ONNX alpha or beta")


def _from_pt(path: str | os.PathLike) -> DeepNetwork:
    torch = _optional("torch", "torch")
    try:
        state = torch.load(os.fspath(path), map_location="cpu", weights_only=True)
    except Exception as err:  # the format's own errors: report them as bad input
        raise InvalidNetworkError(
            f"{os.fspath(path)} is not a readable state dict: {err}"
        ) from None
    if not isinstance(state, Mapping):
        raise InvalidNetworkError(
            f"{os.fspath(path)} holds a {type(state).__name__}, not a state dict"
        )
    return from_state_dict(state)


def _from_json(path: str | os.PathLike) -> DeepNetwork:
    import json

    from ..network import ShallowNetwork

    try:
        with open(path, encoding="utf-8") as fh:
            data = json.loads(fh.read(), parse_float=str)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InvalidNetworkError(f"{os.fspath(path)} is not JSON: {err}") from None
    if isinstance(data, dict) and data.get("format") == "shallowsym.ShallowNetwork":
        return DeepNetwork.from_shallow(ShallowNetwork.load(path))
    return DeepNetwork.load(path)


def load(path: str | os.PathLike) -> DeepNetwork:
    """A deep network from a file, by extension: .json (a ``DeepNetwork`` or
    ``ShallowNetwork`` saved by shallowsym), .npz, .safetensors, .onnx, .pt/.pth (a state dict,
    read with ``weights_only=True``).

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), 'net.json')
    >>> net = DeepNetwork([[[1]], [[2]], [[3]]], [[0], [0], [0]])
    >>> net.save(path)
    >>> load(path) == net
    True
    """
    readers = {
        ".json": _from_json,
        ".npz": from_npz,
        ".safetensors": from_safetensors,
        ".onnx": from_onnx,
        ".pt": _from_pt,
        ".pth": _from_pt,
    }
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    if suffix not in readers:
        raise InvalidNetworkError(
            f"{os.fspath(path)}: unknown extension {suffix!r} (expected one of "
            f"{', '.join(readers)})"
        )
    return readers[suffix](path)
