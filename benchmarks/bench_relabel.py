"""Equivalence up to relabelled inputs and outputs (issue 19), against plain networkx VF2.

At (d, h, k) = (16, 256, 4) and (784, 128, 10), float32 weights (as a trained model's) converted
exactly. For each shape, pairs of four kinds:

* ``relabelled``: a copy with shuffled inputs ("pixels") and outputs ("classes"), its neurons
  permuted and rescaled by powers of 2 (equivalent);
* ``near miss``: the same copy with one output weight moved by 2^-10 (one kink changed);
* ``input scaled``: a(A x) with A = diag(2, 1, ..., 1), equal only up to a non-permutation map;
* ``other model``: independent weights.

Timed: ``relabelled_equivalent`` on fresh networks (both canonical forms included), which stage
decided (cheap invariants, colour refinement, or the VF2 matcher), and, on the same pairs,
networkx's VF2 ``GraphMatcher`` (node and edge labels compared) on the relabelling graphs with
nothing else (graph construction included, a timeout per pair), the peer. Also
``relabelling_group`` of a model.

Run:  python benchmarks/bench_relabel.py [--quick]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import time

import numpy as np
from networkx.algorithms.isomorphism import GraphMatcher

from shallowsym import ShallowNetwork
from shallowsym.relabel import relabelled_equivalent, relabelling_graph, relabelling_group


def model(d: int, h: int, k: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    def f32(*shape):
        return (rng.standard_normal(shape) / np.sqrt(shape[-1])).astype(np.float32).astype(float)

    return f32(h, d), f32(h), f32(k, h), f32(k)


def relabelled(params, rng):
    W1, b1, W2, b2 = params
    h, d = W1.shape
    k = W2.shape[0]
    sigma, pi, perm = rng.permutation(d), rng.permutation(k), rng.permutation(h)
    scale = 2.0 ** rng.integers(-3, 4, h)
    W1b, W2b, b2b = np.zeros_like(W1), np.zeros_like(W2), np.zeros_like(b2)
    W1b[:, sigma], W2b[pi], b2b[pi] = W1, W2, b2
    W1b, b1b, W2b = W1b * scale[:, None], b1 * scale, W2b / scale[None, :]
    return W1b[perm], b1b[perm], W2b[:, perm], b2b


def pairs(d, h, k, n, rng):
    for _ in range(n):
        params = model(d, h, k, rng)
        copy = relabelled(params, rng)
        yield "relabelled", params, copy
        W1, b1, W2, b2 = copy
        W2 = W2.copy()
        W2[0, 0] += 2.0**-10
        yield "near miss", params, (W1, b1, W2, b2)
        W1a = params[0].copy()
        W1a[:, 0] *= 2
        yield "input scaled", params, (W1a, *params[1:])
        yield "other model", params, model(d, h, k, rng)


def _peer(pa, pb, queue) -> None:
    a, b = ShallowNetwork(*pa), ShallowNetwork(*pb)
    start = time.perf_counter()
    ga, gb = relabelling_graph(a), relabelling_graph(b)
    matcher = GraphMatcher(
        ga,
        gb,
        node_match=lambda x, y: x["label"] == y["label"],
        edge_match=lambda x, y: x["label"] == y["label"],
    )
    verdict = matcher.is_isomorphic()
    queue.put((verdict, time.perf_counter() - start))


def peer(pa, pb, timeout: float) -> tuple[bool | None, float]:
    """Plain VF2 (node and edge labels) on the relabelling graphs, in a process with a timeout."""
    queue: mp.Queue = mp.Queue()
    process = mp.get_context("fork").Process(target=_peer, args=(pa, pb, queue))
    process.start()
    process.join(timeout)
    if process.is_alive():
        process.kill()
        process.join()
        return None, timeout
    return queue.get()


def run(shape, n, with_peer, timeout, rng):
    d, h, k = shape
    rows = {}
    for kind, pa, pb in pairs(d, h, k, n, rng):
        a, b = ShallowNetwork(*pa), ShallowNetwork(*pb)
        start = time.perf_counter()
        result = relabelled_equivalent(a, b)
        ours = time.perf_counter() - start
        expected = kind == "relabelled"
        assert bool(result) == expected, (kind, str(result))
        entry = rows.setdefault(kind, {"ours": [], "stages": [], "peer": []})
        entry["ours"].append(ours)
        entry["stages"].append(result.decided_by)
        if with_peer:
            verdict, seconds = peer(pa, pb, timeout)
            entry["peer"].append(seconds)
            entry.setdefault("timeouts", 0)
            entry["timeouts"] += verdict is None
            assert verdict in (None, expected)
    start = time.perf_counter()
    order = relabelling_group(ShallowNetwork(*model(d, h, k, rng))).order()
    group_time = time.perf_counter() - start
    return rows, order, group_time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="1 model per shape instead of 3")
    parser.add_argument("--no-peer", action="store_true", help="skip plain VF2")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per VF2 run")
    args = parser.parse_args()
    n = 1 if args.quick else 3
    rng = np.random.default_rng(19)
    print(
        f"# {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        "times in seconds, median over the pairs of each kind"
    )
    print(
        "| (d, h, k) | pair | `relabelled_equivalent` | decided by | plain VF2 on the graphs "
        "| ratio |"
    )
    print("|---|---|---:|---|---:|---:|")
    for shape in ((16, 256, 4), (784, 128, 10)):
        rows, order, group_time = run(shape, n, not args.no_peer, args.timeout, rng)
        total = sum(len(e["stages"]) for e in rows.values())
        by_invariants = sum(s == "invariants" for e in rows.values() for s in e["stages"])
        for kind, entry in rows.items():
            ours = float(np.median(entry["ours"]))
            stages = ", ".join(sorted(set(entry["stages"])))
            if entry["peer"] and entry["timeouts"] == len(entry["peer"]):
                peer_text = f"> {args.timeout:.0f} (timeout)"
                ratio = f"> {args.timeout / ours:.0f}x"
            elif entry["peer"]:
                theirs = float(np.median(entry["peer"]))
                late = f" ({entry['timeouts']} timeouts)" if entry["timeouts"] else ""
                peer_text, ratio = f"{theirs:.3g}{late}", f"{theirs / ours:.1f}x"
            else:
                peer_text, ratio = "", ""
            print(f"| {shape} | {kind} | {ours:.3g} | {stages} | {peer_text} | {ratio} |")
        print(
            f"| {shape} | `relabelling_group` of a model (order {order}) | {group_time:.3g} | | | |"
        )
        print(
            f"# {shape}: {by_invariants} of {total} pairs decided by the invariants alone; "
            f"every inequivalent pair: {by_invariants} of {total - len(rows['relabelled']['ours'])}"
        )


if __name__ == "__main__":
    main()
