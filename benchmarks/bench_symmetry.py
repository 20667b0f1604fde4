"""Symmetry report and flip search timings (issue targets: report at (8, 64, 2) under 1 s
without fibre types; flip search over 40 live neurons with d = k = 1 under 10 s; issue 14:
``symmetries`` and its printed report at (8, 4096, 2) under 2 s each, generic, degenerate, and
with 2048 opposite pairs, float32 weights).

Run:  python benchmarks/bench_symmetry.py
"""

from __future__ import annotations

import time

import numpy as np

from shallowsym import SearchLimitExceeded, ShallowNetwork, flip_sets, symmetries


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def generic(d: int, h: int, k: int, seed: int) -> ShallowNetwork:
    rng = np.random.default_rng(seed)
    return ShallowNetwork(
        rng.standard_normal((h, d)),
        rng.standard_normal(h),
        rng.standard_normal((k, h)),
        rng.standard_normal(k),
    )


def degenerate(d: int, k: int, seed: int) -> ShallowNetwork:
    """(d, 64, k): 20 generic live neurons, a twin of each, 12 zero-output, 12 zero-input."""
    rng = np.random.default_rng(seed)
    W1 = rng.integers(-9, 10, (20, d)).astype(float)
    b1 = rng.integers(-9, 10, 20).astype(float)
    W2 = rng.integers(1, 10, (k, 20)).astype(float)
    W1 = np.vstack([W1, 2 * W1, rng.integers(-9, 10, (12, d)), np.zeros((12, d))])
    b1 = np.concatenate([b1, 2 * b1, rng.integers(-9, 10, 12), rng.integers(-9, 10, 12)])
    W2 = np.hstack([W2, W2, np.zeros((k, 12)), rng.integers(1, 10, (k, 12))])
    return ShallowNetwork(W1, b1, W2, np.zeros(k))


def report_row(name: str, net: ShallowNetwork) -> None:
    report, t_eager = timed(lambda: symmetries(net))
    _, t_text = timed(lambda: str(report))
    try:
        hidden, t_hidden = timed(lambda: report.has_hidden_symmetries)
    except SearchLimitExceeded:
        hidden, t_hidden = "undecided (flip search over the limit)", float("nan")
    print(
        f"{name:<44} eager {t_eager:7.3f}s  printed report {t_text:7.3f}s  "
        f"hidden={hidden} ({t_hidden:.3f}s)"
    )


def at_scale(kind: str, seed: int = 0) -> ShallowNetwork:
    """(8, 4096, 2), float32: generic; 2048 opposite pairs (neuron i + 2048 = -neuron i, own
    output weights); degenerate (512 twins, 256 zero-input, 256 zero-output neurons)."""
    d, h, k = 8, 4096, 2
    rng = np.random.default_rng(seed)
    W1, b1, W2 = (
        np.asarray(rng.standard_normal(shape), dtype=np.float32).astype(float)
        for shape in ((h, d), (h,), (k, h))
    )
    half = h // 2
    if kind == "opposite":
        W1[half:], b1[half:] = -W1[:half], -b1[:half]
    elif kind == "degenerate":
        W1[half : half + h // 8], b1[half : half + h // 8] = 2 * W1[: h // 8], 2 * b1[: h // 8]
        W1[-h // 8 :] = 0
        W2[:, -h // 16 :] = 0
    return ShallowNetwork(W1, b1, W2, [0, 0])


def main() -> None:
    for kind in ("generic", "degenerate", "opposite"):
        report_row(f"(8, 4096, 2) {kind}", at_scale(kind))
    report_row("(8, 64, 2) generic float weights", generic(8, 64, 2, seed=1))
    report_row("(8, 64, 2) twins + zero neurons (40 live)", degenerate(8, 2, seed=2))
    rng = np.random.default_rng(3)
    values = rng.integers(1, 2**40, 40)
    signs = np.where(rng.random(40) < 0.5, -1, 1)
    net = ShallowNetwork((values * signs)[:, None], np.arange(40), np.ones((1, 40)), [0])
    flips, t_flip = timed(lambda: flip_sets(net))
    print(
        f"flip search, 40 live neurons, d = k = 1: {len(flips)} admissible flips in "
        f"{t_flip:.2f}s (2 x 2^20 subset sums)"
    )
    planted = values.copy()
    planted[37:] = -(values[:3] + values[3:6])  # three planted zero sums of size 3
    net = ShallowNetwork(planted[:, None], np.arange(40), np.ones((1, 40)), [0])
    flips, t_flip = timed(lambda: flip_sets(net))
    print(
        f"flip search, 40 live neurons with 3 planted zero sums: {len(flips)} admissible "
        f"flips in {t_flip:.2f}s"
    )


if __name__ == "__main__":
    main()
