"""Adversarial inputs at the default limits (issue 15): how long can one call take?

Each family of issue 15 (and the worst found by ``--hunt``) is run through the public
searches with their default limits, each call in a forked child under a wall-clock timeout,
so a hang or an abort is measured instead of suffered. Prints one table row per call: the
family, the call, the input size as JSON, the wall and CPU times and the outcome (a value, "limit"
for SearchLimitExceeded, or the exception). The promise checked: every call ends within about
10 s on inputs under 100 KB on the 2-core machine (shared, so times are noisy).

Usage: ``python benchmarks/bench_adversarial.py [--timeout S] [--hunt N] [--seed S]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import signal
import time
from collections.abc import Callable
from fractions import Fraction

from shallowsym import (
    ShallowNetwork,
    canonical_form,
    equivalent,
    explain,
    fibre_types,
    flip_sets,
    functional_dimension,
    is_irreducible,
    local_dimension,
    minimal_width,
    realize,
    reduce,
    reduction,
    relabelled_equivalent,
    relabelling_group,
    structure,
    symmetries,
)
from shallowsym.errors import SearchLimitExceeded
from shallowsym.moves import random_equivalent

P61 = (1 << 61) - 1


def alternating(n: int) -> ShallowNetwork:
    """Issue 15 item 5: d = k = 1, pairs x = i of opposite neurons, two mixed bent, the rest
    mixed cancelling pairs (h = 2n)."""
    b1 = [v for i in range(1, n + 1) for v in (-i, i)]
    return ShallowNetwork([[1], [-1]] * n, b1, [[1, 2, 1, 2] + [1, -1] * (n - 2)], [0])


def hash_multiples(n: int) -> ShallowNetwork:
    """Every a_i w_i a multiple of 2^61 - 1, signs alternating: the old fixed hash sent every
    half-sum to 0."""
    w = [[P61 * (i + 1)] for i in range(n)]
    a = [[(-1) ** i for i in range(n)]]
    return ShallowNetwork(w, list(range(n)), a, [0])


def denominator_p61(n: int) -> ShallowNetwork:
    """Output weights with denominator 2^61 - 1 ('base is not invertible' before)."""
    a = [[Fraction((-1) ** i, P61) for i in range(n)]]
    return ShallowNetwork([[1]] * n, list(range(n)), a, [0])


def mixed_pair_plane(h: int, d: int = 2, k: int = 2, seed: int = 1) -> ShallowNetwork:
    """h - 2 generic bent neurons and one mixed cancelling pair: the minimal-width sign
    search cannot stop early (issue 15 item 2, reduce at d = k = 2, h = 22)."""
    rng = random.Random(seed)

    def r() -> Fraction:
        return Fraction(rng.randint(1, 9), rng.randint(1, 5)) * rng.choice((1, -1))

    n = h - 2
    w = [[r() for _ in range(d)] for _ in range(n)] + [[1] * d, [-1] * d]
    b1 = [r() for _ in range(n)] + [3, -3]
    a = [[r() for _ in range(n)] + [j + 1, -(j + 1)] for j in range(k)]
    return ShallowNetwork(w, b1, a, [0] * k)


def two_mixed_pairs(h: int, seed: int = 3) -> ShallowNetwork:
    """d = k = 2: h - 4 generic neurons and two mixed bent pairs on independent hyperplanes, so
    the stratum is the orbit and hidden symmetries need another orientation choice (issue 15
    item 2: symmetries at h = 18)."""
    rng = random.Random(seed)

    def r() -> Fraction:
        return Fraction(rng.randint(1, 9), rng.randint(1, 5)) * rng.choice((1, -1))

    n = h - 4
    w = [[r(), r()] for _ in range(n)] + [[1, 0], [-1, 0], [0, 1], [0, -1]]
    b1 = [r() for _ in range(n)] + [-5, 5, -7, 7]
    a = [[r() for _ in range(n)] + [1, 2, 1, 2] for _ in range(2)]
    return ShallowNetwork(w, b1, a, [0, 0])


def parallel_blocks(groups: int) -> ShallowNetwork:
    """d = 3, k = 1: bent groups on x1 = 1, 2, ... each with kinks 1 (+), -1 (-), 2 (+): each
    mixed zero-sum pair may leave, 2^groups combinations of unfoldings (local_dimension)."""
    w, b1, a = [], [], []
    for c in range(1, groups + 1):
        w += [[1, 0, 0], [-1, 0, 0], [2, 0, 0]]
        b1 += [-c, c, -2 * c]
        a += [1, -1, 1]
    return ShallowNetwork(w, b1, [a], [0])


def wide_line(h: int) -> ShallowNetwork:
    """d = k = 1 with h distinct hyperplanes (symmetries built an h^2 null space)."""
    return ShallowNetwork([[(-1) ** i] for i in range(h)], list(range(h)), [[1] * h], [0])


def many_twins(h: int, d: int = 1) -> ShallowNetwork:
    """h neurons on 3 hyperplanes, same orientation, scaled copies (twins) with alternating
    output signs: large groups whose kink sums are tiny or zero."""
    w = [[Fraction(i % 3 + 1) * (1 + i // 3)] + [Fraction(0)] * (d - 1) for i in range(h)]
    b1 = [Fraction(-((i % 3 + 1) ** 2)) * (1 + i // 3) for i in range(h)]
    a = [
        [
            Fraction((-1) ** (i // 3), 1 + i // 3) + (Fraction(1, 7) if i < 3 else 0)
            for i in range(h)
        ]
    ]
    return ShallowNetwork(w, b1, a, [0])


def many_opposites(pairs: int, d: int = 2, k: int = 2) -> ShallowNetwork:
    """``pairs`` opposite pairs (w, -w) on independent-ish hyperplanes, each a mixed group
    whose kinks cancel or not: many mixed groups, the orientation searches' worst case."""
    w, b1, a = [], [], [[] for _ in range(k)]
    for i in range(pairs):
        u = [Fraction((i * (c + 3)) % 7 - 3) or Fraction(1) for c in range(d)]
        w += [u, [-x for x in u]]
        b1 += [Fraction(i + 1), Fraction(-(i + 1))]
        for r in range(k):
            a[r] += [Fraction(r + 1), Fraction((-1) ** i * (r + 1))]
    return ShallowNetwork(w, b1, a, [0] * k)


def large_digits(h: int, digits: int) -> ShallowNetwork:
    """Entries with ``digits``-digit numerators and denominators, twins and a cancelling pair
    among them (d = 2, k = 1)."""
    rng = random.Random(digits)

    def big() -> Fraction:
        return Fraction(rng.randrange(10 ** (digits - 1), 10**digits), rng.randrange(1, 10**digits))

    w = [[big(), big()] for _ in range(h - 2)]
    b1 = [big() for _ in range(h - 2)]
    a = [big() for _ in range(h - 2)]
    w += [[2 * x for x in w[0]], [3 * x for x in w[1]]]
    b1 += [2 * b1[0], 3 * b1[1]]
    a += [-a[0] / 2, 5 * a[1]]
    return ShallowNetwork(w, b1, [a], [0])


def big_d(d: int, h: int) -> ShallowNetwork:
    """A huge input dimension with a few neurons, two of them opposite."""
    rng = random.Random(d)
    w = [[Fraction(rng.randint(-3, 3)) for _ in range(d)] for _ in range(h - 1)]
    w.append([-x for x in w[0]])
    return ShallowNetwork(w, list(range(h)), [[1] * (h - 1) + [-1]], [0])


def planted(rng: random.Random, h: int) -> ShallowNetwork:
    """A network with planted degeneracies (twins, opposites, flips, cancelling partners,
    zero neurons), like ``shallowsym.strategies.networks``, for the hunt."""
    d, k = rng.randint(1, 3), rng.randint(1, 3)

    def r() -> Fraction:
        return Fraction(rng.randint(-3, 3), rng.randint(1, 2))

    neurons: list[tuple[list, Fraction, list]] = []
    for _ in range(h):
        kind = rng.choice(["random"] * 3 + ["twin", "opposite", "flip", "cancel", "zero"])
        w, beta, a = [r() for _ in range(d)], r(), [r() for _ in range(k)]
        if neurons and kind in ("twin", "opposite", "flip", "cancel"):
            w0, beta0, a0 = rng.choice(neurons)
            t = Fraction(rng.randint(1, 3), rng.randint(1, 2))
            if kind == "flip":
                w, a = [-x / t for x in w0], [t * x for x in a0]
            elif kind == "opposite":
                w, beta = [-t * x for x in w0], -t * beta0
            else:
                w, beta = [t * x for x in w0], t * beta0
                if kind == "cancel":
                    a = [-x / t for x in a0]
        elif kind == "zero":
            w = [Fraction(0)] * d
        neurons.append((w, beta, a))
    return ShallowNetwork.from_rows(
        [w for w, _, _ in neurons],
        [b for _, b, _ in neurons],
        [[a[j] for _, _, a in neurons] for j in range(k)],
        [0] * k,
        d=d,
    )


def _own_type(net: ShallowNetwork) -> object:
    return realize(canonical_form(net), structure(net).type) is not None


def _partner(net: ShallowNetwork) -> ShallowNetwork:
    """An equivalent network: the neurons permuted and scaled (cheap to build at any h)."""
    order = list(range(net.h))[::-1]
    return ShallowNetwork.from_rows(
        [[2 * x for x in net.W1[i]] for i in order],
        [2 * net.b1[i] for i in order],
        [[row[i] / 2 for i in order] for row in net.W2],
        list(net.b2),
        d=net.d,
    )


def _cli(*argv: str, partner: bool = False) -> Callable[[ShallowNetwork], object]:
    """A CLI command run in-process on the network written to a temporary file (its exit
    code is the outcome)."""

    def run(net: ShallowNetwork) -> object:
        import contextlib
        import io as stdio
        import tempfile

        from shallowsym.cli import main

        with tempfile.TemporaryDirectory() as tmp:
            a, b = os.path.join(tmp, "a.json"), os.path.join(tmp, "b.json")
            net.save(a)
            args = [argv[0], a]
            if partner:
                _partner(net).save(b)
                args.append(b)
            args += list(argv[1:])
            with (
                contextlib.redirect_stdout(stdio.StringIO()),
                contextlib.redirect_stderr(stdio.StringIO()),
            ):
                code = main(args)
        return f"exit {code}"

    return run


CALLS: dict[str, Callable[[ShallowNetwork], object]] = {
    "symmetries (full report)": lambda net: str(symmetries(net)).count("\n"),
    "flip_sets": lambda net: len(flip_sets(net)),
    "fibre_types": lambda net: len(fibre_types(net, progress=False)),
    "local_dimension": lambda net: local_dimension(net).dimension,
    "reduce": lambda net: reduce(net).h,
    "minimal_width": minimal_width,
    "realize (own type)": _own_type,
    "equivalent + certificate": lambda net: str(
        equivalent(net, random_equivalent(net, seed=1))
    ).splitlines()[0][:30],
    "is_irreducible": is_irreducible,
    "reduction": lambda net: reduction(net).network.h,
    "symmetries().fibre_types()": lambda net: len(symmetries(net).fibre_types(progress=False)),
    "relabelling_group": lambda net: relabelling_group(net).order(),
    "relabelled_equivalent": lambda net: bool(relabelled_equivalent(net, _partner(net))),
    "functional_dimension": lambda net: functional_dimension(net).dimension,
    "random_equivalent": lambda net: random_equivalent(net, seed=1).h,
    "explain (partner)": lambda net: explain(net, _partner(net)) is not None,
    "cli equiv": _cli("equiv", partner=True),
    "cli equiv --relabel": _cli("equiv", "--relabel", "both", partner=True),
    "cli canon": _cli("canon"),
    "cli symmetries": _cli("symmetries"),
    "cli symmetries --types": _cli("symmetries", "--types"),
    "cli fundim": _cli("fundim"),
    "cli reduce": _cli("reduce"),
    "cli align": _cli("align", partner=True),
}
ALL = tuple(CALLS)


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout


def measure(call: Callable[[ShallowNetwork], object], net: ShallowNetwork, timeout: float):
    """(wall seconds, CPU seconds, outcome) of ``call(net)`` in a forked child, killed after
    ``timeout`` wall seconds. The CPU time (user + system of the child) is what the call
    costs; the wall time also counts the other processes of a shared machine."""
    read_end, write_end = os.pipe()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_before = usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            outcome = f"{call(net)}"
        except SearchLimitExceeded:
            outcome = "limit"
        except BaseException as exc:  # reported, not hidden
            outcome = f"{type(exc).__name__}: {str(exc)[:60]}"
        os.write(write_end, outcome.encode()[:500])
        os._exit(0)
    os.close(write_end)
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        _, status = os.waitpid(pid, 0)
    except _Timeout:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(read_end)
        return time.perf_counter() - start, float("nan"), f"TIMEOUT (> {timeout:.0f} s)"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    elapsed = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    outcome = os.read(read_end, 1000).decode(errors="replace")
    os.close(read_end)
    if os.WIFSIGNALED(status):
        outcome = f"ABORT signal {os.WTERMSIG(status)}"
    return elapsed, cpu, outcome


FAMILIES: list[tuple[str, Callable[[], ShallowNetwork], tuple[str, ...]]] = [
    ("hash multiples of 2^61-1, n = 22", lambda: hash_multiples(22), ("flip_sets",)),
    ("hash multiples of 2^61-1, n = 40", lambda: hash_multiples(40), ("flip_sets",)),
    (
        "denominator 2^61-1, n = 22",
        lambda: denominator_p61(22),
        ("flip_sets", "minimal_width", "reduce", "symmetries (full report)"),
    ),
    ("mixed pair, d = k = 2, h = 22", lambda: mixed_pair_plane(22), ("reduce", "minimal_width")),
    ("mixed pair, d = k = 2, h = 40", lambda: mixed_pair_plane(40), ("reduce",)),
    (
        "two mixed pairs, d = k = 2, h = 18",
        lambda: two_mixed_pairs(18),
        ("symmetries (full report)",),
    ),
    (
        "two mixed pairs, d = k = 2, h = 30",
        lambda: two_mixed_pairs(30),
        ("symmetries (full report)",),
    ),
    ("parallel blocks, 7 groups (h = 21)", lambda: parallel_blocks(7), ("local_dimension",)),
    ("parallel blocks, 10 groups (h = 30)", lambda: parallel_blocks(10), ("local_dimension",)),
    ("wide line d = k = 1, h = 400", lambda: wide_line(400), ("fibre_types",)),
    ("wide line d = k = 1, h = 5000", lambda: wide_line(5000), ("symmetries (full report)",)),
    ("wide line d = k = 1, h = 8000", lambda: wide_line(8000), ("symmetries (full report)",)),
    (
        "alternating pairs (item 5), h = 22",
        lambda: alternating(11),
        ("realize (own type)", "symmetries (full report)", "equivalent + certificate"),
    ),
    (
        "alternating pairs (item 5), h = 60",
        lambda: alternating(30),
        ("realize (own type)", "symmetries (full report)", "fibre_types", "local_dimension"),
    ),
    ("alternating pairs (item 5), h = 200", lambda: alternating(100), ALL),
    ("alternating pairs (item 5), h = 2000", lambda: alternating(1000), ALL),
    ("wide line d = k = 1, h = 2000", lambda: wide_line(2000), ALL),
    ("many twins d = k = 1, h = 120", lambda: many_twins(120), ALL),
    ("many twins d = k = 1, h = 1500", lambda: many_twins(1500), ALL),
    ("many opposite pairs d = k = 2, h = 60", lambda: many_opposites(30), ALL),
    ("many opposite pairs d = k = 2, h = 400", lambda: many_opposites(200), ALL),
    ("large digits (1400), h = 8", lambda: large_digits(8, 1400), ALL),
    ("big d = 5000, h = 3", lambda: big_d(5000, 3), ALL),
    ("big d = 1500, h = 12", lambda: big_d(1500, 12), ALL),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--hunt", type=int, default=0, help="also time N planted networks")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--min-h", type=int, default=12)
    parser.add_argument("--max-h", type=int, default=24)
    parser.add_argument("--only", default="", help="only the families whose name has this")
    parser.add_argument("--calls", default="", help="only the calls whose name has this")
    args = parser.parse_args()
    print("| family | call | JSON bytes | wall s | CPU s | outcome |")
    print("|---|---|---:|---:|---:|---|")
    for name, make, calls in FAMILIES:
        if args.only not in name:
            continue
        calls = tuple(c for c in calls if args.calls in c)
        net = make()
        size = len(json.dumps(net.to_dict()))
        for call in calls:
            wall, cpu, outcome = measure(CALLS[call], net, args.timeout)
            row = f"| {name} | {call} | {size} | {wall:.2f} | {cpu:.2f} | {outcome[:40]} |"
            print(row, flush=True)
    if args.hunt:
        rng = random.Random(args.seed)
        worst: dict[str, tuple[float, str, str]] = {}
        for n in range(args.hunt):
            net = planted(rng, rng.randint(args.min_h, args.max_h))
            for call, fn in CALLS.items():
                if args.calls not in call:
                    continue
                wall, cpu, outcome = measure(fn, net, args.timeout)
                if cpu > worst.get(call, (0.0,))[0] or wall > args.timeout:
                    worst[call] = (cpu, wall, outcome, json.dumps(net.to_dict()))
            if (n + 1) % 10 == 0:
                print(f"hunt: {n + 1} networks", flush=True)
        for call, (cpu, wall, outcome, data) in sorted(worst.items()):
            label = f"worst of {args.hunt} planted (h {args.min_h}-{args.max_h})"
            print(f"| {label} | {call} | {len(data)} | {wall:.2f} | {cpu:.2f} | {outcome[:40]} |")
            print(f"<!-- {call}: {data} -->")


if __name__ == "__main__":
    main()
