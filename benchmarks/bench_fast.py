"""The float fast path at scale (issue 16): batches, chunking, memory, alignment.

1. ``fast.canonicalize_batch`` on 10^5 networks (8, 32, 1) against one numpy argsort pass over
   the same per-network keys (the projections the batch sorts by), and against one chunk.
2. At MNIST size (784, 128, 10): the batch against a Python loop over ``fast.canonical_form``
   (keeping the forms, as a user does, and discarding each at once).
3. ``fast.equivalent_batch`` on 10^5 pairs (8, 32, 1) (a permuted, rescaled copy).
4. With ``--million``: 10^6 networks (8, 32, 1), float32, memory-mapped from a file; peak
   memory of the call (tracemalloc, which numpy reports to), the peak anonymous resident
   memory (sampled from /proc every 20 ms) and the process's peak RSS.
5. ``fast.align`` at (784, 1024, 10): a model against a copy pruned of 100 neurons and a
   float16-quantized copy.

Timings are the best of ``--repeat`` runs, in one process, so ratios compare like with like.

``--cpu`` times with the process's CPU time (on a loaded, shared machine the wall clock mostly
measures waiting for a core).

Run:  python benchmarks/bench_fast.py [--repeat 3] [--million] [--cpu]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import tempfile
import threading
import time
import tracemalloc

import numpy as np

from shallowsym import fast
from shallowsym.fast.core import projection

clock = time.perf_counter


def best(repeat: int, run) -> float:
    times = []
    for _ in range(repeat):
        start = clock()
        run()
        times.append(clock() - start)
    return min(times)


def stack(rng, N, h, d, k, dtype=np.float64):
    return [
        rng.standard_normal((N, h, d)).astype(dtype),
        rng.standard_normal((N, h)).astype(dtype),
        rng.standard_normal((N, k, h)).astype(dtype),
        rng.standard_normal((N, k)).astype(dtype),
    ]


def section_batch(repeat: int) -> None:
    rng = np.random.default_rng(1)
    N, h, d, k = 100_000, 32, 8, 1
    W1, b1, W2, b2 = stack(rng, N, h, d, k)
    keys = np.concatenate([W1, b1[..., None]], axis=-1) / W1[..., :1]
    proj = np.einsum("nhj,j->nh", keys, projection(d + 1))
    t_sort = best(repeat, lambda: np.argsort(proj, axis=1))
    t_batch = best(repeat, lambda: fast.canonicalize_batch(W1, b1, W2, b2))
    t_one = best(repeat, lambda: fast.canonicalize_batch(W1, b1, W2, b2, chunk_size=N))
    tracemalloc.start()
    fast.canonicalize_batch(W1, b1, W2, b2)
    peak_chunked = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    tracemalloc.start()
    fast.canonicalize_batch(W1, b1, W2, b2, chunk_size=N)
    peak_one = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    size = sum(x.nbytes for x in (W1, b1, W2, b2))
    print(f"1. canonicalize_batch, 10^5 networks (8, 32, 1), input {size / 2**20:.0f} MiB")
    print(f"   one numpy argsort pass over the keys: {t_sort:.3f}s")
    print(f"   canonicalize_batch (chunked):        {t_batch:.3f}s  ({t_batch / t_sort:.1f}x)")
    print(f"   canonicalize_batch (one chunk):      {t_one:.3f}s  ({t_one / t_sort:.1f}x)")
    print(
        f"   peak memory of the call: {peak_chunked / 2**20:.0f} MiB chunked, "
        f"{peak_one / 2**20:.0f} MiB in one chunk"
    )

    W1, b1, W2, b2 = stack(rng, 100, 128, 784, 10)
    t_batch = best(repeat, lambda: fast.canonicalize_batch(W1, b1, W2, b2))

    def loop_keeping():  # a user keeps the forms (to compare or store them)
        return [fast.canonical_form((W1[n], b1[n], W2[n], b2[n])) for n in range(100)]

    def loop_discarding():  # each form dropped at once: malloc recycles its memory
        for n in range(100):
            fast.canonical_form((W1[n], b1[n], W2[n], b2[n]))

    t_keep = best(repeat, loop_keeping)
    t_drop = best(repeat, loop_discarding)
    t_batch = min(t_batch, best(repeat, lambda: fast.canonicalize_batch(W1, b1, W2, b2)))
    print("2. (784, 128, 10), 100 networks (float64)")
    print(
        f"   canonicalize_batch {t_batch:.3f}s; Python loop keeping the forms {t_keep:.3f}s "
        f"(batch {t_keep / t_batch:.2f}x faster), discarding each form {t_drop:.3f}s "
        f"(batch {t_drop / t_batch:.2f}x faster)"
    )

    A = stack(rng, N, h, d, k)
    perm = rng.permutation(h)
    B = [A[0][:, perm] * 2.0, A[1][:, perm] * 2.0, A[2][:, :, perm] / 2.0, A[3]]
    t_eq = best(repeat, lambda: fast.equivalent_batch(A, B))
    eq, uncertain, _ = fast.equivalent_batch(A, B)
    print(
        f"3. equivalent_batch, 10^5 pairs (8, 32, 1): {t_eq:.3f}s "
        f"({int(eq.sum())} equivalent, {int(uncertain.sum())} uncertain)"
    )


def _rss_anon() -> int:
    """Resident anonymous memory of this process in bytes (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def section_million() -> None:
    N, h, d, k = 1_000_000, 32, 8, 1
    rng = np.random.default_rng(2)
    folder = tempfile.mkdtemp()
    arrays = []
    for name, shape in (("W1", (N, h, d)), ("b1", (N, h)), ("W2", (N, k, h)), ("b2", (N, k))):
        path = os.path.join(folder, f"{name}.npy")
        out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=shape)
        for start in range(0, N, 50_000):
            out[start : start + 50_000] = rng.standard_normal(out[start : start + 50_000].shape)
        out.flush()
        del out
        arrays.append(np.load(path, mmap_mode="r"))
    size = sum(x.nbytes for x in arrays)
    anon = [_rss_anon()]
    done = threading.Event()

    def sample():  # anonymous resident memory (not the mapped input's file pages), every 20 ms
        while not done.wait(0.02):
            anon.append(_rss_anon())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    tracemalloc.start()
    start = time.perf_counter()
    batch = fast.canonicalize_batch(*arrays)
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    done.set()
    sampler.join()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(
        f"4. 10^6 networks (8, 32, 1), float32 memory map of {size / 2**30:.2f} GiB: "
        f"{elapsed:.1f}s, {int(batch.counts.sum())} bent hyperplanes; peak memory of the call "
        f"{peak / 2**30:.2f} GiB (results {batch.normals.base.nbytes / 2**30:.2f} GiB of it), "
        f"peak anonymous RSS {max(anon) / 2**30:.2f} GiB (sampled; {anon[0] / 2**30:.2f} GiB "
        f"before the call), process peak RSS {rss / 2**30:.2f} GiB (includes mapped input pages)"
    )
    for name in ("W1", "b1", "W2", "b2"):
        os.remove(os.path.join(folder, f"{name}.npy"))


def section_align(repeat: int) -> None:
    rng = np.random.default_rng(3)
    d, h, k = 784, 1024, 10
    a = [
        (rng.standard_normal((h, d)) / 28).astype(np.float32),
        (rng.standard_normal(h) / 28).astype(np.float32),
        (rng.standard_normal((k, h)) / 32).astype(np.float32),
        (rng.standard_normal(k) / 32).astype(np.float32),
    ]
    keep = np.sort(rng.permutation(h)[: h - 100])
    pruned = [a[0][keep], a[1][keep], a[2][:, keep], a[3]]
    half = [x.astype(np.float16) for x in a]
    t_pruned = best(repeat, lambda: fast.align(a, pruned))
    t_half = best(repeat, lambda: fast.align(a, half))
    r1, r2 = fast.align(a, pruned), fast.align(a, half)
    print(
        f"5. fast.align at (784, 1024, 10): pruned copy {t_pruned:.3f}s "
        f"({len(r1.matched)} matched, {len(r1.unmatched_a)} only in a, {r1.bits} bits); "
        f"float16 copy {t_half:.3f}s ({len(r2.matched)} matched, {r2.bits} bits)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--million", action="store_true")
    parser.add_argument("--million-only", action="store_true", help="only section 4")
    parser.add_argument("--cpu", action="store_true", help="time CPU, not the wall clock")
    args = parser.parse_args()
    global clock
    clock = time.process_time if args.cpu else time.perf_counter
    print(f"clock: {'process CPU time' if args.cpu else 'wall'}")
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}"
    )
    if args.million_only:
        section_million()
        return
    section_batch(args.repeat)
    if args.million:
        section_million()
    section_align(args.repeat)


if __name__ == "__main__":
    main()
