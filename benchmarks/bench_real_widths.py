"""Every CLI command and public function at real widths, timed, with the length of the text.

Networks: (784, 1024, 10) and (10, h, 1) for h = 16, 64, 256, 1024, float32 weights, trained
briefly with torch (Adam, 60 steps on a synthetic teacher task: Gaussian inputs, labels of a
random ReLU teacher) when torch is installed, else He initialisation. Each comes *generic* (as
trained) and *degenerate* (a copy with planted dead neurons: 1/16 of the neurons get zero output
weights, 1/16 zero input weights and a bias <= 0, and 1/16 become exact twins of others, their
output weights halved between the two). Every network is written to a ``.pt`` state dict and
read back by the CLI, as a user would. The CLI runs in-process (``shallowsym.cli.main``),
default options.

Columns: wall-clock seconds and this process's CPU seconds (one run each: on a shared machine
the wall time can be many times the CPU time), lines of text printed, exit code. A check at
the end: ``reduce -o out.pt`` of every degenerate network is exactly equivalent to the
original, and keeps original neurons.

A last network, *planted*: (784, 1024, 10) with float32 He-initialised weights and exactly 16
zero-output neurons and 16 twins planted (the issue-14 user trial), measured for
``shallowsym symmetries``, ``str(symmetries(net))`` and ``local_dimension``.

Run:  python benchmarks/bench_real_widths.py [--quick | --only-large]
"""

from __future__ import annotations

import argparse
import contextlib
import io as _io
import os
import platform
import tempfile
import time

import numpy as np

from shallowsym import (
    ShallowNetwork,
    canonical_form,
    equivalent,
    explain,
    functional_dimension,
    io,
    is_irreducible,
    local_dimension,
    minimal_width,
    reduction,
    symmetries,
)
from shallowsym.cli import main
from shallowsym.deadline import time_budget
from shallowsym.errors import SearchLimitExceeded

try:
    import torch
except ImportError:  # pragma: no cover - the [torch] extra is optional
    torch = None


def trained(d: int, h: int, k: int, seed: int) -> tuple[np.ndarray, ...]:
    """float32 (W1, b1, W2, b2): briefly trained with torch, else He initialisation."""
    rng = np.random.default_rng(seed)
    if torch is None:
        W1 = rng.standard_normal((h, d)) * np.sqrt(2 / d)
        W2 = rng.standard_normal((k, h)) * np.sqrt(2 / h)
        return tuple(np.asarray(a, dtype=np.float32) for a in (W1, np.zeros(h), W2, np.zeros(k)))
    torch.manual_seed(seed)
    X = torch.randn(1024, d)
    teacher = torch.nn.Sequential(torch.nn.Linear(d, 32), torch.nn.ReLU(), torch.nn.Linear(32, k))
    with torch.no_grad():
        y = teacher(X)
        labels = y.argmax(1) if k > 1 else y
    model = torch.nn.Sequential(torch.nn.Linear(d, h), torch.nn.ReLU(), torch.nn.Linear(h, k))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss() if k > 1 else torch.nn.MSELoss()
    for _ in range(60):
        opt.zero_grad()
        loss_fn(model(X), labels).backward()
        opt.step()
    return tuple(p.detach().numpy().astype(np.float32) for p in model.parameters())


def degenerate(arrays: tuple[np.ndarray, ...], seed: int) -> tuple[np.ndarray, ...]:
    """Dead neurons (zero output, zero input) and exact twins planted in a trained network."""
    W1, b1, W2, b2 = (a.copy() for a in arrays)
    h = len(b1)
    n = max(h // 16, 1)
    rng = np.random.default_rng(seed)
    order = rng.permutation(h)
    dead_out, dead_in, twins, sources = (order[i * n : (i + 1) * n] for i in range(4))
    W2[:, dead_out] = 0
    W1[dead_in] = 0
    b1[dead_in] = -np.abs(b1[dead_in])  # dead: relu(beta) = 0 (an active one adds a constant)
    for j, i in zip(twins, sources, strict=True):
        W1[j], b1[j] = W1[i], b1[i]
        W2[:, i] = W2[:, i] / 2  # exact in float32 (a power of two)
        W2[:, j] = W2[:, i]
    return W1, b1, W2, b2


def planted(d: int, h: int, k: int, seed: int, dead: int = 16, twins: int = 16) -> tuple:
    """float32 He-initialised (W1, b1, W2, b2) with ``dead`` zero-output neurons and ``twins``
    exact twins planted (a twin copies w and beta, the pair halves a: exact in float32)."""
    rng = np.random.default_rng(seed)
    W1 = (rng.standard_normal((h, d)) * np.sqrt(2 / d)).astype(np.float32)
    b1 = (rng.standard_normal(h) * 0.1).astype(np.float32)
    W2 = (rng.standard_normal((k, h)) * np.sqrt(2 / h)).astype(np.float32)
    order = rng.permutation(h)
    W2[:, order[:dead]] = 0
    for j, i in zip(
        order[dead : dead + twins], order[dead + twins : dead + 2 * twins], strict=True
    ):
        W1[j], b1[j] = W1[i], b1[i]
        W2[:, i] = W2[:, i] / 2
        W2[:, j] = W2[:, i]
    return W1, b1, W2, np.zeros(k, dtype=np.float32)


def measure_planted(folder: str, suffix: str) -> None:
    """The user trial of issue 14: (784, 1024, 10), 16 zero-output neurons and 16 twins."""
    arrays = planted(784, 1024, 10, seed=0)
    path = os.path.join(folder, f"planted{suffix}")
    save_pt(arrays, path)
    print("\nplanted: (784, 1024, 10), He init, 16 zero-output neurons, 16 twins", flush=True)
    t, cpu, lines, code = run_cli(["symmetries", path])
    print(
        f"  {'shallowsym symmetries':<40} {t:8.3f} s (cpu {cpu:7.3f} s) {lines:5d} lines  "
        f"exit {code}"
    )
    net = ShallowNetwork(*arrays)
    t, cpu, _ = timed(lambda n: str(symmetries(n)), net)
    print(f"  {'str(symmetries(net))':<40} {t:8.3f} s (cpu {cpu:7.3f} s)", flush=True)
    t, cpu, value = timed(local_dimension, ShallowNetwork(*arrays))
    print(f"  {'local_dimension':<40} {t:8.3f} s (cpu {cpu:7.3f} s) -> {value.dimension}")


def save_pt(arrays: tuple[np.ndarray, ...], path: str) -> None:
    if torch is not None:
        names = ("0.weight", "0.bias", "2.weight", "2.bias")
        torch.save({n: torch.from_numpy(a) for n, a in zip(names, arrays, strict=True)}, path)
    else:
        np.savez(path, W1=arrays[0], b1=arrays[1], W2=arrays[2], b2=arrays[3])


def run_cli(argv: list[str]) -> tuple[float, float, int, int]:
    out = _io.StringIO()
    start, cpu = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(argv)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    return wall, cpu, out.getvalue().count("\n"), code


def timed(fn, *args, **kwargs) -> tuple[float, float, object]:
    start, cpu = time.perf_counter(), time.process_time()
    try:
        value = fn(*args, **kwargs)
    except SearchLimitExceeded as err:
        value = f"limit: {str(err)[:50]}"
    return time.perf_counter() - start, time.process_time() - cpu, value


def bounded_local_dimension(net: ShallowNetwork):
    """local_dimension within a 60 s time budget ("undecided" past it)."""
    try:
        with time_budget(60, "local_dimension", limit=1):
            return local_dimension(net).dimension
    except SearchLimitExceeded as err:
        return f"undecided ({err})"


def measure(name: str, arrays, folder: str, suffix: str) -> None:
    path = os.path.join(folder, f"{name}{suffix}")
    save_pt(arrays, path)
    other = os.path.join(folder, f"{name}-permuted{suffix}")
    perm = np.random.default_rng(7).permutation(len(arrays[1]))
    save_pt((arrays[0][perm], arrays[1][perm], arrays[2][:, perm], arrays[3]), other)
    out = os.path.join(folder, f"{name}-reduced{suffix}")
    print(f"\n{name}: (d, h, k) = {arrays[0].shape[1], len(arrays[1]), len(arrays[3])}", flush=True)
    rows = [
        ("shallowsym equiv A B (permuted copy)", ["equiv", path, other]),
        ("shallowsym canon", ["canon", path]),
        ("shallowsym symmetries", ["symmetries", path]),
        ("shallowsym symmetries --types", ["symmetries", path, "--types"]),
        ("shallowsym fundim", ["fundim", path]),
        ("shallowsym reduce -o out.pt", ["reduce", path, "-o", out]),
    ]
    for label, argv in rows:
        t, cpu, lines, code = run_cli(argv)
        print(
            f"  {label:<40} {t:8.3f} s (cpu {cpu:7.3f} s) {lines:5d} lines  exit {code}",
            flush=True,
        )
    t_load, cpu, net = timed(io.load, path)
    _, _, net2 = timed(io.load, other)
    print(f"  {'io.load (.pt)':<40} {t_load:8.3f} s (cpu {cpu:7.3f} s)", flush=True)
    calls = [
        ("canonical_form", canonical_form, (net,)),
        ("equivalent (verdict)", equivalent, (net, net2)),
        ("explain (certificate)", explain, (net, net2)),
        ("symmetries", symmetries, (net,)),
        (
            "str(symmetries(net, time_budget=20))",
            lambda n: str(symmetries(n, time_budget=20)),
            (net,),
        ),
        ("functional_dimension", functional_dimension, (net,)),
        ("minimal_width", minimal_width, (net,)),
        ("is_irreducible", is_irreducible, (net,)),
        ("reduction", reduction, (net,)),
        ("local_dimension (60 s budget)", bounded_local_dimension, (net,)),
    ]
    for label, fn, args in calls:
        fresh = tuple(
            ShallowNetwork.from_exact(a.exact.W1, a.exact.b1, a.exact.W2, a.exact.b2)
            if isinstance(a, ShallowNetwork)
            else a
            for a in args
        )
        t, cpu, value = timed(fn, *fresh)
        shown = value if isinstance(value, int | bool | str) else type(value).__name__
        shown = str(shown).splitlines()[0]
        print(f"  {label:<40} {t:8.3f} s (cpu {cpu:7.3f} s) -> {shown[:50]}", flush=True)
    if "degenerate" in name and torch is not None:
        small = io.load(out)
        exact = bool(equivalent(net, small))
        kept = reduction(net).kept_neurons
        print(
            f"  check: {out} has h = {small.h}, exactly equivalent: {exact}, kept neurons: {kept}",
            flush=True,
        )


def main_() -> None:
    parser = argparse.ArgumentParser(description="shallowsym at real widths")
    parser.add_argument("--quick", action="store_true", help="only (10, 16..256, 1)")
    parser.add_argument("--only-large", action="store_true", help="only (784, 1024, 10)")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, torch "
        + ("absent: He init" if torch is None else torch.__version__)
    )
    suffix = ".pt" if torch is not None else ".npz"
    shapes = [(10, 16, 1), (10, 64, 1), (10, 256, 1)]
    if not args.quick:
        shapes += [(10, 1024, 1), (784, 1024, 10)]
    if args.only_large:
        shapes = [(784, 1024, 10)]
    with tempfile.TemporaryDirectory() as folder:
        if not args.quick:
            measure_planted(folder, suffix)
        for n, (d, h, k) in enumerate(shapes):
            arrays = trained(d, h, k, seed=n)
            measure(f"generic-{d}-{h}-{k}", arrays, folder, suffix)
            measure(f"degenerate-{d}-{h}-{k}", degenerate(arrays, seed=n), folder, suffix)


if __name__ == "__main__":
    main_()
