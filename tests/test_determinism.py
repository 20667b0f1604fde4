"""Determinism: the same input gives byte-identical CLI output, across runs and across
PYTHONHASHSEED values (set and dict iteration of strings depends on it)."""

import os
import subprocess
import sys

import pytest

from shallowsym import ShallowNetwork, canonical_form, examples, moves

SEEDS = ("0", "1", "4242")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("det")
    net = examples.two_dimensional()
    other = moves.random_equivalent(net, seed=7)
    _, cancelling = examples.cancelling_pair()
    paths = {}
    for name, value in (("net", net), ("other", other), ("cancel", cancelling)):
        paths[name] = folder / f"{name}.json"
        value.save(paths[name])
    return paths


COMMANDS = [
    ["demo", "--json"],
    ["canon", "{net}", "--json"],
    ["equiv", "{net}", "{other}", "--json"],
    ["equiv", "{net}", "{other}", "--method", "graph", "--json"],
    ["symmetries", "{cancel}", "--types", "--json"],
    ["symmetries", "{net}"],
    ["fundim", "{net}", "--json"],
    ["reduce", "{net}", "--json"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_cli_output_is_byte_identical_across_hash_seeds(files, command):
    args = [part.format(**files) for part in command]
    outputs = set()
    for seed in SEEDS:
        env = dict(os.environ, PYTHONHASHSEED=seed)
        run = subprocess.run(
            [sys.executable, "-m", "shallowsym.cli", *args],
            env=env,
            capture_output=True,
            timeout=120,
        )
        assert run.returncode in (0, 1), run.stderr.decode()
        outputs.add(run.stdout)
    assert len(outputs) == 1


def test_canonical_form_order_does_not_depend_on_neuron_order():
    net = examples.two_dimensional()
    shuffled = moves.permute(net, [4, 2, 0, 3, 1])
    assert canonical_form(net).keys == canonical_form(shuffled).keys
    assert str(canonical_form(net)) == str(canonical_form(shuffled))
    assert (
        canonical_form(ShallowNetwork.from_json(net.to_json())).to_dict()
        == canonical_form(net).to_dict()
    )
