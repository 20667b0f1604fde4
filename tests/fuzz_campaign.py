"""The long structure-aware fuzz campaign over every reader (issue 15, deliverable 6).

Run ``SHALLOWSYM_FUZZ=long python tests/fuzz_campaign.py [total [target ...]]`` (default 10^5
inputs, split evenly over the targets named, by default all of ``fuzzgen.TARGETS``). Each
target runs in its own subprocess, so an interpreter abort (SIGABRT from FLINT, a segfault)
is counted as a crash with the input that caused it; each input has a 10 s alarm, so a hang
is counted too. Prints the counts per target: ok (a network was read and canonicalized),
refused (InvalidNetworkError or a subclass), wrong kind (any other exception), hangs,
crashes, and "gen": inputs the generator itself failed to build (not a reader's fault;
listed with the examples). Without the environment variable it runs 50 inputs per target
(a smoke run).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT = 10


def worker(target: str, start: int, count: int, progress: str) -> None:
    sys.path.insert(0, HERE)
    import fuzzgen

    warnings.simplefilter("ignore")
    # heavy imports before the first alarm: an import interrupted by the alarm (torch takes
    # over 10 s on a loaded machine) leaves the module half-initialized, and every later
    # input of the target then failed in the generator
    for module in ("torch", "onnx", "sklearn.neural_network"):
        try:
            __import__(module)
        except ImportError:
            pass
    counts = {"ok": 0, "refused": 0, "wrong kind": 0, "hang": 0, "generator error": 0}
    examples: dict[str, str] = {}

    def alarm(signum, frame):
        raise TimeoutError

    signal.signal(signal.SIGALRM, alarm)
    with tempfile.TemporaryDirectory() as folder, open(progress, "w") as mark:
        for seed in range(start, start + count):
            mark.seek(0)
            mark.truncate()
            mark.write(json.dumps({"seed": seed, "counts": counts}))
            mark.flush()
            signal.alarm(TIMEOUT)
            try:
                try:
                    reader = fuzzgen.mutant(target, seed, folder)
                except Exception as err:  # a bug of the generator, not of a reader
                    kind, detail = "generator error", f"{type(err).__name__}: {err}"[:200]
                else:
                    kind, detail = fuzzgen.attempt(reader)
            except TimeoutError:
                kind, detail = "hang", f"seed {seed}"
            finally:
                signal.alarm(0)
            counts[kind] += 1
            if kind in ("wrong kind", "hang", "generator error") and len(examples) < 5:
                examples[f"seed {seed}"] = detail
    print(json.dumps({"counts": counts, "examples": examples}))


def main(total: int, targets: list[str]) -> int:
    sys.path.insert(0, HERE)
    import fuzzgen

    targets = targets or list(fuzzgen.TARGETS)
    per = total // len(targets)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([os.path.dirname(HERE), HERE])}
    print(f"{per} inputs per target, {per * len(targets)} in all")
    print(
        f"{'target':<12} {'inputs':>7} {'ok':>7} {'refused':>8} {'wrong':>6} {'hang':>5} "
        f"{'crash':>6} {'time':>7}"
    )
    bad = 0
    for target in targets:
        done, crashes, counts, examples, began = 0, 0, {}, {}, time.time()
        while done < per:
            with tempfile.NamedTemporaryFile("r", suffix=".progress") as mark:
                proc = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--worker",
                        target,
                        str(done),
                        str(per - done),
                        mark.name,
                    ],
                    capture_output=True,
                    text=True,
                    env=env,
                )
                if proc.returncode == 0:
                    result = json.loads(proc.stdout.strip().splitlines()[-1])
                    for key, value in result["counts"].items():
                        counts[key] = counts.get(key, 0) + value
                    examples.update(result["examples"])
                    done = per
                else:  # the interpreter died on one input: count it, go on after it
                    state = json.loads(open(mark.name).read() or "{}")
                    seed = state.get("seed", done)
                    for key, value in state.get("counts", {}).items():
                        counts[key] = counts.get(key, 0) + value
                    crashes += 1
                    examples[f"seed {seed}"] = f"crash (exit {proc.returncode})"
                    done = seed + 1
        n = sum(counts.values()) + crashes
        wrong, hang = counts.get("wrong kind", 0), counts.get("hang", 0)
        bad += wrong + hang + crashes
        print(
            f"{target:<12} {n:>7} {counts.get('ok', 0):>7} {counts.get('refused', 0):>8} "
            f"{wrong:>6} {hang:>5} {crashes:>6} {counts.get('generator error', 0):>4} "
            f"{time.time() - began:>6.0f}s",
            flush=True,
        )
        for key, value in examples.items():
            print(f"    {key}: {value}")
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    else:
        long = os.environ.get("SHALLOWSYM_FUZZ") == "long"
        default = 100_000 if long else 50 * 8
        total = int(sys.argv[1]) if len(sys.argv) > 1 else default
        sys.exit(main(total, sys.argv[2:]))
