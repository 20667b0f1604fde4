"""Unit: zero-input neurons form cancelling groups far away, or anywhere (d > k).

proofs/fibre_dimension.md, item 3. A zero-input neuron with beta != 0 and a small w lies on a
far hyperplane u.x + c = 0 (|c| of order 1/|w|) with kink |beta_i| a_i / |c|, so a far group
is a block of zero-input neurons whose |beta_i| a_i sum to zero, oriented by the signs of the
beta_i:

* of one sign it is a pure cancelling group (one group more, d - k; exact);
* of both it is a mixed cancelling group whose v-term tends to 0 as S_B / |c|, S_B the sum of
  the block's beta_i a_i. It is paid by a mixed group's v-term (S9) on that group's normal;
  without mixed groups the blocks pay each other, on parallel far hyperplanes when their S_B
  are dependent, or on normals spanning the kernel of [S_B]. Its stratum next to theta is
  bounded by its dimension at the limit point (:func:`bound`).

Those with beta = 0 whose a_i have a dependency of positive coefficients form pure cancelling
groups on any hyperplane x1 + c = 0 (one group more each). :func:`options` offers the families
of blocks (:func:`.blocks.block_families`), one per way they change F2.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

from ...hyperplanes import hyperplane_normal_offset, neuron_keys
from ...linalg import nullspace, rank
from ...network import Neuron, ShallowNetwork
from ...roles import structure
from ..strata import mixed_terms, neuron_dimension, stratum_dimension, w_dimension
from .blocks import Rest, block_families, dependency, packing, positive_circuits
from .edits import Draft, along_e1, mixed_groups, pay, rebuilt

__all__ = ["Far", "FarBuilt", "bound", "build", "options"]


@dataclass(frozen=True)
class Far:
    """Blocks of zero-input neurons that form far cancelling groups: ``pure`` ones (one bias
    sign each) and ``mixed`` ones (both signs)."""

    pure: tuple[tuple[int, ...], ...]
    mixed: tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class FarBuilt:
    """The network with the pure far groups and the beta = 0 groups formed (``base``), and
    the ways found to add the mixed far groups to it, each paid for (``witnesses``; empty
    when there are mixed blocks and nothing pays)."""

    base: ShallowNetwork
    witnesses: tuple[ShallowNetwork, ...]


def _signed_zero_input(net: ShallowNetwork) -> tuple[list[int], list[int]]:
    """The zero-input neurons with beta > 0 and with beta < 0."""
    s = structure(net)
    return list(s.zero_input_active), [i for i in s.zero_input_inactive if net.b1[i] < 0]


def _far_kinks(net: ShallowNetwork, pool: Sequence[int]) -> list[list[Fraction]]:
    """|beta_i| a_i: up to a common factor, the kinks of zero-input neurons on one far
    hyperplane."""
    return [[abs(net.b1[i]) * x for x in net.neuron(i)[2]] for i in pool]


def options(net: ShallowNetwork, *, limit: int) -> list[tuple[Far, ...]]:
    """One entry (the zero-input neurons, as one pool) when d > k, none otherwise: the
    families of far blocks, each split into its pure and its mixed blocks."""
    if net.d <= net.k:
        return []
    active, negative = _signed_zero_input(net)
    pool = active + negative
    families = block_families(
        _far_kinks(net, pool), (1 << len(active)) - 1, rest=Rest.IDLE, limit=limit
    )
    out = []
    for family in families:
        blocks = [tuple(pool[p] for p in block) for block in family]
        pure = tuple(b for b in blocks if len({net.b1[i] > 0 for i in b}) == 1)
        out.append(Far(pure, tuple(b for b in blocks if b not in pure)))
    return [tuple(out)]


def _fresh_offsets(net: ShallowNetwork) -> Iterator[Fraction]:
    """Offsets c such that no neuron of ``net`` lies on x1 + c = 0."""
    used = {hyperplane_normal_offset(key) for key in neuron_keys(net).keys if key is not None}
    e1 = along_e1(Fraction(1), net.d)
    c = Fraction(1)
    while True:
        if (e1, c) not in used:
            yield c
        c += 1


def _pure_groups(
    net: ShallowNetwork, blocks: Sequence[Sequence[int]], t: Fraction, *, limit: int
) -> ShallowNetwork:
    """Zero-input neurons become pure cancelling groups (one group more each): each block on
    x1 + 2^j / t = 0 (w_i = t beta_i e_1 / 2^j), and those with beta = 0 whose a_i have a
    positive dependency x on x1 + c = 0, (w_i, beta_i) = t x_i (e_1, c), kinks summing to
    zero. ``net`` itself when nothing moves (no rebuild)."""
    flat = [i for i in structure(net).zero_input_inactive if net.b1[i] == 0]
    if not blocks and not flat:
        return net
    out = Draft(net)
    for j, block in enumerate(blocks):
        step = t / 2**j  # each group on a hyperplane of its own
        for i in block:
            _, beta, a = out[i]
            out[i] = (along_e1(step * beta, net.d), beta, a)
    coefficients = positive_circuits([net.neuron(i)[2] for i in flat], limit)
    offsets = _fresh_offsets(rebuilt(net, out))
    for block in packing(len(flat), list(coefficients)):
        c, mask = next(offsets), sum(1 << j for j in block)
        for j in block:
            x = t * coefficients[mask][j]
            out[flat[j]] = (along_e1(x, net.d), x * c, out[flat[j]][2])
    return rebuilt(net, out)


def _bias_sums(net: ShallowNetwork, blocks: Sequence[Sequence[int]]) -> list[list[Fraction]]:
    """S_B, the sum of beta_i a_i over each block of zero-input neurons: a far group of them
    adds t S_B u^T to W2 W1, and its v-term is a multiple of S_B."""
    return [
        [sum(net.b1[i] * net.W2[r][i] for i in block) for r in range(net.k)] for block in blocks
    ]


def _move_far(
    net: ShallowNetwork,
    blocks: Sequence[Sequence[int]],
    sums: list[list[Fraction]],
    normals: Sequence[Sequence[Fraction]],
    scales: Sequence[Fraction],
) -> tuple[list[Neuron], list[Fraction]]:
    """Each block's neurons on u_B.x + 1/t_B = 0 (w_i = t_B beta_i u_B); returns the neurons
    and sum_B t_B S_B, what they add to W2 W1 along a common normal."""
    out = Draft(net)
    added = [Fraction(0)] * net.k
    for block, u, scale, total in zip(blocks, normals, scales, sums, strict=True):
        for i in block:
            _, beta, a = out[i]
            out[i] = (tuple(scale * beta * x for x in u), beta, a)
        added = [x + scale * y for x, y in zip(added, total, strict=True)]
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


def _mixed_far_groups(
    net: ShallowNetwork, blocks: Sequence[Sequence[int]], t: Fraction
) -> list[ShallowNetwork]:
    """The blocks of both bias signs as far mixed cancelling groups, each way they can be paid
    for (none when they cannot be): by a mixed group's v-terms on its normal u (S9); without
    mixed groups all on x1 + 1/t_B = 0 with sum_B t_B S_B = 0 (every S_B in a circuit), and on
    normals u_B with sum_B S_B u_B^T = 0 spanning the kernel of [S_B] (at a singular point of
    F2 that can give the larger stratum)."""
    sums = _bias_sums(net, blocks)
    payers = mixed_groups(net)
    if payers:
        u = hyperplane_normal_offset(payers[0].key)[0]
        scales = [t / (3 * 2**j) for j in range(len(blocks))]  # not a pure group's offset
        moved, added = _move_far(net, blocks, sums, [u] * len(blocks), scales)
        paid = pay(
            ShallowNetwork.from_neurons(moved, net.b2, d=net.d), payers, [-x for x in added], u
        )
        return [] if paid is None else [rebuilt(net, paid.neurons())]
    c = dependency(sums, net.k)
    if not all(c):
        return []
    e1 = along_e1(Fraction(1), net.d)
    out = [
        rebuilt(net, _move_far(net, blocks, sums, [e1] * len(blocks), [t * x / 3 for x in c])[0])
    ]
    normals = _balancing_normals(sums, net.d)
    if normals is not None:
        scales = [t / 3] * len(blocks)
        out.append(rebuilt(net, _move_far(net, blocks, sums, normals, scales)[0]))
    return out


def build(net: ShallowNetwork, pick: Far, t: Fraction, *, limit: int) -> FarBuilt:
    """The pure far groups and the beta = 0 groups at step ``t``, then the mixed far groups
    each way they can be paid for (:class:`FarBuilt`)."""
    base = _pure_groups(net, pick.pure, t, limit=limit)
    if not pick.mixed:
        return FarBuilt(base, (base,))
    return FarBuilt(base, tuple(_mixed_far_groups(base, pick.mixed, t)))


def _completion(vectors: list[list[Fraction]], d: int) -> list[list[Fraction]]:
    """Standard basis vectors that complete ``vectors`` to a spanning set of R^d."""
    out: list[list[Fraction]] = []
    for c in range(d):
        e = [Fraction(int(r == c)) for r in range(d)]
        if rank([*vectors, *out, e], d) > (rank([*vectors, *out], d) if vectors or out else 0):
            out.append(e)
    return out


def bound(built: FarBuilt, pick: Far) -> int:
    """An upper bound on the dimension next to theta of the strata where the mixed blocks form
    far mixed groups (the witness's own dimension when there are none).

    Their v-terms v_B tend to 0 with the distance of their hyperplanes, as S_B / |c_B|, and
    their normals are any, so the bound is the stratum's dimension at such a limit point, at
    its largest: 2k fewer for the kinks of each group's second orientation, and F2 with more
    terms (0, u), counting only the points nearby where the v-terms span at least what the v_c
    and S_B span (lower semicontinuity of rank). That depends on the u only through the rank
    they add to the normals, so one choice of u per rank is measured; -1 when no such point
    is near."""
    net, blocks = built.base, pick.mixed
    if not blocks:
        return stratum_dimension(net)
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
