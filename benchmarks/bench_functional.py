"""Functional dimension and minimal width timings (issue targets: functional_dimension at
(16, 256, 2) under 0.5 s; minimal_width at (8, 24, 1) with many opposite-orientation pairs
under 5 s).

Run:  python benchmarks/bench_functional.py
"""

from __future__ import annotations

import time

import numpy as np

from shallowsym import (
    ShallowNetwork,
    functional_dimension,
    minimal_width,
)


def best_of(repeat, make, run):
    best = float("inf")
    for _ in range(repeat):
        arg = make()
        start = time.perf_counter()
        value = run(arg)
        best = min(best, time.perf_counter() - start)
    return value, best


def main() -> None:
    rng = np.random.default_rng(0)
    arrays = (
        rng.standard_normal((256, 16)),
        rng.standard_normal(256),
        rng.standard_normal((2, 256)),
        rng.standard_normal(2),
    )
    fd, t_fd = best_of(3, lambda: ShallowNetwork(*arrays), functional_dimension)
    print(
        f"functional_dimension (16, 256, 2), float weights: {fd.dimension} (bound {fd.bound}) "
        f"in {t_fd:.3f}s"
    )
    # (8, 24, 1): 12 hyperplanes, each carrying an opposite-orientation pair.
    w = rng.integers(-5, 6, (12, 8))
    w[:, 0] = np.where(w[:, 0] == 0, 1, w[:, 0])
    b = rng.integers(-5, 6, 12)
    W1 = np.vstack([w, -2 * w])
    b1 = np.concatenate([b, -2 * b])
    W2 = rng.integers(1, 6, (1, 24))
    net_args = (W1, b1, W2, [0])
    width, t_min = best_of(3, lambda: ShallowNetwork(*net_args), minimal_width)
    print(
        f"minimal_width (8, 24, 1), 12 opposite-orientation pairs: N_min = {width} in {t_min:.3f}s"
    )


if __name__ == "__main__":
    main()
