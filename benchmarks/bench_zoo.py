"""Zoo throughput: serial against Dask (LocalCluster, 2 worker processes), fast and exact.

Zoos of random float64 networks (standard normal weights) with 10% planted duplicates (a
permuted copy of an earlier network, rescaled by powers of 2 so that it is exactly equivalent):

1. (8, 32, 1): 10^5 networks in fast mode; exact mode on ``--exact-small`` of them.
2. (784, 128, 10): 10^3 networks in fast mode; exact mode on ``--exact-large`` of them.

For each: networks per second, the peak resident memory of the driver and of each worker
(``ru_maxrss``), the Dask speedup over serial and the scaling efficiency (speedup / workers).
The cluster is started once, before the timings (its start-up time is printed apart), and a
calibration row shows the parallelism the machine gives at the time (a pure-Python loop on
the same workers): on a shared machine it bounds what the zoo can show. The peer is the serial
backend, run in the same process on the same arrays with one BLAS thread (Dask sets
OMP/OPENBLAS/MKL_NUM_THREADS=1 in its workers; numpy's default of one thread per core would
let the "serial" run use both cores in its matrix products). Both backends must
return identical rows (checked).

Run:  python benchmarks/bench_zoo.py [--quick]
"""

from __future__ import annotations

import os

# One BLAS thread in this process, as Dask gives its workers: "serial" is then one core.
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from shallowsym.zoo import zoo  # noqa: E402


def planted_stack(n: int, d: int, h: int, k: int, seed: int):
    rng = np.random.default_rng(seed)
    W1 = rng.standard_normal((n, h, d))
    b1 = rng.standard_normal((n, h))
    W2 = rng.standard_normal((n, k, h))
    b2 = rng.standard_normal((n, k))
    for m in range(n // 10):  # copy m into a slot at the end: permuted and rescaled
        src, dst = m, n - 1 - m
        perm = rng.permutation(h)
        t = 2.0 ** rng.integers(-3, 4, h)  # powers of 2: the copy is exact in float64
        W1[dst] = W1[src][perm] * t[:, None]
        b1[dst] = b1[src][perm] * t
        W2[dst] = W2[src][:, perm] / t[None, :]
        b2[dst] = b2[src]
    return W1, b1, W2, b2


def ends(stack, n: int):
    """The first and last n/2 networks: the last ones are copies of the first ones."""
    return tuple(np.concatenate([a[: n // 2], a[len(a) - n // 2 :]]) for a in stack)


def burn(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def calibrate(client, workers) -> None:
    """What parallelism the machine gives right now: the same pure-Python loop, 4 times in
    this process, then as 4 tasks on the workers (no data, no shallowsym)."""
    n = 3_000_000
    t0 = time.perf_counter()
    for _ in range(4):
        burn(n)
    t_serial = time.perf_counter() - t0
    t0 = time.perf_counter()
    client.gather([client.submit(burn, n, pure=False, key=f"burn-{m}") for m in range(4)])
    t_dask = time.perf_counter() - t0
    speedup = t_serial / t_dask
    print(
        f"calibration (a pure-Python loop, 4 runs): serial {t_serial:.1f} s, dask "
        f"{t_dask:.1f} s, speedup {speedup:.2f}x, efficiency {speedup / workers:.0%}",
        flush=True,
    )


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(label, stack, mode, client, workers):
    n = len(stack[0])
    t0 = time.perf_counter()
    serial = zoo(stack, mode=mode, progress=False)
    t_serial = time.perf_counter() - t0
    driver = maxrss_mb()
    t0 = time.perf_counter()
    dask = zoo(stack, mode=mode, backend="dask", client=client, progress=False)
    t_dask = time.perf_counter() - t0
    worker_mb = client.run(maxrss_mb)
    assert [dict(r) for r in dask.rows] == [dict(r) for r in serial.rows], "dask != serial"
    speedup = t_serial / t_dask
    s = serial.summary
    print(
        f"| {label} | {mode} | {n} | {n / t_serial:.1f} | {n / t_dask:.1f} | {speedup:.2f}x "
        f"| {speedup / workers:.0%} | {driver:.0f} | "
        f"{max(worker_mb.values()):.0f} | {s['duplicates']} dup., {s['uncertain']} unc. |",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="10x fewer networks")
    parser.add_argument("--exact-small", type=int, default=400)
    parser.add_argument("--exact-large", type=int, default=12)
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    from distributed import Client, LocalCluster

    workers = 2
    print(f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    t0 = time.perf_counter()
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = Client(cluster)
    print(f"LocalCluster start-up ({workers} worker processes): {time.perf_counter() - t0:.1f} s")
    calibrate(client, workers)
    print(
        "| zoo | mode | networks | serial net/s | dask net/s | speedup | efficiency "
        "| driver MB | worker MB | found |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    small = planted_stack(100_000 // scale, 8, 32, 1, seed=1)
    run("(8, 32, 1)", small, "fast", client, workers)
    n = max(20, args.exact_small // scale)
    run("(8, 32, 1)", ends(small, n), "exact", client, workers)
    large = planted_stack(1000 // scale, 784, 128, 10, seed=2)
    run("(784, 128, 10)", large, "fast", client, workers)
    n = max(4, args.exact_large // scale)
    run("(784, 128, 10)", ends(large, n), "exact", client, workers)
    client.close()
    cluster.close()


if __name__ == "__main__":
    main()
