"""Readers that follow the model or refuse (issue 16) and hostile files (issue 15).

Every file is built here. Networks read are checked against independent oracles: the model's
own forward pass (torch, scikit-learn, onnx's reference evaluator) in float64 against
plain-Fraction evaluation of the parameters read (``oracles.reference_eval``).
"""

import contextlib
import io as stdio
import json
import os
import subprocess
import sys
import threading
import warnings
import zipfile
from fractions import Fraction

import numpy as np
import pytest
from oracles import reference_eval

from shallowsym import InvalidNetworkError, ShallowNetwork, caps, io
from shallowsym.cli import main
from shallowsym.io import ReLUAssumedWarning, UnsupportedArchitectureError

torch = pytest.importorskip("torch")
onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402
from torch import nn  # noqa: E402

warnings.simplefilter("ignore", ReLUAssumedWarning)
RNG = np.random.default_rng(16)


def _agrees(net, forward, d, points=5):
    """The network read computes the model's function (float64 forward vs exact evaluation)."""
    xs = RNG.normal(size=(points, d))
    expected = np.asarray(forward(xs), dtype=np.float64).reshape(points, -1)
    got = np.array([[float(v) for v in reference_eval(net, x)] for x in xs])
    return np.allclose(got, expected, rtol=1e-6, atol=1e-6)


def _torch_forward(model):
    def forward(xs):
        with torch.no_grad():
            return model.double()(torch.tensor(xs)).numpy()

    return forward


# -- state dicts ----------------------------------------------------------------------------
class HeadFirst(nn.Module):
    """Registers the output layer before the hidden one: registration order != forward order."""

    def __init__(self, d, h, k, first="body", second="head"):
        super().__init__()
        setattr(self, second, nn.Linear(h, k))
        setattr(self, first, nn.Linear(d, h))
        self.names = (first, second)

    def forward(self, x):
        first, second = (getattr(self, n) for n in self.names)
        return second(torch.relu(first(x)))


@pytest.mark.parametrize("shape", [(3, 8, 1), (5, 5, 5)])
def test_state_dict_layers_are_ordered_by_shapes_and_names(shape):
    torch.manual_seed(0)
    model = HeadFirst(*shape, first="fc1", second="fc2")
    state = model.state_dict()
    assert next(iter(state)).startswith("fc2")  # the dict's order is the wrong one
    net = io.from_state_dict(state)
    assert (net.d, net.h, net.k) == shape
    assert _agrees(net, _torch_forward(model), shape[0])


def test_square_state_dict_with_ambiguous_names_is_refused_and_keys_decide(tmp_path, capsys):
    torch.manual_seed(1)
    model = HeadFirst(4, 4, 4, first="alpha", second="beta")
    state = model.state_dict()
    with pytest.raises(UnsupportedArchitectureError, match=r"keys=.*--layers"):
        io.from_state_dict(state)
    net = io.from_state_dict(state, keys=("alpha", "beta"))
    assert _agrees(net, _torch_forward(model), 4)
    assert io.from_state_dict(state, keys=["beta.", "alpha."]) != net
    path = tmp_path / "sq.pt"
    torch.save(state, path)
    assert main(["canon", str(path)]) == 2
    assert "--layers" in capsys.readouterr().err
    assert main(["canon", str(path), "--layers", "alpha,beta", "--json"]) == 0
    with pytest.raises(InvalidNetworkError, match="no layer 'gamma'"):
        io.from_state_dict(state, keys=("gamma", "beta"))


def test_a_tanh_model_is_read_as_relu_only_with_a_note(tmp_path, capsys):
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    with pytest.raises(UnsupportedArchitectureError, match="Tanh"):
        io.from_torch(model)
    path = tmp_path / "tanh.pt"
    torch.save(model.state_dict(), path)
    result = io.read(path)
    assert result.relu_assumed and "ReLU was assumed" in str(result)
    assert result.to_dict()["relu_assumed"] is True
    with pytest.warns(ReLUAssumedWarning, match="ReLU was assumed"):
        io.load(path)
    assert main(["canon", str(path)]) == 0
    assert "ReLU was assumed" in capsys.readouterr().err
    assert main(["canon", str(path), "--json"]) == 0
    assert "ReLU was assumed" in json.loads(capsys.readouterr().out)["notes"][0]
    js = tmp_path / "net.json"
    result.network.save(js)
    assert not io.read(js).relu_assumed


def test_checkpoints_npz_with_state_dict_names_and_safetensors_autoencoder(tmp_path):
    from safetensors.numpy import save_file

    torch.manual_seed(2)
    model = nn.Sequential(nn.Linear(3, 6), nn.ReLU(), nn.Linear(6, 2))
    expected = io.from_torch(model)
    for wrapper in ("model", "state_dict", "model_state_dict"):
        path = tmp_path / f"{wrapper}.pt"
        torch.save({wrapper: model.state_dict(), "epoch": 3, "lr": 0.1}, path)
        assert io.load(path) == expected
    npz = tmp_path / "sd.npz"
    np.savez(npz, **{k: v.numpy() for k, v in model.state_dict().items()})
    assert io.read(npz).format == "npz state dict" and io.load(npz) == expected

    class AutoEncoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.Linear(3, 2)
            self.decoder = nn.Linear(2, 3)

        def forward(self, x):
            return self.decoder(torch.relu(self.encoder(x)))

    auto = AutoEncoder()
    path = tmp_path / "auto.safetensors"
    save_file({k: v.numpy() for k, v in auto.state_dict().items()}, str(path))
    net = io.from_safetensors(path)
    assert (net.d, net.h, net.k) == (3, 2, 3) and net == io.from_torch(auto)
    assert _agrees(net, _torch_forward(auto), 3)


def test_untraceable_module_is_refused_not_read_in_registration_order():
    class Branchy(nn.Module):
        def __init__(self):
            super().__init__()
            self.out = nn.Linear(4, 2)
            self.inp = nn.Linear(2, 4)

        def forward(self, x):
            if x.sum() > 0:  # data-dependent: torch.fx cannot trace it
                x = x * 1
            return self.out(torch.relu(self.inp(x)))

    with pytest.raises(UnsupportedArchitectureError, match="cannot trace Branchy"):
        io.from_torch(Branchy())


# -- scikit-learn and layouts ---------------------------------------------------------------
def test_sklearn_models():
    sk = pytest.importorskip("sklearn.neural_network")
    X = RNG.normal(size=(40, 3))
    y = X[:, 0] - 2 * np.abs(X[:, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reg = sk.MLPRegressor(hidden_layer_sizes=(7,), max_iter=30, random_state=0).fit(X, y)
        labels = np.digitize(y, np.quantile(y, [1 / 3, 2 / 3]))  # three classes: softmax
        clf = sk.MLPClassifier(hidden_layer_sizes=(5,), max_iter=30, random_state=0).fit(X, labels)
        tanh = sk.MLPRegressor(hidden_layer_sizes=(4,), activation="tanh", max_iter=5).fit(X, y)
        deep = sk.MLPRegressor(hidden_layer_sizes=(4, 4), max_iter=5).fit(X, y)
    net = io.from_sklearn(reg)
    assert (net.d, net.h, net.k) == (3, 7, 1)
    assert _agrees(net, reg.predict, 3)

    def probabilities(xs):  # softmax of the logits read must be predict_proba
        logits = np.array([[float(v) for v in reference_eval(io.from_sklearn(clf), x)] for x in xs])
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    xs = RNG.normal(size=(5, 3))
    assert np.allclose(probabilities(xs), clf.predict_proba(xs))
    with pytest.raises(UnsupportedArchitectureError, match="activation='tanh'"):
        io.from_sklearn(tanh)
    with pytest.raises(UnsupportedArchitectureError, match="2 hidden layers"):
        io.from_sklearn(deep)
    with pytest.raises(InvalidNetworkError, match="not fitted"):
        io.from_sklearn(sk.MLPRegressor())
    with pytest.raises(InvalidNetworkError, match="from_sklearn"):
        io.from_torch(clf)
    with pytest.raises(InvalidNetworkError, match="needs an MLPRegressor"):
        io.from_sklearn(object())


def test_from_arrays_in_out_layout_and_the_constructor_hint():
    W1, b1, W2, b2 = RNG.normal(size=(3, 5)), RNG.normal(size=5), RNG.normal(size=(5, 2)), [0, 1]
    net = io.from_arrays(W1, b1, W2, b2, layout="in_out")
    assert net == ShallowNetwork(W1.T, b1, W2.T, b2)
    with pytest.raises(InvalidNetworkError, match="layout='in_out'"):
        ShallowNetwork(W1, b1, W2, b2)
    with pytest.raises(ValueError, match="layout must be"):
        io.from_arrays(W1, b1, W2, b2, layout="columns")
    with pytest.raises(InvalidNetworkError, match=r"W1\[0, 1\] is nan"):
        io.from_arrays([[1, float("nan")]], [0, 0], [[1], [1]], [0], layout="in_out")


# -- ONNX -----------------------------------------------------------------------------------
def _graph(nodes, inits, output="y", extra_inputs=()):
    tensors = [
        v if isinstance(v, onnx.TensorProto) else numpy_helper.from_array(np.asarray(v), k)
        for k, v in inits.items()
    ]
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.DOUBLE, [None, 2]), *extra_inputs],
        [helper.make_tensor_value_info(output, TensorProto.DOUBLE, None)],
        tensors,
    )
    return helper.make_model(graph)


W1, B1 = np.array([[1.0, -2.0], [0.5, 3.0], [-1.0, 1.0]]), np.array([0.5, -1.0, 2.0])
W2, B2 = np.array([[1.0, 2.0, -1.0]]), np.array([0.25])
GOOD = {"B1": W1.T, "C1": B1, "B2": W2.T, "C2": B2}


def _good_nodes():
    return [
        helper.make_node("Gemm", ["x", "B1", "C1"], ["h"], name="g1"),
        helper.make_node("Relu", ["h"], ["r"], name="relu"),
        helper.make_node("Gemm", ["r", "B2", "C2"], ["y"], name="g2"),
    ]


def _onnx_forward(model):
    from onnx.reference import ReferenceEvaluator

    session = ReferenceEvaluator(model)
    return lambda xs: session.run(None, {"x": np.asarray(xs, dtype=np.float64)})[0]


def test_onnx_follows_the_wiring_through_no_ops_and_constants():
    nodes = [
        helper.make_node("Identity", ["x"], ["x1"]),
        helper.make_node("Cast", ["x1"], ["x2"], to=TensorProto.DOUBLE),
        helper.make_node("Flatten", ["x2"], ["x3"], axis=1),
        helper.make_node("Gemm", ["x3", "B1", "C1"], ["h"], name="g1", alpha=0.5, beta=3.0),
        helper.make_node("Sigmoid", ["x"], ["unused"]),  # does not reach the output
        helper.make_node("Relu", ["h"], ["r"]),
        helper.make_node("Constant", [], ["c2"], value=numpy_helper.from_array(B2)),
        helper.make_node("MatMul", ["r", "B2"], ["m"]),
        helper.make_node("Add", ["c2", "m"], ["y"], name="bias2"),
    ]
    model = _graph(nodes, {"B1": W1.T, "C1": B1, "B2": W2.T})
    net = io.from_onnx(model)
    assert net.W1[0][1] == Fraction(-1) and net.b1[1] == Fraction(-3)  # alpha, beta exact
    assert _agrees(net, _onnx_forward(model), 2)


@pytest.mark.parametrize(
    ("mutate", "match"),
    [
        # the miswired graph of the issue: the second Gemm reads x, so the model is linear
        (lambda n: n[2].input.__setitem__(0, "x"), "reads the graph input, not a Relu"),
        (lambda n: n.__setitem__(2, helper.make_node("Gemm", ["r", "B2", "h"], ["y"])), "bias"),
        (lambda n: n.__setitem__(0, helper.make_node("Gemm", ["x"], ["h"], name="g1")), "1 input"),
        (lambda n: n.__setitem__(0, helper.make_node("Tanh", ["x"], ["h"])), "Tanh node"),
        (
            lambda n: n.__setitem__(
                2, helper.make_node("Gemm", ["r", "B2", "C2"], ["y"], alpha=[1.0, 2.0])
            ),
            "alpha is FLOATS",
        ),
        (
            lambda n: n.__setitem__(
                2, helper.make_node("Gemm", ["r", "B2", "C2"], ["y"], alpha="2")
            ),
            "alpha is STRING",
        ),
        (
            lambda n: n.__setitem__(2, helper.make_node("MatMul", ["r"], ["y"])),
            "MatMul node has 1 input",
        ),
    ],
)
def test_onnx_graphs_that_do_not_fit_are_refused_by_node(mutate, match):
    nodes = _good_nodes()
    mutate(nodes)
    with pytest.raises(UnsupportedArchitectureError, match=match):
        io.from_onnx(_graph(nodes, GOOD))


def test_onnx_output_is_the_hidden_layer_and_add_of_two_constants():
    nodes = _good_nodes()
    with pytest.raises(UnsupportedArchitectureError, match="reads the graph input"):
        io.from_onnx(_graph(nodes, GOOD, output="h"))
    with pytest.raises(UnsupportedArchitectureError, match="Relu node 'relu' computes the second"):
        io.from_onnx(_graph(nodes, GOOD, output="r"))
    nodes = [
        helper.make_node("MatMul", ["x", "B1"], ["m"]),
        helper.make_node("Add", ["C1", "C1"], ["h"], name="twice"),
        helper.make_node("Relu", ["h"], ["r"]),
        helper.make_node("Gemm", ["r", "B2", "C2"], ["y"]),
    ]
    with pytest.raises(UnsupportedArchitectureError, match="'twice' adds two constants"):
        io.from_onnx(_graph(nodes, GOOD))


def test_onnx_hostile_tensors():
    def with_tensor(tensor):
        return _graph(_good_nodes(), {**GOOD, "C1": tensor})

    raw = numpy_helper.from_array(B1, "C1")
    raw.raw_data = raw.raw_data[:-3]
    huge = onnx.TensorProto(name="C1", data_type=TensorProto.DOUBLE, dims=[10**6, 10**6])
    huge.raw_data = b""
    strings = helper.make_tensor("C1", TensorProto.STRING, [3], [b"1", b"2", b"3"])
    undefined = onnx.TensorProto(name="C1", data_type=0, dims=[3])
    for tensor, match in (
        (raw, "21 bytes of raw data"),
        (huge, "over the cap max_entries"),
        (strings, "STRING tensor"),
        (undefined, "UNDEFINED tensor"),
    ):
        with pytest.raises(InvalidNetworkError, match=match):
            io.from_onnx(with_tensor(tensor))
    with pytest.raises(InvalidNetworkError, match=r"needs a path or an onnx\.ModelProto"):
        io.from_onnx(3)


def test_torch_default_onnx_exporter_round_trip(tmp_path):
    pytest.importorskip("onnxscript")
    torch.manual_seed(3)
    model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 3))
    path = tmp_path / "m.onnx"
    with contextlib.redirect_stdout(stdio.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (torch.randn(1, 2),), str(path), dynamo=True)
    assert io.load(path) == io.from_torch(model)


# -- hostile files and values (issue 15) ------------------------------------------------------
def test_hostile_tensors_in_state_dicts(tmp_path):
    ok = {"1.weight": torch.ones(1, 2), "1.bias": torch.zeros(1), "0.bias": torch.zeros(2)}
    cases = {
        "sparse": torch.ones(2, 2).to_sparse(),
        "quantized": torch.quantize_per_tensor(torch.ones(2, 2), 0.1, 0, torch.qint8),
        "meta": torch.ones(2, 2, device="meta"),
        "complex": torch.ones(2, 2, dtype=torch.complex64),
    }
    for kind, tensor in cases.items():
        with pytest.raises(InvalidNetworkError, match=kind):
            io.from_state_dict({**ok, "0.weight": tensor})
    with pytest.raises(InvalidNetworkError, match="key 0 is a int"):
        io.from_state_dict({0: torch.ones(2, 2), **ok})
    # stride 0: 8 bytes of storage viewed as 10^10 entries; refused before any allocation
    expanded = torch.zeros(1, 1).expand(10**5, 10**5)
    path = tmp_path / "expand.pt"
    torch.save({**ok, "0.weight": expanded}, path)
    assert path.stat().st_size < 10_000
    with pytest.raises(InvalidNetworkError, match=r"expand\.pt.*over the cap max_entries"):
        io.load(path)
    for bad in (None, 3, "model.pt"):
        with pytest.raises(InvalidNetworkError, match=r"needs a torch\.nn\.Module"):
            io.from_torch(bad)


def test_hostile_npz_files(tmp_path):
    npy = tmp_path / "renamed.npz"
    np.save(tmp_path / "a.npy", np.ones(3))
    os.rename(tmp_path / "a.npy", npy)
    with pytest.raises(InvalidNetworkError, match=r"single \.npy array"):
        io.load(npy)
    bomb = tmp_path / "bomb.npz"
    np.savez_compressed(bomb, W1=np.zeros((3000, 1000)), b1=np.zeros(1), W2=[[1.0]], b2=[0.0])
    assert bomb.stat().st_size < 100_000
    with caps.override(max_file_bytes=10**6), pytest.raises(InvalidNetworkError, match="bomb"):
        io.load(bomb)
    # a header that declares more than the member holds
    liar = tmp_path / "liar.npz"
    header = stdio.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (10**5, 10**4)}
    )
    with zipfile.ZipFile(liar, "w") as archive:
        archive.writestr("W1.npy", header.getvalue() + b"\0" * 64)
    with pytest.raises(InvalidNetworkError, match=r"W1.*(shape|holds only)"):
        io.load(liar)


def test_fifo_and_devices_are_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.npz"
    zero.symlink_to("/dev/zero")
    outcome = {}

    def run():
        for path in (fifo, zero):
            try:
                io.load(path)
            except InvalidNetworkError as err:
                outcome[path.name] = str(err)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(20)
    assert "FIFO" in outcome["pipe.json"] and "character device" in outcome["zero.npz"]


def test_huge_declared_dimension_does_not_abort_the_interpreter(tmp_path):
    path = tmp_path / "huge.json"
    path.write_text('{"d": 1000000000, "W1": [], "b1": [], "W2": [[]], "b2": ["0"]}')
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.run(
        [sys.executable, "-m", "shallowsym.cli", "canon", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert "max_entries" in proc.stderr and proc.stderr.count("\n") == 1


def test_numbers_at_the_edges():
    digits = "7" * 5000
    net = ShallowNetwork.from_json(
        json.dumps({"W1": [[0]], "b1": [0], "W2": [[1]], "b2": [0]}).replace(
            '"b2": [0]', f'"b2": [{digits}]'
        )
    )
    assert net.b2[0] == int(digits[:4000]) * 10**1000 + int(digits[4000:])
    assert ShallowNetwork.from_json(net.to_json().encode()) == net
    for text in ("١٢", "1e١", "٣/4"):
        with pytest.raises(InvalidNetworkError, match="not a rational number"):
            ShallowNetwork([[text]], [0], [[1]], [0])
    with caps.override(max_digits=100), pytest.raises(InvalidNetworkError, match="max_digits"):
        ShallowNetwork([["1" * 101]], [0], [[1]], [0])
    big = np.array([[np.longdouble("1e4000")]])
    net = ShallowNetwork(big, [0], [[1]], [0])
    assert net.W1[0][0] == Fraction(*big[0, 0].as_integer_ratio()) and net.W1[0][0] > 10**3999
    with pytest.raises(InvalidNetworkError, match=r"W1\[0, 0\] is too large for float64"):
        net.to_numpy()
    from shallowsym import fast

    with pytest.raises(InvalidNetworkError, match=r"W1\[0, 0\] is too large for float64"):
        fast.canonical_form(net)
    for bad in (None, 3, [1]):
        with pytest.raises(InvalidNetworkError, match="must be str or bytes"):
            ShallowNetwork.from_json(bad)
    with pytest.raises(InvalidNetworkError, match="not UTF-8"):
        ShallowNetwork.from_json(b'{"W1": "\xff"}')
