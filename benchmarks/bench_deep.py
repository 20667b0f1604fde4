"""Deep equivalence: shallowsym.deep against a MILP (scipy's HiGHS) and Z3, in one run.

Networks: PyTorch-default initialisation, weights rounded to float32 (as trained models
are), at (8, 16, 16, 1) and (784, 128, 64, 10). Pairs: *equivalent* (a random permutation
and power-of-two scaling of every hidden layer, exact in floats too) and *near miss* (one
weight of the second layer moved by one float64 ulp).

* shallowsym exact: ``deep.equivalent`` (reduced canonical forms, witness search), timed
  with the conversion of the float arrays to exact rationals.
* shallowsym float: ``deep.fast.equivalent`` (rtol 1e-9, atol 1e-12).
* MILP: big-M encoding of both networks on the box [-1, 1]^d (a MILP needs bounded inputs, so
  this proves less than equivalence on R^d), interval bounds per neuron, binaries only for
  unstable neurons; for every output and both signs, maximize the difference with HiGHS
  (``scipy.optimize.milp``, default tolerances). Equivalent when every optimum is <= 1e-9.
* Z3: real arithmetic, If per ReLU, asks for a point of R^d where the outputs differ.

Timing: shallowsym's times are the median of 3 runs (wall and CPU, ``time.process_time``).
Every peer runs in its own forked process with a CPU-time budget (``RLIMIT_CPU``) of
``--factor`` (default 1100) times shallowsym's CPU time on that pair, at least
``--min-budget`` seconds: a peer either finishes or is stopped after at least 1000x our CPU
time, whatever the machine's load; its ratio is then a lower bound (">="). The peers run
concurrently (one process each, HiGHS and Z3 single-threaded by default), and their CPU time
is the child's rusage (all threads). Ratios are printed in CPU time and in wall time; on a
shared machine the wall ratios mean little.

Run:  python benchmarks/bench_deep.py [--quick] [--factor F] [--min-budget S]
"""

from __future__ import annotations

import argparse
import math
import os
import pickle
import platform
import resource
import time
from fractions import Fraction

import numpy as np
import z3
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from shallowsym.deep import DeepNetwork, equivalent, fast, torch_default_init


def make_pair(arch, rng, kind):
    W, b = torch_default_init(arch, rng)
    W = [w.astype(np.float32).astype(np.float64) for w in W]
    b = [x.astype(np.float32).astype(np.float64) for x in b]
    W2, b2 = [w.copy() for w in W], [x.copy() for x in b]
    if kind == "equivalent":
        for lay in range(len(W) - 1):
            p = rng.permutation(W[lay].shape[0])
            t = 2.0 ** rng.integers(-3, 4, W[lay].shape[0])
            W2[lay], b2[lay] = W2[lay][p] * t[:, None], b2[lay][p] * t
            W2[lay + 1] = W2[lay + 1][:, p] / t[None, :]
    else:
        i, j = rng.integers(W2[1].shape[0]), rng.integers(W2[1].shape[1])
        W2[1][i, j] = np.nextafter(W2[1][i, j], np.inf)
    return (W, b), (W2, b2)


def timed(fn, *args):
    """(result, wall seconds, CPU seconds) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def milp_verdict(A, B, budget):
    """Max |a_j(x) - b_j(x)| over x in [-1, 1]^d by one MILP per output and sign."""
    d = A[0][0].shape[1]
    names = []  # variable layout: x, then per network per hidden neuron (z, delta?), outputs
    lo, hi, integrality = [-1.0] * d, [1.0] * d, [0] * d
    rows = []  # (coefficients dict, lower, upper)

    def add_var(low, high, integer=0):
        lo.append(low)
        hi.append(high)
        integrality.append(integer)
        names.append(None)
        return d + len(names) - 1

    def encode(Ws, bs):
        act = list(range(d))
        act_lo, act_hi = np.full(d, -1.0), np.full(d, 1.0)
        for n, (W, b) in enumerate(zip(Ws, bs)):
            pre_lo = np.clip(W, 0, None) @ act_lo + np.clip(W, None, 0) @ act_hi + b
            pre_hi = np.clip(W, 0, None) @ act_hi + np.clip(W, None, 0) @ act_lo + b
            pre_lo, pre_hi = pre_lo - 1e-7 * (1 + abs(pre_lo)), pre_hi + 1e-7 * (1 + abs(pre_hi))
            new, new_lo, new_hi = [], [], []
            for i in range(W.shape[0]):
                coeffs = {act[j]: W[i, j] for j in range(W.shape[1]) if W[i, j] != 0}
                last = n == len(Ws) - 1
                if last or pre_lo[i] >= 0:  # linear: z = pre
                    z = add_var(pre_lo[i], pre_hi[i])
                    rows.append(({**coeffs, z: -1.0}, -b[i], -b[i]))
                    new_lo.append(pre_lo[i])
                    new_hi.append(pre_hi[i])
                elif pre_hi[i] <= 0:  # dead on the box
                    z = add_var(0.0, 0.0)
                    new_lo.append(0.0)
                    new_hi.append(0.0)
                else:
                    z = add_var(0.0, pre_hi[i])
                    delta = add_var(0.0, 1.0, 1)
                    # z >= pre ; z <= pre - lo (1 - delta) ; z <= hi delta
                    rows.append(({**coeffs, z: -1.0}, -np.inf, -b[i]))
                    rows.append(({**coeffs, z: -1.0, delta: pre_lo[i]}, pre_lo[i] - b[i], np.inf))
                    rows.append(({z: 1.0, delta: -pre_hi[i]}, -np.inf, 0.0))
                    new_lo.append(0.0)
                    new_hi.append(pre_hi[i])
                new.append(z)
            act, act_lo, act_hi = new, np.array(new_lo), np.array(new_hi)
        return act

    out_a, out_b = encode(*A), encode(*B)
    nvar = d + len(names)
    M = lil_matrix((len(rows), nvar))
    lower, upper = np.empty(len(rows)), np.empty(len(rows))
    for r, (coeffs, lw, up) in enumerate(rows):
        for j, v in coeffs.items():
            M[r, j] = v
        lower[r], upper[r] = lw, up
    constraint = LinearConstraint(M.tocsr(), lower, upper)
    start = time.perf_counter()
    worst = 0.0
    for ya, yb in zip(out_a, out_b):
        for sign in (1.0, -1.0):
            left = budget - (time.perf_counter() - start)
            if left <= 0:
                return "timeout", time.perf_counter() - start
            c = np.zeros(nvar)
            c[ya], c[yb] = -sign, sign  # minimize -(sign)(ya - yb)
            res = milp(
                c,
                constraints=constraint,
                integrality=np.array(integrality),
                bounds=Bounds(lo, hi),
                options={"time_limit": left},
            )
            if res.status == 1 or res.x is None:
                return "timeout", time.perf_counter() - start
            worst = max(worst, -res.fun)
            if worst > 1e-9:
                return "different", time.perf_counter() - start
    return "equivalent (box)", time.perf_counter() - start


def z3_verdict(A, B, timeout_s):
    d = A[0][0].shape[1]
    xs = [z3.Real(f"x{i}") for i in range(d)]

    def q(v):
        f = Fraction(float(v))
        return z3.Q(f.numerator, f.denominator)

    def out(Ws, bs):
        act = xs
        for n, (W, b) in enumerate(zip(Ws, bs)):
            pre = [
                z3.Sum([q(W[i, j]) * act[j] for j in range(W.shape[1]) if W[i, j]] + [q(b[i])])
                for i in range(W.shape[0])
            ]
            act = pre if n == len(Ws) - 1 else [z3.If(p > 0, p, 0) for p in pre]
        return act

    solver = z3.Solver()
    solver.set("timeout", int(timeout_s * 1000))
    start = time.perf_counter()
    solver.add(z3.Or([p != r for p, r in zip(out(*A), out(*B))]))
    result = solver.check()
    elapsed = time.perf_counter() - start
    if result == z3.unsat:
        return "equivalent", elapsed
    return ("different" if result == z3.sat else "timeout"), elapsed


def ours(A, B):
    """shallowsym's exact verdict, conversion of the float arrays included."""
    return equivalent(DeepNetwork(*A), DeepNetwork(*B))


def ratio(peer, mine, stopped):
    return f"{'>= ' if stopped else ''}{peer / mine:.3g}"


def spawn(peer, A, B, cpu_budget):
    """Fork a child running one peer under RLIMIT_CPU; returns (pid, read end, start)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read)
        limit = math.ceil(cpu_budget)
        resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 5))
        verdict, _ = peer(A, B, 10 * cpu_budget + 600)  # the CPU limit binds first
        with os.fdopen(write, "wb") as out:
            pickle.dump(verdict, out)
        os._exit(0)
    os.close(write)
    return pid, read, time.perf_counter()


def wait_all(children):
    """{pid: (verdict, wall, CPU)} of every child, each timed at its own exit; a child killed
    by SIGXCPU (its CPU budget) is 'stopped'."""
    ends, usages, statuses = {}, {}, {}
    while len(ends) < len(children):
        pid, status, usage = os.wait4(-1, 0)
        ends[pid], usages[pid], statuses[pid] = time.perf_counter(), usage, status
    results = {}
    for pid, read, start in children:
        with os.fdopen(read, "rb") as src:
            data = src.read()
        ok = data and os.WIFEXITED(statuses[pid])
        verdict = pickle.loads(data) if ok else "stopped"
        cpu = usages[pid].ru_utime + usages[pid].ru_stime
        results[pid] = (verdict, ends[pid] - start, cpu)
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small architecture only")
    parser.add_argument("--factor", type=float, default=1100.0, help="peer CPU budget / ours")
    parser.add_argument("--min-budget", type=float, default=30.0, help="CPU seconds")
    args = parser.parse_args()
    archs = [(8, 16, 16, 1)] if args.quick else [(8, 16, 16, 1), (784, 128, 64, 10)]
    print(
        f"python {platform.python_version()}, {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f}; peer CPU budget {args.factor:g} x our CPU time, at least "
        f"{args.min_budget:g} s"
    )
    rng = np.random.default_rng(2026)
    rows = []
    for arch in archs:
        for kind in ("equivalent", "near miss"):
            A, B = make_pair(arch, rng, kind)
            runs = [timed(ours, A, B) for _ in range(3)]
            t_exact = float(np.median([w for _, w, _ in runs]))
            c_exact = float(np.median([c for _, _, c in runs]))
            f, t_fast, _ = timed(fast.equivalent, A, B)
            budget = max(args.min_budget, args.factor * c_exact)
            rows.append((arch, kind, A, B, runs[0][0], t_exact, c_exact, f, t_fast, budget))
    children = []
    for _, _, A, B, *_, budget in rows:
        children.append((spawn(milp_verdict, A, B, budget), spawn(z3_verdict, A, B, budget)))
    print(
        "| architecture | pair | shallowsym exact (CPU / wall) | shallowsym float | peer CPU "
        "budget | MILP (HiGHS, box) (CPU / wall) | Z3 (CPU / wall) | MILP / exact (CPU, wall) | "
        "Z3 / exact (CPU, wall) |"
    )
    print("|---|---|---|---|---:|---|---|---:|---:|")
    results = wait_all([child for pair in children for child in pair])
    for row, (m, z) in zip(rows, children):
        arch, kind, _, _, r, t_exact, c_exact, f, t_fast, budget = row
        v_milp, t_milp, c_milp = results[m[0]]
        v_z3, t_z3, c_z3 = results[z[0]]
        fword = {True: "EQUIVALENT", False: "NOT EQUIVALENT", None: "UNCERTAIN"}[f.equivalent]
        sm, sz = v_milp in ("timeout", "stopped"), v_z3 in ("timeout", "stopped")
        print(
            f"| {arch} | {kind} | {r.verdict}, {c_exact:.3g} s / {t_exact:.3g} s "
            f"| {fword}, {t_fast:.3g} s | {budget:.3g} s | "
            f"{v_milp}, {c_milp:.3g} s / {t_milp:.3g} s | "
            f"{v_z3}, {c_z3:.3g} s / {t_z3:.3g} s | "
            f"{ratio(c_milp, c_exact, sm)}, {ratio(t_milp, t_exact, sm)} | "
            f"{ratio(c_z3, c_exact, sz)}, {ratio(t_z3, t_exact, sz)} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
