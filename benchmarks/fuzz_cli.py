"""A long structure-aware fuzz campaign over the command line (issue 15, deliverable 6).

Valid network files (JSON, and NPZ for the array path) are mutated field by field: one field
of d, W1, b1, W2, b2 (a whole array, a row or a single entry) is replaced by a hostile value,
a key is dropped or added, a shape is made off by one. Each mutated file goes through one CLI
command (``equiv`` against the original, ``canon``, ``symmetries``, ``fundim``, ``reduce``)
in-process, under a per-input alarm. An input passes when ``main`` returns one of the agreed
exit codes 0, 1, 2, 3 with at most one line on stderr; exit 4 (internal error), any other
exception, a hang past the alarm, or a multi-line error counts as a failure and is printed
with its input. ``equiv`` must also agree with the library: exit 1 only when ``equivalent``
says "not equivalent".

Usage: ``python benchmarks/fuzz_cli.py [N] [--seed S] [--alarm SECONDS]``; prints the counts
per target (command) and per outcome, and the failures.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from fractions import Fraction

import numpy as np

from shallowsym import equivalent
from shallowsym.cli import main
from shallowsym.io import load

COMMANDS = ("equiv", "canon", "symmetries", "fundim", "reduce")
FIELDS = ("d", "W1", "b1", "W2", "b2")
HOSTILE = [
    0,
    -1,
    1,
    2,
    10**9,
    -(10**9),
    10**30,
    2**63,
    2**61 - 1,
    "1/0",
    "0/0",
    "nan",
    "-inf",
    "inf",
    "1e999999",
    "1e-999999",
    "1e400",
    "١٢",
    "1e١",
    "½",
    "",
    " ",
    "0x10",
    "1_000",
    "+-1",
    "--1",
    "1/2/3",
    "3/-4",
    "-0",
    "0.1",
    "1e308",
    "1.8e308",
    "-2.5e-324",
    None,
    True,
    False,
    [],
    [[]],
    [[[]]],
    {},
    {"a": 1},
    1.5,
    float("nan"),
    float("inf"),
    -0.0,
    5e-324,
    "9" * 500,
    str(2**61 - 1) + "/" + str((2**61 - 1) ** 2),
    "1/" + str(2**61 - 1),
    "\x00",
    "1\n2",
]


def _random_network(rng: random.Random) -> dict:
    d, h, k = rng.randint(1, 3), rng.randint(0, 8), rng.randint(1, 3)
    small = rng.random() < 0.5  # few distinct values: twins, cancelling pairs, flips

    def num() -> str:
        if small:
            return str(rng.choice((-1, 0, 1, 1, 2)))
        return str(Fraction(rng.randint(-5, 5), rng.randint(1, 3)))

    return {
        "d": d,
        "W1": [[num() for _ in range(d)] for _ in range(h)],
        "b1": [num() for _ in range(h)],
        "W2": [[num() for _ in range(h)] for _ in range(k)],
        "b2": [num() for _ in range(k)],
    }


def _mutate(data: dict, rng: random.Random) -> tuple[dict, str]:
    data = json.loads(json.dumps(data))
    field = rng.choice(FIELDS)
    how = rng.choice(("whole", "row", "entry", "drop", "extra", "grow", "shrink"))
    value = rng.choice(HOSTILE)
    arr = data.get(field)
    if how == "drop":
        del data[field]
    elif how == "extra":
        data[rng.choice(("W3", "b3", "x", field.lower()))] = value
    elif how == "whole" or not isinstance(arr, list) or not arr:
        data[field] = value
    elif how == "row":
        arr[rng.randrange(len(arr))] = value
    elif how == "grow":
        arr.append(arr[-1] if rng.random() < 0.5 else value)
    elif how == "shrink":
        arr.pop(rng.randrange(len(arr)))
    else:
        i = rng.randrange(len(arr))
        if isinstance(arr[i], list) and arr[i]:
            arr[i][rng.randrange(len(arr[i]))] = value
        else:
            arr[i] = value
    return data, f"{field}:{how}"


class _Hang(Exception):
    pass


def _alarm(signum, frame):
    raise _Hang


STOP: list[bool] = []


def _stop(signum, frame):  # SIGTERM: finish the current input, then print the summary
    STOP.append(True)


def _one(argv: list[str]) -> tuple[object, str]:
    """``main(argv)`` in this process: (exit code or 'crash ...', stderr)."""
    err = io.StringIO()
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            code: object = main(argv)
    except SystemExit as exit_:
        code = exit_.code
    except BaseException as exc:  # counted as a crash: main() must catch everything
        code = f"crash {type(exc).__name__}"
    return code, err.getvalue()[-2000:]


class _Worker:
    """A forked child running ``main`` on one argv per line, so the interpreter's imports are
    paid once; an abort (SIGABRT from FLINT, say) or a hang kills only the child, which is
    then replaced, and the input is counted as 'abort ...' or 'hang'."""

    def __init__(self) -> None:
        to_child, self.to_child = os.pipe()
        self.from_child, from_parent = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(self.to_child)
            os.close(self.from_child)
            inbox = os.fdopen(to_child, "r")
            for line in inbox:
                result = json.dumps(_one(json.loads(line))) + "\n"
                os.write(from_parent, result.encode())
            os._exit(0)
        os.close(to_child)
        os.close(from_parent)
        self.inbox = os.fdopen(self.from_child, "r")

    def run(self, argv: list[str], alarm: float) -> tuple[object, str]:
        os.write(self.to_child, (json.dumps(argv) + "\n").encode())
        signal.setitimer(signal.ITIMER_REAL, alarm)
        try:
            line = self.inbox.readline()
        except _Hang:
            self.close(kill=True)
            return "hang", ""
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if line:
            return tuple(json.loads(line))
        _, status = os.waitpid(self.pid, 0)
        self.close()
        if os.WIFSIGNALED(status):
            return f"abort {signal.Signals(os.WTERMSIG(status)).name}", ""
        return f"exit {os.WEXITSTATUS(status)}", ""

    def close(self, kill: bool = False) -> None:
        if kill:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        for fd in (self.to_child,):
            with contextlib.suppress(OSError):
                os.close(fd)
        self.inbox.close()
        self.pid = 0


def _write(path: str, data: dict, as_npz: bool) -> None:
    if not as_npz:
        with open(path, "w") as f:
            f.write(json.dumps(data, default=str))
        return
    arrays = {}
    for key, value in data.items():
        try:
            arrays[key] = np.asarray(value, dtype=float)
        except (TypeError, ValueError, OverflowError):
            arrays[key] = np.asarray(str(value))
    np.savez(path, **arrays)


def run(n: int, seed: int, alarm: float) -> int:
    rng = random.Random(seed)
    counts: Counter = Counter()
    per_target: Counter = Counter()
    failures: list[str] = []
    signal.signal(signal.SIGALRM, _alarm)
    signal.signal(signal.SIGTERM, _stop)
    worker = _Worker()
    start = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        for _i in range(n):
            if STOP:
                break
            base = _random_network(rng)
            data, where = _mutate(base, rng) if rng.random() < 0.7 else (base, "valid")
            as_npz = rng.random() < 0.2
            ext = ".npz" if as_npz else ".json"
            original, mutated = os.path.join(tmp, "a.json"), os.path.join(tmp, "b" + ext)
            _write(original, base, False)
            _write(mutated, data, as_npz)
            command = rng.choice(COMMANDS)
            argv = [command, original, mutated] if command == "equiv" else [command, mutated]
            if command == "reduce" and rng.random() < 0.3:
                argv += ["-o", rng.choice(["", os.path.join(tmp, "out.json"), tmp])]
            if rng.random() < 0.3:
                argv.append("--json")
            if worker.pid == 0:
                worker = _Worker()
            code, stderr = worker.run(argv, alarm)
            lines = [x for x in stderr.splitlines() if x.startswith("shallowsym: error")]
            outcome = str(code)
            if code == 1 and command == "equiv":
                a, b = load(original), load(mutated)
                if equivalent(a, b):
                    outcome = "wrong exit 1"
            if code in (0, 1, 2, 3) and len(lines) > 1:
                outcome = "multi-line error"
            counts[outcome] += 1
            if (len(per_target) and sum(counts.values()) % 5000 == 0) or outcome not in (
                "0",
                "1",
                "2",
                "3",
            ):
                print(f"progress {sum(counts.values())}: {dict(counts)}", flush=True)
            per_target[(command, ext, outcome)] += 1
            if outcome not in ("0", "1", "2", "3"):
                message = stderr.strip().splitlines()[-1:] or [""]
                print(
                    f"FAIL {outcome} {command} {where} {json.dumps(data, default=str)[:300]}",
                    flush=True,
                )
                failures.append(
                    f"{outcome} {command} {where} {json.dumps(data, default=str)[:200]}"
                    f" -> {message[0][:200]}"
                )
    worker.close(kill=True)
    elapsed = time.time() - start
    n = sum(counts.values())
    print(f"{n} inputs in {elapsed:.0f} s (seed {seed}, alarm {alarm} s)")
    print("outcomes:", dict(counts))
    for (command, ext, outcome), count in sorted(per_target.items()):
        print(f"  {command:11s} {ext:6s} exit {outcome:18s} {count}")
    print(f"{len(failures)} failures")
    for line in failures[:60]:
        print("  " + line)
    return 1 if failures else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--alarm", type=float, default=30.0)
    args = parser.parse_args()
    sys.exit(run(args.n, args.seed, args.alarm))
