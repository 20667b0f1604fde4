"""The dimension of the fibre at theta: theta's own stratum and the strata it unfolds into.

The fibre is a finite union of strata (combinatorial types, :mod:`shallowsym.fibre`). Its
dimension at theta is the largest dimension of a stratum that comes arbitrarily close to theta,
which can exceed the dimension of theta's own stratum when theta is degenerate. Counting the
stratum dimension of :func:`shallowsym.fibre.stratum_dimension` neuron by neuron gives

    dim = (k+1) h - k |S| + (d-k) (#zero-output neurons + #cancelling groups) - rank,

where rank is the rank of the differential of W2 W1 in the free v-terms (mixed groups). So a
nearby stratum is larger when it has more zero-output neurons and cancelling groups (d > k),
fewer of them (k > d), or a smaller rank. The unfoldings below realize these changes by exact
networks arbitrarily close to theta (a step t = 1/1000 here), each checked to realize f:

* an all-zero neuron takes a small output weight and becomes zero-input (one zero-output
  neuron fewer);
* a zero-output neuron on the hyperplane of a live neuron of the same orientation takes a small
  share of that neuron's kink (one fewer);
* a mixed group loses a whole orientation whose kinks sum to zero, which moves to a parallel
  hyperplane (one group more, the rank maybe smaller; when k > d every subset of such groups
  is tried);
* the zero-output neurons left on a hyperplane join its pure live group against their
  orientation, or all form one cancelling group, when its normal lies in the span of the
  mixed groups' normals, so the mixed groups pay for the new v-term (S9) and the rank stays;
  otherwise those of one orientation form a pure cancelling group;
* (d >= k) as many same-orientation zero-sum sets as possible leave their groups, and
  zero-input neurons whose biases have one sign and whose |beta_i| a_i sum to zero become
  pure cancelling groups on far hyperplanes, and (d > k) those with beta = 0 whose output
  weights are positively dependent become pure cancelling groups anywhere (one group more
  each).

Each stratum is measured by its dimension, exact also at the singular points of its F2
variety (:mod:`shallowsym.factorization`). The result is exact (``exact`` True) when none of
the unexplored unfoldings could be larger: when k > d, zero-output neurons joining along a
new normal direction (the rank grows by at least k - m); when d > k, a new mixed cancelling
group (a zero-sum set of both orientations leaving its group, or zero-input neurons of both
bias signs); and when a v-term that tends to 0 could make a stratum larger next to theta
than at the witness. proofs/fibre_dimension.md has the argument.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations, product
from math import comb
from typing import Any

from .canonical import canonical_form
from .errors import SearchLimitExceeded
from .fibre import _mixed_terms, _w_dimension, stratum_dimension
from .hyperplanes import hyperplane_normal_offset, neuron_keys
from .linalg import nullspace, rank, solve
from .moves import Neuron, _build, _neurons, _redistribute_unchecked, _with_b2_for
from .network import ShallowNetwork
from .roles import HyperplaneGroup, structure

__all__ = ["LocalDimension", "local_dimension"]

STEP = Fraction(1, 1000)


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


def zero_sum_blocks(
    vectors: Sequence[Sequence[Fraction]], *, cover: bool, limit: int
) -> list[list[int]] | None:
    """Most disjoint sets of indices whose vectors sum to zero.

    With ``cover`` the sets must cover every index (None when impossible); otherwise they
    leave at least one index out, unless no vector is left to leave.

    >>> zero_sum_blocks([[1], [-1], [2], [-2], [3]], cover=False, limit=10**4)
    [[0, 1], [2, 3]]
    >>> zero_sum_blocks([[1], [-1], [2]], cover=True, limit=10**4) is None
    True
    """
    n = len(vectors)
    zeros = _zero_masks(vectors, limit)
    if cover or n == 0:
        blocks = _packing(n, zeros, cover=cover)
        return None if n and not blocks else blocks
    # leave at least one index: the best over "index j left out, then anything"
    options = [_packing(n, [z for z in zeros if not z >> j & 1], cover=False) for j in range(n)]
    return max(options, key=len)


def _packing(n: int, masks: Sequence[int], *, cover: bool) -> list[list[int]]:
    """Most disjoint sets among ``masks`` (bitmasks over n indices); with ``cover`` they must
    cover every index (an empty list when impossible, unless n = 0)."""
    full = (1 << n) - 1
    memo: dict[int, tuple[int, int]] = {0: (0, 0)}

    def best(mask: int) -> tuple[int, int]:
        """(most blocks within mask, one block of such a choice as a bitmask, or 0)."""
        if mask in memo:
            return memo[mask]
        low = mask & -mask
        result = (-1, 0) if cover else best(mask ^ low)
        for z in masks:
            if z & low and z & mask == z:
                count, _ = best(mask ^ z)
                if count >= 0 and count + 1 > result[0]:
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

    return blocks(full) if best(full)[0] >= 0 else []


def _sums_to_zero(vectors: Sequence[Sequence[Fraction]]) -> bool:
    return len(vectors) > 1 and all(sum(col) == 0 for col in zip(*vectors, strict=True))


def _most_blocks(vectors: Sequence[Sequence[Fraction]], limit: int) -> list[list[int]]:
    """Most disjoint zero-sum sets, covering every vector when they sum to zero (a cover has
    at least one set more than any partial choice: the rest sums to zero)."""
    return zero_sum_blocks(vectors, cover=_sums_to_zero(vectors), limit=limit) or []


# -- unfoldings -------------------------------------------------------------------------------
def _rebuilt(net: ShallowNetwork, neurons: Sequence[Neuron]) -> ShallowNetwork:
    """``neurons`` with b2 chosen so the function's constant is net's."""
    return _with_b2_for(net, neurons, net)


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
    out = _neurons(net)
    live_by_side = {}
    for g in s.groups:
        for side in (g.positive, g.negative):
            if side:
                live_by_side[(g.key, nk.orientations[side[0]])] = side[0]
    for i in s.zero_output:
        w, beta, _ = out[i]
        if not any(w):
            out[i] = (w, beta, tuple(STEP for _ in range(net.k)))
        elif (j := live_by_side.get((nk.keys[i], nk.orientations[i]))) is not None:
            _take_share(net, out, i, j)
    return _rebuilt(net, out)


def _take_share(net: ShallowNetwork, out: list[Neuron], i: int, j: int) -> list[Fraction]:
    """Zero-output neuron i on live neuron j's hyperplane takes the kink STEP s_j a_j from j,
    whatever i's orientation; returns that kink."""
    nk = neuron_keys(net)
    wi, bi, _ = out[i]
    wj, bj, aj = out[j]
    share = [STEP * nk.scale(j) * x for x in aj]
    out[i] = (wi, bi, tuple(x / nk.scale(i) for x in share))
    out[j] = (wj, bj, tuple(x - y / nk.scale(j) for x, y in zip(aj, share, strict=True)))
    return share


def _zero_sum_kinks(
    net: ShallowNetwork, out: list[Neuron], members: Sequence[int]
) -> list[Fraction]:
    """Zero-output neurons take the small kinks t 1, ..., t 1, -(n - 1) t 1 (summing to zero,
    1 the all-ones vector); returns the factors t, ..., t, -(n - 1) t."""
    nk = neuron_keys(net)
    weights = [STEP] * (len(members) - 1) + [-STEP * (len(members) - 1)]
    for i, weight in zip(members, weights, strict=True):
        w, beta, _ = out[i]
        out[i] = (w, beta, tuple(weight / nk.scale(i) for _ in range(net.k)))
    return weights


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
    return _redistribute_unchecked(net, changes)


def _join_against_orientation(
    net: ShallowNetwork, key: tuple, members: list[int]
) -> ShallowNetwork | None:
    """Zero-output neurons on the hyperplane of a pure group join it against its orientation,
    the change of its v-term paid by the mixed groups (None when it cannot be)."""
    nk = neuron_keys(net)
    group = next(g for g in structure(net).groups if g.key == key)
    j = (group.positive or group.negative)[0]
    out = _neurons(net)
    shares = [_take_share(net, out, i, j) for i in members]
    # j's orientation loses each share in W2 W1 and the joining side gains its negative
    paid = [2 * nk.orientations[j] * sum(col) for col in zip(*shares, strict=True)]
    u, _ = hyperplane_normal_offset(key)
    return _pay(_build(net, out, net.b2), _mixed(net), paid, u)


def _mixed_idle_group(net: ShallowNetwork, key: tuple, members: list[int]) -> ShallowNetwork | None:
    """Zero-output neurons of both orientations on a hyperplane without live neurons form one
    mixed cancelling group, its v-term paid by the mixed groups (None when it cannot be)."""
    nk = neuron_keys(net)
    ordered = sorted(members, key=lambda i: -nk.orientations[i])  # the last one is negative
    out = _neurons(net)
    weights = _zero_sum_kinks(net, out, ordered)
    v = sum(nk.orientations[i] * weight for i, weight in zip(ordered, weights, strict=True))
    u, _ = hyperplane_normal_offset(key)
    return _pay(_build(net, out, net.b2), _mixed(net), [-v] * net.k, u)


def _shift(net: ShallowNetwork, out: list[Neuron], members: Sequence[int], by: Fraction) -> None:
    """Move neurons to the parallel hyperplane u.x + c + by = 0, orientation and scale kept."""
    nk = neuron_keys(net)
    for i in members:
        w, _, a = out[i]
        _, c = hyperplane_normal_offset(nk.keys[i])
        out[i] = (w, nk.orientations[i] * nk.scale(i) * (c + by), a)


def _idle_zero_output(net: ShallowNetwork) -> tuple[ShallowNetwork, int]:
    """The zero-output neurons left with no live neuron of their side on their hyperplane.

    Where the hyperplane's normal lies in the span of the mixed groups' normals, the v-term
    they would add can be paid for without a new normal direction: they join the live group
    there against its orientation, or, on a hyperplane without live neurons, all of them form
    one cancelling group. Otherwise those of one side form a pure cancelling group. Returns
    the network and how many zero-output neurons and cancelling groups fewer a new normal
    direction could give (each worth k - d, against a rank cost of at least k - m)."""
    nk = neuron_keys(net)
    idle: dict[tuple, list[int]] = defaultdict(list)
    for i in structure(net).zero_output:
        if nk.keys[i] is not None:
            idle[nk.keys[i]].append(i)
    live = {g.key for g in structure(net).groups}
    savable = 0
    for key, members in idle.items():
        sides = [[i for i in members if nk.orientations[i] == e] for e in (1, -1)]
        if key in live:
            joined = _join_against_orientation(net, key, members)
        elif all(sides):
            joined = _mixed_idle_group(net, key, members)
        else:
            joined = None
        if joined is not None:
            net = _rebuilt(net, _neurons(joined))
        elif key in live:
            savable += len(members)
        else:
            out = _neurons(net)
            formed = [side for side in sides if len(side) > 1]
            for shift, side in enumerate(formed):
                _zero_sum_kinks(net, out, side)
                _shift(net, out, side, shift * STEP)  # a second group on a parallel hyperplane
            savable += all(sides)  # one mixed group could replace two groups or neurons
            net = _rebuilt(net, out)
    return net, savable


def _purifiable(net: ShallowNetwork) -> list[tuple]:
    """Keys of the mixed groups with an orientation whose kinks sum to zero."""
    return [
        g.key
        for g in _mixed(net)
        if any(_sums_to_zero(_kinks(net, side)) for side in (g.positive, g.negative))
    ]


def _split_blocks(
    net: ShallowNetwork, *, empty_only: bool, limit: int, only: set | None = None
) -> ShallowNetwork:
    """Zero-sum same-orientation sets of each group (of the groups keyed in ``only``, when
    given) move to parallel hyperplanes as pure cancelling groups.

    With ``empty_only``, only a whole orientation of a mixed group that sums to zero moves, as
    one set (the group stops being mixed with the fewest new groups); otherwise as many sets
    as possible move (covering the orientation when it sums to zero)."""
    out = _neurons(net)
    shift = STEP
    for g in structure(net).groups:
        if only is not None and g.key not in only:
            continue
        for side in (g.positive, g.negative):
            kinks = _kinks(net, side)
            if empty_only:
                blocks = [list(range(len(side)))] if g.mixed and _sums_to_zero(kinks) else []
            else:
                blocks = _most_blocks(kinks, limit)
            for block in blocks:
                _shift(net, out, [side[i] for i in block], shift)
                shift += STEP
    return _rebuilt(net, out)


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


def _free_zero_input_groups(net: ShallowNetwork, *, limit: int) -> ShallowNetwork:
    """Zero-input neurons become pure cancelling groups (one group more each).

    Those with one bias sign and |beta_i| a_i summing to zero go to a far hyperplane:
    w_i = t beta_i e_1 puts them on x1 + 1/t = 0. Those with beta = 0 whose a_i have a
    dependency x of positive coefficients go to any hyperplane x1 + c = 0, with
    (w_i, beta_i) = t x_i (e_1, c) and kinks t x_i a_i summing to zero. (A neuron with
    beta = 0 cannot join a far group: its kink must be as small as theirs, so its bias on
    their far hyperplane would not be small.)"""
    out = _neurons(net)
    t = STEP
    for pool in _signed_zero_input(net):
        for block in _most_blocks(_far_kinks(net, pool), limit):
            for i in (pool[j] for j in block):
                _, beta, a = out[i]
                out[i] = (_along_e1(t * beta, net.d), beta, a)
            t /= 2  # each group on a hyperplane of its own
    flat = [i for i in structure(net).zero_input_inactive if net.b1[i] == 0]
    coefficients = _positive_circuits([net.neuron(i)[2] for i in flat], limit)
    offsets = _fresh_offsets(_rebuilt(net, out))
    for block in _packing(len(flat), list(coefficients), cover=False):
        c, mask = next(offsets), sum(1 << j for j in block)
        for j in block:
            x = STEP * coefficients[mask][j]
            out[flat[j]] = (_along_e1(x, net.d), x * c, out[flat[j]][2])
    return _rebuilt(net, out)


def _v_rank(c_terms: Sequence[tuple[Sequence, Sequence]], k: int) -> int:
    """m: the dimension of the span of the mixed cancelling groups' v-terms."""
    return rank([v for v, _ in c_terms], k) if c_terms else 0


def _limit_change(witness: ShallowNetwork, before: ShallowNetwork) -> int:
    """How much larger the F2 solutions are at the limit t -> 0 of an unfolding than at its
    witness.

    Unfoldings that make a group mixed give it a v-term of order t, and the groups that pay
    for it change theirs by order t; as t -> 0 those v-terms tend to their values in
    ``before`` (zero for a group that was not mixed there). Next to theta the stratum's
    dimension lies between its dimension at the witness and that plus this change (the limit
    point need not be in the stratum: a v-term there may be 0)."""
    v_before = {g.key: list(g.v) for g in _mixed(before) if not g.bent}
    keys = [g.key for g in _mixed(witness) if not g.bent]  # the order of _mixed_terms
    bent_normals, c_terms = _mixed_terms(witness)
    zero = [Fraction(0)] * witness.k
    limit = [(v_before.get(key, zero), u) for key, (_, u) in zip(keys, c_terms, strict=True)]
    d, k = witness.d, witness.k
    return _w_dimension(d, k, bent_normals, limit) - _w_dimension(d, k, bent_normals, c_terms)


def _mixed_zero_sum_set(net: ShallowNetwork, limit: int) -> bool:
    """Whether a set of neurons of both orientations of one group, not the whole of a
    cancelling group, has kinks summing to zero (it could leave as a mixed cancelling group)."""
    for g in _mixed(net):
        members = list(g.neurons)
        full = (1 << len(members)) - 1
        positive = sum(1 << p for p, i in enumerate(members) if i in g.positive)
        for mask in _zero_masks(_kinks(net, members), limit):
            both = mask & positive and mask & ~positive & full
            if both and (g.bent or mask != full):
                return True
    return False


def _mixed_far_group(net: ShallowNetwork, limit: int) -> bool:
    """Whether zero-input neurons of both bias signs could form a far cancelling group of
    mixed orientation with a v-term: |beta_i| a_i summing to zero over the set, but the
    beta_i a_i of its positive biases not (else two pure groups do better)."""
    active, negative = _signed_zero_input(net)
    pool = active + negative
    positive = (1 << len(active)) - 1
    vectors = _far_kinks(net, pool)
    for mask in _zero_masks(vectors, limit):
        side = [vectors[j] for j in range(len(pool)) if mask & positive >> j & 1]
        if side and mask & ~positive and any(sum(col) for col in zip(*side, strict=True)):
            return True
    return False


def _admits_mixed_unfolding(net: ShallowNetwork, limit: int) -> bool:
    """When d > k, whether theta admits an unfolding creating a new mixed cancelling group
    (not explored): a zero-sum set of both orientations leaving its group, or zero-input
    neurons of both bias signs forming a far group."""
    return _mixed_zero_sum_set(net, limit) or _mixed_far_group(net, limit)


def _candidates(net: ShallowNetwork, limit: int) -> list[tuple[ShallowNetwork, int, int]]:
    """Nearby realizations to measure, each with its stratum dimension and an upper bound on
    the dimension of that stratum next to theta and of what unexplored unfoldings of it reach."""
    d, k = net.d, net.k
    if k > d:
        # fewer zero-output neurons and cancelling groups, and a smaller rank: each zero-sum
        # orientation of a mixed group may leave (one group more, the rank maybe smaller)
        absorbed = _absorb_zero_output(net)
        keys = _purifiable(absorbed)
        if 2 ** len(keys) > limit:
            raise SearchLimitExceeded(
                f"choosing which of {len(keys)} mixed groups lose an orientation needs "
                f"2^{len(keys)} steps, over limit={limit}",
                limit=limit,
            )
        out = []
        for chosen in product((False, True), repeat=len(keys)):
            only = {key for key, take in zip(keys, chosen, strict=True) if take}
            split = _split_blocks(absorbed, empty_only=True, limit=limit, only=only)
            other, savable = _idle_zero_output(split)
            m = _v_rank(_mixed_terms(other)[1], k)
            gain = max(0, (k - d) * savable - (k - m))
            dim = stratum_dimension(other)
            out.append((other, dim, dim + _limit_change(other, split) + gain))
        return out
    # more zero-output neurons and cancelling groups (d > k), and a smaller rank
    split = _split_blocks(net, empty_only=False, limit=limit)
    others = [_split_blocks(net, empty_only=True, limit=limit), split]
    if d > k:
        others.append(_free_zero_input_groups(split, limit=limit))
    dims = [stratum_dimension(other) for other in others]
    return [(other, dim, dim) for other, dim in zip(others, dims, strict=True)]


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
        Bound on the zero-sum set searches (3^n steps for n neurons of one orientation on one
        hyperplane).

    Raises
    ------
    SearchLimitExceeded
        When a zero-sum set search would exceed ``limit``.

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
    THEORY.md section 5 (F1-F3, S3-S9).
    """
    own = stratum_dimension(net)
    cf = canonical_form(net)
    best, best_dim, bound = net, own, own
    for other, dim, upper in _candidates(net, limit):
        if canonical_form(other) != cf:
            raise AssertionError("internal error: an unfolding changed the function")
        bound = max(bound, upper)
        if dim > best_dim:
            best, best_dim = other, dim
    exact = bound <= best_dim and not (net.d > net.k and _admits_mixed_unfolding(net, limit))
    reason = "" if exact else f"an unexplored unfolding could exceed {best_dim}"
    return LocalDimension(best_dim, own, best, exact, reason)
