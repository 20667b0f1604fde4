"""The issue-16 audit as a user runs it: a PyTorch model, a copy pruned of the neurons that
are never active on the data, and quantized copies (float16 rounding, torch int8 dynamic
quantization), aligned to the original.

Oracles share no code with shallowsym: which neurons survive is computed here from the
activations on the data (numpy), the expected neuron map is survivor -> its new index, the
number of agreeing bits is bounded from the rounding the test applied, and a witness is
checked by evaluating both torch models in float64.
"""

import copy
import warnings

import numpy as np
import pytest

from shallowsym import align, fast, io

torch = pytest.importorskip("torch")
nn = torch.nn


def trained_like(d: int, h: int, k: int, dead: int, seed: int):
    """A float32 model whose first ``dead`` neurons never fire on inputs in [0, 1]^d (bias
    below -sum |w|) but bend f elsewhere; data X in [0, 1]^d."""
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(d, h), nn.ReLU(), nn.Linear(h, k))
    with torch.no_grad():
        w = model[0].weight
        model[0].bias[:dead] = -w[:dead].abs().sum(1) - 0.5
    X = torch.rand(512, d, generator=torch.Generator().manual_seed(seed))
    return model, X


def in_float64(model, x):
    """The model evaluated in float64 (on a copy: Module.double() converts in place)."""
    with torch.no_grad():
        return copy.deepcopy(model).double()(x)


def prune(model, X):
    """Delete the neurons that are never active on X (what users do); return the copy and
    the survivors."""
    with torch.no_grad():
        pre = (X.double() @ model[0].weight.double().T + model[0].bias.double()).numpy()
    keep = np.nonzero((pre > 0).any(axis=0))[0]
    small = nn.Sequential(
        nn.Linear(model[0].in_features, len(keep)),
        nn.ReLU(),
        nn.Linear(len(keep), model[2].out_features),
    )
    index = torch.as_tensor(keep)
    with torch.no_grad():
        small[0].weight.copy_(model[0].weight[index])
        small[0].bias.copy_(model[0].bias[index])
        small[2].weight.copy_(model[2].weight[:, index])
        small[2].bias.copy_(model[2].bias)
    return small, keep


def test_pruned_copy_aligns_on_its_survivors():
    model, X = trained_like(24, 40, 3, dead=7, seed=1)
    pruned, keep = prune(model, X)
    assert len(keep) == 40 - 7  # the planted neurons, and only they, are dead on the data
    result = fast.align(model, pruned)
    assert result.dtype == "float32"
    assert result.neuron_map == tuple((int(i), j) for j, i in enumerate(keep))
    deleted = sorted(set(range(40)) - set(keep.tolist()))
    assert sorted(i for m in result.unmatched_a for i in m.neurons_a) == deleted
    assert {m.role for m in result.unmatched_a} == {"missing"}  # they still bend f
    assert result.unmatched_b == ()
    assert result.bits == 24  # the survivors are copied, not rounded
    text = str(result)
    assert f"neurons matched one to one ({len(keep)})" in text
    assert len(text.splitlines()) < 200
    # the pruned copy is another function off the data: the witness shows it in float64
    verdict = fast.equivalent(model, pruned)
    assert verdict.equivalent is False
    x = torch.tensor([verdict.witness.x], dtype=torch.float64)
    gap = (in_float64(model, x) - in_float64(pruned, x)).abs().max().item()
    assert gap > 1e-3
    # the exact path agrees on the survivors
    exact = align(io.from_torch(model), io.from_torch(pruned))
    assert exact.neuron_map == result.neuron_map


def test_float16_copy_aligns_to_its_bits_and_files_keep_their_dtype(tmp_path):
    model, _ = trained_like(24, 40, 3, dead=0, seed=2)
    half = nn.Sequential(nn.Linear(24, 40), nn.ReLU(), nn.Linear(40, 3))
    half.load_state_dict(model.state_dict())
    half = half.half()
    result = fast.align(model, half)
    assert result.dtype == "float16" and result.rtol == 1e-2
    assert result.neuron_map == tuple((i, i) for i in range(40))
    # float16 keeps 11 bits: relative rounding 2^-11 per weight, a few ulps after division
    assert 7 <= result.bits <= 11
    # at float16 tolerances the copy is equivalent (same neurons, scales near 1); at
    # float32 tolerances it is another function, and the witness shows it
    verdict = fast.equivalent(model, half)
    assert verdict.equivalent is True and verdict.dtype == "float16"
    assert verdict.permutation == tuple(range(40))
    strict = fast.equivalent(model, half, rtol=1e-5, atol=1e-8)
    assert strict.equivalent is False
    x = torch.tensor([strict.witness.x], dtype=torch.float64)
    gap = (in_float64(model, x) - in_float64(half, x)).abs().max().item()
    assert gap > 0
    # from files: the float16 state dict is reported as float16, not float32
    torch.save(model.state_dict(), tmp_path / "model.pt")
    torch.save(half.state_dict(), tmp_path / "half.pt")
    assert io.read(tmp_path / "half.pt").dtype == "float16"
    assert io.read(tmp_path / "model.pt").dtype == "float32"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", io.ReLUAssumedWarning)
        from_files = fast.equivalent(str(tmp_path / "model.pt"), str(tmp_path / "half.pt"))
    assert from_files.dtype == "float16" and from_files.equivalent is True


def test_int8_dynamic_quantization_is_read_dequantized():
    if "fbgemm" not in torch.backends.quantized.supported_engines and (
        "qnnpack" not in torch.backends.quantized.supported_engines
    ):
        pytest.skip("this torch build has no quantized engine")
    model, _ = trained_like(24, 40, 3, dead=0, seed=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        quantized = torch.ao.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)
    with pytest.warns(io.DequantizedWarning):
        net = io.from_torch(quantized)
    # the oracle: torch's own dequantized weights
    W1 = quantized[0].weight().dequantize().double().numpy()
    assert np.array_equal(np.array(net.W1, dtype=float), W1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", io.DequantizedWarning)
        result = fast.align(model, quantized)
    assert result.dtype == "qint8"
    matched = dict(result.neuron_map)
    assert len(matched) >= 36 and all(matched[i] == i for i in matched)
    assert 3 <= result.bits <= 8
