"""Zoos: stable keys, planted duplicates of every kind, faults, resume, Dask equal to serial.

The truth of the generated zoo comes from its construction (function-preserving moves of
``shallowsym.moves``, or a parameter moved off), checked with plain-Fraction evaluation
(``oracles.reference_eval``), never with the canonical form the keys are built from.
"""

import itertools
import json
import os
import random
import subprocess
import sys
import threading
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from oracles import reference_eval

from shallowsym import ShallowNetwork, canonical_form, cli, io, moves
from shallowsym.keys import RESOLUTION, canonical_bytes, canonical_digest, canonical_key, fast_keys
from shallowsym.zoo import COLUMNS, zoo

ROOT = Path(__file__).resolve().parents[1]


def _rand(rng, nonzero=False):
    while True:
        value = Fraction(rng.randint(-9, 9), rng.choice([1, 2, 3, 4, 5, 7]))
        if value or not nonzero:
            return value


def _base(rng, d=2, h=3, k=1, opposite=False):
    W1 = [[_rand(rng) for _ in range(d)] for _ in range(h)]
    for row in W1:
        row[0] = _rand(rng, nonzero=True)
    b1 = [_rand(rng) for _ in range(h)]
    W2 = [[_rand(rng, nonzero=True) for _ in range(h)] for _ in range(k)]
    if opposite:  # an opposite normal with equal output weights on another hyperplane:
        W1.append([-x for x in W1[0]])  # flipping neurons 0 and 3 together keeps f (S8)
        b1.append(-b1[0] + 1 + abs(_rand(rng)))
        for row in W2:
            row.append(row[0])
    return ShallowNetwork(W1, b1, W2, [_rand(rng) for _ in range(k)])


def _points(rng, d, n=12):
    return [[Fraction(rng.randint(-40, 40), rng.randint(1, 9)) for _ in range(d)] for _ in range(n)]


def _same(a, b, points):
    return all(reference_eval(a, x) == reference_eval(b, x) for x in points)


def _variants(net, rng):
    """Networks with the function of ``net``, one per kind of planted duplicate."""
    h, d, k = net.h, net.d, net.k
    perm = list(range(h))
    rng.shuffle(perm)
    out = {
        "standard": moves.rescale(moves.permute(net, perm), [Fraction(n + 2, 3) for n in range(h)]),
        "twins": moves.split_twin(net, 0, Fraction(1, 3), scale=2),
        "zero-output": moves.add_zero_output_neuron(net, [_rand(rng) for _ in range(d)], 1),
        "zero-input": moves.add_zero_input_neuron(net, 3, [_rand(rng, True) for _ in range(k)]),
        "flip-paid": moves.flip_with_cancelling_pair(net, 1, 5),
        "cancelling": moves.add_cancelling_pair(
            net, [_rand(rng, True) for _ in range(d)], 2, [1] * k, scale=3
        ),
        "random": moves.random_equivalent(net, seed=rng.randint(0, 10**6)),
    }
    if h >= 4 and net.W1[3] == tuple(-x for x in net.W1[0]):
        out["flip"] = moves.flip(net, [0, 3])
    return out


def _near_misses(net, b2_step=Fraction(1, 10**9)):
    W1, b1 = [list(r) for r in net.W1], list(net.b1)
    W2, b2 = [list(r) for r in net.W2], list(net.b2)
    b1_moved = b1[:]
    b1_moved[1] += Fraction(1, 10**6)
    b2_moved = b2[:]
    b2_moved[0] += b2_step
    return [
        ShallowNetwork.from_rows(W1, b1_moved, W2, b2, d=net.d),
        ShallowNetwork.from_rows(W1, b1, W2, b2_moved, d=net.d),
    ]


def planted_zoo(seed=21, bases=6):
    """(networks, labels, kinds): equal labels exactly for equal functions."""
    rng = random.Random(seed)
    nets, labels, kinds = [], [], []
    label = 0
    for n in range(bases):
        base = _base(rng, d=1 + n % 2, h=3, k=1 + n % 2, opposite=n % 2 == 0)
        points = _points(rng, base.d)
        nets.append(base)
        labels.append(label)
        kinds.append("base")
        for kind, variant in _variants(base, rng).items():
            assert _same(base, variant, points), kind  # the construction is right
            nets.append(variant)
            labels.append(label)
            kinds.append(kind)
        for miss in _near_misses(base):
            wide = _points(rng, base.d, 200) + [[Fraction(x, 2)] * base.d for x in range(-30, 30)]
            if _same(base, miss, wide):
                continue  # the moved bias sits where no output sees it: not a near miss
            label += 1
            nets.append(miss)
            labels.append(label)
            kinds.append("near miss")
        label += 1
    order = list(range(len(nets)))
    rng.shuffle(order)
    return [nets[i] for i in order], [labels[i] for i in order], [kinds[i] for i in order]


def precision_recall(groups, labels):
    pairs = list(itertools.combinations(range(len(labels)), 2))
    predicted = {(i, j) for i, j in pairs if groups[i] == groups[j]}
    true = {(i, j) for i, j in pairs if labels[i] == labels[j]}
    hit = len(predicted & true)
    return hit / max(1, len(predicted)), hit / max(1, len(true))


@pytest.fixture(scope="module")
def planted():
    return planted_zoo()


@pytest.fixture(scope="module")
def zoo_folder(planted, tmp_path_factory):
    nets, _, _ = planted
    folder = tmp_path_factory.mktemp("zoo")
    for n, net in enumerate(nets):
        path = folder / ("sub" if n % 3 == 0 else "") / f"net{n:03d}.{'npz' if n % 2 else 'json'}"
        path.parent.mkdir(exist_ok=True)
        io.save(net, path)
    (folder / "corrupt.json").write_text("{not json")
    (folder / "wrong.npz").write_bytes(b"PK\x03\x04 not a zip")
    (folder / "notes.txt").write_text("ignored: not a network format")
    return folder


def _item_index(name):
    return int(Path(name).stem[3:])


# -- keys -------------------------------------------------------------------------------------
def test_exact_keys_on_planted_zoo(planted):
    nets, labels, kinds = planted
    assert {"standard", "twins", "zero-output", "zero-input", "flip", "flip-paid"} <= set(kinds)
    assert {"cancelling", "random", "near miss"} <= set(kinds)
    digests = [canonical_digest(net) for net in nets]
    assert precision_recall(digests, labels) == (1.0, 1.0)
    assert all(len(x) == 32 for x in digests)


SEEDS = range(40) if os.environ.get("SHALLOWSYM_PROFILE") == "thorough" else range(3)


@pytest.mark.parametrize("seed", SEEDS)
def test_exact_keys_on_more_planted_zoos(seed):
    nets, labels, _ = planted_zoo(seed=100 + seed, bases=4)
    assert precision_recall([canonical_digest(n) for n in nets], labels) == (1.0, 1.0)


def test_canonical_bytes_is_the_documented_encoding():
    net = ShallowNetwork([[2, -4], [0, 0]], ["1/3", 5], [[3, 1], [-1, 0]], [0, "1/2"])
    # f = 3 relu(2x - 4y + 1/3) + relu(5) (first output), -relu(2x - 4y + 1/3) + 1/2
    # bent hyperplane 6x - 12y + 1 = 0 (primitive, first entry positive); with u = (1, -2),
    # relu(2x - 4y + 1/3) = 2 relu(u.x + 1/6), so the kinks are (3, -1) * 2
    text = canonical_bytes(net).decode("ascii").split("\n")
    assert text[0] == "shallowsym-canonical-form-v1"
    assert text[1] == "d 2 k 2 bent 1"
    assert text[2] == "H 6 -12 1 : 6 -2"
    assert text[3:5] == ["M 6 -12", "M -2 4"]
    # delta = b2 + W2 (b1 + |beta| on the zero-input neuron) / 2 = (0 + (1 + 10)/2, 1/2 - 1/6)
    assert text[5] == "delta 11/2 1/3"
    assert canonical_key(net) == canonical_digest(canonical_form(net)).hex()


def test_keys_equal_across_processes_and_hash_seeds(planted):
    nets, _, _ = planted
    chosen = nets[:6]
    payload = json.dumps([net.to_dict() for net in chosen])
    script = (
        "import json, sys, numpy as np\n"
        "from shallowsym import ShallowNetwork\n"
        "from shallowsym.keys import canonical_key, fast_keys\n"
        "nets = [ShallowNetwork.from_dict(x) for x in json.loads(sys.stdin.read())]\n"
        "print([canonical_key(n) for n in nets])\n"
        "arrays = [np.stack(a) for a in zip(*(n.to_numpy() for n in nets[:1] * 3))]\n"
        "print([k.hex for k in fast_keys(*arrays)])\n"
    )
    outputs = set()
    for seed in ("0", "987654"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(ROOT))
        done = subprocess.run(
            [sys.executable, "-c", script],
            input=payload,
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1
    assert outputs.pop().splitlines()[0] == str([canonical_key(n) for n in chosen])


def _stack(nets):
    return tuple(np.stack(parts) for parts in zip(*(net.to_numpy() for net in nets)))


def test_fast_keys_of_equivalent_float_networks():
    rng = random.Random(5)
    base = _base(rng, d=3, h=5, k=2)
    twin = moves.rescale(moves.permute(base, [4, 3, 2, 1, 0]), [2, 3, 5, 7, 11])
    moved = ShallowNetwork.from_rows(base.W1, base.b1, base.W2, [x + 1 for x in base.b2], d=3)
    keys = fast_keys(*_stack([base, twin, moved]))
    assert keys[0].digest == keys[1].digest or keys[0].uncertain or keys[1].uncertain
    assert keys[0].digest != keys[2].digest  # a move above the resolution changes the key
    assert keys[0].to_dict()["key"] == keys[0].hex


def test_fast_key_on_a_cell_boundary_lists_the_neighbour():
    res = RESOLUTION
    W1, b1, W2 = np.array([[[1.0]]]), np.array([[0.0]]), np.array([[[1.0]]])

    def key(b2, **kw):
        return fast_keys(W1, b1, W2, np.array([[b2]]), **kw)[0]

    on, near, below = key(0.5 * res), key(0.5 * res + 1e-13), key(0.5 * res - 1e-13)
    assert on.boundary == near.boundary == below.boundary == 1
    assert not on.uncertain and len(on.neighbours) == 1
    assert near.digest != below.digest  # the two sides of the boundary, within tolerance
    assert {near.digest, below.digest} == {on.digest, *on.neighbours}
    assert below.digest in near.neighbours and near.digest in below.neighbours
    far = key(0.25 * res)
    assert far.boundary == 0 and not far.uncertain and far.neighbours == ()
    assert key(0.5 * res, max_neighbours=0).uncertain  # the lookup would be incomplete
    assert key(1e300).uncertain  # too large for the grid


def test_key_arguments_are_validated():
    with pytest.raises(TypeError, match="canonical_digest expects"):
        canonical_digest("net")
    with pytest.raises(ValueError, match="resolution"):
        fast_keys(
            np.zeros((1, 1, 1)),
            np.zeros((1, 1)),
            np.zeros((1, 1, 1)),
            np.zeros((1, 1)),
            resolution=0.0,
        )


# -- the zoo ----------------------------------------------------------------------------------
def test_zoo_exact_folder_finds_every_planted_duplicate(planted, zoo_folder, tmp_path):
    nets, labels, _ = planted
    out = tmp_path / "table.csv"
    result = zoo(zoo_folder, output=out, progress=False)
    errors = {r["item"]: r["error"] for r in result.rows if r["status"] == "error"}
    assert set(errors) == {"corrupt.json", "wrong.npz"}
    assert all(errors.values())
    ok = [r for r in result.rows if r["status"] == "ok"]
    assert len(ok) == len(nets)
    truth = [labels[_item_index(r["item"])] for r in ok]
    assert precision_recall([r["group"] for r in ok], truth) == (1.0, 1.0)
    assert result.summary["distinct_functions"] == len(set(labels))
    for r in ok:  # the statistics match the network read back from its file
        net = nets[_item_index(r["item"])]
        assert (r["d"], r["h"], r["k"]) == (net.d, net.h, net.k)
        assert (
            sum(r[f"n_{x}"] for x in ("bent", "cancelling", "zero_output"))
            + r["n_zero_input_active"]
            + r["n_zero_input_inactive"]
            == net.h
        )
        assert r["width_after_reduce"] <= net.h
        assert r["hidden_symmetries"] in ("yes", "no")
    # widths after reduce agree within each group: one function, one minimal width
    by_group = {}
    for r in ok:
        by_group.setdefault(r["group"], set()).add(r["width_after_reduce"])
    assert all(len(w) == 1 for w in by_group.values())
    lines = out.read_text().splitlines()
    assert lines[0].split(",") == list(COLUMNS) and len(lines) == len(result.rows) + 1
    summary = json.loads((tmp_path / "table.summary.json").read_text())
    assert summary["summary"] == result.summary
    assert str(result).startswith(f"zoo (exact): {len(result.rows)} networks, 2 errors")


def test_zoo_fast_arrays_separate_near_misses():
    # 10^-6 is above the float tolerance (10^-9 relative) and below the key's grid step
    # (2^-16): the keys collide and the confirmation by fast.equivalent must split them.
    rng = random.Random(8)
    bases = [_base(rng, d=2, h=4, k=1) for _ in range(5)]
    nets, labels = [], []
    for n, base in enumerate(bases):
        perm = [3, 1, 0, 2]
        nets += [base, moves.rescale(moves.permute(base, perm), [2, 3, "1/2", 5])]
        nets += _near_misses(base, Fraction(1, 10**6))  # both below the key's resolution
        labels += [2 * n, 2 * n, 100 + 2 * n, 101 + 2 * n]
    result = zoo(_stack(nets), mode="fast", progress=False)
    rows = result.rows
    assert all(r["status"] == "ok" and r["mode"] == "fast" for r in rows)
    certain = [n for n, r in enumerate(rows) if not r["uncertain"]]
    groups = [rows[n]["group"] for n in certain]
    precision, recall = precision_recall(groups, [labels[n] for n in certain])
    assert precision == 1.0 and recall == 1.0
    assert len(certain) >= len(rows) - 2


def test_zoo_resume_skips_what_is_done(planted, tmp_path):
    nets, _, _ = planted
    out = tmp_path / "t.json"
    first = zoo(nets[:5], output=out, progress=False)
    journal = Path(str(out) + ".journal.jsonl")
    rows = [json.loads(line) for line in journal.read_text().splitlines()]
    rows[0]["num_bent"] = 12345  # a marker: a resumed run must not recompute this row
    journal.write_text("".join(json.dumps(r) + "\n" for r in rows) + '{"cut short')
    second = zoo(nets[:7], output=out, resume=True, progress=False)
    assert second.rows[0]["num_bent"] == 12345
    assert [r["key"] for r in second.rows[:5]] == [r["key"] for r in first.rows]
    assert len(journal.read_text().splitlines()) == 5 + 2  # the cut line is dropped
    fresh = zoo(nets[:7], progress=False)
    assert second.rows[5:] == fresh.rows[5:]
    table = json.loads(out.read_text())
    assert [r["item"] for r in table] == [f"#{n}" for n in range(7)]


def test_zoo_validates_arguments(tmp_path):
    net = ShallowNetwork([[1]], [0], [[1]], [0])
    with pytest.raises(ValueError, match="mode"):
        zoo([net], mode="approx")
    with pytest.raises(ValueError, match="backend"):
        zoo([net], backend="spark")
    with pytest.raises(ValueError, match="resume"):
        zoo([net], resume=True)
    with pytest.raises(ValueError, match="batch_size"):
        zoo([net], batch_size=0)
    with pytest.raises(TypeError, match=r"source\[1\]"):
        zoo([net, 3])
    with pytest.raises(ValueError, match="not a folder"):
        zoo(str(tmp_path / "missing"))


def test_cli_zoo(zoo_folder, tmp_path, capsys):
    out = tmp_path / "t.csv"
    assert cli.main(["zoo", str(zoo_folder), "-o", str(out), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["errors"] == 2 and out.exists()
    fast_out = tmp_path / "f.json"
    assert cli.main(["zoo", str(zoo_folder), "--fast", "-o", str(fast_out)]) == 0
    assert capsys.readouterr().out.startswith("zoo (fast): ")
    assert cli.main(["zoo", str(zoo_folder), "--fast", "--resume", "-o", str(fast_out)]) == 0
    assert json.loads(fast_out.read_text())[0]["mode"] == "fast"
    assert cli.main(["zoo", str(tmp_path / "none"), "-o", str(out)]) == 2
    assert capsys.readouterr().err.startswith("shallowsym: error: ")


# -- Dask -------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def _comparable(result):
    return [dict(r) for r in result.rows]


def test_dask_equals_serial(planted, zoo_folder, client):
    serial = zoo(zoo_folder, progress=False)
    on_dask = zoo(zoo_folder, backend="dask", client=client, batch_size=7, progress=False)
    assert _comparable(on_dask) == _comparable(serial)
    nets, _, _ = planted
    stack = _stack([n for n in nets if (n.d, n.h, n.k) == (nets[0].d, nets[0].h, nets[0].k)])
    fast_serial = zoo(stack, mode="fast", progress=False)
    fast_dask = zoo(stack, mode="fast", backend="dask", client=client, batch_size=2, progress=False)
    assert _comparable(fast_dask) == _comparable(fast_serial)


def test_dask_worker_killed_mid_run_loses_no_result(planted, client, tmp_path):
    nets, _, _ = planted
    many = nets * 2
    serial = zoo(many, progress=False)
    pids = list(client.run(os.getpid).values())
    out = tmp_path / "t.json"
    journal = Path(str(out) + ".journal.jsonl")
    killed = []

    def kill_when_started():
        deadline = time.time() + 60
        while time.time() < deadline:
            if journal.exists() and journal.read_text().count("\n") >= 2:
                os.kill(pids[0], 9)
                killed.append(pids[0])
                return
            time.sleep(0.01)

    thread = threading.Thread(target=kill_when_started)
    thread.start()
    result = zoo(many, backend="dask", client=client, batch_size=2, output=out, progress=False)
    thread.join()
    assert killed, "the run finished before a worker could be killed"
    assert _comparable(result) == _comparable(serial)
    client.wait_for_workers(2, timeout=60)


def test_cheap_certificates_agree_with_the_full_searches(planted):
    from netgen import admissible_flips

    from shallowsym import minimal_width, symmetries

    rng = random.Random(3)
    generic = [_base(rng, d=3, h=5, k=2) for _ in range(4)]
    flippable = [_base(rng, d=2, h=3, k=2, opposite=True) for _ in range(3)]
    nets = planted[0][:30] + generic + flippable
    rows = zoo(nets, progress=False).rows
    verdicts = [r["hidden_symmetries"] for r in rows]
    assert verdicts[-3:] == ["yes"] * 3 and verdicts[-7:-3] == ["no"] * 4
    for net, row in zip(nets, rows):
        assert row["hidden_symmetries"] == (
            "yes" if symmetries(net).has_hidden_symmetries else "no"
        )
        assert row["width_after_reduce"] == minimal_width(net)
        if row["hidden_symmetries"] == "no":  # brute force over every subset of neurons
            assert admissible_flips(net) == []


@pytest.mark.parametrize(
    ("module", "options"),
    [("distributed", {"backend": "dask"}), ("pyarrow", {"output": "t.parquet"})],
)
def test_missing_zoo_extra_is_named(monkeypatch, tmp_path, module, options):
    from shallowsym import MissingDependencyError

    monkeypatch.setitem(sys.modules, module, None)
    if "output" in options:
        options = {"output": tmp_path / options["output"]}
    with pytest.raises(MissingDependencyError, match=r"shallowsym\[zoo\]"):
        zoo([ShallowNetwork([[1]], [0], [[1]], [0])], **options)


def test_parquet_table(planted, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    result = zoo(planted[0][:6], output=tmp_path / "t.parquet", progress=False)
    table = pq.read_table(tmp_path / "t.parquet").to_pylist()
    assert table == [dict(r) for r in result.rows]
