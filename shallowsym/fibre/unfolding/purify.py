"""Unit: a mixed group loses a zero-sum orientation (k > d).

proofs/fibre_dimension.md, item 1, "The rank can also drop": a mixed group one of whose
orientations has kinks summing to zero can send that orientation to a parallel hyperplane as a
pure cancelling group (one cancelling group more, d - k, and a v-term fewer in F2, so the rank
may drop). Which groups should do so is a choice: :func:`options` offers, for each such group,
keeping it or splitting it (every subset is tried by the driver). The moved block keeps its
exact data, so the witness is measured exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from ...network import ShallowNetwork
from ..strata import stratum_dimension
from .blocks import sums_to_zero
from .edits import kinks, mixed_groups, shift_blocks

__all__ = ["Split", "bound", "build", "options"]


@dataclass(frozen=True)
class Split:
    """Whether the mixed group on hyperplane ``key`` sends its zero-sum orientation away."""

    key: tuple
    split: bool


def purifiable(net: ShallowNetwork) -> list[tuple]:
    """Keys of the mixed groups with an orientation whose kinks sum to zero."""
    return [
        g.key
        for g in mixed_groups(net)
        if any(sums_to_zero(kinks(net, side)) for side in (g.positive, g.negative))
    ]


def options(net: ShallowNetwork) -> list[tuple[Split, Split]]:
    """For each mixed group with a zero-sum orientation: keep it, or split it."""
    return [(Split(key, False), Split(key, True)) for key in purifiable(net)]


def build(net: ShallowNetwork, picks: tuple[Split, ...], t: Fraction) -> ShallowNetwork:
    """The groups picked with ``split`` send each zero-sum orientation to the parallel
    hyperplane at offset j t (j = 1, 2, ...); ``net`` itself when none is picked."""
    only = {p.key for p in picks if p.split}
    blocks = [
        list(side)
        for g in mixed_groups(net)
        if g.key in only
        for side in (g.positive, g.negative)
        if sums_to_zero(kinks(net, side))
    ]
    return shift_blocks(net, blocks, t)


def bound(witness: ShallowNetwork) -> int:
    """The witness's own dimension: the moved block keeps its exact data (exact)."""
    return stratum_dimension(witness)
