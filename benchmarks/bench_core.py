"""Time canonical_form and equivalent at (d, h, k) = (16, h, 4), h in {10, 100, 1000, 10000}.

Networks have float64 weights (as a trained model would), converted exactly. Each timing is
the best of ``--repeat`` runs on a fresh network object (results are cached per network, so
reusing one would time a dictionary look-up). ``equivalent`` is timed on an equivalent pair
(b = a permuted and rescaled: both canonical forms plus the standard certificate) and on a
near miss (one bias moved by 2^-30: both canonical forms plus the witness).

Then the exact conversion (issue 16): float arrays to exact rationals against the floor of one
``as_integer_ratio`` per entry, at (16, 10^4, 4); ``canonical_form`` there; and exact canonical
forms of float32 (784, 128, 10) networks per second (conversion included and not).

``--cpu`` times with the process's CPU time instead of the wall clock (on a loaded, shared
machine the wall clock mostly measures waiting for a core).

Run:  python benchmarks/bench_core.py [--repeat 3] [--max-h 10000] [--cpu]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time

import numpy as np

from shallowsym import ShallowNetwork, apply_standard, canonical_form, equivalent


def random_arrays(d: int, h: int, k: int, seed: int):
    rng = np.random.default_rng(seed)
    return (
        rng.standard_normal((h, d)),
        rng.standard_normal(h),
        rng.standard_normal((k, h)),
        rng.standard_normal(k),
    )


clock = time.perf_counter


def best_of(repeat: int, make, run) -> float:
    best = math.inf
    for _ in range(repeat):
        args = make()
        start = clock()
        run(*args)
        best = min(best, clock() - start)
    return best


def measure(d: int, h: int, k: int, repeat: int) -> tuple[float, float, float]:
    """Best times of canonical_form, equivalent (equal pair) and equivalent (near miss)."""
    arrays = random_arrays(d, h, k, seed=h)
    rng = np.random.default_rng(h + 1)
    perm = rng.permutation(h).tolist()
    scales = [float(2.0 ** int(e)) for e in rng.integers(-3, 4, size=h)]
    near = list(arrays)
    near[1] = near[1].copy()
    near[1][0] += 2.0**-30

    def fresh():
        return (ShallowNetwork(*arrays),)

    def fresh_pair():
        a = ShallowNetwork(*arrays)
        return a, apply_standard(a, perm, scales)

    def fresh_miss():
        return ShallowNetwork(*arrays), ShallowNetwork(*near)

    def must_be_equivalent(a, b):
        assert equivalent(a, b)

    def must_differ(a, b):
        assert not equivalent(a, b)

    return (
        best_of(repeat, fresh, canonical_form),
        best_of(repeat, fresh_pair, must_be_equivalent),
        best_of(repeat, fresh_miss, must_differ),
    )


def conversion(repeat: int) -> None:
    """Exact conversion against its floor, canonical_form at (16, 10^4, 4), MNIST-size rate."""
    arrays = random_arrays(16, 10_000, 4, seed=99)

    def floor():
        for x in arrays:
            [v.as_integer_ratio() for v in x.ravel().tolist()]

    t_floor = best_of(repeat, lambda: (), floor)

    def convert():  # W1's exact matrix is built lazily: force it, so all is converted
        net = ShallowNetwork(*arrays)
        return net._A1, net._c1, net._A2, net._c2

    t_convert = best_of(repeat, lambda: (), convert)
    t_canon = best_of(repeat, lambda: (ShallowNetwork(*arrays),), canonical_form)
    print(
        f"conversion (16, 10^4, 4): {t_convert:.3f}s, floor (as_integer_ratio per entry) "
        f"{t_floor:.3f}s, ratio {t_convert / t_floor:.2f} (target <= 2)"
    )
    print(f"canonical_form (16, 10^4, 4) after conversion: {t_canon:.3f}s (target < 0.15s)")
    rng = np.random.default_rng(784)
    nets = [
        [
            (rng.standard_normal(shape) / np.sqrt(fan)).astype(np.float32)
            for shape, fan in (((128, 784), 784), ((128,), 784), ((10, 128), 128), ((10,), 128))
        ]
        for _ in range(20)
    ]
    t_build = t_forms = t_both = float("inf")
    for _ in range(3):  # best of three passes over the 20 networks (fresh networks each time)
        start = clock()
        built = [ShallowNetwork(*n) for n in nets]
        middle = clock()
        for net in built:
            canonical_form(net)
        end = clock()
        t_build, t_forms = min(t_build, middle - start), min(t_forms, end - middle)
        t_both = min(t_both, end - start)
    print(
        f"exact canonical form, float32 (784, 128, 10): {len(nets) / t_forms:.0f} per second "
        f"({len(nets) / t_both:.0f} per second with the conversion, best of 3 passes; target 50)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--max-h", type=int, default=10_000)
    parser.add_argument("--skip-table", action="store_true", help="only the conversion part")
    parser.add_argument("--cpu", action="store_true", help="time CPU, not the wall clock")
    args = parser.parse_args()
    global clock
    clock = time.process_time if args.cpu else time.perf_counter
    print(f"clock: {'process CPU time' if args.cpu else 'wall'}")
    conversion(args.repeat)
    if args.skip_table:
        return
    d, k = 16, 4
    widths = [h for h in (10, 100, 1000, 10_000) if h <= args.max_h]
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} cores"
    )
    print(
        f"{'h':>6} {'canonical_form':>15} {'equiv (equal)':>14} {'equiv (miss)':>13}"
        f" {'growth':>8} {'h log h growth':>15}"
    )
    previous = None
    for h in widths:
        t_canon, t_equal, t_miss = measure(d, h, k, args.repeat)
        growth = ideal = ""
        if previous is not None:
            growth = f"{t_canon / previous[1]:.1f}"
            ideal = f"{h * math.log(h) / (previous[0] * math.log(previous[0])):.1f}"
        print(
            f"{h:>6} {t_canon:>14.4f}s {t_equal:>13.4f}s {t_miss:>12.4f}s {growth:>8} {ideal:>15}"
        )
        previous = (h, t_canon)


if __name__ == "__main__":
    main()
