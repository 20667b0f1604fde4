"""Unit: idle zero-output neurons join a group or form one (k > d).

proofs/fibre_dimension.md, item 1, from "join the pure group on K against its orientation": the
zero-output neurons left on a hyperplane K with no live neuron of their side (after
:mod:`.absorb`) can

* (two or more beside a live group) JOIN it against its orientation with kinks summing to zero
  (the group turns mixed, W2 W1 unchanged) or go APART as a pure cancelling group on a parallel
  hyperplane;
* (a lone one beside a live group, or all those of both orientations on a hyperplane without
  live neurons) PAY: join, adding a small term x u_K^T to W2 W1 that is paid by the mixed
  groups' v-terms (S9, when u_K lies in the span of their normals), else by tilting the normal
  of a mixed cancelling group with a nonzero v-term, else by other such joins whose normals are
  linearly dependent; or STAY (those of one side on a hyperplane without live neurons then form
  a pure cancelling group).

A join nothing pays for is not built: :func:`bound` bounds its stratum, and that of every set
of such joins, by the dimension at the limit point t -> 0 (upper semicontinuity).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction
from itertools import product

from ...errors import SearchLimitExceeded
from ...hyperplanes import hyperplane_normal_offset, neuron_keys
from ...network import Neuron, ShallowNetwork
from ...roles import HyperplaneGroup, structure
from ..strata import mixed_terms, neuron_dimension, w_dimension
from .absorb import live_sides
from .blocks import dependency
from .edits import Draft, kinks, mixed_groups, pay, rebuilt, shift, take_share, zero_sum_kinks

__all__ = ["Idle", "Joined", "Way", "bound", "build", "idle", "options", "tilt_payer"]


class Way(Enum):
    """How the idle zero-output neurons of one hyperplane unfold."""

    JOIN = "join"  # join the live group, kinks summing to zero (exact)
    APART = "apart"  # a pure cancelling group on a parallel hyperplane (exact)
    PAY = "pay"  # join with a small term paid for, or bounded at the limit point
    STAY = "stay"  # those of one side form a pure cancelling group


@dataclass(frozen=True)
class Idle:
    """The idle zero-output neurons ``members`` of hyperplane ``key`` unfold ``way``."""

    key: tuple
    members: tuple[int, ...]
    way: Way


@dataclass(frozen=True)
class Joined:
    """A built unfolding and the (hyperplane, neurons) whose paid join could not be paid."""

    net: ShallowNetwork
    unpaid: tuple[tuple[tuple, tuple[int, ...]], ...]


def idle(net: ShallowNetwork) -> list[tuple[tuple, tuple[int, ...]]]:
    """(key, members) of the zero-output neurons with w != 0 and no live neuron of their
    orientation on their hyperplane (what :mod:`.absorb` leaves), per hyperplane."""
    nk = neuron_keys(net)
    sides = live_sides(net)
    out: dict[tuple, list[int]] = defaultdict(list)
    for i in structure(net).zero_output:
        if nk.keys[i] is not None and (nk.keys[i], nk.orientations[i]) not in sides:
            out[nk.keys[i]].append(i)
    return [(key, tuple(members)) for key, members in out.items()]


def options(net: ShallowNetwork) -> list[tuple[Idle, ...]]:
    """For each hyperplane with idle zero-output neurons: JOIN or APART (two or more beside a
    live group), PAY or STAY (a lone one beside a live group, or both orientations on a
    hyperplane without live neurons), else STAY."""
    live = {g.key for g in structure(net).groups}
    nk = neuron_keys(net)
    out = []
    for key, members in idle(net):
        if key in live:
            ways = (Way.JOIN, Way.APART) if len(members) > 1 else (Way.PAY, Way.STAY)
        elif len({nk.orientations[i] for i in members}) == 2:
            ways = (Way.PAY, Way.STAY)
        else:
            ways = (Way.STAY,)
        out.append(tuple(Idle(key, members, way) for way in ways))
    return out


# -- payments -----------------------------------------------------------------------------------
def tilt_payer(net: ShallowNetwork) -> HyperplaneGroup | None:
    """A mixed cancelling group with a nonzero v-term, or None."""
    return next((g for g in mixed_groups(net) if not g.bent and any(g.v)), None)


def _tilt(net: ShallowNetwork, out: list[Neuron], group: HyperplaneGroup, by: Sequence) -> None:
    """Tilt the hyperplane of ``group`` from u.x + c = 0 to (u + by).x + c = 0: its W2 W1
    term v u^T gains v by^T (S9 through the normal instead of the v-term)."""
    nk = neuron_keys(net)
    for i in group.neurons:
        w, beta, a = out[i]
        factor = nk.orientations[i] * nk.scale(i)
        out[i] = (tuple(x + factor * y for x, y in zip(w, by, strict=True)), beta, a)


def _first_live(net: ShallowNetwork, key: tuple) -> int:
    """The first neuron of the pure group on ``key``."""
    group = next(g for g in structure(net).groups if g.key == key)
    return (group.positive or group.negative)[0]


def _join_lone(
    net: ShallowNetwork, out: list[Neuron], key: tuple, members: Sequence[int], change: Sequence
) -> None:
    """A lone zero-output neuron joins the pure group on ``key`` against its orientation, so
    that W2 W1 changes by ``change`` u_K^T (it takes a kink from the group's first neuron j:
    -2 sigma_j times it)."""
    j = _first_live(net, key)
    sigma = neuron_keys(net).orientations[j]
    take_share(net, out, members[0], j, Fraction(0), [-x / (2 * sigma) for x in change])


def _join_dead(
    net: ShallowNetwork, out: list[Neuron], key: tuple, members: Sequence[int], change: Sequence
) -> None:
    """The zero-output neurons of both orientations on a hyperplane without live neurons form
    one mixed cancelling group with v-term P - Q = ``change`` (each side shares its kink
    equally)."""
    nk = neuron_keys(net)
    for side in (1, -1):
        on_side = [i for i in members if nk.orientations[i] == side]
        for i in on_side:
            w, beta, _ = out[i]
            kink = [side * x / (2 * len(on_side) * nk.scale(i)) for x in change]
            out[i] = (w, beta, tuple(kink))


def _paid_by_v_terms(
    net: ShallowNetwork, key: tuple, members: Sequence[int], t: Fraction, lone: bool
) -> ShallowNetwork | None:
    """The join with the change t x u_K^T to W2 W1 paid through the v-terms of the mixed
    groups (S9), x the kink of the group's first neuron for a lone join and 1 otherwise (None
    when u_K is not in the span of their normals)."""
    x = kinks(net, [_first_live(net, key)])[0] if lone else [Fraction(1)] * net.k
    change = [t * y for y in x]
    out = Draft(net)
    (_join_lone if lone else _join_dead)(net, out, key, members, change)
    u, _ = hyperplane_normal_offset(key)
    return pay(
        ShallowNetwork.from_neurons(out, net.b2, d=net.d),
        mixed_groups(net),
        [-y for y in change],
        u,
    )


def _tilted(
    net: ShallowNetwork, key: tuple, members: Sequence[int], t: Fraction, lone: bool
) -> ShallowNetwork | None:
    """The join with the change t v_c u_K^T to W2 W1 paid by tilting a mixed cancelling group
    with a nonzero v-term v_c away from u_K (None when there is none, or a lone join has more
    than one neuron)."""
    payer = tilt_payer(net)
    if payer is None or (lone and len(members) != 1):
        return None
    out = Draft(net)
    (_join_lone if lone else _join_dead)(net, out, key, members, [t * x for x in payer.v])
    u, _ = hyperplane_normal_offset(key)
    _tilt(net, out, payer, [-t * x for x in u])
    return rebuilt(net, out)


def _paid_join(
    net: ShallowNetwork, key: tuple, members: Sequence[int], lone: bool, t: Fraction
) -> ShallowNetwork | None:
    """A lone zero-output neuron joining the live group on ``key``, or all those of a
    hyperplane without live neurons forming a mixed group, with kinks of size t, paid through
    the mixed groups' v-terms or a tilt; None when neither pays, or when a payment would change
    which neurons are zero-output beyond ``members``."""
    before = set(structure(net).zero_output) - set(members)
    for way in (_paid_by_v_terms, _tilted):
        joined = way(net, key, members, t, lone)
        if joined is not None and set(structure(joined).zero_output) == before:
            return rebuilt(net, joined.neurons())
    return None


def _pay_each_other(
    net: ShallowNetwork, unpaid: list[tuple[tuple, tuple[int, ...]]], live: set, t: Fraction
) -> tuple[ShallowNetwork, list[tuple[tuple, tuple[int, ...]]]]:
    """Joins that nothing else pays for pay each other where their normals are dependent:
    with sum_j c_j u_j = 0, each changes W2 W1 by c_j t 1 u_j^T. One dependency uses every
    join that lies in a circuit; returns the network and the joins left unpaid."""
    c = dependency([hyperplane_normal_offset(key)[0] for key, _ in unpaid], net.d)
    out = Draft(net)
    for (key, members), cj in zip(unpaid, c, strict=True):
        if cj:
            join = _join_lone if key in live else _join_dead
            join(net, out, key, members, [t * cj] * net.k)
    return rebuilt(net, out), [item for item, cj in zip(unpaid, c, strict=True) if not cj]


# -- the unit -----------------------------------------------------------------------------------
def build(net: ShallowNetwork, picks: Sequence[Idle], t: Fraction) -> Joined:
    """The idle zero-output neurons of ``net`` unfold as ``picks`` says, one per hyperplane, at
    step ``t``.

    JOIN and APART come first (the groups they make mixed can pay). Paid joins are tried
    again while one succeeds, each at a step t times smaller than the last, so that no payment
    takes a kink made before it back to 0; then the rest pay each other where their normals
    are dependent. The STAY ones, and those left unpaid, of one side on a hyperplane without
    live neurons form pure cancelling groups."""
    nk = neuron_keys(net)
    live = {g.key for g in structure(net).groups}
    unpaid, stay = [], []
    for pick in picks:
        if pick.way in (Way.JOIN, Way.APART):
            out = Draft(net)
            zero_sum_kinks(net, out, pick.members, t)
            if pick.way is Way.APART:
                shift(net, out, pick.members, t)
            net = rebuilt(net, out)
        else:
            (unpaid if pick.way is Way.PAY else stay).append((pick.key, pick.members))
    small = t
    paying = True
    while paying:  # a paid join can pay for one that could not be paid before it
        paying = False
        for key, members in list(unpaid):
            small *= t  # smaller than every kink made so far
            joined = _paid_join(net, key, members, key in live, small)
            if joined is not None:
                net, paying = joined, True
                unpaid.remove((key, members))
    net, unpaid = _pay_each_other(net, unpaid, live, small * t)
    out = Draft(net)
    for key, members in stay + unpaid:
        if key in live:
            continue
        sides = [[i for i in members if nk.orientations[i] == e] for e in (1, -1)]
        for offset, side in enumerate(side for side in sides if len(side) > 1):
            zero_sum_kinks(net, out, side, t)
            shift(net, out, side, offset * t)  # a second group on a parallel hyperplane
    return Joined(rebuilt(net, out), tuple(unpaid))


def _limit_terms(
    witness: ShallowNetwork, before: ShallowNetwork
) -> tuple[list[list[Fraction]], list[tuple[list[Fraction], list[Fraction]]]]:
    """The F2 data (bent normals, v-terms and normals of the mixed cancelling groups) of an
    unfolding at its limit t -> 0: a group made mixed has a v-term of order t (0 at the
    limit), and the groups that pay tend to their values in ``before``."""
    was = {frozenset(g.neurons): g for g in mixed_groups(before) if not g.bent}
    bent_normals, _ = mixed_terms(witness)
    limit = []
    for g in mixed_groups(witness):  # in the order of mixed_terms
        if g.bent:
            continue
        old = was.get(frozenset(g.neurons))
        if old is None:
            limit.append(([Fraction(0)] * witness.k, list(hyperplane_normal_offset(g.key)[0])))
        else:
            limit.append((list(old.v), list(hyperplane_normal_offset(old.key)[0])))
    return bent_normals, limit


def bound(joined: Joined, before: ShallowNetwork, *, limit: int) -> int:
    """An upper bound on the dimension next to theta of the witness's stratum and of those
    where some unpaid zero-output neurons join as well.

    Each is bounded by its dimension at the limit point t -> 0 (upper semicontinuity), where
    the F2 data are those of :func:`_limit_terms` plus, for each join, the bent normal u_K (a
    lone one beside a bent group) or a term (0, u_K) (beside a pure cancelling group, or all
    those of a hyperplane without live neurons), and where the neurons that join count as
    live: k - d each, less k for the new orientation (less d more for a pure cancelling group
    that turns mixed), or for a new mixed group 2k less, with k - d back for each pure group it
    replaces. Every subset of the unpaid joins is bounded: 2^q steps against ``limit``."""
    witness, unpaid = joined.net, joined.unpaid
    if 2 ** len(unpaid) > limit:
        raise SearchLimitExceeded(
            f"bounding the joins of the zero-output neurons of {len(unpaid)} hyperplanes "
            f"needs 2^{len(unpaid)} steps, over limit={limit}",
            limit=limit,
        )
    d, k = witness.d, witness.k
    bent_normals, at_limit = _limit_terms(witness, before)
    own = neuron_dimension(witness)
    groups = {g.key: g for g in structure(witness).groups}
    nk = neuron_keys(witness)
    zero_output = set(structure(witness).zero_output)
    joins = []
    for key, members in unpaid:
        u = list(hyperplane_normal_offset(key)[0])
        if key in groups and groups[key].bent:
            joins.append(((k - d) - k, [u], []))
        elif key in groups:
            joins.append(((k - d) - k - d, [], [u]))
        else:
            singles = sum(1 for i in members if i in zero_output)
            formed = len({nk.keys[i] for i in members if i not in zero_output})
            joins.append(((k - d) * (singles + formed) - 2 * k, [], [u]))
    zero = [Fraction(0)] * k
    best = own + w_dimension(d, k, bent_normals, at_limit)  # no join, the empty choice
    for chosen in product((False, True), repeat=len(joins)):
        taken = [join for join, take in zip(joins, chosen, strict=True) if take]
        if taken:
            normals = bent_normals + [u for _, us, _ in taken for u in us]
            terms = at_limit + [(zero, u) for _, _, us in taken for u in us]
            gain = sum(delta for delta, _, _ in taken)
            best = max(best, own + gain + w_dimension(d, k, normals, terms))
    return best
