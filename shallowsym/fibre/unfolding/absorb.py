"""Unit: zero-output neurons absorbed (k > d).

proofs/fibre_dimension.md, item 1, first sentences: a zero-output neuron with w = 0 takes a
small output weight t 1 and becomes zero-input; one on the hyperplane of a live neuron of its
own orientation takes the share t s_j a_j of that neuron's kink (nothing else changes). Each is
one zero-output neuron fewer, worth k - d when k > d. Nothing is chosen (the unfolding is always
better when k > d), and nothing is bounded: the witness's stratum is measured exactly.

The three operations of a unit: :func:`options` (none here), :func:`build` at step t,
:func:`bound` (the witness's own dimension: exact).
"""

from __future__ import annotations

from fractions import Fraction

from ...hyperplanes import neuron_keys
from ...network import ShallowNetwork
from ...roles import structure
from ..strata import stratum_dimension
from .edits import Draft, rebuilt, take_share

__all__ = ["bound", "build", "live_sides", "options"]


def options(net: ShallowNetwork) -> list[tuple]:
    """No choice: an empty list of per-group options (one combination, the empty one)."""
    return []


def live_sides(net: ShallowNetwork) -> dict[tuple, int]:
    """(hyperplane key, orientation) -> the first live neuron there."""
    s = structure(net)
    nk = neuron_keys(net)
    out = {}
    for g in s.groups:
        for side in (g.positive, g.negative):
            if side:
                out[(g.key, nk.orientations[side[0]])] = side[0]
    return out


def build(net: ShallowNetwork, t: Fraction) -> ShallowNetwork:
    """``net`` with every zero-output neuron absorbed at step ``t``: output weights t 1 when
    w = 0, else a share t s_j a_j of the kink of the first live neuron j of its hyperplane and
    orientation (when there is one; the others are left to :mod:`.joins`)."""
    nk = neuron_keys(net)
    out = Draft(net)
    sides = live_sides(net)
    for i in structure(net).zero_output:
        w, beta, _ = out[i]
        if not any(w):
            out[i] = (w, beta, tuple(t for _ in range(net.k)))
        elif (j := sides.get((nk.keys[i], nk.orientations[i]))) is not None:
            take_share(net, out, i, j, t)
    return rebuilt(net, out)


def bound(witness: ShallowNetwork) -> int:
    """The dimension next to theta of the witness's stratum: its own (the unfolding changes no
    F2 term, so the witness is exact)."""
    return stratum_dimension(witness)
