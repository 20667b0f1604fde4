"""Deep importers: torch Sequential, state dicts, NPZ, safetensors, ONNX; values exact."""

import copy
from fractions import Fraction

import numpy as np
import pytest

from shallowsym import InvalidNetworkError
from shallowsym.deep import DeepNetwork
from shallowsym.deep import io as dio
from shallowsym.io import ReLUAssumedWarning, UnsupportedArchitectureError

torch = pytest.importorskip("torch")
nn = torch.nn


def model():
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Linear(3, 5), nn.ReLU(), nn.Sequential(nn.Linear(5, 4), nn.ReLU()), nn.Linear(4, 2)
    )


def plain(m, x):
    """Torch's float64 forward pass: compares with the exact values rounded."""
    with torch.no_grad():
        return m.double()(torch.tensor([x], dtype=torch.float64))[0].tolist()


@pytest.mark.filterwarnings("ignore::shallowsym.io.ReLUAssumedWarning")
def test_torch_and_state_dict():
    m = model()
    net = dio.from_torch(m)
    assert net.architecture == (3, 5, 4, 2)
    w = m[0].weight.detach().double().numpy()
    assert net.weights[0][1][2] == Fraction(float(w[1, 2]))
    assert dio.from_state_dict(m.state_dict()) == net == dio.from_torch(m.state_dict())
    x = [0.5, -1.0, 2.0]
    assert np.allclose([float(v) for v in net(x)], plain(m, x), rtol=1e-12)
    with pytest.raises(InvalidNetworkError, match="found Linear, ReLU, ReLU"):
        dio.from_torch(nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.ReLU(), nn.Linear(2, 1)))
    with pytest.raises(InvalidNetworkError, match="found Linear, Tanh"):
        dio.from_torch(nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 1)))
    with pytest.raises(InvalidNetworkError, match="not a linear layer's weight"):
        dio.from_state_dict({"running_mean": np.zeros(2)})
    with pytest.raises(InvalidNetworkError, match="do not chain"):
        dio.from_state_dict({"a.weight": np.ones((2, 1)), "b.weight": np.ones((3, 3))})
    # the dict's order is not the network's: the shapes decide (b, then a)
    reversed_order = dio.from_state_dict({"a.weight": np.ones((2, 1)), "b.weight": np.ones((1, 3))})
    assert reversed_order.architecture == (3, 1, 2)


@pytest.mark.filterwarnings("ignore::shallowsym.io.ReLUAssumedWarning")
def test_npz_and_safetensors(tmp_path):
    net = dio.from_torch(model())
    path = tmp_path / "net.npz"
    dio.to_npz(net, path)
    assert dio.from_npz(path) == net
    exact = DeepNetwork([[["1/3"]], [[2]], [[1]]], [[0], [1], [0]])
    dio.to_npz(exact, path)
    assert dio.from_npz(path) == exact
    np.savez(tmp_path / "sd.npz", **{k: v.numpy() for k, v in model().state_dict().items()})
    assert dio.from_npz(tmp_path / "sd.npz") == net
    np.savez(tmp_path / "bad.npz", W1=np.ones((1, 1)))
    with pytest.raises(InvalidNetworkError, match="no b1"):
        dio.from_npz(tmp_path / "bad.npz")
    st = pytest.importorskip("safetensors.numpy")
    st.save_file({k: v.numpy() for k, v in model().state_dict().items()}, tmp_path / "m.st")
    assert dio.from_safetensors(tmp_path / "m.st") == net


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_onnx(tmp_path):
    pytest.importorskip("onnx")
    m = model()
    path = tmp_path / "m.onnx"
    try:
        torch.onnx.export(m, torch.zeros(1, 3), str(path), dynamo=False)
    except Exception as err:  # exporter unavailable in this torch build
        pytest.skip(f"torch.onnx.export failed: {err}")
    assert dio.from_onnx(path) == dio.from_torch(m)


# -- every format end to end: deep.io reads it, io refuses it by name, deepequiv decides ------


def permuted(m):
    """A copy of a (3, 5, 4, 2) Sequential with both hidden layers permuted and scaled by
    powers of two (exact in floats): the same function."""
    c = copy.deepcopy(m)
    lin = [c[0], c[2][0], c[3]]
    with torch.no_grad():
        for n, p in enumerate(([3, 0, 4, 1, 2], [2, 3, 1, 0])):
            t = torch.tensor([2.0, 0.5, 4.0, 1.0, 0.25][: len(p)])
            lin[n].weight.copy_(lin[n].weight[p] * t[:, None])
            lin[n].bias.copy_(lin[n].bias[p] * t)
            lin[n + 1].weight.copy_(lin[n + 1].weight[:, p] / t[None, :])
    return c


def write_all(m, folder, stem):
    """The model in every format; returns {suffix: path}."""
    paths = {}
    state = m.state_dict()
    paths[".pt"] = folder / f"{stem}.pt"
    torch.save(state, paths[".pt"])
    paths["ckpt.pt"] = folder / f"{stem}-ckpt.pt"
    torch.save({"model_state_dict": state, "epoch": 3}, paths["ckpt.pt"])
    arrays = {k: v.detach().numpy() for k, v in state.items()}
    paths[".npz"] = folder / f"{stem}.npz"
    np.savez(paths[".npz"], **{k: arrays[k] for k in reversed(list(arrays))})
    net = dio.from_torch(m)
    paths["W.npz"] = folder / f"{stem}-W.npz"
    dio.to_npz(net, paths["W.npz"])
    paths[".json"] = folder / f"{stem}.json"
    net.save(paths[".json"])
    st = pytest.importorskip("safetensors.numpy")
    paths[".safetensors"] = folder / f"{stem}.safetensors"
    st.save_file(arrays, paths[".safetensors"])
    paths[".onnx"] = folder / f"{stem}.onnx"
    onnx_chain_file(net, paths[".onnx"])
    return paths


def onnx_chain_file(net, path):
    """An ONNX graph MatMul + Add, Relu, ..., Gemm written with onnx.helper (float32, as the
    torch weights are, so exact)."""
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper

    arch = net.architecture
    nodes, inits, x = [], [], "x"
    for n, (W, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        Wf = np.array([[float(v) for v in row] for row in W], dtype=np.float32)
        bf = np.array([float(v) for v in b], dtype=np.float32)
        last = n == net.depth - 1
        out = "y" if last else f"h{n}"
        if n % 2 == 0:  # MatMul + Add
            inits += [
                numpy_helper.from_array(Wf.T.copy(), f"W{n}"),
                numpy_helper.from_array(bf, f"b{n}"),
            ]
            nodes += [
                helper.make_node("MatMul", [x, f"W{n}"], [f"m{n}"]),
                helper.make_node("Add", [f"m{n}", f"b{n}"], [f"a{n}"]),
            ]
        else:  # Gemm with transB
            inits += [numpy_helper.from_array(Wf, f"W{n}"), numpy_helper.from_array(bf, f"b{n}")]
            nodes.append(helper.make_node("Gemm", [x, f"W{n}", f"b{n}"], [f"a{n}"], transB=1))
        if last:
            nodes.append(helper.make_node("Identity", [f"a{n}"], [out]))
        else:
            nodes.append(helper.make_node("Relu", [f"a{n}"], [out]))
        x = out
    graph = helper.make_graph(
        nodes,
        "chain",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, arch[0]])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, arch[-1]])],
        inits,
    )
    onnx.save(helper.make_model(graph), str(path))


@pytest.mark.filterwarnings("ignore::shallowsym.io.ReLUAssumedWarning")
def test_every_format_reads_deep_and_io_refuses_it_by_name(tmp_path):
    from shallowsym import io

    m = model()
    net = dio.from_torch(m)
    x = [0.25, -1.5, 2.0]
    assert np.allclose([float(v) for v in net(x)], plain(copy.deepcopy(m), x), rtol=1e-12)
    paths = write_all(m, tmp_path, "m")
    for kind, path in paths.items():
        assert dio.load(path) == net, kind
        with pytest.raises(io.UnsupportedArchitectureError, match="2 hidden layers") as info:
            io.load(path)
        assert "shallowsym.deep" in str(info.value) and "deepequiv" in str(info.value), kind
        with pytest.raises(io.UnsupportedArchitectureError, match="2 hidden layers"):
            io.read(path)
    with pytest.raises(io.UnsupportedArchitectureError, match=r"2 hidden layers.*deepequiv"):
        io.from_torch(m)
    with pytest.raises(io.UnsupportedArchitectureError, match="2 hidden layers"):
        io.from_state_dict(m.state_dict())
    # a DeepNetwork file with one hidden layer is a ShallowNetwork
    shallow = DeepNetwork([[[1], [2]], [[1, -1]]], [[0, 1], [0]])
    shallow.save(tmp_path / "one.json")
    assert io.load(tmp_path / "one.json") == shallow.to_shallow()


@pytest.mark.filterwarnings("ignore::shallowsym.io.ReLUAssumedWarning")
def test_cli_deepequiv_reads_every_format(tmp_path, capsys):
    from shallowsym.cli import main

    m = model()
    a = write_all(m, tmp_path, "a")
    b = write_all(permuted(m), tmp_path, "b")
    assert dio.load(a[".pt"]) != dio.load(b[".pt"])
    for kind in a:
        assert main(["deepequiv", str(a[kind]), str(b[".onnx"])]) == 0, kind
        assert main(["deepequiv", str(b[kind]), str(a[".json"]), "--json"]) == 0, kind
    capsys.readouterr()
    assert main(["equiv", str(a[".npz"]), str(b[".npz"])]) == 2
    err = capsys.readouterr().err
    assert err.startswith("shallowsym: error:") and "2 hidden layers" in err
    assert "deepequiv" in err
    near = copy.deepcopy(m)
    with torch.no_grad():
        near[2][0].weight[1, 2] += 2.0**-10
    torch.save(near.state_dict(), tmp_path / "near.pt")
    assert main(["deepequiv", str(a[".pt"]), str(tmp_path / "near.pt")]) == 1
    assert "ReLU was assumed" in capsys.readouterr().err


def test_state_dict_order_checkpoints_and_keys(tmp_path):
    rng = np.random.default_rng(3)
    square = {f"blocks.{n}.weight": rng.standard_normal((4, 4)) for n in (2, 0, 1)}
    square.update({f"blocks.{n}.bias": rng.standard_normal(4) for n in (2, 0, 1)})
    with pytest.warns(ReLUAssumedWarning):
        net = dio.from_state_dict(square)
    assert [list(map(float, row)) for row in net.weights[0]] == square["blocks.0.weight"].tolist()
    assert [list(map(float, row)) for row in net.weights[2]] == square["blocks.2.weight"].tolist()
    ambiguous = {
        k.replace("blocks.0", "alpha").replace("blocks.1", "beta").replace("blocks.2", "gamma"): v
        for k, v in square.items()
    }
    with pytest.raises(UnsupportedArchitectureError, match=r"keys=.*--layers"):
        dio.from_state_dict(ambiguous)
    with pytest.warns(ReLUAssumedWarning):
        assert dio.from_state_dict(ambiguous, keys=("alpha", "beta", "gamma")) == net
    tensors = {k: torch.from_numpy(v) for k, v in ambiguous.items()}
    torch.save({"state_dict": tensors, "epoch": 1}, tmp_path / "amb.pt")
    with pytest.raises(UnsupportedArchitectureError, match=r"amb\.pt.*keys="):
        dio.load(tmp_path / "amb.pt")
    with pytest.warns(ReLUAssumedWarning):
        assert dio.load(tmp_path / "amb.pt", keys=["alpha", "beta", "gamma"]) == net
    with pytest.raises(UnsupportedArchitectureError, match="do not chain"):
        dio.from_state_dict({"a.weight": np.ones((2, 1)), "b.weight": np.ones((3, 3))})
    with pytest.raises(UnsupportedArchitectureError, match="not a linear layer's weight"):
        dio.from_state_dict({"0.weight": np.ones((2, 1)), "running_mean": np.zeros(2)})
    with pytest.raises(InvalidNetworkError, match="over the cap"):
        from shallowsym import caps

        with caps.override(max_entries=3):
            dio.from_state_dict({"0.weight": np.ones((2, 2)), "0.bias": np.zeros(2)})
