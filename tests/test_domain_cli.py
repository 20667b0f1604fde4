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
