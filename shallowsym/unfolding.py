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
  share of that neuron's kink (one fewer); zero-output neurons sharing a hyperplane and an
  orientation become a small pure cancelling group (m zero-output neurons become one group);
* a set of same-orientation neurons of one group whose kinks sum to zero moves to a parallel
  hyperplane as a pure cancelling group (one group more; when it takes a whole orientation,
  the group stops being mixed and the rank may drop);
* zero-input neurons whose biases have one sign and whose |beta_i| a_i sum to zero become a
  pure cancelling group on a far hyperplane (one group more).

Unfoldings that create a new mixed group (a zero-output neuron joining a group against its
orientation, a zero-sum set of both orientations leaving its hyperplane, zero-input neurons of
both bias signs) add a v-term that W2 W1 = M must absorb; they are not explored, so when theta
admits one the result is a lower bound (``exact`` is then False).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .canonical import canonical_form
from .errors import SearchLimitExceeded
from .fibre import stratum_dimension
from .hyperplanes import hyperplane_normal_offset, neuron_keys
from .moves import Neuron, _neurons, _with_b2_for
from .network import ShallowNetwork
from .roles import structure

__all__ = ["LocalDimension", "local_dimension"]

STEP = Fraction(1, 1000)


@dataclass(frozen=True)
class LocalDimension:
    """The dimension of the fibre at theta, with a nearby network whose stratum attains it."""

    dimension: int
    stratum_dimension: int
    witness: ShallowNetwork
    exact: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "stratum_dimension": self.stratum_dimension,
            "witness": self.witness.to_dict(),
            "exact": self.exact,
        }


# -- zero-sum blocks --------------------------------------------------------------------------
def _zero_masks(vectors: Sequence[Sequence[Fraction]], limit: int) -> list[int]:
    n = len(vectors)
    if 3**n > limit:
        raise SearchLimitExceeded(
            f"splitting {n} same-orientation neurons into zero-sum sets needs 3^{n} steps, "
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
    full = (1 << n) - 1
    memo: dict[int, tuple[int, int]] = {0: (0, 0)}

    def best(mask: int) -> tuple[int, int]:
        """(most blocks within mask, one block of such a choice as a bitmask, or 0)."""
        if mask in memo:
            return memo[mask]
        low = mask & -mask
        result = (-1, 0) if cover else best(mask ^ low)
        for z in zeros:
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

    if cover:
        return blocks(full) if best(full)[0] >= 0 else None
    if n == 0:
        return []
    # leave at least one index: the best over "drop index j, then anything"
    options = [blocks(full ^ (1 << j)) for j in range(n)]
    return max(options, key=len)


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


def _fewer_zero_output(net: ShallowNetwork) -> ShallowNetwork:
    """All-zero neurons become zero-input, zero-output neurons join a live same-orientation
    neuron on their hyperplane, or form small pure cancelling groups with their likes."""
    s = structure(net)
    nk = neuron_keys(net)
    out = _neurons(net)
    live_by_side = {}
    for g in s.groups:
        for side in (g.positive, g.negative):
            if side:
                live_by_side[(g.key, nk.orientations[side[0]])] = side[0]
    idle: dict[tuple, list[int]] = defaultdict(list)
    for i in s.zero_output:
        w, beta, _ = out[i]
        if not any(w):
            out[i] = (w, beta, tuple(STEP for _ in range(net.k)))
            continue
        side = (nk.keys[i], nk.orientations[i])
        j = live_by_side.get(side)
        if j is None:
            idle[side].append(i)
            continue
        # i takes the share STEP of j's kink: s_i a_i = STEP s_j a_j
        wj, bj, aj = out[j]
        out[i] = (w, beta, tuple(STEP * nk.scale(j) * x / nk.scale(i) for x in aj))
        out[j] = (wj, bj, tuple((1 - STEP) * x for x in aj))
    for members in idle.values():
        if len(members) > 1:
            _small_pure_group(net, out, members)
    return _rebuilt(net, out)


def _small_pure_group(net: ShallowNetwork, out: list[Neuron], members: list[int]) -> None:
    """Zero-output neurons on one hyperplane and side get kinks STEP and -STEP (others 0),
    shifted to a parallel hyperplane so no live group there changes."""
    nk = neuron_keys(net)
    first, second = members[0], members[1]
    for i, sign in ((first, 1), (second, -1)):
        w, beta, _ = out[i]
        out[i] = (w, beta, tuple(sign * STEP / nk.scale(i) for _ in range(net.k)))
    _shift(net, out, members, STEP)


def _shift(net: ShallowNetwork, out: list[Neuron], members: Sequence[int], by: Fraction) -> None:
    """Move neurons to the parallel hyperplane u.x + c + by = 0, orientation and scale kept."""
    nk = neuron_keys(net)
    for i in members:
        w, _, a = out[i]
        _, c = hyperplane_normal_offset(nk.keys[i])
        out[i] = (w, nk.orientations[i] * nk.scale(i) * (c + by), a)


def _split_blocks(net: ShallowNetwork, *, empty_only: bool, limit: int) -> ShallowNetwork:
    """Zero-sum same-orientation sets of each group move to parallel hyperplanes.

    With ``empty_only``, only a whole orientation of a mixed group that sums to zero moves, as
    one set (the group stops being mixed with the fewest new groups); otherwise as many sets
    as possible move (covering the orientation when it sums to zero)."""
    nk = neuron_keys(net)
    out = _neurons(net)
    shift = STEP
    for g in structure(net).groups:
        for side in (g.positive, g.negative):
            kinks = [[nk.scale(i) * x for x in net.neuron(i)[2]] for i in side]
            if empty_only:
                blocks = [list(range(len(side)))] if g.mixed and _sums_to_zero(kinks) else []
            else:
                blocks = _most_blocks(kinks, limit)
            for block in blocks:
                _shift(net, out, [side[i] for i in block], shift)
                shift += STEP
    return _rebuilt(net, out)


def _free_zero_input_groups(net: ShallowNetwork, *, limit: int) -> ShallowNetwork:
    """Zero-input neurons with one bias sign and |beta_i| a_i summing to zero become pure
    cancelling groups on far hyperplanes: w_i = t beta_i e_1 puts them on x1 + 1/t = 0."""
    s = structure(net)
    out = _neurons(net)
    t = STEP
    negative = [i for i in s.zero_input_inactive if net.b1[i] < 0]
    for pool in (s.zero_input_active, negative):
        vectors = [[abs(net.b1[i]) * x for x in net.neuron(i)[2]] for i in pool]
        for block in _most_blocks(vectors, limit):
            for i in (pool[j] for j in block):
                _, beta, a = out[i]
                out[i] = (tuple(t * beta if c == 0 else Fraction(0) for c in range(net.d)), beta, a)
            t /= 2  # each group on a hyperplane of its own
    return _rebuilt(net, out)


def _admits_mixed_unfolding(net: ShallowNetwork) -> bool:
    """Whether theta admits an unfolding creating a new mixed group that could be larger
    (not explored): only when it would change the count of zero-output neurons and
    cancelling groups in the profitable direction."""
    s = structure(net)
    nk = neuron_keys(net)
    d, k = net.d, net.k
    if k > d:
        # a zero-output neuron alone on its side of a hyperplane with the other side occupied
        sides: dict[tuple, int] = defaultdict(int)
        for i in range(net.h):
            if nk.keys[i] is not None:
                sides[(nk.keys[i], nk.orientations[i])] += 1
        return any(
            sides[(nk.keys[i], nk.orientations[i])] == 1
            and sides[(nk.keys[i], -nk.orientations[i])] > 0
            for i in s.zero_output
            if nk.keys[i] is not None
        )
    if d > k:
        flat = [i for i in range(net.h) if not any(net.W1[i])]
        flat_active = [i for i in flat if any(net.neuron(i)[2]) and net.b1[i] == 0]
        negative = [i for i in s.zero_input_inactive if net.b1[i] < 0]
        return (
            any(g.mixed and len(g.neurons) > 2 for g in s.groups)
            or (bool(flat_active) and len(flat) > 1)
            or (bool(s.zero_input_active) and bool(negative))
        )
    return False


def local_dimension(net: ShallowNetwork, *, limit: int = 2**22) -> LocalDimension:
    """The dimension at ``net`` of its fibre (every network of the architecture realizing f).

    The largest stratum dimension among ``net``'s own stratum and the strata the unfoldings of
    the module docstring reach, each measured on an exact network close to ``net`` that
    realizes f (returned as ``witness``). ``exact`` says whether ``net`` admits no unfolding
    outside that list; otherwise ``dimension`` is a lower bound.

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
    d, k = net.d, net.k
    candidates = [_fewer_zero_output(net)] if k > d else []
    candidates.append(_split_blocks(net, empty_only=True, limit=limit))
    if d >= k:
        split = _split_blocks(net, empty_only=False, limit=limit)
        candidates.append(split)
        if d > k:
            candidates.append(_free_zero_input_groups(split, limit=limit))
    cf = canonical_form(net)
    best, best_dim = net, own
    for other in candidates:
        if canonical_form(other) != cf:
            raise AssertionError("internal error: an unfolding changed the function")
        dim = stratum_dimension(other)
        if dim > best_dim:
            best, best_dim = other, dim
    return LocalDimension(best_dim, own, best, not _admits_mixed_unfolding(net))
