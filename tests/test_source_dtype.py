"""Issue 16: a file's weights keep their dtype (the fast path's default tolerances come from
it), a float network's exact W1 is built lazily but equal to the eager one, and only
borderline pivots make a fast verdict uncertain.

Oracles: the dtypes the tests wrote, ``fractions.Fraction`` of every float, and networks the
tests perturb themselves."""

from fractions import Fraction

import numpy as np
import pytest

from shallowsym import ShallowNetwork, canonical_form, fast, io


def arrays(rng, dtype, d=5, h=7, k=2):
    return [rng.standard_normal(shape).astype(dtype) for shape in ((h, d), (h,), (k, h), (k,))]


@pytest.mark.parametrize(
    ("dtype", "name"), [(np.float16, "float16"), (np.float32, "float32"), (np.float64, "float64")]
)
def test_npz_files_report_their_dtype_and_fast_tolerances_follow(tmp_path, dtype, name):
    W1, b1, W2, b2 = arrays(np.random.default_rng(1), dtype)
    path = tmp_path / "net.npz"
    np.savez(path, W1=W1, b1=b1, W2=W2, b2=b2)
    result = io.read(path)
    assert result.dtype == name
    assert (f"weights stored as {name}" in str(result)) and result.to_dict()["dtype"] == name
    form = fast.canonical_form(str(path))
    assert (form.rtol, form.atol) == fast.DEFAULT_TOLERANCES[name]


def test_mixed_and_exact_files(tmp_path):
    W1, b1, W2, b2 = arrays(np.random.default_rng(2), np.float32)
    path = tmp_path / "mixed.npz"
    np.savez(path, W1=W1, b1=b1.astype(np.float16), W2=W2, b2=b2.astype(np.float64))
    assert io.read(path).dtype == "float16"  # the coarsest
    net = ShallowNetwork(W1, b1, W2, b2)
    json_path = tmp_path / "net.json"
    net.save(json_path)
    assert io.read(json_path).dtype == "exact"
    io.to_npz(net, tmp_path / "exact.npz")  # exact rational strings
    assert io.read(tmp_path / "exact.npz").dtype == "exact"
    assert fast.canonical_form(str(json_path)).rtol == fast.DEFAULT_TOLERANCES["float64"][0]


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_lazy_exact_w1_equals_the_floats(dtype):
    W1, b1, W2, b2 = arrays(np.random.default_rng(3), dtype, d=40, h=30, k=3)
    W1[0, :3] = [0.0, -0.0, 2.0**-20]
    net = ShallowNetwork(W1, b1, W2, b2)
    form = canonical_form(net)  # computed from the float rows, without the exact W1
    oracle = ShallowNetwork(
        [[Fraction(float(x)) for x in row] for row in W1],
        [Fraction(float(x)) for x in b1],
        [[Fraction(float(x)) for x in row] for row in W2],
        [Fraction(float(x)) for x in b2],
    )
    assert net.W1 == tuple(tuple(Fraction(float(x)) for x in row) for row in W1)
    assert net == oracle and hash(net) == hash(oracle)
    assert form == canonical_form(oracle)


def test_small_weights_after_the_pivot_do_not_make_a_verdict_uncertain():
    rng = np.random.default_rng(4)
    W1, b1, W2, b2 = arrays(rng, np.float64, d=6, h=5, k=1)
    W1[:, 0] = 1.0 + rng.random(5)  # every pivot far from atol
    W1[2, 3] = 3e-12  # within ten atol (1e-12) of zero, but after the pivot
    b = [W1 * 2.0, b1 * 2.0, W2 / 2.0, b2]
    verdict = fast.equivalent((W1, b1, W2, b2), tuple(b))
    assert verdict.equivalent is True
    moved = [W1.copy(), b1.copy(), W2, b2]
    moved[1][1] += 1e-3
    assert fast.equivalent((W1, b1, W2, b2), tuple(moved)).equivalent is False
    # the same small weight as the pivot (the first weight) is borderline: uncertain when
    # the other side drops it, as before
    a = [W1.copy(), b1, W2, b2]
    a[0][2, 0] = 5e-12
    c = [a[0].copy(), b1, W2, b2]
    c[0][2, 0] = 5e-13
    assert fast.equivalent(tuple(a), tuple(c)).uncertain
