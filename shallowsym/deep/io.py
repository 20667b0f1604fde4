"""Reading deep ReLU networks: arrays, state dicts, PyTorch, NPZ, safetensors and ONNX.

The readers of :mod:`shallowsym.io`, for any depth: this module goes through that module's
internal API (:func:`~shallowsym.io.tensor_array`, :func:`~shallowsym.io.state_chain`,
:func:`~shallowsym.io.state_file`, :func:`~shallowsym.io.npz_arrays`,
:func:`~shallowsym.io.torch_chain`, :func:`~shallowsym.io.onnx_chain`), so the same checks
apply: floats are converted exactly (through :mod:`shallowsym.rationals`), files are read as
bounded regular files within :mod:`shallowsym.caps`, nothing runs code from a file (NPZ with
``allow_pickle=False``, ``torch.load(weights_only=True)``, safetensors through its numpy
backend, ONNX graphs only inspected), state-dict layers are ordered by how their shapes
chain (then by their names, or by ``keys=``), and a state dict, which does not record its
activation, is read with ReLU assumed and a :class:`~shallowsym.io.ReLUAssumedWarning`. A
model that is not a chain of affine layers with a ReLU between consecutive ones raises
:class:`~shallowsym.io.UnsupportedArchitectureError` naming what was found.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .. import io as shallow_io
from ..errors import InvalidNetworkError
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


def _warn_relu(what: str) -> None:
    warnings.warn(f"{what}: {shallow_io.RELU_ASSUMED}", shallow_io.ReLUAssumedWarning, stacklevel=3)


def _array(value: Any, name: str) -> Any:
    """Tensors and arrays through :func:`shallowsym.io.tensor_array`; lists as they are."""
    if hasattr(value, "detach") or isinstance(value, np.ndarray):
        return shallow_io.tensor_array(value, name)
    return value


def _state_network(state: Any, keys: Sequence[str] | None) -> DeepNetwork:
    layers = shallow_io.state_chain(state, keys=keys, bias_required=False)
    return DeepNetwork([W for _, W, _ in layers], [b for _, _, b in layers])


def from_arrays(weights: Sequence[Any], biases: Sequence[Any]) -> DeepNetwork:
    """A network from lists of weight (out, in) and bias arrays (numpy, torch or lists).

    Parameters
    ----------
    weights : sequence of array-like
        W_1, ..., W_L, W_l of shape (n_l, n_{l-1}): numpy arrays, torch tensors (read through
        :func:`shallowsym.io.tensor_array`) or nested lists of exact numbers.
    biases : sequence of array-like
        b_1, ..., b_L, b_l of length n_l.

    Returns
    -------
    DeepNetwork
        The network, every entry converted exactly.

    Raises
    ------
    TypeError
        If ``weights`` or ``biases`` is not a sequence (a string is not one).
    InvalidNetworkError
        If there is no layer, a bias does not match its weight, consecutive layers do not
        chain, an entry is NaN, infinite or not a number, or a tensor cannot be read.

    Examples
    --------
    >>> import numpy as np
    >>> from_arrays([np.ones((2, 1)), np.ones((1, 2))], [np.zeros(2), np.array([0.5])])
    DeepNetwork(weights=[[[1], [1]], [[1, 1]]], biases=[[0, 0], [1/2]])

    References
    ----------
    * proofs/deep.md section 1 (the network f(x) = W_L s(... s(W_1 x + b_1) ...) + b_L, W_l
      of shape (n_l, n_{l-1}) as ``nn.Linear`` stores it).
    * docs/theory.md section 11 (deep networks); floats are read as the exact binary
      rationals they are (docs/theory.md section 1).
    """
    if isinstance(weights, str | bytes) or not isinstance(weights, Sequence):
        raise TypeError(f"weights must be a sequence of arrays, not {type(weights).__name__}")
    if isinstance(biases, str | bytes) or not isinstance(biases, Sequence):
        raise TypeError(f"biases must be a sequence of arrays, not {type(biases).__name__}")
    return DeepNetwork(
        [_array(W, f"weights[{n}]") for n, W in enumerate(weights)],
        [_array(b, f"biases[{n}]") for n, b in enumerate(biases)],
    )


def from_state_dict(state: Mapping[str, Any], *, keys: Sequence[str] | None = None) -> DeepNetwork:
    """A network from a state dict of linear layers ``<name>.weight`` / ``<name>.bias`` (or a
    checkpoint holding one under ``state_dict``, ``model_state_dict`` or ``model``).

    The layers are ordered by how their shapes chain; when several orders chain, by their
    names (``0``/``2``/``4``, ``fc1``/``fc2``...), or by ``keys``. A layer without bias gets
    zeros. ReLU is assumed between layers, with a
    :class:`~shallowsym.io.ReLUAssumedWarning`.

    Parameters
    ----------
    state
        A mapping from names to tensors or arrays.
    keys
        Keyword-only: the layer names in network order, when shapes and names do not decide.

    Returns
    -------
    DeepNetwork
        The network, every entry converted exactly.

    Raises
    ------
    UnsupportedArchitectureError
        If a key is not a weight or bias, a bias has no weight, or the shapes do not chain.
    InvalidNetworkError
        If ``state`` is not a mapping, ``keys`` names a layer the state dict does not have,
        or a tensor cannot be read (sparse, quantized, over the caps...).

    Examples
    --------
    >>> import numpy as np, warnings
    >>> state = {'4.weight': np.ones((1, 3)), '4.bias': np.zeros(1),
    ...          '0.weight': np.ones((2, 1)), '0.bias': np.zeros(2),
    ...          '2.weight': np.ones((3, 2)), '2.bias': np.zeros(3)}
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     from_state_dict(state).architecture
    (1, 2, 3, 1)

    References
    ----------
    * proofs/deep.md section 1 (the network f(x) = W_L s(... s(W_1 x + b_1) ...) + b_L, W_l
      of shape (n_l, n_{l-1}) as ``nn.Linear`` stores it).
    * docs/theory.md section 11 (deep networks); floats are read as the exact binary
      rationals they are (docs/theory.md section 1).
    """
    net = _state_network(state, keys)
    _warn_relu("state dict")
    return net


def from_torch(module: Any) -> DeepNetwork:
    """A network from an ``nn.Sequential`` (nested allowed) of ``Linear`` layers with one
    ``ReLU`` between consecutive ones (``Identity``, ``Flatten`` and ``Dropout`` are skipped:
    the model is read as in evaluation mode), or from a state dict.

    Parameters
    ----------
    module : torch.nn.Module or mapping
        The model, or a state dict (read by :func:`from_state_dict`, ReLU assumed with a
        warning).

    Returns
    -------
    DeepNetwork
        The network, weights and biases converted exactly (zeros for a ``Linear`` without
        bias).

    Raises
    ------
    UnsupportedArchitectureError
        Naming the modules found, for any other structure (an InvalidNetworkError).
    InvalidNetworkError
        If ``module`` is neither a ``torch.nn.Module`` nor a state dict (also when torch is
        not imported), or a tensor cannot be read; as :func:`from_state_dict` for a state
        dict.

    Examples
    --------
    >>> import torch  # doctest: +SKIP
    >>> nn = torch.nn  # doctest: +SKIP
    >>> model = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 4), nn.ReLU(),
    ...                       nn.Linear(4, 2))  # doctest: +SKIP
    >>> from_torch(model).architecture  # doctest: +SKIP
    (3, 5, 4, 2)

    References
    ----------
    * proofs/deep.md section 1 (the network f(x) = W_L s(... s(W_1 x + b_1) ...) + b_L, W_l
      of shape (n_l, n_{l-1}) as ``nn.Linear`` stores it).
    * docs/theory.md section 11 (deep networks); floats are read as the exact binary
      rationals they are (docs/theory.md section 1).
    """
    if isinstance(module, Mapping):
        return from_state_dict(module)
    linears = shallow_io.torch_chain(module)
    return DeepNetwork(
        [shallow_io.tensor_array(m.weight, f"layer {n} weight") for n, m in enumerate(linears)],
        [
            np.zeros(m.out_features)
            if m.bias is None
            else shallow_io.tensor_array(m.bias, f"layer {n} bias")
            for n, m in enumerate(linears)
        ],
    )


def to_npz(net: DeepNetwork, path: str | os.PathLike) -> None:
    """Save W1, b1, ..., WL, bL as exact rational strings in an NPZ file.

    Parameters
    ----------
    net : DeepNetwork
        The network to save.
    path : str or os.PathLike
        The file to write (numpy appends ``.npz`` when the name lacks it).

    Returns
    -------
    None
        The file holds one string array per weight and bias, read back exactly by
        :func:`from_npz`.

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`DeepNetwork`.
    OSError
        If the file cannot be written (for example, a missing directory).

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), 'net.npz')
    >>> net = DeepNetwork([[['1/3']], [[2]], [[1]]], [[0], [1], [0]])
    >>> to_npz(net, path)
    >>> from_npz(path) == net
    True

    References
    ----------
    * proofs/deep.md section 1 (the network f(x) = W_L s(... s(W_1 x + b_1) ...) + b_L, W_l
      of shape (n_l, n_{l-1}) as ``nn.Linear`` stores it).
    * docs/theory.md section 11 (deep networks); floats are read as the exact binary
      rationals they are (docs/theory.md section 1).
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


def from_npz(path: str | os.PathLike, *, keys: Sequence[str] | None = None) -> DeepNetwork:
    """A network from an NPZ file with arrays W1, b1, W2, b2, ..., WL, bL (numeric or exact
    strings) or with state-dict keys (``0.weight``, ``0.bias``, ...: read as by
    :func:`from_state_dict`, ReLU assumed with a warning). Sizes are checked before arrays
    are read; pickled objects are never read.

    Parameters
    ----------
    path : str or os.PathLike
        The NPZ file.
    keys : sequence of str, optional, keyword-only
        For state-dict keys: the layer names in network order (see :func:`from_state_dict`).

    Returns
    -------
    DeepNetwork
        The network, every entry converted exactly.

    Raises
    ------
    InvalidNetworkError
        If the file does not exist or cannot be read within the caps, has no W1 or misses a
        bias, or its arrays do not form a network (shapes, NaN, infinite entries);
        :class:`~shallowsym.io.UnsupportedArchitectureError` for state-dict keys that do not
        chain.
    TypeError
        If ``path`` is not a str or os.PathLike.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), 'net.npz')
    >>> np.savez(path, W1=np.ones((2, 1)), b1=np.zeros(2), W2=np.ones((1, 2)), b2=np.zeros(1),
    ...          W3=np.ones((1, 1)), b3=np.zeros(1))
    >>> from_npz(path).architecture
    (1, 2, 1, 1)

    References
    ----------
    * proofs/deep.md section 1 (the network f(x) = W_L s(... s(W_1 x + b_1) ...) + b_L, W_l
      of shape (n_l, n_{l-1}) as ``nn.Linear`` stores it).
    * docs/theory.md section 11 (deep networks); floats are read as the exact binary
      rationals they are (docs/theory.md section 1).
    """
    arrays = shallow_io.npz_arrays(path)
    if keys is not None or any(k.endswith("weight") for k in arrays):
        net = _state_network(arrays, keys)
        _warn_relu(os.fspath(path))
        return net
    arrays = {k: (a.astype(object) if a.dtype.kind == "U" else a) for k, a in arrays.items()}
    n = 1
    while f"W{n}" in arrays:
        n += 1
    if n < 2:
        raise InvalidNetworkError(
            f"{os.fspath(path)}: the NPZ file has no W1 (expected W1, b1, ..., WL, bL)"
        )
    missing = [f"b{i}" for i in range(1, n) if f"b{i}" not in arrays]
    if missing:
        raise InvalidNetworkError(f"{os.fspath(path)}: the NPZ file has no {', '.join(missing)}")
    return DeepNetwork(
        [arrays[f"W{i}"] for i in range(1, n)], [arrays[f"b{i}"] for i in range(1, n)]
    )


def from_safetensors(path: str | os.PathLike, *, keys: Sequence[str] | None = None) -> DeepNetwork:
    """A network from a safetensors file of linear layers (numpy backend, no torch), ordered
    as in :func:`from_state_dict`; ReLU assumed, with a warning.

    Parameters
    ----------
    path : str or os.PathLike
        The safetensors file.
    keys : sequence of str, optional, keyword-only
        The layer names in network order, when shapes and names do not decide.

    Returns
    -------
    DeepNetwork
        The network, every entry converted exactly.

    Raises
    ------
    InvalidNetworkError
        If the file does not exist, is not a readable safetensors file, or holds tensors
        that cannot be read; :class:`~shallowsym.io.UnsupportedArchitectureError` if its
        layers do not chain.
    MissingDependencyError
        If safetensors is not installed.

    Examples
    --------
    >>> net = from_safetensors('model.safetensors')  # doctest: +SKIP

    References
    ----------
    * proofs/deep.md section 1 (the network f(x) = W_L s(... s(W_1 x + b_1) ...) + b_L, W_l
      of shape (n_l, n_{l-1}) as ``nn.Linear`` stores it).
    * docs/theory.md section 11 (deep networks); floats are read as the exact binary
      rationals they are (docs/theory.md section 1).
    """
    net = _state_network(shallow_io.state_file(path, "safetensors"), keys)
    _warn_relu(os.fspath(path))
    return net


def from_onnx(model: Any) -> DeepNetwork:
    """A network from an ONNX model (path or ``ModelProto``), followed from its output back
    to its input: affine layers (Gemm with transB, alpha, beta applied exactly; or MatMul +
    Add) with one Relu between consecutive ones; Identity, float Cast, Flatten, Reshape to
    rows and inference Dropout skipped (as :func:`shallowsym.io.from_onnx`, for any depth).

    Parameters
    ----------
    model : str, os.PathLike or onnx.ModelProto
        The model file or the loaded model; the graph is only inspected, never run.

    Returns
    -------
    DeepNetwork
        The network, every entry converted exactly.

    Raises
    ------
    UnsupportedArchitectureError
        Naming the first node on the path that does not fit.
    InvalidNetworkError
        If ``model`` is neither a path nor a ``ModelProto``, the file does not exist or
        cannot be read.
    MissingDependencyError
        If onnx is not installed.

    Examples
    --------
    >>> net = from_onnx('model.onnx')  # doctest: +SKIP

    References
    ----------
    * proofs/deep.md section 1 (the network f(x) = W_L s(... s(W_1 x + b_1) ...) + b_L, W_l
      of shape (n_l, n_{l-1}) as ``nn.Linear`` stores it).
    * docs/theory.md section 11 (deep networks); floats are read as the exact binary
      rationals they are (docs/theory.md section 1).
    """
    layers = shallow_io.onnx_chain(model)
    return DeepNetwork([W for W, _, _ in layers], [b for _, b, _ in layers])


def _from_pt(path: str | os.PathLike, keys: Sequence[str] | None) -> DeepNetwork:
    state = shallow_io.state_file(path, "pt")
    if not isinstance(state, Mapping):
        raise InvalidNetworkError(
            f"{os.fspath(path)} holds a {type(state).__name__}, not a state dict"
        )
    net = _state_network(state, keys)
    _warn_relu(os.fspath(path))
    return net


def _from_json(path: str | os.PathLike) -> DeepNetwork:
    from ..network import ShallowNetwork

    try:
        return DeepNetwork.load(path)
    except InvalidNetworkError as err:
        if "'shallowsym.ShallowNetwork'" not in str(err):
            raise
    return DeepNetwork.from_shallow(ShallowNetwork.load(path))


def load(path: str | os.PathLike, *, keys: Sequence[str] | None = None) -> DeepNetwork:
    """A deep network from a file, by extension: .json (a ``DeepNetwork`` or
    ``ShallowNetwork`` saved by shallowsym), .npz, .safetensors, .onnx, .pt/.pth (a state
    dict or a checkpoint holding one, read with ``weights_only=True``).

    Parameters
    ----------
    path
        The file.
    keys
        Keyword-only, for state dicts: the layer names in network order (see
        :func:`from_state_dict`).

    Returns
    -------
    DeepNetwork
        The network, every entry converted exactly.

    Raises
    ------
    InvalidNetworkError
        For every kind of bad input, naming the file: a path that is not a str or
        os.PathLike, an unknown extension, a missing or unreadable file
        (:class:`~shallowsym.io.UnsupportedArchitectureError` for a model that is not a
        chain of affine layers with ReLU between them).
    MissingDependencyError
        If the reader for the extension needs an optional package that is not installed.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), 'net.json')
    >>> net = DeepNetwork([[[1]], [[2]], [[3]]], [[0], [0], [0]])
    >>> net.save(path)
    >>> load(path) == net
    True

    References
    ----------
    * proofs/deep.md section 1 (the network f(x) = W_L s(... s(W_1 x + b_1) ...) + b_L, W_l
      of shape (n_l, n_{l-1}) as ``nn.Linear`` stores it).
    * docs/theory.md section 11 (deep networks); floats are read as the exact binary
      rationals they are (docs/theory.md section 1).
    """
    if not isinstance(path, str | os.PathLike):
        raise InvalidNetworkError(
            f"a file path must be a str or os.PathLike, not {type(path).__name__}"
        )
    name = os.fspath(path)
    suffix = Path(name).suffix.lower()
    if suffix not in shallow_io.EXTENSIONS:
        raise InvalidNetworkError(
            f"cannot tell the format of {name!r}; use one of {', '.join(shallow_io.EXTENSIONS)}"
        )
    try:
        if suffix == ".json":
            return _from_json(path)
        if suffix == ".npz":
            return from_npz(path, keys=keys)
        if suffix == ".safetensors":
            return from_safetensors(path, keys=keys)
        if suffix == ".onnx":
            return from_onnx(path)
        return _from_pt(path, keys)
    except InvalidNetworkError as err:
        if name in str(err):
            raise
        raise type(err)(f"{name}: {err}") from None
