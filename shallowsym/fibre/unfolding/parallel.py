"""Unit: zero-sum blocks leave their group for parallel hyperplanes (d >= k).

proofs/fibre_dimension.md, item 2: a nearby group comes from one group g of theta, so g splits
into disjoint zero-sum blocks that move to hyperplanes near its own. F2 sees only the multiset of
the mixed blocks' v-terms and which orientations stay, so :func:`options` offers, per group, one
family of blocks per such footprint with the most pure cancelling groups (each worth d - k),
from :func:`.blocks.block_families`. A moved block keeps its exact data (v-term P - Q, normal
u_K), so the witness lies at the limit point of the F2 solutions and is measured exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from ...network import ShallowNetwork
from ...roles import structure
from ..strata import stratum_dimension
from .blocks import Rest, block_families
from .edits import kinks, shift_blocks

__all__ = ["Leave", "bound", "build", "options"]


@dataclass(frozen=True)
class Leave:
    """The zero-sum ``blocks`` (neuron indices) that leave the group on hyperplane ``key``."""

    key: tuple
    blocks: tuple[tuple[int, ...], ...]


def options(net: ShallowNetwork, *, limit: int) -> list[tuple[Leave, ...]]:
    """For each group of ``net``, its families of zero-sum blocks (the empty one included)."""
    out = []
    for g in structure(net).groups:
        members = list(g.neurons)
        positive = sum(1 << p for p, i in enumerate(members) if i in g.positive)
        rest = Rest.BENT if g.bent else Rest.CANCELLING
        families = block_families(kinks(net, members), positive, rest=rest, limit=limit)
        out.append(
            tuple(
                Leave(g.key, tuple(tuple(members[p] for p in block) for block in family))
                for family in families
            )
        )
    return out


def build(net: ShallowNetwork, picks: Sequence[Leave], t: Fraction) -> ShallowNetwork:
    """Every picked block on a parallel hyperplane of its own (offsets t, 2t, ...)."""
    return shift_blocks(net, [list(block) for pick in picks for block in pick.blocks], t)


def bound(witness: ShallowNetwork) -> int:
    """The witness's own dimension (exact: the blocks keep their data)."""
    return stratum_dimension(witness)
