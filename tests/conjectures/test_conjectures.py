"""Conjectures about network symmetries, stated as hypothesis properties.

1. Full functional dimension implies no continuous hidden symmetry: if the functional
   dimension reaches P - h, the fibre at theta is no larger (in dimension) than the orbit.
2. reduce is idempotent, and its result is irreducible.
3. A network whose live neurons lie on distinct hyperplanes, with no zero-output or zero-input
   neuron and no admissible flip (no zero signed sub-sum of a_i w_i^T), has no hidden
   symmetries (docs/theory.md Proposition 4).
"""

from hypothesis import assume, given
from hypothesis import strategies as st

from shallowsym import (
    NonDifferentiableError,
    ShallowNetwork,
    flip_sets,
    functional_dimension,
    is_irreducible,
    reduce,
    structure,
    symmetries,
)
from shallowsym.strategies import networks


@given(networks(max_d=2, max_h=5))
def test_full_functional_dimension_means_no_continuous_hidden_symmetry(net):
    try:
        fd = functional_dimension(net)
    except NonDifferentiableError:
        assume(False)
    if fd.dimension == fd.bound:
        report = symmetries(net)
        assert report.fibre_dimension == report.orbit_dimension


@given(st.from_type(ShallowNetwork))
def test_reduce_is_idempotent(net):
    small = reduce(net)
    assert reduce(small) == small
    assert is_irreducible(small)


@given(networks(max_d=2, max_h=5))
def test_generic_networks_have_no_hidden_symmetries(net):
    s = structure(net)
    assume(not s.zero_output and not s.zero_input_active and not s.zero_input_inactive)
    assume(all(len(g.neurons) == 1 for g in s.groups))
    assume(not flip_sets(net))
    assert not symmetries(net).has_hidden_symmetries
