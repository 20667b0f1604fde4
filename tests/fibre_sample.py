"""A derandomized generator of small networks with planted degeneracies of every kind the fibre
knows (zero-output, zero-input with and without bias, all-zero neurons, twins, opposite
orientations, cancelling groups of one or both orientations, zero-sum blocks, far zero-input
pairs of both bias signs), and their combinations; d, k <= 3, h <= 5.

``python tests/fibre_sample.py N`` writes the first N networks with the oracle's value into
``tests/data/local_dimension_sample.json`` (minutes); the test suite reads that file.
"""

from __future__ import annotations

import json
import random
import sys
from fractions import Fraction
from pathlib import Path

SAMPLE = Path(__file__).parent / "data" / "local_dimension_sample.json"
VALUES = [Fraction(n, m) for n in (-3, -2, -1, 1, 2, 3) for m in (1, 2)]
KINDS = [
    "generic",
    "twin",
    "opposite",
    "cancel",
    "zero_out",
    "zero_out_on",
    "zero_in",
    "zero_in_pair",
    "zero_in_zero_bias",
    "all_zero",
    "far_pair",
]


def _value(rng):
    return rng.choice(VALUES)


def _live(neurons):
    return [n for n in neurons if any(n[0]) and any(n[2])]


def draw(rng: random.Random):
    """One network: (W1, b1, W2) as Fractions (b2 = 0)."""
    d, k = rng.randint(1, 3), rng.randint(1, 3)
    h = rng.randint(1, 5)
    neurons: list[tuple[list, Fraction, list]] = []
    kinds = [rng.choice(KINDS) for _ in range(8)]
    for kind in kinds:
        if len(neurons) >= h:
            break
        live = _live(neurons)
        if kind in ("twin", "opposite", "cancel", "zero_out_on") and not live:
            kind = "generic"
        if kind == "generic":
            neurons.append(
                ([_value(rng) for _ in range(d)], _value(rng), [_value(rng) for _ in range(k)])
            )
        elif kind in ("twin", "opposite", "cancel", "zero_out_on"):
            w, beta, _ = rng.choice(live)
            t = Fraction(rng.randint(1, 3), rng.randint(1, 2))
            if kind == "opposite" or (kind == "cancel" and rng.random() < 0.5):
                t = -t
            if kind == "zero_out_on":
                neurons.append(([t * x for x in w], t * beta, [Fraction(0)] * k))
                continue
            if kind == "cancel":
                # the kinks of everything on this hyperplane sum to zero after this neuron
                p = next(i for i, x in enumerate(w) if x)
                total = [Fraction(0)] * k
                for w2, b2, a2 in live:
                    q = next((i for i, x in enumerate(w2) if x), None)
                    if (
                        q == p
                        and all(w2[c] * w[p] == w[c] * w2[p] for c in range(d))
                        and (b2 * w[p] == beta * w2[p])
                    ):
                        total = [x + abs(w2[p]) * y for x, y in zip(total, a2)]
                s = abs(t * w[p])
                a = [-x / s for x in total]
                if not any(a):
                    continue
            else:
                a = [_value(rng) for _ in range(k)]
            neurons.append(([t * x for x in w], t * beta, a))
        elif kind == "zero_out":
            neurons.append(([_value(rng) for _ in range(d)], _value(rng), [Fraction(0)] * k))
        elif kind == "zero_in":
            beta = rng.choice([Fraction(0), *VALUES])
            neurons.append(([Fraction(0)] * d, beta, [_value(rng) for _ in range(k)]))
        elif kind == "zero_in_zero_bias":
            neurons.append(([Fraction(0)] * d, Fraction(0), [_value(rng) for _ in range(k)]))
        elif kind in ("zero_in_pair", "far_pair") and len(neurons) + 2 <= h:
            a = [_value(rng) for _ in range(k)]
            b1, b2 = _value(rng), _value(rng)
            if kind == "far_pair":
                b2 = -abs(b2) if b1 > 0 else abs(b2)  # both bias signs
            else:
                b2 = abs(b2) if b1 > 0 else -abs(b2)
            # |beta| a sums to zero over the pair
            neurons.append(([Fraction(0)] * d, b1, a))
            neurons.append(([Fraction(0)] * d, b2, [-abs(b1) * x / abs(b2) for x in a]))
        elif kind == "all_zero":
            neurons.append(([Fraction(0)] * d, Fraction(0), [Fraction(0)] * k))
    if not neurons:
        neurons.append(
            ([_value(rng) for _ in range(d)], _value(rng), [_value(rng) for _ in range(k)])
        )
    rng.shuffle(neurons)
    W1 = [n[0] for n in neurons]
    b1 = [n[1] for n in neurons]
    W2 = [[n[2][j] for n in neurons] for j in range(k)]
    return d, W1, b1, W2


def sample(count: int, seed: int = 2026):
    rng = random.Random(seed)
    seen = set()
    out = []
    while len(out) < count:
        d, W1, b1, W2 = draw(rng)
        key = repr((d, W1, b1, W2))
        if key in seen:
            continue
        seen.add(key)
        out.append((d, W1, b1, W2))
    return out


def _text(rows):
    return [[str(x) for x in row] for row in rows]


def main(count: int) -> None:
    from fibre_oracle import local_dimension as oracle
    from tqdm import tqdm

    records = []
    for d, W1, b1, W2 in tqdm(sample(count)):
        value, types = oracle(W1, b1, W2)
        records.append(
            {
                "d": d,
                "W1": _text(W1),
                "b1": [str(x) for x in b1],
                "W2": _text(W2),
                "oracle": value,
                "types": types,
            }
        )
    SAMPLE.parent.mkdir(exist_ok=True)
    SAMPLE.write_text(json.dumps({"seed": 2026, "count": count, "networks": records}, indent=0))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 400)
