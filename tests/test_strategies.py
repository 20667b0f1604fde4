"""The public hypothesis strategies: eager argument checks, what they generate, from_type."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from oracles import z3_equivalent

from shallowsym import ShallowNetwork, equivalent, find_standard_map, symmetries
from shallowsym.strategies import (
    equivalent_pairs,
    inequivalent_pairs,
    networks,
    networks_with_hidden_symmetries,
)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"min_d": 0}, "min_d=0 must be at least 1"),
        ({"min_h": 3, "max_h": 2}, "max_h=2 must be at least min_h=3"),
        ({"max_k": 1.5}, "must be an integer"),
        ({"degeneracies": ["twins"]}, "unknown degeneracies"),
        ({"elements": [1, 2]}, "must be a hypothesis strategy"),
    ],
)
def test_bad_arguments_fail_when_the_strategy_is_built(kwargs, message):
    with pytest.raises(InvalidArgument, match=message):
        networks(**kwargs)


def test_other_bad_arguments():
    with pytest.raises(InvalidArgument):
        equivalent_pairs(moves=-1)
    with pytest.raises(InvalidArgument):
        inequivalent_pairs(epsilon=0)
    with pytest.raises(InvalidArgument):
        networks_with_hidden_symmetries(min_h=0)


@given(networks(min_d=2, max_d=2, min_h=3, max_h=3, min_k=2, max_k=2))
def test_networks_respect_the_ranges(net):
    assert (net.d, net.h, net.k) == (2, 3, 2)


@given(equivalent_pairs(max_h=4, max_d=2))
def test_equivalent_pairs_are_equivalent(pair):
    a, b = pair
    assert (a.d, a.h, a.k) == (b.d, b.h, b.k)
    assert z3_equivalent(a, b)


@given(inequivalent_pairs(max_h=4, max_d=2))
def test_inequivalent_pairs_differ(pair):
    a, b = pair
    assert not z3_equivalent(a, b)


@given(networks_with_hidden_symmetries(max_h=3, max_d=1, max_k=1))
def test_networks_with_hidden_symmetries_have_them(net):
    witness = symmetries(net).hidden_witness
    assert witness is None or (equivalent(net, witness) and find_standard_map(net, witness) is None)
    assert symmetries(net).has_hidden_symmetries


@given(st.from_type(ShallowNetwork))
def test_from_type_is_registered(net):
    assert isinstance(net, ShallowNetwork)


def test_strategies_import_before_hypothesis():
    # hypothesis loads its entry points while being imported: importing shallowsym.strategies
    # first must not be circular.
    import subprocess
    import sys

    code = (
        "from shallowsym.strategies import networks\n"
        "from hypothesis import strategies as st\n"
        "from shallowsym import ShallowNetwork\n"
        "print(type(st.from_type(ShallowNetwork).example()).__name__)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "ShallowNetwork"
