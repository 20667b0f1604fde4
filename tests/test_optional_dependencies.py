"""Without an optional extra, its formats give MissingDependencyError naming the extra."""

import sys

import numpy as np
import pytest

from shallowsym import MissingDependencyError, io
from shallowsym.cli import main


@pytest.mark.parametrize(
    ("module", "suffix", "extra"),
    [("onnx", ".onnx", "onnx"), ("safetensors", ".safetensors", "onnx"), ("torch", ".pt", "torch")],
)
def test_missing_extra_is_named(monkeypatch, tmp_path, capsys, module, suffix, extra):
    for name in list(sys.modules):
        if name == module or name.startswith(module + "."):
            monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` fail
    path = tmp_path / f"model{suffix}"
    path.write_bytes(b"\x00")
    with pytest.raises(MissingDependencyError, match=rf"shallowsym\[{extra}\]"):
        io.load(path)
    assert main(["canon", str(path)]) == 2
    assert f"shallowsym[{extra}]" in capsys.readouterr().err


def test_state_dicts_need_no_torch(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    state = {
        "fc1.weight": np.ones((2, 1)),
        "fc1.bias": np.zeros(2),
        "fc2.weight": np.ones((1, 2)),
        "fc2.bias": np.zeros(1),
    }
    assert io.from_torch(state).h == 2
