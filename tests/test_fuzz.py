"""Fuzzing every entry point that takes outside data (issue: reliability).

Each input must either give a valid network or raise InvalidNetworkError (or its documented
subclass UnsupportedArchitectureError) with a message: never another exception, never a hang
(hypothesis deadlines), never a partly built object. The fast profile runs in CI; set
SHALLOWSYM_FUZZ=long for the long campaign. The number of inputs tried is printed.
"""

import json
import math
import os
import string
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shallowsym import (
    InvalidNetworkError,
    MissingDependencyError,
    ShallowNetwork,
    canonical_form,
    io,
)
from shallowsym.cli import main

LONG = os.environ.get("SHALLOWSYM_FUZZ") == "long"
FUZZ = settings(
    max_examples=5000 if LONG else 60,
    deadline=10_000,  # 10 s: a hang fails the test instead of stalling it
    suppress_health_check=list(HealthCheck),
)
TRIED = {"inputs": 0}

scalars = st.one_of(
    st.integers(-(10**6), 10**6),
    st.integers(10**9999, 10**10000),  # 10^4-digit integers
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308]),
    st.fractions(),
    st.text(alphabet=string.digits + "-+./eE_ nainf", max_size=12),
    st.text(max_size=8),
    st.booleans(),
    st.none(),
    st.complex_numbers(),
    st.binary(max_size=4),
    st.just(np.float32(0.1)),
    st.just(np.int64(7)),
)
nested = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner), max_leaves=24
)
arrays = st.one_of(
    nested,
    st.builds(
        lambda shape, fill: np.full(shape, fill),
        st.lists(st.integers(0, 3), max_size=3),
        st.floats(allow_nan=True, allow_infinity=True),
    ),
    st.dictionaries(st.text(max_size=3), scalars, max_size=2),
)


def _valid_or_invalid(make):
    TRIED["inputs"] += 1
    try:
        net = make()
    except (InvalidNetworkError, MissingDependencyError) as err:
        # MissingDependencyError: the format's optional extra is not installed (documented).
        assert str(err), "an error must say what is wrong"
        return None
    assert isinstance(net, ShallowNetwork)
    canonical_form(net)  # a built network is fully usable
    return net


@FUZZ
@given(arrays, arrays, arrays, arrays)
def test_constructor(W1, b1, W2, b2):
    _valid_or_invalid(lambda: ShallowNetwork(W1, b1, W2, b2))


@FUZZ
@given(st.integers(1, 3), st.integers(0, 4), st.integers(1, 2), st.data())
def test_constructor_shapes_off_by_one(d, h, k, data):
    shapes = {"W1": (h, d), "b1": (h,), "W2": (k, h), "b2": (k,)}
    name = data.draw(st.sampled_from(sorted(shapes)))
    axis = data.draw(st.integers(0, len(shapes[name]) - 1))
    delta = data.draw(st.sampled_from([-1, 1]))
    shape = list(shapes[name])
    shape[axis] = max(shape[axis] + delta, 0)
    shapes[name] = tuple(shape)
    parts = {key: np.ones(s) for key, s in shapes.items()}
    _valid_or_invalid(lambda: ShallowNetwork(parts["W1"], parts["b1"], parts["W2"], parts["b2"]))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=20,
)


@FUZZ
@given(st.one_of(st.text(max_size=200), json_values.map(json.dumps)))
def test_json_text(text):
    _valid_or_invalid(lambda: ShallowNetwork.from_json(text))


@FUZZ
@given(st.sampled_from(["d", "h", "k", "W1", "b1", "W2", "b2", "format"]), json_values)
def test_json_mutations(key, value):
    data = ShallowNetwork([[1, 2], [3, 4]], [0, 1], [[1, -1]], [0]).to_dict()
    data[key] = value
    _valid_or_invalid(lambda: ShallowNetwork.from_json(json.dumps(data)))


def _file_cases(tmp_path, suffix, payload):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(payload)
    return path


@FUZZ
@given(st.sampled_from([".json", ".npz", ".safetensors", ".onnx", ".pt"]), st.binary(max_size=300))
def test_loaders_on_random_bytes(tmp_path_factory, suffix, payload):
    path = _file_cases(tmp_path_factory.mktemp("b"), suffix, payload)
    _valid_or_invalid(lambda: io.load(path))


npz_arrays = st.one_of(
    st.builds(
        np.full,
        st.lists(st.integers(0, 3), max_size=3).map(tuple),
        st.floats(allow_nan=True, allow_infinity=True),
    ),
    st.builds(np.full, st.lists(st.integers(0, 3), max_size=3).map(tuple), st.booleans()),
    st.builds(
        lambda s: np.array(s), st.lists(st.text(alphabet="0123456789-/.ab", max_size=4), max_size=3)
    ),
    st.builds(
        lambda shape: np.zeros(shape, dtype=complex),
        st.lists(st.integers(0, 2), max_size=2).map(tuple),
    ),
)


@FUZZ
@given(st.dictionaries(st.sampled_from(["W1", "b1", "W2", "b2", "other"]), npz_arrays, max_size=5))
def test_npz_with_hostile_arrays(tmp_path_factory, arrays_by_name):
    path = tmp_path_factory.mktemp("npz") / "f.npz"
    np.savez(path, **arrays_by_name)
    _valid_or_invalid(lambda: io.load(path))


@FUZZ
@given(
    st.dictionaries(
        st.text(alphabet="abc.weightbias01", max_size=10),
        st.lists(st.integers(0, 3), max_size=3).map(tuple),
        max_size=4,
    )
)
def test_safetensors_and_torch_state_dicts(tmp_path_factory, shapes):
    torch = pytest.importorskip("torch")
    from safetensors.numpy import save_file

    folder = tmp_path_factory.mktemp("st")
    arrays_by_name = {name: np.ones(shape, dtype=np.float32) for name, shape in shapes.items()}
    save_file(arrays_by_name, str(folder / "f.safetensors"))
    _valid_or_invalid(lambda: io.load(folder / "f.safetensors"))
    torch.save({k: torch.from_numpy(v) for k, v in arrays_by_name.items()}, folder / "f.pt")
    _valid_or_invalid(lambda: io.load(folder / "f.pt"))


@FUZZ
@given(
    st.lists(st.sampled_from(["Gemm", "Relu", "MatMul", "Add", "Sigmoid", "Gemm+"]), max_size=5),
    st.integers(1, 3),
)
def test_onnx_graphs(ops, width):
    pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper

    nodes, inits, current = [], [], "x"
    for n, op in enumerate(ops):
        out = f"t{n}"
        if op.startswith("Gemm"):
            inits += [
                numpy_helper.from_array(np.ones((width, width)), f"B{n}"),
                numpy_helper.from_array(np.ones(width), f"C{n}"),
            ]
            nodes.append(
                helper.make_node(
                    "Gemm", [current, f"B{n}", f"C{n}"], [out], transA=int(op.endswith("+"))
                )
            )
        elif op in ("MatMul", "Add"):
            inits.append(numpy_helper.from_array(np.ones((width, width)), f"B{n}"))
            nodes.append(helper.make_node(op, [current, f"B{n}"], [out]))
        else:
            nodes.append(helper.make_node(op, [current], [out]))
        current = out
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info("x", TensorProto.DOUBLE, [None, width])],
        [helper.make_tensor_value_info(current, TensorProto.DOUBLE, None)],
        inits,
    )
    _valid_or_invalid(lambda: io.from_onnx(helper.make_model(graph)))


@FUZZ
@given(
    st.sampled_from(["canon", "symmetries", "fundim", "reduce", "equiv"]),
    st.sampled_from([".json", ".npz", ".pt", ".txt"]),
    st.binary(max_size=120),
)
def test_cli_on_hostile_files(tmp_path_factory, command, suffix, payload):
    path = _file_cases(tmp_path_factory.mktemp("cli"), suffix, payload)
    args = [command, str(path)] + ([str(path)] if command == "equiv" else [])
    TRIED["inputs"] += 1
    import contextlib
    import io as stdio

    err = stdio.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(stdio.StringIO()):
        code = main(args)
    assert code in (0, 1, 2)
    if code == 2:
        assert err.getvalue().startswith("shallowsym: error: ") and err.getvalue().count("\n") == 1


def test_huge_numbers_and_large_width():
    digits = "7" * 10_000
    net = ShallowNetwork([[digits]], [f"1/{digits}"], [[f"-{digits}"]], [0])
    assert ShallowNetwork.from_json(net.to_json()) == net
    cf = canonical_form(net)
    assert len(cf.to_text(exact=True)) > 10_000  # printed by flint, past the 4300-digit limit
    assert "~3.0247e+19999" in str(cf) and len(str(cf)) < 200  # short for people
    assert "num_bent=1" in repr(cf)
    wide = ShallowNetwork(np.ones((20_000, 1)), np.arange(20_000.0), np.ones((1, 20_000)), [0])
    assert canonical_form(wide).num_bent == 20_000
    TRIED["inputs"] += 2


def test_torch_tensor_with_grad_is_read():
    torch = pytest.importorskip("torch")
    w = torch.ones(2, 1, requires_grad=True)
    net = ShallowNetwork(w, torch.zeros(2), torch.ones(1, 2), torch.zeros(1))
    assert net.h == 2


def test_report_inputs_tried():
    print(f"\nfuzzing: {TRIED['inputs']} inputs tried", file=sys.stderr)
    assert TRIED["inputs"] > 0 and math.isfinite(TRIED["inputs"])


# -- structure-aware mutations and the crafted families of issue 15 ---------------------------
# tests/fuzzgen.py mutates valid files field by field; tests/fuzz_campaign.py runs >= 10^5 of
# them in subprocesses (crashes and hangs counted). Here: a sample per target, and every
# crafted family, each of which must be refused by an InvalidNetworkError with a message.
MUTANTS_PER_TARGET = 400 if LONG else 25


@pytest.mark.parametrize("target", __import__("fuzzgen").TARGETS)
def test_structure_aware_mutants(tmp_path, target):
    import warnings

    import fuzzgen

    if target in ("pt", "state_dict", "torch_module"):
        pytest.importorskip("torch")
    if target == "onnx":
        pytest.importorskip("onnx")
    if target == "sklearn":
        pytest.importorskip("sklearn")
    outcomes = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for seed in range(MUTANTS_PER_TARGET):
            TRIED["inputs"] += 1
            kind, detail = fuzzgen.attempt(fuzzgen.mutant(target, seed, str(tmp_path)))
            assert kind != "wrong kind", f"{target} seed {seed}: {detail}"
            outcomes[kind] = outcomes.get(kind, 0) + 1
    assert outcomes.get("refused", 0) > 0


def test_crafted_hostile_families_are_refused_by_name(tmp_path):
    import fuzzgen

    cases = fuzzgen.crafted(str(tmp_path))
    assert len(cases) >= 15
    for name, reader in cases.items():
        TRIED["inputs"] += 1
        if name in fuzzgen.VALID_CRAFTED:  # read exactly, not refused
            assert isinstance(reader(), ShallowNetwork)
            continue
        # without a format's optional extra, its reader says so (documented), not InvalidNetwork
        with pytest.raises((InvalidNetworkError, MissingDependencyError)) as info:
            reader()
        if isinstance(info.value, MissingDependencyError):
            assert "safetensors" in name or "ONNX" in name or "torch" in name, name
        assert str(info.value), name


@pytest.mark.parametrize(
    "attr, value",
    [("coefs_", 1.5), ("intercepts_", None), ("coefs_", "1e1"), ("activation", None)],
)
def test_sklearn_model_with_hostile_attributes_is_refused_by_name(attr, value):
    # found by the campaign's sklearn target: list(model.coefs_) raised TypeError, and a
    # non-string activation was compared as it came. The reader is duck-typed (the attributes
    # of a fitted MLP), so without scikit-learn a stand-in with those attributes is read.
    from shallowsym import io

    try:
        from sklearn.neural_network import MLPRegressor
    except ImportError:

        class MLPRegressor:  # the attributes from_sklearn reads, as scikit-learn sets them
            def __init__(self, hidden_layer_sizes):
                self.hidden_layer_sizes = hidden_layer_sizes
                self.activation = "relu"

    model = MLPRegressor(hidden_layer_sizes=(2,))
    model.coefs_ = [np.ones((1, 2)), np.ones((2, 1))]
    model.intercepts_ = [np.zeros(2), np.zeros(1)]
    assert io.from_sklearn(model).h == 2
    setattr(model, attr, value)
    with pytest.raises(InvalidNetworkError, match=attr.rstrip("_")):
        io.from_sklearn(model)
