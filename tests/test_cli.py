"""The shallowsym command line: verdicts, exit codes, JSON output, clean errors."""

import json
import subprocess
import sys
from fractions import Fraction

import pytest
from oracles import reference_eval

from shallowsym import ShallowNetwork, examples
from shallowsym.cli import main


@pytest.fixture
def files(tmp_path):
    a, b = examples.flip_pair()
    c, e = examples.near_miss()
    paths = {}
    for name, net in {"a": a, "b": b, "c": c, "e": e}.items():
        paths[name] = tmp_path / f"{name}.json"
        net.save(paths[name])
    return paths


def test_equiv_equivalent_exit_0(files, capsys):
    assert main(["equiv", str(files["a"]), str(files["b"])]) == 0
    out = capsys.readouterr().out
    assert out.startswith("EQUIVALENT: ") and "hidden symmetries" in out


def test_equiv_not_equivalent_exit_1_with_witness(files, capsys):
    assert main(["equiv", str(files["c"]), str(files["e"]), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["equivalent"] is False
    x = [Fraction(v) for v in data["witness"]]
    c, e = examples.near_miss()
    assert reference_eval(c, x) != reference_eval(e, x)


def test_equiv_graph_method_and_certificate(tmp_path, capsys):
    a = ShallowNetwork([[1], [2]], [0, 1], [[3, 4]], [5])
    # neuron 0 scaled by 2 goes to slot 1; neuron 1 scaled by 1/2 goes to slot 0
    b = ShallowNetwork([[1], [2]], ["1/2", 0], [[8, "3/2"]], [5])
    a.save(tmp_path / "a.json")
    b.save(tmp_path / "b.json")
    code = main(
        ["equiv", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "--method", "graph", "--json"]
    )
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["certificate"]["kind"] == "standard"
    assert data["certificate"]["permutation"] == [1, 0]
    assert data["certificate"]["scales"] == ["2", "1/2"]


def test_canon(files, capsys):
    assert main(["canon", str(files["a"])]) == 0
    assert capsys.readouterr().out.startswith("f(x) = 1/2 |x1 - 3| + 1/2 |x1 - 1| + 1")
    assert main(["canon", str(files["a"]), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["constant"] == ["1"]


def test_bad_input_exit_2_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"W1": [[1]], "b1": [NaN], "W2": [[1]], "b2": [0]}')
    assert main(["canon", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.json" in err and "NaN" in err
    assert main(["canon", str(tmp_path / "missing.json")]) == 2
    assert "missing.json does not exist" in capsys.readouterr().err


def test_demo_runs_as_a_console_script_without_traceback(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "shallowsym.cli", "demo"], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert "EQUIVALENT" in run.stdout and "NOT EQUIVALENT" in run.stdout and "witness" in run.stdout
    bad = tmp_path / "bad.json"
    bad.write_text("[")
    run = subprocess.run(
        [sys.executable, "-m", "shallowsym.cli", "equiv", str(bad), str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.startswith("shallowsym: error: ") and run.stderr.count("\n") == 1


def test_demo_json(capsys):
    assert main(["demo", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["hidden_symmetry"]["equivalent"] is True
    assert data["near_miss"]["equivalent"] is False


def test_symmetries_command(tmp_path, capsys):
    _, net = examples.cancelling_pair()
    path = tmp_path / "c.json"
    net.save(path)
    assert main(["symmetries", str(path), "--types"]) == 0
    out = capsys.readouterr().out
    assert "S7 cancelling group of mixed orientation: neurons 1, 2" in out
    assert "hidden symmetries: yes" in out and "fibre types" in out
    assert main(["symmetries", str(path), "--json", "--types"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["fibre_dimension"] == 4 and data["has_hidden_symmetries"] is True
    assert len(data["fibre_types"]) >= 2
    assert main(["symmetries", str(path), "--limit", "1"]) == 0
    assert "undecided" in capsys.readouterr().out


def test_fundim_and_reduce_commands(tmp_path, capsys):
    net = ShallowNetwork([[1], [2], [0], [5]], [1, 2, 3, 0], [[1, 1, 4, 0]], [0])
    path, out = tmp_path / "n.json", tmp_path / "small.json"
    net.save(path)
    assert main(["fundim", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["dimension"] == 5 and data["bound"] == 9 and data["deficit"] == 4
    assert main(["reduce", str(path), "-o", str(out)]) == 0
    assert "minimal width 1" in capsys.readouterr().out
    small = ShallowNetwork.load(out)
    assert small.h == 1
    for x in (-3, 0, Fraction(1, 2), 4):
        assert reference_eval(small, [x]) == reference_eval(net, [x])
    assert main(["reduce", str(path), "-o", str(tmp_path / "missing" / "x.json")]) == 2
    assert "cannot write" in capsys.readouterr().err
