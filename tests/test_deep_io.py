"""Deep importers: torch Sequential, state dicts, NPZ, safetensors, ONNX; values exact."""

from fractions import Fraction

import numpy as np
import pytest

from shallowsym import InvalidNetworkError
from shallowsym.deep import DeepNetwork
from shallowsym.deep import io as dio

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
    with pytest.raises(InvalidNetworkError, match="is not a layer's weight"):
        dio.from_state_dict({"running_mean": np.zeros(2)})
    with pytest.raises(InvalidNetworkError, match="columns"):
        dio.from_state_dict({"a.weight": np.ones((2, 1)), "b.weight": np.ones((1, 3))})


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
