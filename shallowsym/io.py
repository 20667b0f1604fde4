"""Reading and writing networks: JSON, NPZ, safetensors, ONNX and PyTorch.

Floats are converted exactly (through :mod:`shallowsym.rationals`). Nothing here runs code
from a file: NPZ is read with ``allow_pickle=False``, PyTorch files with
``torch.load(weights_only=True)``, safetensors through its numpy backend (no torch needed), and
ONNX graphs are only inspected. A model that is not exactly one hidden ReLU layer raises
:class:`UnsupportedArchitectureError` naming what was found; a format whose optional dependency
is missing raises :class:`~shallowsym.errors.MissingDependencyError` naming the pip extra.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InvalidNetworkError, MissingDependencyError
from .network import ShallowNetwork

__all__ = [
    "UnsupportedArchitectureError",
    "from_npz",
    "from_onnx",
    "from_safetensors",
    "from_state_dict",
    "from_torch",
    "load",
    "save",
    "to_npz",
    "to_onnx",
    "to_safetensors",
    "to_torch",
]

EXTENSIONS = (".json", ".npz", ".safetensors", ".onnx", ".pt", ".pth")


class UnsupportedArchitectureError(InvalidNetworkError):
    """The model is not one hidden ReLU layer (Linear, ReLU, Linear); the message says what
    was found."""


def _require(module: str, extra: str):
    """Import an optional dependency, or say which extra installs it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependencyError(
            f"this needs the optional dependency {module.split('.')[0]}: "
            f"pip install 'shallowsym[{extra}]'"
        ) from None


def _float_array(value: Any, name: str) -> np.ndarray:
    if hasattr(value, "detach"):  # a torch tensor: float64 holds float32/16/bfloat16 exactly
        value = value.detach().cpu()
        if value.is_floating_point():
            value = value.double()
        value = value.numpy()
    return np.asarray(value)


def from_state_dict(state: Mapping[str, Any]) -> ShallowNetwork:
    """A network from a state dict holding exactly two linear layers (``*.weight``/``*.bias``).

    Layers are taken in the dict's order, which is the module registration order for PyTorch.

    Raises
    ------
    UnsupportedArchitectureError
        If the dict does not hold exactly two (weight, bias) pairs that chain.

    Examples
    --------
    >>> import numpy as np
    >>> state = {'0.weight': np.ones((2, 1)), '0.bias': np.zeros(2),
    ...          '2.weight': np.ones((1, 2)), '2.bias': np.zeros(1)}
    >>> from_state_dict(state)
    ShallowNetwork(W1=[[1], [1]], b1=[0, 0], W2=[[1, 1]], b2=[0])
    """
    if not isinstance(state, Mapping):
        raise InvalidNetworkError(f"a state dict must be a mapping, not {type(state).__name__}")
    weights = [k for k in state if k.endswith("weight")]
    layers = []
    for key in weights:
        prefix = key[: -len("weight")]
        bias = prefix + "bias"
        if bias not in state:
            raise UnsupportedArchitectureError(f"layer {key!r} has no bias {bias!r}")
        layers.append((key, _float_array(state[key], key), _float_array(state[bias], bias)))
    extra = [k for k in state if not k.endswith(("weight", "bias"))]
    if len(layers) != 2 or extra:
        found = ", ".join(f"{k} {tuple(np.shape(w))}" for k, w, _ in layers) or "no weights"
        more = f" and other entries {extra}" if extra else ""
        raise UnsupportedArchitectureError(
            f"expected two linear layers (Linear, ReLU, Linear); found {found}{more}"
        )
    (k1, W1, b1), (k2, W2, b2) = layers
    if W1.ndim != 2 or W2.ndim != 2:
        raise UnsupportedArchitectureError(f"{k1} and {k2} must be 2-d weight matrices")
    return ShallowNetwork(W1, b1, W2, b2)


def _module_ops(module) -> list[tuple[str, Any]]:
    """The sequence of operations of a torch module: by torch.fx when it traces, else by
    walking its leaf children in order."""
    torch = _require("torch", "torch")

    try:
        graph = torch.fx.symbolic_trace(module).graph
    except Exception:  # untraceable (data-dependent control flow): walk the children
        return [(type(m).__name__, m) for m in module.modules() if not list(m.children())]
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
    any module with exactly that structure), or from a state dict.

    Raises
    ------
    UnsupportedArchitectureError
        Naming the operations found, for any other structure.

    Examples
    --------
    >>> import torch  # doctest: +SKIP
    >>> nn = torch.nn  # doctest: +SKIP
    >>> model = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2))  # doctest: +SKIP
    >>> net = from_torch(model)  # doctest: +SKIP
    """
    if isinstance(module, Mapping):
        return from_state_dict(module)
    ops = [(name, m) for name, m in _module_ops(module) if name not in ("Identity", "Flatten")]
    names = [name for name, _ in ops]
    if names != ["Linear", "ReLU", "Linear"]:
        raise UnsupportedArchitectureError(
            f"expected Linear, ReLU, Linear; found {', '.join(names) or 'no operations'}"
        )
    first, second = ops[0][1], ops[2][1]
    for layer in (first, second):
        if layer.bias is None:
            raise UnsupportedArchitectureError("a Linear layer without bias is not supported")
    return ShallowNetwork(
        _float_array(first.weight, "W1"),
        _float_array(first.bias, "b1"),
        _float_array(second.weight, "W2"),
        _float_array(second.bias, "b2"),
    )


def to_torch(net: ShallowNetwork, *, dtype=None):
    """``nn.Sequential(Linear(d, h), ReLU(), Linear(h, k))`` with the network's weights
    (rounded to ``dtype``, float64 by default).

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> model = to_torch(ShallowNetwork([[1]], [0], [[2]], [0]))  # doctest: +SKIP
    >>> from_torch(model) == ShallowNetwork([[1]], [0], [[2]], [0])  # doctest: +SKIP
    """
    torch = _require("torch", "torch")
    nn = torch.nn
    dtype = torch.float64 if dtype is None else dtype
    W1, b1, W2, b2 = net.to_numpy()
    model = nn.Sequential(nn.Linear(net.d, net.h), nn.ReLU(), nn.Linear(net.h, net.k)).to(dtype)
    with torch.no_grad():
        for param, value in zip(model.parameters(), (W1, b1, W2, b2), strict=True):
            param.copy_(torch.as_tensor(value, dtype=dtype))
    return model


def from_safetensors(path: str | os.PathLike) -> ShallowNetwork:
    """A network from a safetensors file of a Linear, ReLU, Linear state dict (numpy backend).

    Examples
    --------
    >>> net = from_safetensors('model.safetensors')  # doctest: +SKIP
    """
    load_file = _require("safetensors.numpy", "onnx").load_file
    try:
        state = load_file(os.fspath(path))
    except Exception as err:  # the format's own errors: report them as bad input
        raise InvalidNetworkError(
            f"{os.fspath(path)} is not a readable safetensors file: {err}"
        ) from None
    return from_state_dict(state)


def _onnx_attribute(node, name: str, default):
    for attr in node.attribute:
        if attr.name == name:
            return attr.f if attr.type == attr.FLOAT else attr.i
    return default


def from_onnx(model: Any) -> ShallowNetwork:
    """A network from an ONNX model (path or ``ModelProto``): Gemm (with transA, transB, alpha,
    beta) or MatMul + Add, then Relu, then Gemm or MatMul + Add.

    Raises
    ------
    UnsupportedArchitectureError
        Naming the operators found, for any other graph.

    Examples
    --------
    >>> net = from_onnx('model.onnx')  # doctest: +SKIP
    """
    onnx = _require("onnx", "onnx")
    numpy_helper = _require("onnx.numpy_helper", "onnx")
    if not isinstance(model, onnx.ModelProto):
        try:
            model = onnx.load(os.fspath(model))
        except Exception as err:
            raise InvalidNetworkError(f"{model} is not a readable ONNX file: {err}") from None
    inits = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in model.graph.initializer}
    nodes = list(model.graph.node)
    ops = [n.op_type for n in nodes]
    layers, relus, i = [], 0, 0
    while i < len(nodes):
        node = nodes[i]
        if node.op_type == "Gemm":
            if _onnx_attribute(node, "transA", 0):
                raise UnsupportedArchitectureError(
                    "Gemm with transA=1 is not a layer on row inputs"
                )
            B, C = (
                inits.get(node.input[1]),
                inits.get(node.input[2]) if len(node.input) > 2 else None,
            )
            if B is None:
                raise UnsupportedArchitectureError(
                    f"Gemm {node.name!r}: its weight is not a constant"
                )
            alpha, beta = _onnx_attribute(node, "alpha", 1.0), _onnx_attribute(node, "beta", 1.0)
            if B.ndim != 2:
                raise UnsupportedArchitectureError(f"Gemm {node.name!r}: weight is {B.ndim}-d")
            W = (B if _onnx_attribute(node, "transB", 0) else B.T) * alpha
            bias = np.zeros(W.shape[0]) if C is None else _bias(C * beta, W.shape[0], "Gemm")
            layers.append((W, bias))
            i += 1
        elif node.op_type == "MatMul" and i + 1 < len(nodes) and nodes[i + 1].op_type == "Add":
            B = inits.get(node.input[1])
            add = nodes[i + 1]
            C = next((inits[x] for x in add.input if x in inits), None)
            if B is None or C is None:
                raise UnsupportedArchitectureError("MatMul + Add needs constant weight and bias")
            if B.ndim != 2:
                raise UnsupportedArchitectureError(f"MatMul {node.name!r}: weight is {B.ndim}-d")
            layers.append((B.T, _bias(C, B.shape[1], "Add")))
            i += 2
        elif node.op_type == "Relu":
            relus += 1
            if len(layers) != 1:
                break
            i += 1
        else:
            break
    if len(layers) != 2 or relus != 1 or i != len(nodes):
        raise UnsupportedArchitectureError(
            f"expected Gemm (or MatMul+Add), Relu, Gemm (or MatMul+Add); found {', '.join(ops)}"
        )
    (W1, b1), (W2, b2) = layers
    return ShallowNetwork(W1, b1, W2, b2)


def _bias(values: np.ndarray, width: int, op: str) -> np.ndarray:
    """An ONNX bias as a vector of the layer's width (a scalar or a (width,) or (1, width)
    array broadcasts; anything else is not a layer's bias)."""
    try:
        return np.broadcast_to(values.reshape(-1) if values.size == width else values, (width,))
    except ValueError:
        raise UnsupportedArchitectureError(
            f"{op}: a bias of shape {values.shape} does not fit a layer of width {width}"
        ) from None


def to_npz(net: ShallowNetwork, path: str | os.PathLike) -> None:
    """Save W1, b1, W2, b2 as exact rational strings (and d) in an NPZ file.

    Examples
    --------
    >>> import os, tempfile
    >>> from shallowsym import ShallowNetwork
    >>> path = os.path.join(tempfile.mkdtemp(), 'net.npz')
    >>> to_npz(ShallowNetwork([['1/3']], [0], [[1]], [0]), path)
    >>> from_npz(path)
    ShallowNetwork(W1=[[1/3]], b1=[0], W2=[[1]], b2=[0])
    """
    data = net.to_dict()
    np.savez(
        path,
        W1=np.array(data["W1"], dtype=str).reshape(net.h, net.d),
        b1=np.array(data["b1"], dtype=str).reshape(net.h),
        W2=np.array(data["W2"], dtype=str).reshape(net.k, net.h),
        b2=np.array(data["b2"], dtype=str),
    )


def from_npz(path: str | os.PathLike) -> ShallowNetwork:
    """A network from an NPZ file with arrays W1, b1, W2, b2 (numeric or exact strings).

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> path = os.path.join(tempfile.mkdtemp(), 'net.npz')
    >>> np.savez(path, W1=np.ones((1, 1)), b1=np.zeros(1), W2=np.ones((1, 1)), b2=np.zeros(1))
    >>> from_npz(path)
    ShallowNetwork(W1=[[1]], b1=[0], W2=[[1]], b2=[0])
    """
    try:
        with np.load(os.fspath(path), allow_pickle=False) as data:
            missing = [k for k in ("W1", "b1", "W2", "b2") if k not in data.files]
            if missing:
                raise InvalidNetworkError(f"the NPZ file has no {', '.join(missing)}")
            arrays = [data[k] for k in ("W1", "b1", "W2", "b2")]
    except (ValueError, OSError, zipfile.BadZipFile, EOFError) as err:
        if isinstance(err, InvalidNetworkError):
            raise
        raise InvalidNetworkError(f"{os.fspath(path)} is not a readable NPZ file: {err}") from None
    arrays = [a.astype(object) if a.dtype.kind == "U" else a for a in arrays]
    return ShallowNetwork(*arrays)


def _from_pt(path: str | os.PathLike) -> ShallowNetwork:
    torch = _require("torch", "torch")

    try:
        state = torch.load(os.fspath(path), map_location="cpu", weights_only=True)
    except Exception as err:  # weights_only refuses code; any failure is bad input
        raise InvalidNetworkError(
            f"{os.fspath(path)} is not a readable PyTorch state dict: {_first_line(err)}"
        ) from None
    return from_state_dict(state)


def _first_line(err: BaseException) -> str:
    """The first line of an exception's message, or its type when the message is empty."""
    lines = str(err).strip().splitlines()
    return lines[0] if lines else type(err).__name__


def load(path: str | os.PathLike) -> ShallowNetwork:
    """Read a network from any supported file, chosen by extension: .json, .npz,
    .safetensors, .onnx, .pt / .pth (a state dict, loaded with weights_only=True).

    Examples
    --------
    >>> import os, tempfile
    >>> from shallowsym import ShallowNetwork
    >>> path = os.path.join(tempfile.mkdtemp(), 'net.json')
    >>> ShallowNetwork([[1]], [0], [[2]], [0]).save(path)
    >>> load(path)
    ShallowNetwork(W1=[[1]], b1=[0], W2=[[2]], b2=[0])
    >>> load('model.h5')  # doctest: +SKIP
    """
    suffix = Path(path).suffix.lower()
    if suffix not in EXTENSIONS:
        raise InvalidNetworkError(
            f"cannot tell the format of {os.fspath(path)!r}; use one of {', '.join(EXTENSIONS)}"
        )
    if not Path(path).exists():
        raise InvalidNetworkError(f"{os.fspath(path)} does not exist")
    if suffix == ".json":
        return ShallowNetwork.load(path)
    if suffix == ".npz":
        return _with_path(path, from_npz)
    if suffix == ".safetensors":
        return _with_path(path, from_safetensors)
    if suffix == ".onnx":
        return _with_path(path, from_onnx)
    return _with_path(path, _from_pt)


def _with_path(path, reader):
    try:
        return reader(path)
    except UnsupportedArchitectureError as err:
        raise UnsupportedArchitectureError(f"{os.fspath(path)}: {err}") from None
    except InvalidNetworkError as err:
        if os.fspath(path) in str(err):
            raise
        raise InvalidNetworkError(f"{os.fspath(path)}: {err}") from None


def _state_arrays(net: ShallowNetwork) -> dict[str, np.ndarray]:
    W1, b1, W2, b2 = net.to_numpy()
    return {"0.weight": W1, "0.bias": b1, "2.weight": W2, "2.bias": b2}


def to_safetensors(net: ShallowNetwork, path: str | os.PathLike) -> None:
    """Save a float64 state dict (``0.weight``, ``0.bias``, ``2.weight``, ``2.bias``) as
    safetensors (numpy backend). Rounded to float64: exact only for numbers that are doubles.

    Examples
    --------
    >>> to_safetensors(ShallowNetwork([[1]], [0], [[2]], [0]), 'net.safetensors')  # doctest: +SKIP
    """
    save_file = _require("safetensors.numpy", "onnx").save_file
    save_file({k: np.ascontiguousarray(v) for k, v in _state_arrays(net).items()}, os.fspath(path))


def to_onnx(net: ShallowNetwork, path: str | os.PathLike | None = None):
    """An ONNX model Gemm (transB = 1), Relu, Gemm with float64 weights (input ``x`` of shape
    (N, d), output ``y``), written to ``path`` when given; returns the ``ModelProto``.
    Rounded to float64: exact only for numbers that are doubles.

    Examples
    --------
    >>> from_onnx(to_onnx(ShallowNetwork([[1]], ['1/2'], [[2]], [0])))  # doctest: +SKIP
    ShallowNetwork(W1=[[1]], b1=[1/2], W2=[[2]], b2=[0])
    """
    onnx = _require("onnx", "onnx")
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

    Examples
    --------
    >>> import os, tempfile
    >>> from shallowsym import ShallowNetwork
    >>> path = os.path.join(tempfile.mkdtemp(), 'net.npz')
    >>> save(ShallowNetwork([[1]], ['0.1'], [[2]], [0]), path)
    True
    >>> load(path).b1
    (Fraction(1, 10),)
    """
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
        torch = _require("torch", "torch")
        torch.save(to_torch(net).state_dict(), os.fspath(path))
    elif suffix == ".safetensors":
        to_safetensors(net, path)
    else:
        to_onnx(net, path)
    return from_state_dict(_state_arrays(net)) == net
