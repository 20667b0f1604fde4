"""The dimension of the fibre at theta: theta's own stratum and the strata it unfolds into.

The fibre is a finite union of strata (combinatorial types, :mod:`shallowsym.fibre`). Its
dimension at theta is the largest dimension of a stratum that comes arbitrarily close to theta,
which can exceed the dimension of theta's own stratum when theta is degenerate. Counting the
stratum dimension of :func:`shallowsym.fibre.stratum_dimension` neuron by neuron gives

    dim = (k+1) h - k |S| + (d-k) (#zero-output neurons + #cancelling groups) - rank,

where rank is the rank of the differential of W2 W1 in the free v-terms (mixed groups). So a
nearby stratum is larger when it has more zero-output neurons and cancelling groups (d > k),
fewer of them (k > d), or a smaller rank. The unfoldings below realize these changes by exact
networks arbitrarily close to theta (built at the steps t = 1/1000 and 1/1009, or 1/1013 where
one meets the network's own numbers, and measured by the smaller value), each checked to
realize f:

* an all-zero neuron takes a small output weight and becomes zero-input (one zero-output
  neuron fewer);
* a zero-output neuron on the hyperplane of a live neuron of the same orientation takes a small
  share of that neuron's kink (one fewer);
* (k > d) a mixed group loses a whole orientation whose kinks sum to zero, which moves to a
  parallel hyperplane (one group more, the rank maybe smaller; every subset of such groups is
  tried);
* two or more zero-output neurons left beside a pure live group, against its orientation,
  join it with kinks summing to zero (it turns mixed, nothing to pay) or go apart as a pure
  cancelling group (both are tried); a lone one joins it, or all those on a hyperplane
  without live neurons form one mixed cancelling group, when the v-term this adds can be
  paid: by the mixed groups' v-terms when the normal lies in the span of their normals
  (S9), else by tilting the normal of a mixed cancelling group with a nonzero v-term, else
  by other such joins whose normals are linearly dependent; otherwise those of one
  orientation form a pure cancelling group;
* (d >= k) zero-sum sets leave their groups for parallel hyperplanes, every way that changes
  F2 differently, each with the most pure groups: sets of one orientation (no change to F2)
  and of both (a new mixed cancelling group, exact data: the v-term is the set's own); and
  (d > k) zero-input neurons form far cancelling groups of zero-sum |beta_i| a_i, pure when
  their biases have one sign, mixed (a v-term of order t, paid by the mixed groups) when
  both, and those with beta = 0 whose output weights are positively dependent become pure
  cancelling groups anywhere (one group more each).

Each stratum is measured by its dimension, exact also at the singular points of its F2
variety (:mod:`shallowsym.fibre.factorization`). Where an unfolding gives a v-term that tends to 0
(joins against the orientation when k > d, far mixed groups when d > k), or a join that
nothing pays for is left unbuilt, the strata next to theta are bounded by their dimension
at the limit point (upper semicontinuity); the result is exact (``exact`` True) when no
bound exceeds the best value found and some step tried builds every unfolding without a
coincidence (a group landing on another hyperplane of theta, a payment cancelling a kink or
making v-terms dependent, which shows as a witness above its own limit bound).
proofs/fibre_dimension.md has the argument.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations, product
from math import comb, prod
from typing import Any

from ..canonical import canonical_form
from ..errors import SearchLimitExceeded, check_limit
from ..hyperplanes import hyperplane_normal_offset, neuron_keys
from ..linalg import nullspace, rank, solve
from ..network import Neuron, ShallowNetwork
from ..roles import HyperplaneGroup, structure
from .neurons import redistribute_unchecked, with_constant_of
from .strata import mixed_terms, neuron_dimension, stratum_dimension, w_dimension

__all__ = ["LocalDimension", "local_dimension"]

# The step t of the unfoldings. Witnesses are exact at one step; a step can meet the
# network's own numbers by coincidence (_comes_near), so local_dimension tries a few, chosen
# from the network's numbers (steps) so that they cannot be planted in it.
STEPS = (Fraction(1, 1000), Fraction(1, 1009), Fraction(1, 1013))
_STEP: ContextVar[Fraction] = ContextVar("shallowsym_unfolding_step", default=STEPS[0])


def steps(net: ShallowNetwork) -> tuple[Fraction, Fraction, Fraction]:
    """The steps tried for ``net``: 1/N, 1/(N + 9) and 1/(N + 13) with N the first power of ten
    from 1000 above H^2, H the largest numerator or denominator among the weights and biases:
    a difference of two of the network's numbers has a denominator of at most H^2, so none
    equals a step, and planting these steps in the network moves them. ``STEPS`` when H <= 31.

    >>> from shallowsym import ShallowNetwork
    >>> steps(ShallowNetwork([[1]], ["1/1000"], [[1]], [0]))
    (Fraction(1, 10000000), Fraction(1, 10000009), Fraction(1, 10000013))
    """
    height = 1
    for row in (*net.W1, net.b1, *net.W2):
        for x in row:
            height = max(height, abs(x.numerator), x.denominator)
    square = height * height
    exponent = max(3, (square.bit_length() * 30103) // 100000)  # about log10, from below
    scale = 10**exponent
    while scale <= square:  # at most a step or two; no decimal text of a huge number
        scale *= 10
    return Fraction(1, scale), Fraction(1, scale + 9), Fraction(1, scale + 13)


# Each combination of unfoldings is built and measured at two steps, some milliseconds of
# exact work per 4 neurons: it counts as this many steps per 4 neurons against ``limit``
# (:func:`measure_cost`; 1024 / (1 + h // 4) combinations by default).
MEASURE_COST = 2**12


def _t() -> Fraction:
    """The step of the unfolding being built."""
    return _STEP.get()


@dataclass(frozen=True)
class LocalDimension:
    """The dimension of the fibre at theta, with a nearby network whose stratum attains it."""

    dimension: int
    stratum_dimension: int
    witness: ShallowNetwork
    exact: bool
    reason: str = ""  # what could exceed the value, when ``exact`` is False (a lower bound)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "stratum_dimension": self.stratum_dimension,
            "witness": self.witness.to_dict(),
            "exact": self.exact,
            "reason": self.reason,
        }


# -- zero-sum blocks --------------------------------------------------------------------------
def _zero_masks(vectors: Sequence[Sequence[Fraction]], limit: int) -> list[int]:
    n = len(vectors)
    if 3**n > limit:
        raise SearchLimitExceeded(
            f"searching the zero-sum sets of {n} neurons of one hyperplane needs 3^{n} steps, "
            f"over limit={limit}",
            limit=limit,
        )
    k = len(vectors[0]) if vectors else 0
    return [
        mask
        for mask in range(1, 1 << n)
        if all(sum(vectors[i][r] for i in range(n) if mask >> i & 1) == 0 for r in range(k))
    ]


def _packing(n: int, masks: Sequence[int]) -> list[list[int]]:
    """Most disjoint sets among ``masks`` (bitmasks over n indices)."""
    full = (1 << n) - 1
    memo: dict[int, tuple[int, int]] = {0: (0, 0)}

    def best(mask: int) -> tuple[int, int]:
        """(most blocks within mask, one block of such a choice as a bitmask, or 0)."""
        if mask in memo:
            return memo[mask]
        low = mask & -mask
        result = best(mask ^ low)
        for z in masks:
            if z & low and z & mask == z:
                count, _ = best(mask ^ z)
                if count + 1 > result[0]:
                    result = (count + 1, z)
        memo[mask] = result
        return result

    def blocks(mask: int) -> list[list[int]]:
        out = []
        while mask:
            _, z = best(mask)
            if z:
                out.append([i for i in range(n) if z >> i & 1])
                mask ^= z
            else:
                mask ^= mask & -mask
        return out

    return blocks(full)


def _sums_to_zero(vectors: Sequence[Sequence[Fraction]]) -> bool:
    return len(vectors) > 1 and all(sum(col) == 0 for col in zip(*vectors, strict=True))


# -- families of zero-sum blocks ----------------------------------------------------------------
def _block_families(
    kinks: Sequence[Sequence[Fraction]], positive: int, *, rest: str, limit: int
) -> list[list[list[int]]]:
    """The ways disjoint zero-sum blocks can leave a set of neurons, one for each way it changes
    F2, with the most pure cancelling groups for that change (each worth d - k).

    The positive ones are the bitmask ``positive``; a block's v-term is P - Q, the sum of its
    positive kinks minus its negative ones. A block of one orientation is taken minimal
    (splitting it is one group more); a block of both orientations has a nonzero v-term (else
    it is two pure blocks) and no zero-sum subset of one orientation (taking that out too keeps
    its v-term and makes one group more). F2 sees the multiset of the mixed blocks' v-terms and
    what stays: ``rest`` is "bent" for a bent group (the orientations that stay matter),
    "cancelling" for a cancelling group (what stays is one more zero-sum set) and "idle" for
    zero-input neurons (what stays changes nothing)."""
    n = len(kinks)
    full = (1 << n) - 1
    zeros = _zero_masks(kinks, limit)

    def one_sided(mask: int) -> bool:
        return not mask & positive or not mask & ~positive & full

    def v_term(mask: int) -> tuple[Fraction, ...]:
        signs = [1 if positive >> i & 1 else -1 for i in range(n)]
        return tuple(
            sum(signs[i] * kinks[i][r] for i in range(n) if mask >> i & 1)
            for r in range(len(kinks[0]))
        )

    pure = [z for z in zeros if one_sided(z)]
    blocks = [z for z in pure if not any(p != z and p & z == p for p in pure)]
    blocks += [
        z
        for z in zeros
        if not one_sided(z) and any(v_term(z)) and not any(p & z == p for p in pure)
    ]
    best: dict[tuple, tuple[int, list[int]]] = {}
    steps = 0

    def visit(start: int, used: int, chosen: list[int]) -> None:
        nonlocal steps
        steps += 1
        if steps > limit:
            raise SearchLimitExceeded(
                f"choosing zero-sum blocks among {n} neurons exceeds limit={limit}", limit=limit
            )
        left = full & ~used
        mixed = [v_term(b) for b in chosen if not one_sided(b)]
        score = len(chosen) - len(mixed)
        stays: tuple = ()
        if rest == "bent":
            stays = (bool(left & positive), bool(left & ~positive))
        elif rest == "cancelling" and left:
            if one_sided(left):
                score += 1
            else:
                mixed.append(v_term(left))
        footprint = (stays, tuple(sorted(mixed)))
        if footprint not in best or best[footprint][0] < score:
            best[footprint] = (score, chosen)
        for index in range(start, len(blocks)):
            if not blocks[index] & used:
                visit(index + 1, used | blocks[index], [*chosen, blocks[index]])

    visit(0, 0, [])
    return [[[i for i in range(n) if b >> i & 1] for b in chosen] for _, chosen in best.values()]


# -- unfoldings -------------------------------------------------------------------------------
def _rebuilt(net: ShallowNetwork, neurons: Sequence[Neuron]) -> ShallowNetwork:
    """``neurons`` with b2 chosen so the function's constant is net's."""
    return with_constant_of(net, neurons, net)


def _kinks(net: ShallowNetwork, members: Sequence[int]) -> list[list[Fraction]]:
    nk = neuron_keys(net)
    return [[nk.scale(i) * x for x in net.neuron(i)[2]] for i in members]


def _mixed(net: ShallowNetwork) -> list[HyperplaneGroup]:
    return [g for g in structure(net).groups if g.mixed]


def _absorb_zero_output(net: ShallowNetwork) -> ShallowNetwork:
    """Zero-output neurons with w = 0 take a small output weight (they become zero-input); the
    others take a small share of the kink of a live neuron on their hyperplane and side."""
    s = structure(net)
    nk = neuron_keys(net)
    out = net.neurons()
    live_by_side = {}
    for g in s.groups:
        for side in (g.positive, g.negative):
            if side:
                live_by_side[(g.key, nk.orientations[side[0]])] = side[0]
    for i in s.zero_output:
        w, beta, _ = out[i]
        if not any(w):
            out[i] = (w, beta, tuple(_t() for _ in range(net.k)))
        elif (j := live_by_side.get((nk.keys[i], nk.orientations[i]))) is not None:
            _take_share(net, out, i, j)
    return _rebuilt(net, out)


def _take_share(
    net: ShallowNetwork, out: list[Neuron], i: int, j: int, share: Sequence[Fraction] = ()
) -> list[Fraction]:
    """Zero-output neuron i on live neuron j's hyperplane takes the kink ``share`` (by default
    t s_j a_j, t the step) from j, whatever i's orientation; returns that kink."""
    nk = neuron_keys(net)
    wi, bi, _ = out[i]
    wj, bj, aj = out[j]
    share = list(share) or [_t() * nk.scale(j) * x for x in aj]
    out[i] = (wi, bi, tuple(x / nk.scale(i) for x in share))
    out[j] = (wj, bj, tuple(x - y / nk.scale(j) for x, y in zip(aj, share, strict=True)))
    return share


def _zero_sum_kinks(net: ShallowNetwork, out: list[Neuron], members: Sequence[int]) -> None:
    """Zero-output neurons take the small kinks t 1, ..., t 1, -(n - 1) t 1 (summing to zero,
    1 the all-ones vector, t the step)."""
    nk = neuron_keys(net)
    t = _t()
    weights = [t] * (len(members) - 1) + [-t * (len(members) - 1)]
    for i, weight in zip(members, weights, strict=True):
        w, beta, _ = out[i]
        out[i] = (w, beta, tuple(weight / nk.scale(i) for _ in range(net.k)))


def _pay(
    net: ShallowNetwork, payers: Sequence[HyperplaneGroup], x: Sequence[Fraction], u: Sequence
) -> ShallowNetwork | None:
    """``net`` with x u^T added to W2 W1 through the v-terms of the mixed groups ``payers``
    (S9), or None when u is not in the span of their normals."""
    normals = [hyperplane_normal_offset(g.key)[0] for g in payers]
    if not normals:
        return None
    columns = [[normal[c] for normal in normals] for c in range(net.d)]
    weights = solve(columns, list(u), len(normals))
    if weights is None:
        return None
    changes = {
        (g.positive[0], g.negative[0]): [weight * y for y in x]
        for g, weight in zip(payers, weights, strict=True)
        if weight
    }
    return redistribute_unchecked(net, changes)


def _tilt_payer(net: ShallowNetwork) -> HyperplaneGroup | None:
    """A mixed cancelling group with a nonzero v-term, or None."""
    return next((g for g in _mixed(net) if not g.bent and any(g.v)), None)


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
    net: ShallowNetwork, out: list[Neuron], key: tuple, members: list[int], change: Sequence
) -> None:
    """A lone zero-output neuron joins the pure group on ``key`` against its orientation, so
    that W2 W1 changes by ``change`` u_K^T (it takes a kink from the group's first neuron j:
    -2 sigma_j times it)."""
    j = _first_live(net, key)
    sigma = neuron_keys(net).orientations[j]
    _take_share(net, out, members[0], j, [-x / (2 * sigma) for x in change])


def _join_dead(
    net: ShallowNetwork, out: list[Neuron], key: tuple, members: list[int], change: Sequence
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
    net: ShallowNetwork, key: tuple, members: list[int], t: Fraction, join
) -> ShallowNetwork | None:
    """``join`` (:func:`_join_lone` or :func:`_join_dead`) with the change t x u_K^T to W2 W1
    paid through the v-terms of the mixed groups (S9), x the kink of the group's first neuron
    for a lone join and 1 otherwise (None when u_K is not in the span of their normals)."""
    if join is _join_lone:
        x = _kinks(net, [_first_live(net, key)])[0]
    else:
        x = [Fraction(1)] * net.k
    change = [t * y for y in x]
    out = net.neurons()
    join(net, out, key, members, change)
    u, _ = hyperplane_normal_offset(key)
    return _pay(
        ShallowNetwork.from_neurons(out, net.b2, d=net.d), _mixed(net), [-y for y in change], u
    )


def _tilted(
    net: ShallowNetwork, key: tuple, members: list[int], t: Fraction, join
) -> ShallowNetwork | None:
    """``join`` (:func:`_join_lone` or :func:`_join_dead`) with the change t v_c u_K^T to
    W2 W1 paid by tilting a mixed cancelling group with a nonzero v-term v_c away from u_K
    (None when there is none, or a lone join has more than one neuron)."""
    payer = _tilt_payer(net)
    if payer is None or (join is _join_lone and len(members) != 1):
        return None
    out = net.neurons()
    join(net, out, key, members, [t * x for x in payer.v])
    u, _ = hyperplane_normal_offset(key)
    _tilt(net, out, payer, [-t * x for x in u])
    return _rebuilt(net, out)


def _dependency(vectors: Sequence[Sequence[Fraction]], n: int) -> list[Fraction]:
    """Coefficients c with sum_j c_j vectors_j = 0 (vectors in R^n), nonzero exactly on the
    vectors that lie in some circuit (a generic combination of a kernel basis)."""
    rows = [[v[r] for v in vectors] for r in range(n)]
    kernel = nullspace(rows, len(vectors)) if vectors else []
    used = [any(vector[j] for vector in kernel) for j in range(len(vectors))]
    for x in range(1, len(kernel) * len(vectors) + 2):  # a polynomial in x with few roots
        c = [
            sum(Fraction(x) ** b * vector[j] for b, vector in enumerate(kernel))
            for j in range(len(vectors))
        ]
        if all(cj != 0 for cj, use in zip(c, used, strict=True) if use):
            return c
    return [Fraction(0)] * len(vectors)


def _pay_each_other(
    net: ShallowNetwork, unpaid: list[tuple[tuple, list[int]]], live: set, t: Fraction
) -> tuple[ShallowNetwork, list[tuple[tuple, list[int]]]]:
    """Joins that nothing else pays for pay each other where their normals are dependent:
    with sum_j c_j u_j = 0, each changes W2 W1 by c_j t 1 u_j^T (a lone neuron joining the
    group on a key in ``live``, else all those of a hyperplane without live neurons). One
    dependency uses every join that lies in a circuit; returns the network and the joins
    left unpaid."""
    c = _dependency([hyperplane_normal_offset(key)[0] for key, _ in unpaid], net.d)
    out = net.neurons()
    for (key, members), cj in zip(unpaid, c, strict=True):
        if cj:
            join = _join_lone if key in live else _join_dead
            join(net, out, key, members, [t * cj] * net.k)
    return _rebuilt(net, out), [item for item, cj in zip(unpaid, c, strict=True) if not cj]


def _shift(net: ShallowNetwork, out: list[Neuron], members: Sequence[int], by: Fraction) -> None:
    """Move neurons to the parallel hyperplane u.x + c + by = 0, orientation and scale kept."""
    nk = neuron_keys(net)
    for i in members:
        w, _, a = out[i]
        _, c = hyperplane_normal_offset(nk.keys[i])
        out[i] = (w, nk.orientations[i] * nk.scale(i) * (c + by), a)


def _live_families(net: ShallowNetwork, limit: int) -> list[list[list[list[int]]]]:
    """For each group, its families of zero-sum blocks (neuron indices) that can move to
    parallel hyperplanes (:func:`_block_families`)."""
    out = []
    for g in structure(net).groups:
        members = list(g.neurons)
        positive = sum(1 << p for p, i in enumerate(members) if i in g.positive)
        rest = "bent" if g.bent else "cancelling"
        families = _block_families(_kinks(net, members), positive, rest=rest, limit=limit)
        out.append([[[members[p] for p in block] for block in family] for family in families])
    return out


def _zero_input_families(net: ShallowNetwork, limit: int) -> list[list[list[int]]]:
    """The families of far cancelling groups of zero-input neurons (:func:`_block_families`,
    by bias sign: the orientation on a far hyperplane)."""
    active, negative = _signed_zero_input(net)
    pool = active + negative
    families = _block_families(
        _far_kinks(net, pool), (1 << len(active)) - 1, rest="idle", limit=limit
    )
    return [[[pool[p] for p in block] for block in family] for family in families]


def _shift_blocks(net: ShallowNetwork, blocks: Sequence[Sequence[int]]) -> ShallowNetwork:
    """Each block (kinks summing to zero) moves to a parallel hyperplane of its own."""
    if not blocks:  # nothing moves: no rebuild (costly at h = 10^3)
        return net
    out = net.neurons()
    for j, block in enumerate(blocks, start=1):
        _shift(net, out, block, j * _t())
    return _rebuilt(net, out)


def _idle(net: ShallowNetwork) -> list[tuple[tuple, list[int]]]:
    """(key, members) of the zero-output neurons left with no live neuron of their side on
    their hyperplane."""
    nk = neuron_keys(net)
    idle: dict[tuple, list[int]] = defaultdict(list)
    for i in structure(net).zero_output:
        if nk.keys[i] is not None:
            idle[nk.keys[i]].append(i)
    return list(idle.items())


def _idle_options(net: ShallowNetwork, key: tuple, members: list[int]) -> tuple[str, ...]:
    """How the idle zero-output neurons of one hyperplane may unfold: beside a live group,
    two or more "join" it (against its orientation, with kinks summing to zero: nothing to
    pay, but the group turns mixed) or go "apart" (a pure cancelling group on a parallel
    hyperplane); a lone one, or those of both orientations on a hyperplane without live
    neurons, may "pay" for a join or "stay" (see :func:`_idle_zero_output`)."""
    if key in {g.key for g in structure(net).groups}:
        return ("join", "apart") if len(members) > 1 else ("pay", "stay")
    orientations = {neuron_keys(net).orientations[i] for i in members}
    return ("pay", "stay") if len(orientations) == 2 else ("stay",)


def _only_these_turn_live(before: ShallowNetwork, after: ShallowNetwork, members) -> bool:
    """Whether exactly ``members`` stopped being zero-output (a payment that took a kink to 0
    would change the stratum it claims)."""
    return set(structure(after).zero_output) == set(structure(before).zero_output) - set(members)


def _paid_join(
    net: ShallowNetwork, key: tuple, members: list[int], live: bool, t: Fraction
) -> ShallowNetwork | None:
    """A lone zero-output neuron joining the live group on ``key`` (``live``), or all those of
    a hyperplane without live neurons forming a mixed group, with kinks of size t, paid
    through the mixed groups' v-terms or a tilt; None when neither pays, or when a payment
    would change which neurons are zero-output beyond ``members``."""
    join = _join_lone if live else _join_dead
    for way in (_paid_by_v_terms, _tilted):
        joined = way(net, key, members, t, join)
        if joined is not None and _only_these_turn_live(net, joined, members):
            return _rebuilt(net, joined.neurons())
    return None


def _idle_zero_output(
    net: ShallowNetwork, picks: Sequence[str]
) -> tuple[ShallowNetwork, list[tuple[tuple, list[int]]]]:
    """The idle zero-output neurons (:func:`_idle`) unfold as ``picks`` says, one per hyperplane.

    "join" and "apart" are exact. With "pay", a lone one joins the live group there against
    its orientation, or, on a hyperplane without live neurons, all of them form one mixed
    cancelling group, when the v-term this adds can be paid for: through the v-terms of the
    mixed groups when the normal lies in the span of their normals (S9), or else by tilting
    a mixed cancelling group with a nonzero v-term, or else by other such joins
    (:func:`_pay_each_other`). Otherwise, and with "stay", those of one side on a hyperplane
    without live neurons form a pure cancelling group. Returns the network and the
    (key, members) whose join was not paid for (:func:`_limit_bound` bounds them)."""
    nk = neuron_keys(net)
    live = {g.key for g in structure(net).groups}
    unpaid, stay = [], []
    for (key, members), pick in zip(_idle(net), picks, strict=True):
        if pick in ("join", "apart"):  # first: the groups they make mixed can pay
            out = net.neurons()
            _zero_sum_kinks(net, out, members)
            if pick == "apart":
                _shift(net, out, members, _t())
            net = _rebuilt(net, out)
        else:
            (unpaid if pick == "pay" else stay).append((key, members))
    t = _t()
    paying = True
    while paying:  # a paid join can pay for one that could not be paid before it
        paying = False
        for key, members in list(unpaid):
            t *= _t()  # smaller than every kink made so far, so no payment takes one to 0
            joined = _paid_join(net, key, members, key in live, t)
            if joined is not None:
                net, paying = joined, True
                unpaid.remove((key, members))
    net, unpaid = _pay_each_other(net, unpaid, live, t * _t())
    out = net.neurons()
    for key, members in stay + unpaid:
        if key in live:
            continue
        sides = [[i for i in members if nk.orientations[i] == e] for e in (1, -1)]
        for shift, side in enumerate(side for side in sides if len(side) > 1):
            _zero_sum_kinks(net, out, side)
            _shift(net, out, side, shift * _t())  # a second group on a parallel hyperplane
    return _rebuilt(net, out), unpaid


def _purifiable(net: ShallowNetwork) -> list[tuple]:
    """Keys of the mixed groups with an orientation whose kinks sum to zero."""
    return [
        g.key
        for g in _mixed(net)
        if any(_sums_to_zero(_kinks(net, side)) for side in (g.positive, g.negative))
    ]


def _split_blocks(net: ShallowNetwork, only: set) -> ShallowNetwork:
    """The mixed groups keyed in ``only`` lose an orientation whose kinks sum to zero: it moves
    to a parallel hyperplane as one pure cancelling group (the group stops being mixed)."""
    return _shift_blocks(
        net,
        [
            list(side)
            for g in _mixed(net)
            if g.key in only
            for side in (g.positive, g.negative)
            if _sums_to_zero(_kinks(net, side))
        ],
    )


def _positive_circuits(
    vectors: Sequence[Sequence[Fraction]], limit: int
) -> dict[int, dict[int, Fraction]]:
    """Bitmask -> coefficients, for the minimal sets of vectors with a dependency of positive
    coefficients: the circuits (one-dimensional kernel, no zero entry) whose kernel vector has
    one sign. Every positively dependent set is a union of such sets (conformal decomposition),
    so the most disjoint positively dependent sets can be chosen among them."""
    n, k = len(vectors), len(vectors[0]) if vectors else 0
    sizes = range(2, min(n, k + 1) + 1)
    if sum(comb(n, size) for size in sizes) > limit:
        raise SearchLimitExceeded(
            f"searching the positive dependencies among {n} zero-input neurons with beta = 0 "
            f"exceeds limit={limit}",
            limit=limit,
        )
    out = {}
    for size in sizes:
        for subset in combinations(range(n), size):
            kernel = nullspace([[vectors[i][r] for i in subset] for r in range(k)], size)
            if len(kernel) == 1 and (
                all(x > 0 for x in kernel[0]) or all(x < 0 for x in kernel[0])
            ):
                mask = sum(1 << i for i in subset)
                out[mask] = dict(zip(subset, map(abs, kernel[0]), strict=True))
    return out


def _along_e1(x: Fraction, d: int) -> tuple[Fraction, ...]:
    return tuple(x if c == 0 else Fraction(0) for c in range(d))


def _fresh_offsets(net: ShallowNetwork) -> Iterator[Fraction]:
    """Offsets c such that no neuron of ``net`` lies on x1 + c = 0."""
    used = {hyperplane_normal_offset(key) for key in neuron_keys(net).keys if key is not None}
    e1 = _along_e1(Fraction(1), net.d)
    c = Fraction(1)
    while True:
        if (e1, c) not in used:
            yield c
        c += 1


def _signed_zero_input(net: ShallowNetwork) -> tuple[list[int], list[int]]:
    """The zero-input neurons with beta > 0 and with beta < 0."""
    s = structure(net)
    return list(s.zero_input_active), [i for i in s.zero_input_inactive if net.b1[i] < 0]


def _far_kinks(net: ShallowNetwork, pool: Sequence[int]) -> list[list[Fraction]]:
    """|beta_i| a_i: up to a common factor, the kinks of zero-input neurons on one far
    hyperplane."""
    return [[abs(net.b1[i]) * x for x in net.neuron(i)[2]] for i in pool]


def _free_zero_input_groups(
    net: ShallowNetwork, blocks: Sequence[Sequence[int]], *, limit: int
) -> ShallowNetwork:
    """Zero-input neurons become pure cancelling groups (one group more each).

    The ``blocks`` (one bias sign each, |beta_i| a_i summing to zero) go to far hyperplanes:
    w_i = t beta_i e_1 puts a block on x1 + 1/t = 0. Those with beta = 0 whose a_i have a
    dependency x of positive coefficients go to any hyperplane x1 + c = 0, with
    (w_i, beta_i) = t x_i (e_1, c) and kinks t x_i a_i summing to zero. (A neuron with
    beta = 0 cannot join a far group: its kink must be as small as theirs, so its bias on
    their far hyperplane would not be small.)"""
    flat = [i for i in structure(net).zero_input_inactive if net.b1[i] == 0]
    if not blocks and not flat:  # nothing moves: no rebuild (costly at h = 10^3)
        return net
    out = net.neurons()
    for j, block in enumerate(blocks):
        t = _t() / 2**j  # each group on a hyperplane of its own
        for i in block:
            _, beta, a = out[i]
            out[i] = (_along_e1(t * beta, net.d), beta, a)
    flat = [i for i in structure(net).zero_input_inactive if net.b1[i] == 0]
    coefficients = _positive_circuits([net.neuron(i)[2] for i in flat], limit)
    offsets = _fresh_offsets(_rebuilt(net, out))
    for block in _packing(len(flat), list(coefficients)):
        c, mask = next(offsets), sum(1 << j for j in block)
        for j in block:
            x = _t() * coefficients[mask][j]
            out[flat[j]] = (_along_e1(x, net.d), x * c, out[flat[j]][2])
    return _rebuilt(net, out)


def _bias_sums(net: ShallowNetwork, blocks: Sequence[Sequence[int]]) -> list[list[Fraction]]:
    """S_B, the sum of beta_i a_i over each block of zero-input neurons: a far group of them
    adds t S_B u^T to W2 W1, and its v-term is a multiple of S_B."""
    return [
        [sum(net.b1[i] * net.W2[r][i] for i in block) for r in range(net.k)] for block in blocks
    ]


def _mixed_far_groups(net: ShallowNetwork, blocks: Sequence[Sequence[int]]) -> list[ShallowNetwork]:
    """Zero-input neurons of both bias signs, |beta_i| a_i summing to zero over each block,
    become far mixed cancelling groups: the ways to pay for them (none when they cannot be).

    On u.x + 1/t = 0 (w_i = t beta_i u) a block adds t S u^T to W2 W1, S the sum of its
    beta_i a_i, nonzero when those of its positive biases do not sum to zero. A mixed group
    pays for it (S9), u its normal. Without mixed groups the blocks pay each other: all on
    x1 + 1/t_B = 0 with sum_B t_B S_B = 0, which needs every S_B in a circuit; or, all at
    offset 1/t, on normals u_B with sum_B S_B u_B^T = 0, the rows of a matrix whose columns
    lie in the kernel of [S_B] (as many independent ones as d allows), so that the normals
    span more (at a singular point of F2 that can give the larger stratum). Both are
    measured."""
    sums = _bias_sums(net, blocks)
    payers = _mixed(net)
    if payers:
        u = hyperplane_normal_offset(payers[0].key)[0]
        scales = [_t() / (3 * 2**j) for j in range(len(blocks))]  # not a pure group's offset
        moved, added = _move_far(net, blocks, sums, [u] * len(blocks), scales)
        paid = _pay(
            ShallowNetwork.from_neurons(moved, net.b2, d=net.d), payers, [-x for x in added], u
        )
        return [] if paid is None else [_rebuilt(net, paid.neurons())]
    c = _dependency(sums, net.k)
    if not all(c):
        return []
    e1 = _along_e1(Fraction(1), net.d)
    out = [
        _rebuilt(
            net, _move_far(net, blocks, sums, [e1] * len(blocks), [_t() * x / 3 for x in c])[0]
        )
    ]
    normals = _balancing_normals(sums, net.d)
    if normals is not None:
        scales = [_t() / 3] * len(blocks)
        out.append(_rebuilt(net, _move_far(net, blocks, sums, normals, scales)[0]))
    return out


def _move_far(
    net: ShallowNetwork,
    blocks: Sequence[Sequence[int]],
    sums: list[list[Fraction]],
    normals: Sequence[Sequence[Fraction]],
    scales: Sequence[Fraction],
) -> tuple[list[Neuron], list[Fraction]]:
    """Each block's neurons on u_B.x + 1/t_B = 0 (w_i = t_B beta_i u_B); returns the neurons
    and sum_B t_B S_B, what they add to W2 W1 along a common normal."""
    out = net.neurons()
    added = [Fraction(0)] * net.k
    for block, u, t, total in zip(blocks, normals, scales, sums, strict=True):
        for i in block:
            _, beta, a = out[i]
            out[i] = (tuple(t * beta * x for x in u), beta, a)
        added = [x + t * y for x, y in zip(added, total, strict=True)]
    return out, added


def _balancing_normals(sums: list[list[Fraction]], d: int) -> list[tuple[Fraction, ...]] | None:
    """Pairwise distinct non-zero normals u_B with sum_B S_B u_B^T = 0 spanning
    min(d, dim ker [S_B]) dimensions, or None (fewer than two independent kernel vectors, or
    no such choice among the few tried)."""
    n = len(sums)
    kernel = nullspace([[v[r] for v in sums] for r in range(len(sums[0]))], n)
    m = min(d, len(kernel))
    if m < 2:
        return None
    for x in range(2, 2 + 4 * n):  # generic combinations: a polynomial in x with few roots
        columns = [
            [
                sum(Fraction(x) ** (j * len(kernel) + b) * vec[B] for b, vec in enumerate(kernel))
                for B in range(n)
            ]
            for j in range(m)
        ]
        normals = [
            tuple([*(col[B] for col in columns), *[Fraction(0)] * (d - m)]) for B in range(n)
        ]
        if all(any(u) for u in normals) and len(set(normals)) == n:
            return normals
    return None


def _completion(vectors: list[list[Fraction]], d: int) -> list[list[Fraction]]:
    """Standard basis vectors that complete ``vectors`` to a spanning set of R^d."""
    out: list[list[Fraction]] = []
    for c in range(d):
        e = [Fraction(int(r == c)) for r in range(d)]
        if rank([*vectors, *out, e], d) > (rank([*vectors, *out], d) if vectors or out else 0):
            out.append(e)
    return out


def _vanishing_bound(net: ShallowNetwork, blocks: Sequence[Sequence[int]]) -> int:
    """An upper bound on the dimension next to theta of the strata where the ``blocks`` of
    ``net``'s zero-input neurons form far mixed groups.

    Their v-terms v_B tend to 0 with the distance of their hyperplanes, as S_B / |c_B| (S_B
    the sum of the block's beta_i a_i), and their normals are any, so the bound is the
    stratum's dimension at such a limit point, at its largest: 2k fewer for the kinks of
    each group's second orientation, and F2 with more terms (0, u), counting only the
    points nearby where the v-terms span at least what the v_c and S_B span (lower
    semicontinuity of rank). That depends on the u only through the rank they add to the
    normals, so one choice of u per rank is measured."""
    d, k = net.d, net.k
    bent_normals, c_terms = mixed_terms(net)
    v_rank = rank([v for v, _ in c_terms] + _bias_sums(net, blocks), k)
    spanned = [u for _, u in c_terms] + bent_normals
    fresh = _completion(spanned, d)
    zero = [Fraction(0)] * k
    best = None
    for new in range(min(len(blocks), len(fresh)) + 1):
        filler = (spanned or fresh[:new])[:1]
        if new < len(blocks) and not filler:
            continue
        normals = fresh[:new] + filler * (len(blocks) - new)
        terms = c_terms + [(zero, u) for u in normals]
        try:
            dim = w_dimension(d, k, bent_normals, terms, v_rank_at_least=v_rank)
        except ValueError:  # no such point nearby
            continue
        best = dim if best is None else max(best, dim)
    if best is None:
        return -1
    return neuron_dimension(net) - 2 * k * len(blocks) + best


def _limit_terms(
    witness: ShallowNetwork, before: ShallowNetwork
) -> tuple[list[list[Fraction]], list[tuple[list[Fraction], list[Fraction]]]]:
    """The F2 data (bent normals, v-terms and normals of the mixed cancelling groups) of an
    unfolding at its limit t -> 0.

    Unfoldings that make a group mixed give it a v-term of order t, and the groups that pay
    for it change theirs, or tilt their normals, by order t; as t -> 0 those tend to their
    values in ``before`` (a v-term 0 for a group that was not mixed there)."""
    was = {frozenset(g.neurons): g for g in _mixed(before) if not g.bent}
    bent_normals, _ = mixed_terms(witness)
    limit = []
    for g in _mixed(witness):  # in the order of mixed_terms
        if g.bent:
            continue
        old = was.get(frozenset(g.neurons))
        if old is None:
            limit.append(([Fraction(0)] * witness.k, list(hyperplane_normal_offset(g.key)[0])))
        else:
            limit.append((list(old.v), list(hyperplane_normal_offset(old.key)[0])))
    return bent_normals, limit


def _limit_bound(
    witness: ShallowNetwork,
    before: ShallowNetwork,
    unpaid: Sequence[tuple[tuple, list[int]]],
    limit: int,
) -> int:
    """An upper bound on the dimension next to theta of the witness's stratum and of those
    where some ``unpaid`` zero-output neurons join as well (:func:`_idle_zero_output`).

    Each is bounded by its dimension at the limit point t -> 0 (upper semicontinuity), where
    the F2 data are :func:`_limit_terms` plus, for each join, the bent normal u_K (a lone one
    beside a bent group) or a term (0, u_K) (beside a pure cancelling group, or all those of
    a hyperplane without live neurons), and where the neurons that join count as live: k - d
    each, less k for the new orientation (less d more for a pure cancelling group that turns
    mixed), or for a new mixed group 2k less, with k - d back for each pure group it
    replaces."""
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


def measure_cost(net: ShallowNetwork) -> int:
    """Steps one combination of unfoldings of ``net`` counts against ``limit``:
    ``MEASURE_COST`` per 4 neurons (building and measuring a combination, at up to three
    steps t, is linear in h; at h = 30 one takes about 50 ms on a loaded 2-core machine)."""
    return MEASURE_COST * (1 + net.h // 4)


def _too_many(combinations: int, limit: int, net: ShallowNetwork) -> bool:
    """Whether measuring that many combinations of unfoldings (more than one: theta's own
    configuration is always measured) would exceed ``limit``."""
    return combinations > 1 and combinations * measure_cost(net) > limit


def _candidates(net: ShallowNetwork, limit: int) -> list[tuple[ShallowNetwork, int, int]]:
    """Nearby realizations to measure, each with its stratum dimension and an upper bound on
    the dimension of that stratum next to theta and of what unexplored unfoldings of it reach."""
    d, k = net.d, net.k
    if k > d:
        # fewer zero-output neurons and cancelling groups, and a smaller rank: each zero-sum
        # orientation of a mixed group may leave (one group more, the rank maybe smaller)
        # (every subset is tried), and the idle zero-output neurons unfold
        absorbed = _absorb_zero_output(net)
        keys = _purifiable(absorbed)
        options = [_idle_options(absorbed, key, members) for key, members in _idle(absorbed)]
        if _too_many(2 ** len(keys) * prod(map(len, options)), limit, net):
            raise SearchLimitExceeded(
                f"choosing which of {len(keys)} mixed groups lose an orientation and how the "
                f"zero-output neurons of {len(options)} hyperplanes unfold: "
                f"{2 ** len(keys) * prod(map(len, options))} combinations to measure, "
                f"{measure_cost(net)} steps each, over limit={limit}",
                limit=limit,
            )
        out = []
        for chosen in product((False, True), repeat=len(keys)):
            only = {key for key, take in zip(keys, chosen, strict=True) if take}
            split = _split_blocks(absorbed, only)
            for picks in product(*options):
                other, unpaid = _idle_zero_output(split, picks)
                dim = stratum_dimension(other)
                out.append((other, dim, _limit_bound(other, split, unpaid, limit)))
        return out
    # more zero-output neurons and cancelling groups (d > k), and a smaller rank: zero-sum
    # blocks leave their groups, and (d > k) zero-input neurons form far groups
    live = _live_families(net, limit)
    far = _zero_input_families(net, limit) if d > k else [[]]
    if _too_many(prod(map(len, live)) * len(far), limit, net):
        raise SearchLimitExceeded(
            f"combining the zero-sum blocks of {len(live)} groups and the far groups of the "
            f"zero-input neurons: {prod(map(len, live)) * len(far)} combinations to measure, "
            f"{measure_cost(net)} steps each, over limit={limit}",
            limit=limit,
        )
    out = []
    for choice in product(*live):
        split = _shift_blocks(net, [block for family in choice for block in family])
        if d == k:
            dim = stratum_dimension(split)
            out.append((split, dim, dim))
            continue
        for family in far:
            one_sign = [b for b in family if len({net.b1[i] > 0 for i in b}) == 1]
            mixed = [b for b in family if b not in one_sign]
            base = _free_zero_input_groups(split, one_sign, limit=limit)
            if not mixed:
                dim = stratum_dimension(base)
                out.append((base, dim, dim))
                continue
            upper = _vanishing_bound(base, mixed)
            witnesses = _mixed_far_groups(base, mixed)
            if not witnesses:
                dim = stratum_dimension(base)
                out.append((base, dim, max(dim, upper)))
            for witness in witnesses:
                out.append((witness, stratum_dimension(witness), upper))
    return out


def local_dimension(net: ShallowNetwork, *, limit: int = 2**22) -> LocalDimension:
    """The dimension at ``net`` of its fibre (every network of the architecture realizing f).

    The largest stratum dimension among ``net``'s own stratum and the strata the unfoldings of
    the module docstring reach, each measured on an exact network close to ``net`` that
    realizes f (returned as ``witness``). ``exact`` says whether the value is certified (see
    the module docstring); otherwise it is a lower bound and ``reason`` says what could
    exceed it.

    Parameters
    ----------
    net
        The network.
    limit
        Bound on each exponential search: the zero-sum sets of the neurons of one hyperplane
        (3^n steps for n neurons), the families of disjoint blocks among them, their
        combinations across groups and (k > d) the subsets of groups and joins tried, each
        combination counting as :func:`measure_cost` = 4096 (1 + h // 4) steps, as it is
        built and measured (a single one is always measured).

    Raises
    ------
    TypeError
        When ``net`` is not a ShallowNetwork.
    ValueError
        When ``limit`` is not a positive integer.
    SearchLimitExceeded
        When one of those searches would exceed ``limit``.

    Examples
    --------
    An all-zero neuron with k = 3 > d = 1: its output weights can grow (zero-input, 4
    dimensions) rather than its input weights (zero-output, 2 dimensions).

    >>> from shallowsym import ShallowNetwork
    >>> net = ShallowNetwork([[1], [0]], [0, 0], [[1, 0], [2, 0], [3, 0]], [0, 0, 0])
    >>> result = local_dimension(net)
    >>> result.stratum_dimension, result.dimension, result.exact
    (3, 5, True)

    References
    ----------
    docs/theory.md section 5 (F1-F3, S3-S9).
    """
    if not isinstance(net, ShallowNetwork):
        raise TypeError(f"local_dimension expects a ShallowNetwork, not {type(net).__name__}")
    check_limit(limit)
    own = stratum_dimension(net)
    cf = canonical_form(net)
    if cf.num_bent == net.h:
        # Cheap bound first: a realization of width h puts one live neuron on each of the h
        # bent hyperplanes, so every stratum of the fibre has the shape of theta's own.
        return LocalDimension(own, own, net, True)
    best, best_dim, bound, collided = net, own, own, False
    for found in _measured(net, limit):
        if not found:
            collided = True
            continue
        other, dim, upper = found
        if canonical_form(other) != cf:
            raise AssertionError("internal error: an unfolding changed the function")
        bound = max(bound, upper)
        if dim > best_dim:
            best, best_dim = other, dim
    if collided:
        reason = (
            "an unfolding met the network's own numbers at every step tried (a group on "
            f"another hyperplane, a cancelled kink or dependent v-terms); at least {best_dim}"
        )
    elif bound > best_dim:
        reason = f"an unexplored unfolding could exceed {best_dim}"
    else:
        reason = ""
    return LocalDimension(best_dim, own, best, not reason, reason)


def _measured(net: ShallowNetwork, limit: int) -> list[tuple[ShallowNetwork, int, int] | None]:
    """Each candidate of :func:`_candidates` measured at two steps (a third where one meets a
    coincidence), or None where every step does.

    Along an unfolding theta(t) the stratum's dimension is the same at all but finitely many
    t, and larger at those (where v-terms turn dependent, say), which need not come near
    theta; the smaller value of two steps is the one that does, and the bounds are the
    larger."""
    runs = []
    for step in steps(net):
        token = _STEP.set(step)
        try:
            run = _candidates(net, limit)
        finally:
            _STEP.reset(token)
        runs.append(
            [(o, dim, up) if dim <= up and _comes_near(net, o) else None for o, dim, up in run]
        )
        passing = [[found for found in row if found] for row in zip(*runs, strict=True)]
        if len(runs) >= 2 and all(len(row) >= 2 for row in passing):
            break
    out = []
    for row in passing:
        if not row:
            out.append(None)
            continue
        other, dim, _ = min(row, key=lambda found: found[1])
        out.append((other, dim, max(up for _, _, up in row)))
    return out


def _comes_near(net: ShallowNetwork, other: ShallowNetwork) -> bool:
    """Whether the stratum of the unfolding ``other`` comes near ``net``: each of its groups
    comes from one hyperplane of ``net`` (or from its zero-input neurons), and no neuron with
    output weights in ``net`` has lost them. The fixed step can break either by coincidence,
    a moved group landing exactly on another hyperplane or a payment exactly cancelling a
    kink, and ``other`` would then lie in a stratum that does not come near ``net``."""
    keys = neuron_keys(net).keys
    if not set(structure(other).zero_output) <= set(structure(net).zero_output):
        return False
    return all(len({keys[i] for i in g.neurons}) == 1 for g in structure(other).groups)
