"""The command line with bounded domains: --box LO HI / --domain D.json and ``maxdiff``."""

import json
from fractions import Fraction

import pytest
from oracles import reference_eval

from shallowsym import ShallowNetwork
from shallowsym.cli import main
from shallowsym.domain import Polytope

# relu(x1 - 2) is dead on [0, 1]^2 and relu(x1 + x2 + 3) is always active there
A = ShallowNetwork([[1, 0], [1, 1], [1, -1]], [-2, 3, 0], [[5, 1, 1]], [0])
B = ShallowNetwork([[1, 0], [1, 1], [1, -1]], [-3, 4, 0], [[7, 1, 1]], [-1])
C = ShallowNetwork([[1, 0], [1, 1], [1, -1]], [-2, 3, "-1/2"], [[5, 1, 1]], [0])


@pytest.fixture
def files(tmp_path):
    paths = {}
    for name, net in {"a": A, "b": B, "c": C}.items():
        paths[name] = str(tmp_path / f"{name}.json")
        net.save(paths[name])
    paths["tri"] = str(tmp_path / "tri.json")
    with open(paths["tri"], "w") as handle:
        handle.write(Polytope([[-1, 0], [0, -1], [1, 1]], [0, 0, 1]).to_json())
    return paths


def test_equiv_on_a_box(files, capsys):
    assert main(["equiv", files["a"], files["b"]]) == 1
    capsys.readouterr()
    assert main(["equiv", files["a"], files["b"], "--box", "0", "1"]) == 0
    assert "differ outside D" in capsys.readouterr().out
    assert main(["equiv", files["a"], files["c"], "--box", "0", "1", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    x = [Fraction(v) for v in data["witness"]]
    assert all(0 < v < 1 for v in x) and reference_eval(A, x) != reference_eval(C, x)


def test_equiv_epsilon_and_domain_file(files, capsys):
    assert (
        main(["equiv", files["a"], files["c"], "--domain", files["tri"], "--epsilon", "1/2"]) == 0
    )
    assert "(exact)" in capsys.readouterr().out
    assert main(["equiv", files["a"], files["c"], "--box", "0", "1", "--epsilon", "1/4"]) == 1


def test_maxdiff(files, capsys):
    assert main(["maxdiff", files["a"], files["c"], "--box", "0", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["exact"] and data["maximum"] == "1/2"
    assert main(["maxdiff", files["a"], files["c"], "--box", "0", "1", "--method", "milp"]) == 0
    assert "certified lower bound" in capsys.readouterr().out


def test_canon_reduce_symmetries_fundim_on_a_box(files, capsys):
    assert main(["canon", files["a"], "--box", "0", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["domain"] == {"type": "box", "lo": ["0", "0"], "hi": ["1", "1"]}
    assert len(data["bent_hyperplanes"]) == 1
    assert main(["reduce", files["a"], "--box", "0", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["minimal_width"] == 2
    assert main(["symmetries", files["a"], "--box", "0", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["roles"]["counts"] == {"bent": 1, "dead": 1, "affine": 1, "zero-output": 0}
    assert data["has_hidden_symmetries"] is True
    assert main(["fundim", files["a"], "--box", "0", "1"]) == 0
    assert "dead on the domain" in capsys.readouterr().out


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--box", "1", "0"], "lo[0] = 1 is not below hi[0] = 0"),
        (["--box", "0", "nan"], "hi[0] is the string 'nan'"),
        (["--box", "0", "1", "--domain", "x.json"], "either --box or --domain"),
        (["--domain", "missing.json"], "cannot read missing.json"),
    ],
)
def test_bad_domains_exit_2_with_one_line(files, capsys, extra, message):
    assert main(["equiv", files["a"], files["b"], *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("shallowsym: error: ") and message in err and err.count("\n") == 1


def test_maxdiff_needs_a_domain(files, capsys):
    assert main(["maxdiff", files["a"], files["b"]]) == 2
    assert "needs a bounded domain" in capsys.readouterr().err


def test_maxdiff_exact_limit_exits_3(tmp_path, capsys):
    from shallowsym import ShallowNetwork

    a, b = tmp_path / "a.json", tmp_path / "b.json"
    ShallowNetwork([[1, 1, 1]], [-1], [[1]], [0]).save(str(a))
    ShallowNetwork([[1, 1, 2]], [-1], [[1]], [0]).save(str(b))
    args = ["maxdiff", str(a), str(b), "--box", "0", "1", "--method", "exact"]
    assert main([*args, "--limit", "5"]) == 3
    assert "--limit" in capsys.readouterr().err
    assert main([*args, "--json"]) == 0
    assert '"exact": true' in capsys.readouterr().out


def test_bad_epsilon_and_domain_files_are_bad_input_naming_them(files, tmp_path, capsys):
    assert main(["equiv", files["a"], files["c"], "--epsilon", "1/2"]) == 2
    assert "--epsilon needs --box" in capsys.readouterr().err
    for bad in ("-1", "abc"):
        with pytest.raises(SystemExit) as stop:  # argparse: exit 2 naming --epsilon
            main(["equiv", files["a"], files["c"], "--box", "0", "1", "--epsilon", bad])
        assert stop.value.code == 2 and "--epsilon" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text('{"type": "polytope", "A": [[1, 0], [-1, 0]], "b": ["x", 0]}')
    assert main(["equiv", files["a"], files["c"], "--domain", str(broken), "--json"]) == 2
    out, err = capsys.readouterr()
    assert f"--domain {broken}" in err and "b[0]" in err
    assert json.loads(out)["exit_code"] == 2  # --json: stdout still carries a JSON object
    scalar = tmp_path / "scalar.json"  # scalar bounds take the network's dimension
    scalar.write_text('{"type": "box", "lo": "0", "hi": "1"}')
    assert main(["equiv", files["a"], files["b"], "--domain", str(scalar)]) == 0


def test_limits_reached_with_json(tmp_path, capsys):
    # relu(x - 1/2) + relu(y - 1/2) - (x + y + 5) on the box: limit=1 leaves the minimal
    # width undecided; reduce still writes the best reduction found, with the bounds
    net = ShallowNetwork([[1, 0], [0, 1], [1, 1]], ["-1/2", "-1/2", 5], [[1, 1, -1]], [0])
    path = str(tmp_path / "n.json")
    net.save(path)
    assert main(["reduce", path, "--box", "0", "1", "--limit", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["minimal_width"] is None and data["minimal_width_bounds"] == [2, 3]
    # exit 3 (a search limit reached) with --json: a JSON object on stdout as well
    a = ShallowNetwork([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0, 0, 0], [[1, 1, 1]], [0])
    b = ShallowNetwork([[0, 1, 0], [1, 0, 0], [0, 0, 1]], [0, 0, 0], [[1, 1, 1]], [0])
    pa, pb = str(tmp_path / "sa.json"), str(tmp_path / "sb.json")
    a.save(pa)
    b.save(pb)
    args = ["equiv", pa, pb, "--relabel", "inputs", "--relabel-limit", "1", "--json"]
    assert main(args) == 3
    data = json.loads(capsys.readouterr().out)
    assert data["exit_code"] == 3 and "--relabel-limit" in data["message"]


def test_long_numbers_in_messages_print_as_one_value(files, capsys):
    # an epsilon verdict whose exact value has long numerator and denominator
    a = ShallowNetwork([[1, 0]], ["1/3"], [[1]], [0])
    b = ShallowNetwork([[1, 0]], ["1/3"], [["1000000000000001/3000000000000000"]], [0])
    main(["equiv", files["a"], files["a"], "--box", "0", "1", "--epsilon", "0.05"])
    capsys.readouterr()
    for name, net in (("x", a), ("y", b)):
        net.save(files["a"].replace("a.json", f"{name}.json"))
    x, y = (files["a"].replace("a.json", f"{n}.json") for n in "xy")
    main(["equiv", x, y, "--box", "0", "1", "--epsilon", "1/2"])
    out = capsys.readouterr().out
    assert "~" in out and "e+" not in out and "/~" not in out, out
