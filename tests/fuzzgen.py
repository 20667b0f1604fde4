"""Structure-aware fuzzing of every reader: valid files mutated field by field.

``mutants(target, seed)`` builds one input for a target from a valid seed file: it parses the
file's structure (JSON fields, NPZ arrays, safetensors header entries, state-dict tensors, ONNX
nodes, attributes and tensors), changes one or two fields to a hostile value, and writes the
file back (or corrupts its bytes). ``attempt(reader)`` classifies the outcome: a network, a
documented error (InvalidNetworkError and its subclasses, MissingDependencyError), or a wrong
kind. ``CRAFTED`` holds the crafted families of issue 15 (each must be refused by name).
Used by ``tests/test_fuzz.py`` (a sample) and ``tests/fuzz_campaign.py`` (>= 10^5 inputs).
"""

from __future__ import annotations

import copy
import io as stdio
import json
import os
import random
import struct
import zipfile

import numpy as np

from shallowsym import InvalidNetworkError, MissingDependencyError, ShallowNetwork, io

TARGETS = (
    "json",
    "npz",
    "npz_state",
    "safetensors",
    "pt",
    "onnx",
    "state_dict",
    "constructor",
    "sklearn",
    "torch_module",
)

HOSTILE_SCALARS = [
    0,
    -1,
    10**9,
    -(10**9),
    1.5,
    float("nan"),
    float("inf"),
    True,
    None,
    "",
    "1/0",
    "١٢",
    "1e١",
    "1e999999999",
    "7" * 5000,
    "-0.0",
    "0x10",
    [],
    [[]],
    {},
    "nan",
    2**64,
    -(2**63),
]


def _pick(rng: random.Random, values):
    return copy.deepcopy(values[rng.randrange(len(values))])


def _seed_net(rng: random.Random) -> ShallowNetwork:
    d, h, k = rng.randint(1, 3), rng.randint(0, 4), rng.randint(1, 2)
    return ShallowNetwork(
        [[rng.randint(-3, 3) for _ in range(d)] for _ in range(h)] if h else np.zeros((0, d)),
        [rng.randint(-3, 3) for _ in range(h)],
        [[rng.randint(-3, 3) for _ in range(h)] for _ in range(k)] if h else np.zeros((k, 0)),
        [rng.randint(-3, 3) for _ in range(k)],
    )


def _hostile_array(rng: random.Random, array: np.ndarray) -> np.ndarray:
    try:
        return _hostile_change(rng, array)
    except (ValueError, TypeError):  # numpy refuses this change: keep the array
        return array


def _hostile_change(rng: random.Random, array: np.ndarray) -> np.ndarray:
    choice = rng.randrange(9)
    if choice == 0:
        return array.reshape(-1)
    if choice == 1:
        return array[..., None]
    if choice == 2:
        shape = [max(0, n + rng.choice((-1, 1))) for n in array.shape] or [1]
        return np.ones(shape, dtype=array.dtype if array.dtype.kind in "fiu" else float)
    if choice == 3:
        return array.astype(np.complex64)
    if choice == 4:
        return array.astype(bool)
    if choice == 5:
        return np.full(array.shape, _pick(rng, [np.nan, np.inf, -np.inf, 1e308, 5e-324]))
    if choice == 6:
        return array.astype(np.float16)
    if choice == 7:
        return np.array([str(_pick(rng, HOSTILE_SCALARS))] * max(array.size, 1))
    return np.zeros((0,) * max(array.ndim, 1))


def _corrupt_bytes(rng: random.Random, data: bytes) -> bytes:
    data = bytearray(data)
    choice = rng.randrange(4)
    if choice == 0 and data:
        return bytes(data[: rng.randrange(len(data))])
    if choice == 1 and data:
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    if choice == 2:
        pos = rng.randrange(len(data) + 1)
        return bytes(data[:pos] + os.urandom(rng.randint(1, 16)) + data[pos:])
    return bytes(data) * 2


def _written(rng, folder: str, name: str, raw: bytes, corrupt: float):
    """Write ``raw`` (its bytes corrupted with probability ``corrupt``); a reader of it."""
    if rng.random() < corrupt:
        raw = _corrupt_bytes(rng, raw)
    path = os.path.join(folder, name)
    with open(path, "wb") as fh:
        fh.write(raw)
    return lambda: io.load(path)


# -- per-target mutants: each returns a zero-argument reader ---------------------------------
def _json(rng, folder):
    data = _seed_net(rng).to_dict()
    for _ in range(rng.randint(1, 2)):
        key = _pick(rng, sorted(data))
        value = data[key]
        if isinstance(value, list) and value and rng.random() < 0.6:
            row = rng.randrange(len(value))
            if isinstance(value[row], list) and value[row] and rng.random() < 0.5:
                value[row][rng.randrange(len(value[row]))] = _pick(rng, HOSTILE_SCALARS)
            else:
                value[row] = _pick(rng, HOSTILE_SCALARS)
        elif rng.random() < 0.2:
            del data[key]
        else:
            data[key] = _pick(rng, HOSTILE_SCALARS)
    text = json.dumps(data).replace('"' + "7" * 5000 + '"', "7" * 5000, rng.randrange(2))
    return _written(rng, folder, "f.json", text.encode(), 0.2)


def _npz_arrays(rng):
    net = _seed_net(rng)
    W1, b1, W2, b2 = net.to_numpy()
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def _mutate_arrays(rng, arrays):
    for _ in range(rng.randint(1, 2)):
        key = _pick(rng, sorted(arrays))
        choice = rng.randrange(4)
        if choice == 0:
            arrays.pop(key)
        elif choice == 1:
            arrays[key + _pick(rng, ["x", ".weight", "", "0"])] = arrays.pop(key)
        else:
            arrays[key] = _hostile_array(rng, arrays[key])
    return arrays


def _write_npz(rng, folder, arrays):
    path = os.path.join(folder, "f.npz")
    saver = np.savez_compressed if rng.random() < 0.5 else np.savez
    saver(path, **arrays)
    if rng.random() < 0.15:
        with open(path, "rb") as fh:
            raw = _corrupt_bytes(rng, fh.read())
        with open(path, "wb") as fh:
            fh.write(raw)
    return path


def _npz(rng, folder):
    path = _write_npz(rng, folder, _mutate_arrays(rng, _npz_arrays(rng)))
    return lambda: io.load(path)


def _state(rng):
    net = _seed_net(rng)
    W1, b1, W2, b2 = net.to_numpy()
    names = _pick(rng, [("0", "2"), ("fc1", "fc2"), ("encoder", "decoder"), ("a", "b")])
    state = {
        f"{names[1]}.weight": W2,
        f"{names[1]}.bias": b2,
        f"{names[0]}.weight": W1,
        f"{names[0]}.bias": b1,
    }
    return dict(sorted(state.items())) if rng.random() < 0.5 else state


def _npz_state(rng, folder):
    path = _write_npz(rng, folder, _mutate_arrays(rng, _state(rng)))
    return lambda: io.load(path)


_ST_TYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "U8": "u1"}


def _safetensors(rng, folder):
    state = _state(rng)
    header, blobs, offset = {}, [], 0
    for name, array in state.items():
        blob = np.ascontiguousarray(array, dtype="<f8").tobytes()
        header[name] = {
            "dtype": "F64",
            "shape": list(array.shape),
            "data_offsets": [offset, offset + len(blob)],
        }
        blobs.append(blob)
        offset += len(blob)
    for _ in range(rng.randint(1, 2)):
        name = _pick(rng, sorted(header))
        entry = header[name]
        if not isinstance(entry, dict):
            continue
        field = rng.randrange(6)
        if field == 0:
            entry["dtype"] = _pick(rng, [*_ST_TYPES, "BF16", "STR", "", 7])
        elif field == 1:
            entry["shape"] = _pick(rng, [[10**9, 10**9], [-1], [], [0, 3], "x", [2**63]])
        elif field == 2:
            entry["data_offsets"] = _pick(rng, [[0, 10**12], [5, 3], [0], "a", [-8, 0]])
        elif field == 3:
            header[_pick(rng, ["x", "0.weight", "w.weight", "__metadata__"])] = header.pop(name)
        elif field == 4:
            header.pop(name)
        else:
            header["__metadata__"] = _pick(rng, [{"format": "pt"}, {"a": 1}, "x"])
    text = json.dumps(header).encode()
    raw = struct.pack("<Q", len(text)) + text + b"".join(blobs)
    return _written(rng, folder, "f.safetensors", raw, 0.15)


def _torch_state(rng, torch):
    state = {k: torch.from_numpy(v.copy()) for k, v in _state(rng).items()}
    for _ in range(rng.randint(1, 2)):
        key = _pick(rng, sorted(state, key=str))
        tensor = state[key]
        if not isinstance(tensor, torch.Tensor) or tensor.numel() > 10**6:
            continue
        try:
            _mutate_tensor(rng, torch, state, key, tensor)
        except (RuntimeError, NotImplementedError, TypeError):  # torch refuses: keep the tensor
            pass
    if rng.random() < 0.3:
        state = {_pick(rng, ["model", "state_dict", "model_state_dict", "net"]): state, "epoch": 3}
    return state


def _mutate_tensor(rng, torch, state, key, tensor):
    choice = rng.randrange(9)
    if choice == 0:
        state[key] = tensor.to_sparse() if tensor.dim() else tensor
    elif choice == 1:
        state[key] = tensor.float().reshape(-1)[:1].expand(10**4, 10**4)
    elif choice == 2:
        state[key] = tensor.to(torch.complex64)
    elif choice == 3:
        state[rng.randint(0, 3)] = state.pop(key)
    elif choice == 4:
        state[key] = _pick(rng, [3, "x", None, [1.0, 2.0], {"a": tensor}])
    elif choice == 5:
        state[key] = tensor.to(_pick(rng, [torch.bfloat16, torch.float16, torch.int8, torch.bool]))
    elif choice == 6:
        state[key] = torch.quantize_per_tensor(tensor.float(), 0.5, 0, torch.qint8)
    elif choice == 7:
        state.pop(key)
    else:
        hostile = _hostile_array(rng, tensor.numpy())
        state[key] = torch.from_numpy(hostile) if hostile.dtype.kind in "fiub" else tensor.t()


def _pt(rng, folder):
    import torch

    state = _torch_state(rng, torch)
    buffer = stdio.BytesIO()
    try:
        torch.save(state, buffer)
    except Exception:  # a state torch cannot save: save a plain one
        torch.save({"x": torch.ones(1)}, buffer)
    return _written(rng, folder, "f.pt", buffer.getvalue(), 0.15)


def _state_dict(rng, folder):
    import torch

    state = _torch_state(rng, torch)
    return lambda: io.from_state_dict(state)


def _onnx_model(rng):
    from onnx import TensorProto, helper, numpy_helper

    net = _seed_net(rng)
    W1, b1, W2, b2 = net.to_numpy()
    style = rng.randrange(2)
    if style == 0:
        nodes = [
            helper.make_node("Gemm", ["x", "B1", "C1"], ["h"], name="g1", transB=1),
            helper.make_node("Relu", ["h"], ["r"], name="relu"),
            helper.make_node("Gemm", ["r", "B2", "C2"], ["y"], name="g2", transB=1),
        ]
        inits = {"B1": W1, "C1": b1, "B2": W2, "C2": b2}
    else:
        nodes = [
            helper.make_node("MatMul", ["x", "B1"], ["m"], name="m1"),
            helper.make_node("Add", ["m", "C1"], ["h"], name="a1"),
            helper.make_node("Relu", ["h"], ["r"], name="relu"),
            helper.make_node("MatMul", ["r", "B2"], ["m2"], name="m2"),
            helper.make_node("Add", ["C2", "m2"], ["y"], name="a2"),
        ]
        inits = {"B1": W1.T, "C1": b1, "B2": W2.T, "C2": b2}
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.DOUBLE, [None, net.d])],
        [helper.make_tensor_value_info("y", TensorProto.DOUBLE, None)],
        [numpy_helper.from_array(np.asarray(v, dtype=np.float64), k) for k, v in inits.items()],
    )
    return helper.make_model(graph)


def _onnx(rng, folder):
    from onnx import helper

    model = _onnx_model(rng)
    graph = model.graph
    for _ in range(rng.randint(1, 2)):
        field = rng.randrange(8)
        if field == 0 and graph.node:
            node = _pick(rng, graph.node)
            node.op_type = _pick(
                rng,
                [
                    "Relu",
                    "Gemm",
                    "MatMul",
                    "Add",
                    "Tanh",
                    "Identity",
                    "Flatten",
                    "Reshape",
                    "Cast",
                    "Constant",
                    "LeakyRelu",
                ],
            )
        elif field == 1 and graph.node:
            node = _pick(rng, graph.node)
            names = ["x", "h", "r", "y", "B1", "C1", "B2", "C2", "m", "m2", "", "nowhere"]
            if node.input and rng.random() < 0.7:
                node.input[rng.randrange(len(node.input))] = _pick(rng, names)
            elif node.input:
                del node.input[rng.randrange(len(node.input))]
            else:
                node.output[0] = _pick(rng, names)
        elif field == 2 and graph.node:
            node = _pick(rng, graph.node)
            name = _pick(rng, ["alpha", "beta", "transA", "transB", "to", "axis"])
            value = _pick(rng, [0, 1, 2.5, "s", [1, 2], [1.0], -1, float("nan"), 1e300])
            del node.attribute[:]
            node.attribute.append(helper.make_attribute(name, value))
        elif field == 3 and graph.initializer:
            tensor = _pick(rng, graph.initializer)
            tensor.data_type = _pick(rng, [0, 1, 8, 9, 14, 16, 7, 11, 99])
        elif field == 4 and graph.initializer:
            tensor = _pick(rng, graph.initializer)
            del tensor.dims[:]
            tensor.dims.extend(_pick(rng, [[10**6, 10**6], [3], [], [0], [2**40], [1, 1, 1]]))
        elif field == 5 and graph.initializer:
            tensor = _pick(rng, graph.initializer)
            tensor.raw_data = tensor.raw_data[: rng.randrange(len(tensor.raw_data) + 1)]
        elif field == 6:
            graph.output[0].name = _pick(rng, ["h", "r", "x", "B1", "zz"])
        elif graph.node:
            del graph.node[rng.randrange(len(graph.node))]
    return _written(rng, folder, "f.onnx", model.SerializeToString(), 0.1)


def _constructor(rng, folder):
    arrays = [np.asarray(a) for a in _seed_net(rng).to_numpy()]
    for _ in range(rng.randint(1, 2)):
        i = rng.randrange(4)
        if rng.random() < 0.5 and isinstance(arrays[i], np.ndarray):
            arrays[i] = _hostile_array(rng, arrays[i])
        else:
            arrays[i] = copy.deepcopy(_pick(rng, HOSTILE_SCALARS))
    return lambda: ShallowNetwork(*arrays)


def _sklearn(rng, folder):
    """A fitted-looking MLPRegressor/MLPClassifier (its learned attributes set from a seed
    network) with one or two attributes replaced by hostile values."""
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    W1, b1, W2, b2 = _seed_net(rng).to_numpy()
    h = W1.shape[0]
    model = (MLPRegressor if rng.random() < 0.5 else MLPClassifier)(hidden_layer_sizes=(h,))
    model.coefs_ = [W1.T.copy(), W2.T.copy()]
    model.intercepts_ = [b1.copy(), b2.copy()]
    model.out_activation_ = "identity"
    model.n_layers_ = 3
    for _ in range(rng.randint(1, 2)):
        try:
            _mutate_model(rng, model, h, b2)
        except (AttributeError, TypeError, IndexError, KeyError):  # an earlier change removed it
            pass
    return lambda: io.from_sklearn(model)


def _mutate_model(rng, model, h, b2):
    field = rng.randrange(7)
    if field == 0:
        i = rng.randrange(2)
        model.coefs_[i] = _hostile_array(rng, model.coefs_[i])
    elif field == 1:
        i = rng.randrange(2)
        model.intercepts_[i] = _hostile_array(rng, model.intercepts_[i])
    elif field == 2:
        model.activation = _pick(rng, ["tanh", "identity", "", None, 3, "RELU"])
    elif field == 3:
        attr = _pick(rng, ["coefs_", "intercepts_"])
        setattr(model, attr, _pick(rng, [*HOSTILE_SCALARS, [np.ones((2, 2))] * 3]))
    elif field == 4:
        model.coefs_.append(np.ones((b2.shape[0], 2)))
        model.intercepts_.append(np.ones(2))
    elif field == 5:
        del model.coefs_
    else:
        model.hidden_layer_sizes = _pick(rng, [(), (h, h), "x", None])


def _torch_module(rng, folder):
    """An ``nn.Sequential`` Linear, ReLU, Linear built from a seed network, with one part
    changed: a weight or bias replaced by a hostile tensor, a layer dropped, added or
    replaced, or a bias removed."""
    import torch

    W1, b1, W2, b2 = _seed_net(rng).to_numpy()
    first = torch.nn.Linear(W1.shape[1], W1.shape[0], dtype=torch.float64)
    second = torch.nn.Linear(W2.shape[1], W2.shape[0], dtype=torch.float64)
    with torch.no_grad():
        for layer, w, b in ((first, W1, b1), (second, W2, b2)):
            layer.weight.copy_(torch.from_numpy(w))
            layer.bias.copy_(torch.from_numpy(b))
    layers = [first, torch.nn.ReLU(), second]
    choice = rng.randrange(6)
    if choice == 0:
        layer = first if rng.random() < 0.5 else second
        name = _pick(rng, ["weight", "bias"])
        hostile = _hostile_array(rng, getattr(layer, name).detach().numpy())
        try:
            tensor = torch.from_numpy(np.ascontiguousarray(hostile))
        except TypeError:  # a string array: torch has no such tensor
            tensor = torch.ones(1)
        setattr(layer, name, torch.nn.Parameter(tensor, requires_grad=False))
    elif choice == 1:
        layers.pop(rng.randrange(3))
    elif choice == 2:
        layers.insert(rng.randrange(4), _pick(rng, [torch.nn.ReLU(), torch.nn.Identity()]))
    elif choice == 3:
        layers[1] = _pick(rng, [torch.nn.Tanh(), torch.nn.LeakyReLU(), torch.nn.Flatten()])
    elif choice == 4:
        (first if rng.random() < 0.5 else second).bias = None
    else:
        module = torch.nn.Sequential(*layers)
        return lambda: io.from_torch(_pick(rng, [None, 3, "x", [module], module.state_dict()]))
    module = torch.nn.Sequential(*layers)
    return lambda: io.from_torch(module)


MUTATORS = {
    "json": _json,
    "npz": _npz,
    "npz_state": _npz_state,
    "safetensors": _safetensors,
    "pt": _pt,
    "onnx": _onnx,
    "state_dict": _state_dict,
    "constructor": _constructor,
    "sklearn": _sklearn,
    "torch_module": _torch_module,
}


def mutant(target: str, seed: int, folder: str):
    """A zero-argument reader for the ``seed``-th mutant of ``target`` (files in ``folder``)."""
    return MUTATORS[target](random.Random(f"{target}:{seed}"), folder)


def attempt(reader) -> tuple[str, str]:
    """("ok" | "refused" | "wrong kind", detail) for one reader call; the network read, if
    any, must be usable (its canonical form is computed)."""
    from shallowsym import canonical_form

    try:
        net = reader()
    except (InvalidNetworkError, MissingDependencyError) as err:
        if not str(err):
            return "wrong kind", f"{type(err).__name__} with an empty message"
        return "refused", type(err).__name__
    except Exception as err:  # anything else is a bug: report it
        return "wrong kind", f"{type(err).__name__}: {str(err)[:200]}"
    if not isinstance(net, ShallowNetwork):
        return "wrong kind", f"returned {type(net).__name__}"
    canonical_form(net)
    return "ok", ""


# -- crafted families of issue 15 ----------------------------------------------------------
VALID_CRAFTED = ("bare JSON integer of 5000 digits", "long double 1e4000")


def crafted(folder: str) -> dict[str, object]:
    """Readers for the crafted hostile inputs of issue 15, by name. Each must be refused by
    name, except those in ``VALID_CRAFTED``, which are valid and must be read exactly."""

    def write(name, raw):
        path = os.path.join(folder, name)
        with open(path, "wb") as fh:
            fh.write(raw)
        return path

    huge_d = write("huge.json", b'{"d": 1000000000, "W1": [], "b1": [], "W2": [[]], "b2": ["0"]}')
    npy = stdio.BytesIO()
    np.save(npy, np.ones(3))
    renamed = write("renamed.npz", npy.getvalue())
    header = stdio.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (10**6, 10**6)}
    )
    bomb = stdio.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("W1.npy", header.getvalue() + b"\0" * 1024)
    liar = write("liar.npz", bomb.getvalue())
    fifo = os.path.join(folder, "fifo.json")
    if not os.path.exists(fifo):
        os.mkfifo(fifo)
    zero = os.path.join(folder, "zero.pt")
    if not os.path.lexists(zero):
        os.symlink("/dev/zero", zero)
    st_header = json.dumps(
        {"w.weight": {"dtype": "F64", "shape": [10**9, 10**9], "data_offsets": [0, 8]}}
    ).encode()
    st = write("huge.safetensors", struct.pack("<Q", len(st_header)) + st_header + b"\0" * 8)
    cases = {
        "h = 0, d = 10^9 (JSON)": lambda: io.load(huge_d),
        "h = 0, d = 10^9 (arrays)": lambda: ShallowNetwork.from_rows([], [], [[]], [0], d=10**9),
        "bare JSON integer of 5000 digits": lambda: ShallowNetwork.from_json(
            '{"W1": [[' + "9" * 5000 + ']], "b1": [0], "W2": [[1]], "b2": [0]}'
        ),
        "long double 1e4000": lambda: ShallowNetwork(
            np.array([[np.longdouble("1e4000")]]), [0], [[1]], [0]
        ),
        "Unicode digits": lambda: ShallowNetwork([["١٢"]], [0], [[1]], [0]),
        "Unicode exponent": lambda: ShallowNetwork([["1e١"]], [0], [[1]], [0]),
        ".npy renamed .npz": lambda: io.load(renamed),
        "NPZ header declaring 10^12 entries": lambda: io.load(liar),
        "safetensors declaring 10^18 entries": lambda: io.load(st),
        "integer keys in a state dict": lambda: io.from_state_dict(
            {0: np.ones((2, 2)), 1: np.ones(2)}
        ),
        "from_torch(None)": lambda: io.from_torch(None),
        "from_json(None)": lambda: ShallowNetwork.from_json(None),
        "from_json(invalid UTF-8 bytes)": lambda: ShallowNetwork.from_json(b"\xff\xfe\xfd"),
        "FIFO": lambda: io.load(fifo),
        "symlink to /dev/zero": lambda: io.load(zero),
        "float64 overflow in to_numpy": lambda: ShallowNetwork(
            [[10**400]], [0], [[1]], [0]
        ).to_numpy(),
    }
    try:
        import torch

        ok = {"1.weight": torch.ones(1, 2), "1.bias": torch.zeros(1), "0.bias": torch.zeros(2)}
        expand = stdio.BytesIO()
        torch.save({**ok, "0.weight": torch.zeros(1, 1).expand(10**5, 10**5)}, expand)
        expand_path = write("expand.pt", expand.getvalue())
        cases.update(
            {
                "stride-0 expand .pt": lambda: io.load(expand_path),
                "sparse tensor": lambda: io.from_state_dict(
                    {**ok, "0.weight": torch.ones(2, 2).to_sparse()}
                ),
                "quantized tensor": lambda: io.from_state_dict(
                    {
                        **ok,
                        "0.weight": torch.quantize_per_tensor(
                            torch.ones(2, 2), 0.1, 0, torch.qint8
                        ),
                    }
                ),
                "meta tensor": lambda: io.from_state_dict(
                    {**ok, "0.weight": torch.ones(2, 2, device="meta")}
                ),
            }
        )
    except ImportError:
        pass
    try:
        from onnx import TensorProto, helper, numpy_helper

        def graph(nodes, inits):
            g = helper.make_graph(
                nodes,
                "g",
                [helper.make_tensor_value_info("x", TensorProto.DOUBLE, [None, 1])],
                [helper.make_tensor_value_info("y", TensorProto.DOUBLE, None)],
                inits,
            )
            return helper.make_model(g)

        one = numpy_helper.from_array(np.ones((1, 1)), "B")
        bias = numpy_helper.from_array(np.ones(1), "C")
        relu = helper.make_node("Relu", ["h"], ["r"])
        last = helper.make_node("Gemm", ["r", "B", "C"], ["y"])
        short = numpy_helper.from_array(np.ones(1), "C")
        short.raw_data = b"\0" * 3
        huge = TensorProto(name="C", data_type=TensorProto.DOUBLE, dims=[2**31, 2**31])
        string = helper.make_tensor("C", TensorProto.STRING, [1], [b"1"])
        undefined = TensorProto(name="C", data_type=0, dims=[1])

        def with_c(tensor):
            return graph(
                [helper.make_node("Gemm", ["x", "B", "C"], ["h"]), relu, last], [one, tensor]
            )

        cases.update(
            {
                "ONNX Gemm with one input": lambda: io.from_onnx(
                    graph([helper.make_node("Gemm", ["x"], ["h"]), relu, last], [one, bias])
                ),
                "ONNX MatMul with one input": lambda: io.from_onnx(
                    graph([helper.make_node("MatMul", ["x"], ["h"]), relu, last], [one, bias])
                ),
                "ONNX raw_data of the wrong size": lambda: io.from_onnx(with_c(short)),
                "ONNX huge dims": lambda: io.from_onnx(with_c(huge)),
                "ONNX STRING tensor": lambda: io.from_onnx(with_c(string)),
                "ONNX UNDEFINED tensor": lambda: io.from_onnx(with_c(undefined)),
            }
        )
    except ImportError:
        pass
    return cases
