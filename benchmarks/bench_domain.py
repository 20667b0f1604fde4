"""Equivalence and max difference on the box [0, 1]^d: shallowsym against a MILP (scipy's
``milp``, HiGHS) of the same question on the raw pair and against Z3 with box constraints.

1. Exact ``equivalent(a, b, domain=Box(0, 1))`` at (8, 32, 1), (16, 64, 1), (784, 128, 10) on
   a pair equal on the box but not on R^d (b redraws the neurons dead on the box and moves the
   bias of every always-active neuron against b2, exactly) and on near misses (one bent
   neuron's bias moved by 2^-10, and by 2^-30, below the MILP's tolerance). MILP peer: max
   over the box of +-(f_a - f_b)_j for every output j with one
   binary per neuron crossing the box (dead ones dropped, always-active ones linear), verdict
   "equal" when every optimum is <= 1e-6. Z3 peer: a point of the box where the outputs differ.
2. ``max_difference(a, b, domain=Box(0, 1))`` at (784, 128, 10) with 1..8 neurons of a copy
   changed, against the same MILP on the raw pair (the max over outputs and signs).

Part 1's weights hold float32 values, as trained models do (``--precision float64`` draws
float64 weights; b's exact biases are then no float64 values, so b is an exact rational
network); part 2's are float64 draws. All are converted exactly. Biases are spread so that
about a fifth of the neurons are dead and a fifth always active on the box, as in trained
networks on [0, 1]^784. Both networks of a pair are built from their float arrays.

Run:  python benchmarks/bench_domain.py [--quick] [--timeout SECONDS] [--precision P]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from fractions import Fraction

import numpy as np
import z3
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from shallowsym import Box, ShallowNetwork, equivalent, max_difference


def model(d: int, h: int, k: int, rng: np.random.Generator, precision=np.float64):
    """Random weights holding ``precision`` values (in float64 arrays)."""

    def draw(*args):
        return rng.normal(*args).astype(precision).astype(np.float64)

    W1 = draw(0, 1 / np.sqrt(d), (h, d))
    lo = np.minimum(W1, 0).sum(axis=1)
    hi = np.maximum(W1, 0).sum(axis=1)
    kind = rng.random(h)
    b1 = np.where(
        kind < 0.2,
        -hi - rng.random(h),  # dead on the box
        np.where(kind < 0.4, -lo + rng.random(h), -(lo + (hi - lo) * rng.random(h))),
    )
    b1 = b1.astype(precision).astype(np.float64)
    W2 = draw(0, 1 / np.sqrt(h), (k, h))
    b2 = draw(0, 0.1, k)
    return W1, b1, W2, b2


def roles(W1, b1):
    lo = np.minimum(W1, 0).sum(axis=1) + b1
    hi = np.maximum(W1, 0).sum(axis=1) + b1
    return hi <= 0, lo >= 0


def exact_floats(values: list[Fraction]) -> np.ndarray | list[Fraction]:
    """The exact rationals as a float64 array when they are float64 values (float32 draws),
    otherwise as they are (float64 draws: b is then an exact rational network)."""
    out = np.array([float(v) for v in values])
    exact = all(Fraction(x) == v for x, v in zip(out.tolist(), values, strict=True))
    return out if exact else values


def equal_on_box_pair(d, h, k, rng, precision=np.float32):
    """Two float networks, equal on [0, 1]^d but not on R^d, as float64 arrays: a with
    ``precision`` weights; b redraws a's dead neurons and moves every always-active neuron's
    bias by 1/4 against b2 (exactly: with float32 weights the sums are float64 values)."""
    W1, b1, W2, b2 = model(d, h, k, rng, precision)
    dead, active = roles(W1, b1)
    W1b, b1b, W2b = W1.copy(), b1.copy(), W2.copy()
    for i in np.flatnonzero(dead):  # redraw: another dead neuron with other output weights
        W1b[i] = rng.normal(0, 1 / np.sqrt(d), d).astype(precision)
        b1b[i] = np.float64(precision(-np.maximum(W1b[i], 0).sum() - 1.0))
        W2b[:, i] = rng.normal(0, 1, k).astype(precision)
    b1_exact = [Fraction(v) for v in b1b]
    b2_exact = [Fraction(v) for v in b2]
    for i in np.flatnonzero(active):  # beta + 1/4 in the neuron, -a/4 in b2 (exactly)
        b1_exact[i] += Fraction(1, 4)
        for j in range(k):
            b2_exact[j] -= Fraction(W2[j, i]) / 4
    params_b = (W1b, exact_floats(b1_exact), W2b, exact_floats(b2_exact))
    return (W1, b1, W2, b2), params_b, ShallowNetwork(W1, b1, W2, b2), ShallowNetwork(*params_b)


def near_miss(params, shift):
    W1, b1, W2, b2 = (p.copy() for p in params)
    dead, active = roles(W1, b1)
    i = int(np.flatnonzero(~dead & ~active)[0])
    b1[i] += shift
    return (W1, b1, W2, b2), ShallowNetwork(W1, b1, W2, b2)


def raw_milp_max(pa, pb, time_limit):
    """max over [0,1]^d, outputs j and signs of +-(f_a - f_b)_j: (value, bound, seconds, ok).

    ``time_limit`` caps the whole question (all 2 k solves); ok is False when it was hit.
    """
    W1 = np.vstack([pa[0], pb[0]])
    b1 = np.concatenate([pa[1], pb[1]])
    W2 = np.hstack([pa[2], -pb[2]])
    c0 = pa[3] - pb[3]
    d, k = W1.shape[1], W2.shape[0]
    dead, active = roles(W1, b1)
    lmin = np.minimum(W1, 0).sum(axis=1) + b1
    lmax = np.maximum(W1, 0).sum(axis=1) + b1
    cross = np.flatnonzero(~dead & ~active)
    n = len(cross)
    start = time.perf_counter()
    best, bound, ok = -np.inf, -np.inf, True
    for j in range(k):
        remaining = time_limit - (time.perf_counter() - start)
        if remaining <= 0:
            ok = False
            break
        lin = W2[j, active] @ W1[active]
        const = c0[j] + W2[j, active] @ b1[active]
        for sign in (1, -1):
            cost = np.zeros(d + 2 * n)
            cost[:d] = -sign * lin
            rows = lil_matrix((3 * n, d + 2 * n))
            ub = np.zeros(3 * n)
            lo_b = np.zeros(d + 2 * n)
            hi_b = np.ones(d + 2 * n)
            integrality = np.zeros(d + 2 * n)
            for t, i in enumerate(cross):
                r, z = d + t, d + n + t
                cost[r] = -sign * W2[j, i]
                m_low, m_high = lmin[i] - 1e-6, lmax[i] + 1e-6
                hi_b[r] = m_high
                integrality[z] = 1
                rows[3 * t, :d] = W1[i]
                rows[3 * t, r] = -1
                ub[3 * t] = -b1[i]
                rows[3 * t + 1, :d] = -W1[i]
                rows[3 * t + 1, r] = 1
                rows[3 * t + 1, z] = -m_low
                ub[3 * t + 1] = b1[i] - m_low
                rows[3 * t + 2, r] = 1
                rows[3 * t + 2, z] = -m_high
            res = milp(
                cost,
                integrality=integrality,
                bounds=Bounds(lo_b, hi_b),
                constraints=[LinearConstraint(rows.tocsr(), -np.inf, ub)],
                options={
                    "time_limit": max(time_limit - (time.perf_counter() - start), 1.0),
                    "mip_rel_gap": 1e-9,
                },
            )
            if res.x is None:
                ok = False
                continue
            ok = ok and res.status == 0
            best = max(best, -res.fun + sign * const)
            dual = getattr(res, "mip_dual_bound", None)
            bound = max(bound, (-dual if dual is not None else -res.fun) + sign * const)
    return best, bound, time.perf_counter() - start, ok


def z3_equal(a: ShallowNetwork, b: ShallowNetwork, timeout_s: float) -> tuple[str, float]:
    xs = [z3.Real(f"x{i}") for i in range(a.d)]

    def q(v: Fraction):
        return z3.Q(v.numerator, v.denominator)

    def out(net):
        pre = [sum((q(w) * x for w, x in zip(r, xs)), q(c)) for r, c in zip(net.W1, net.b1)]
        act = [z3.If(p > 0, p, 0) for p in pre]
        return [sum((q(w) * z for w, z in zip(r, act)), q(c)) for r, c in zip(net.W2, net.b2)]

    start = time.perf_counter()
    solver = z3.Solver()
    solver.set("timeout", int(timeout_s * 1000))
    for x in xs:
        solver.add(x >= 0, x <= 1)
    solver.add(z3.Or([p != r for p, r in zip(out(a), out(b))]))
    result = solver.check()
    verdict = "equal" if result == z3.unsat else ("different" if result == z3.sat else "timeout")
    return verdict, time.perf_counter() - start


def timed(fn, *args, **kwargs):
    """(value, wall seconds, CPU seconds of this process)."""
    start, cpu = time.perf_counter(), time.process_time()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - start, time.process_time() - cpu


def part1(shapes, timeout, rng, precision=np.float32):
    print("1. equality on [0, 1]^d: exact shallowsym vs a MILP on the raw pair vs Z3")
    print(f"   ({np.dtype(precision).name} weights in float64 arrays)")
    print("   (wall seconds, CPU seconds in brackets; ratios of CPU times)")
    print("   (ours best of 10, of 3 at d = 784)")
    print(
        f"{'(d, h, k)':>14} {'pair':>11} {'shallowsym':>20} {'MILP':>18} {'Z3':>18} "
        f"{'MILP/ours':>10} {'Z3/ours':>9}  verdicts (ours, MILP, Z3)"
    )
    for d, h, k in shapes:
        pa, pb, a, b = equal_on_box_pair(d, h, k, rng, precision)
        pc, c = near_miss(pa, 2.0**-10)
        pe, e = near_miss(pa, 2.0**-30)
        for name, p_other, other in (
            ("equal", pb, b),
            ("miss 2^-10", pc, c),
            ("miss 2^-30", pe, e),
        ):
            runs = []
            # best of 10 (of 3 at d = 784), fresh networks each time (no cached forms): at
            # (8, 32, 1) our time is about a millisecond, where one pause decides a run
            for _ in range(10 if d < 100 else 3):
                a_fresh = ShallowNetwork(*pa)
                other_fresh = ShallowNetwork(*p_other)  # the float arrays, as users hold them
                runs.append(timed(equivalent, a_fresh, other_fresh, domain=Box(0, 1, d=d)))
            result, ours, ours_cpu = min(runs, key=lambda run: run[2])
            (value, _, _, ok), t_milp, milp_cpu = timed(raw_milp_max, pa, p_other, timeout)
            milp_verdict = ("equal" if value <= 1e-6 else "different") if ok else "timeout"
            (z3_verdict, _), t_z3, z3_cpu = timed(z3_equal, a, other, timeout)
            ours_verdict = "equal" if result else "different"
            low = "" if ok else ">"
            zlow = "" if z3_verdict != "timeout" else ">"
            print(
                f"{(d, h, k)!s:>14} {name:>11} {ours:>8.4f}s ({ours_cpu:>7.4f}s) "
                f"{t_milp:>7.2f}s ({milp_cpu:>7.2f}s) {t_z3:>7.2f}s ({z3_cpu:>7.2f}s) "
                f"{low + format(milp_cpu / ours_cpu, '.0f'):>9}x "
                f"{zlow + format(z3_cpu / ours_cpu, '.0f'):>8}x  {ours_verdict}, {milp_verdict}, "
                f"{z3_verdict}",
                flush=True,
            )


def part2(changes, timeout, rng, raw_for, limit_ratio=0.0):
    print("\n2. max |f_a - f_b| on [0, 1]^784, (784, 128, 10), copy with n neurons changed")
    print(
        f"{'n':>3} {'ours (CPU)':>18} {'method':>8} {'ours value':>14} {'ours bound':>12} "
        f"{'raw MILP (CPU)':>20} {'raw value':>12} {'raw bound':>12} {'CPU ratio':>7}"
    )
    W1, b1, W2, b2 = model(784, 128, 10, rng)
    a = ShallowNetwork(W1, b1, W2, b2)
    dead, active = roles(W1, b1)
    bent = np.flatnonzero(~dead & ~active)
    for n in changes:
        W1c, b1c = W1.copy(), b1.copy()
        for i in bent[:n]:
            W1c[i] = W1[i] + rng.normal(0, 0.05 / np.sqrt(784), 784)
            b1c[i] = b1[i] + 0.01
        b = ShallowNetwork(W1c, b1c, W2, b2)
        md, ours, ours_cpu = timed(
            max_difference, ShallowNetwork(W1, b1, W2, b2), b, domain=Box(0, 1, d=784)
        )
        line = (
            f"{n:>3} {ours:>7.2f}s ({ours_cpu:>6.2f}s) {md.method:>8} {float(md.maximum):>14.9f} "
            f"{md.upper_bound:>12.9f}"
        )
        if n in raw_for:
            # the peer's limit: --timeout, or limit_ratio times our CPU time if that is longer
            # (a peer stopped there shows a ratio above limit_ratio, as a lower bound)
            limit = max(timeout, limit_ratio * ours_cpu)
            (value, bound, _, ok), t_raw, raw_cpu = timed(
                raw_milp_max, (W1, b1, W2, b2), (W1c, b1c, W2, b2), limit
            )
            flag = "" if ok else f" (stopped at the {limit:.0f} s limit; ratio a lower bound)"
            line += (
                f" {t_raw:>8.2f}s ({raw_cpu:>7.2f}s) {value:>12.9f} {bound:>12.9f} "
                f"{raw_cpu / ours_cpu:>6.0f}x{flag}"
            )
        print(line, flush=True)
    del a


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small shapes only")
    parser.add_argument(
        "--timeout", type=float, default=300, help="seconds per question for the MILP and Z3"
    )
    parser.add_argument("--part", choices=("1", "2", "all"), default="all")
    parser.add_argument(
        "--precision",
        choices=("float32", "float64"),
        default="float32",
        help="part 1's weights: float32 (trained models) or float64 draws",
    )
    parser.add_argument(
        "--limit-ratio",
        type=float,
        default=0.0,
        help="part 2: give the raw MILP at least this many times our CPU time",
    )
    parser.add_argument(
        "--shapes", default="all", choices=("small", "large", "all"), help="part 1's shapes"
    )
    args = parser.parse_args()
    precision = np.float32 if args.precision == "float32" else np.float64
    print(f"python {platform.python_version()}, {os.cpu_count()} cores (shared; timings are noisy)")
    if args.quick:
        part1([(8, 32, 1)], args.timeout, np.random.default_rng(18), precision)
        return
    if args.part in ("1", "all"):
        shapes = {"small": [(8, 32, 1), (16, 64, 1)], "large": [(784, 128, 10)]}
        chosen = shapes["small"] + shapes["large"] if args.shapes == "all" else shapes[args.shapes]
        if args.shapes == "large":  # the same draws as in a full run
            rng = np.random.default_rng(18)
            for d, h, k in shapes["small"]:
                equal_on_box_pair(d, h, k, rng, precision)
            part1(chosen, args.timeout, rng, precision)
        else:
            part1(chosen, args.timeout, np.random.default_rng(18), precision)
    if args.part in ("2", "all"):
        part2(
            range(1, 9),
            args.timeout,
            np.random.default_rng(1802),
            raw_for=(1, 2, 4, 8),
            limit_ratio=args.limit_ratio,
        )


if __name__ == "__main__":
    main()
