"""Importers and exporters: PyTorch, safetensors, ONNX, NPZ, JSON; the CLI reads them all."""

import json
import pickle
from fractions import Fraction

import numpy as np
import pytest
from oracles import reference_eval

from shallowsym import InvalidNetworkError, ShallowNetwork, canonical_form, equivalent, io
from shallowsym.cli import main
from shallowsym.io import UnsupportedArchitectureError

torch = pytest.importorskip("torch")
onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402
from torch import nn  # noqa: E402


@pytest.fixture
def model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2))


def test_from_torch_is_exact(model):
    net = io.from_torch(model)
    W1 = model[0].weight.detach().double().numpy()
    assert net.W1[2][1] == Fraction(float(W1[2, 1]))  # float32 value, exactly
    x = [Fraction(1, 3), Fraction(-2), Fraction(5, 7)]
    with torch.no_grad():
        out = model.double()(torch.tensor([[float(v) for v in x]], dtype=torch.float64))
    assert np.allclose([float(v) for v in reference_eval(net, x)], out.numpy()[0])


def test_custom_module_and_functional_relu():
    class Custom(nn.Module):
        def __init__(self):
            super().__init__()
            self.inp = nn.Linear(2, 4)
            self.out = nn.Linear(4, 1)

        def forward(self, x):
            return self.out(torch.relu(self.inp(x)))

    net = io.from_torch(Custom())
    assert (net.d, net.h, net.k) == (2, 4, 1)


@pytest.mark.parametrize(
    ("module", "found"),
    [
        (
            lambda: nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1)),
            "Linear, Tanh, Linear",
        ),
        (
            lambda: nn.Sequential(
                nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 1)
            ),
            "Linear, ReLU, Linear, ReLU, Linear",
        ),
        (lambda: nn.Sequential(nn.Linear(2, 3)), "found Linear"),
    ],
)
def test_other_architectures_are_named(module, found):
    with pytest.raises(UnsupportedArchitectureError, match=found):
        io.from_torch(module())


def test_to_torch_round_trip(model):
    net = io.from_torch(model)
    assert io.from_torch(io.to_torch(net)) == net


def test_state_dict_pt_file_and_weights_only(model, tmp_path):
    path = tmp_path / "model.pt"
    torch.save(model.state_dict(), path)
    assert io.load(path) == io.from_torch(model)
    # A pickled object that is not a plain state dict is refused, never executed.
    evil = tmp_path / "evil.pt"
    torch.save({"0.weight": torch.ones(2, 2), "0.bias": torch.ones(2), "x": object()}, evil)
    with pytest.raises(InvalidNetworkError, match=r"evil\.pt"):
        io.load(evil)


def test_safetensors(model, tmp_path):
    from safetensors.numpy import save_file

    path = tmp_path / "model.safetensors"
    save_file({k: v.detach().numpy() for k, v in model.state_dict().items()}, str(path))
    assert io.load(path) == io.from_torch(model)
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"not a safetensors file")
    with pytest.raises(InvalidNetworkError, match=r"bad\.safetensors"):
        io.load(bad)


def _onnx_model(nodes, initializers):
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.DOUBLE, [None, 2])],
        [helper.make_tensor_value_info("y", TensorProto.DOUBLE, [None, 1])],
        [
            numpy_helper.from_array(np.asarray(v, dtype=np.float64), name=k)
            for k, v in initializers.items()
        ],
    )
    return helper.make_model(graph)


def test_onnx_gemm_with_attributes():
    W1 = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.25]])
    b1 = np.array([1.0, -2.0, 0.5])
    W2 = np.array([[2.0, -1.0, 4.0]])
    b2 = np.array([0.5])
    nodes = [
        helper.make_node("Gemm", ["x", "B1", "C1"], ["z"], transB=1, alpha=2.0, beta=3.0),
        helper.make_node("Relu", ["z"], ["r"]),
        helper.make_node("Gemm", ["r", "B2", "C2"], ["y"], transB=0),
    ]
    model = _onnx_model(nodes, {"B1": W1, "C1": b1, "B2": W2.T, "C2": b2})
    net = io.from_onnx(model)
    assert net == ShallowNetwork(2 * W1, 3 * b1, W2, b2)


def test_onnx_matmul_add_and_file(tmp_path):
    W1 = np.array([[1.0, 2.0], [3.0, -1.0]])
    nodes = [
        helper.make_node("MatMul", ["x", "B1"], ["m"]),
        helper.make_node("Add", ["m", "C1"], ["z"]),
        helper.make_node("Relu", ["z"], ["r"]),
        helper.make_node("MatMul", ["r", "B2"], ["m2"]),
        helper.make_node("Add", ["C2", "m2"], ["y"]),
    ]
    model = _onnx_model(nodes, {"B1": W1.T, "C1": [1.0, 0.0], "B2": [[1.0], [1.0]], "C2": [0.0]})
    path = tmp_path / "m.onnx"
    onnx.save(model, str(path))
    assert io.load(path) == ShallowNetwork(W1, [1, 0], [[1, 1]], [0])


def test_onnx_other_graph_is_named():
    nodes = [
        helper.make_node("Gemm", ["x", "B1"], ["z"]),
        helper.make_node("Sigmoid", ["z"], ["y"]),
    ]
    with pytest.raises(UnsupportedArchitectureError, match="found Gemm, Sigmoid"):
        io.from_onnx(_onnx_model(nodes, {"B1": np.ones((2, 1))}))


def test_npz_exact_round_trip_and_no_pickle(tmp_path):
    net = ShallowNetwork([["1/3", 0.1]], [2], [[-5]], [Fraction(7, 9)])
    path = tmp_path / "n.npz"
    io.save(net, path)
    assert io.load(path) == net
    floats = tmp_path / "f.npz"
    np.savez(floats, W1=np.array([[0.5]]), b1=np.array([1.0]), W2=np.array([[2.0]]), b2=np.zeros(1))
    assert io.load(floats) == ShallowNetwork([[0.5]], [1], [[2]], [0])
    pickled = tmp_path / "p.npz"
    np.savez(
        pickled,
        W1=np.array([[object()]], dtype=object),
        b1=np.ones(1),
        W2=np.ones((1, 1)),
        b2=np.ones(1),
    )
    with pytest.raises(InvalidNetworkError, match=r"p\.npz"):
        io.load(pickled)
    partial = tmp_path / "partial.npz"
    np.savez(partial, W1=np.ones((1, 1)))
    with pytest.raises(InvalidNetworkError, match="has no b1, W2, b2"):
        io.load(partial)


def test_unknown_extension():
    with pytest.raises(InvalidNetworkError, match="cannot tell the format"):
        io.load("model.h5")


def test_cli_reads_every_format(model, tmp_path, capsys):
    net = io.from_torch(model)
    pt = tmp_path / "m.pt"
    torch.save(model.state_dict(), pt)
    js = tmp_path / "m.json"
    net.save(js)
    npz = tmp_path / "m.npz"
    io.save(net, npz)
    for a, b in ((pt, js), (js, npz), (npz, pt)):
        assert main(["equiv", str(a), str(b), "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["equivalent"] is True


def test_a_trained_model_against_its_permuted_rescaled_copy(tmp_path, capsys):
    """As a new user would: train a little, permute and rescale a copy, check both ways."""
    torch.manual_seed(1)
    model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))
    x = torch.randn(64, 2)
    y = (x[:, :1] * x[:, 1:]).abs()
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    for _ in range(30):
        opt.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        opt.step()
    copy = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))
    perm = torch.randperm(8)
    scale = 2.0 ** torch.randint(-2, 3, (8,)).double()
    with torch.no_grad():
        copy[0].weight.copy_(model[0].weight[perm] * scale[:, None].float())
        copy[0].bias.copy_(model[0].bias[perm] * scale.float())
        copy[2].weight.copy_(model[2].weight[:, perm] / scale[None, :].float())
        copy[2].bias.copy_(model[2].bias)
    result = equivalent(io.from_torch(model), io.from_torch(copy))
    assert result and result.certificate is not None
    torch.save(model.state_dict(), tmp_path / "a.pt")
    torch.save(copy.state_dict(), tmp_path / "b.pt")
    assert main(["equiv", str(tmp_path / "a.pt"), str(tmp_path / "b.pt")]) == 0
    assert "standard symmetry" in capsys.readouterr().out
    assert canonical_form(io.from_torch(model)) == canonical_form(io.from_torch(copy))


def test_loaders_never_unpickle(tmp_path):
    evil = tmp_path / "evil.pt"
    evil.write_bytes(pickle.dumps({"boom": 1}))
    with pytest.raises(InvalidNetworkError):
        io.load(evil)
