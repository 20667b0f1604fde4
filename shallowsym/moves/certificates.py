"""Certificates that explain a hidden equivalence as a sequence of named moves.

Both networks are driven to a *normal form* by reversible moves (docs/theory.md section 5): twins
merged into one neuron (S5), zero-input and zero-output neurons zeroed (S4, S3), live neurons
scaled to s_i = 1. The two normal forms are then bridged: a may be flipped (S8, plainly, after
splitting a twin, or paid for by mixed groups) or regrouped, b may be regrouped (a live neuron
changing hyperplane: a transplant to a parallel hyperplane, two neurons forming a mixed
cancelling pair, or such a pair dissolving; S6, S7, S9), cancelling groups are moved onto b's
hyperplanes (S7), P - Q is redistributed among mixed groups (S6, S9), and a standard symmetry
finishes. The certificate is: a's moves, the bridge, and b's moves undone, ending exactly at
b. Every move is a public function of :mod:`shallowsym.moves`, and the whole sequence is
checked by replaying it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ..errors import SearchLimitExceeded, check_limit
from ..fibre.flips import flip_sets
from ..hyperplanes import hyperplane_normal_offset, neuron_keys
from ..linalg import solve
from ..network import ShallowNetwork
from ..rationals import format_rational
from ..roles import structure
from ..standard import find_standard_map
from . import elementary as _moves

__all__ = ["DEFAULT_EXPLAIN_LIMIT", "Move", "MoveCertificate", "explain"]

DEFAULT_EXPLAIN_LIMIT = 2**16
"""Default bound on the candidate bridges (and flip subset sums) :func:`explain` tries."""


class _Budget:
    """Counts the candidates tried; past ``limit`` raises SearchLimitExceeded. Building or
    comparing a candidate is linear in the width and normalizing it builds a dozen networks,
    so each costs 16 (1 + h // 16) steps (1 + h // 16 let 30 opposite pairs at d = k = 2 run
    56 s CPU within the default limit)."""

    def __init__(self, limit: int, h: int = 0):
        self.limit, self.steps = limit, 0
        self.unit = 16 * (1 + h // 16)

    def tick(self, amount: int = 1) -> None:
        self.steps += amount * self.unit
        if self.steps > self.limit:
            raise SearchLimitExceeded(
                f"the move search for a certificate went past limit={self.limit} steps "
                f"(a candidate costs {self.unit}) without finding one; pass a larger limit=",
                limit=self.limit,
            )


def _text(value: Any) -> str:
    if isinstance(value, Fraction | int):
        return format_rational(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_text(k)}: {_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(map(_text, value)) + "]"
    return repr(value)


def _plain(value: Any) -> Any:
    if isinstance(value, Fraction):
        return format_rational(value)
    if isinstance(value, dict):
        return [[_plain(k), _plain(v)] for k, v in value.items()]
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Move:
    """One call ``shallowsym.moves.<name>(net, *args, **kwargs)``."""

    name: str
    args: tuple

    def apply(self, net: ShallowNetwork) -> ShallowNetwork:
        return getattr(_moves, self.name)(net, *self.args)

    def __str__(self) -> str:
        return f"{self.name}({', '.join(map(_text, self.args))})"

    def to_dict(self) -> dict[str, Any]:
        return {"move": self.name, "args": _plain(list(self.args))}


@dataclass(frozen=True)
class MoveCertificate:
    """A sequence of named moves taking a to b exactly (so to an element of G_h.b)."""

    moves: tuple[Move, ...]

    def apply(self, net: ShallowNetwork) -> ShallowNetwork:
        for move in self.moves:
            net = move.apply(net)
        return net

    def __str__(self) -> str:
        return self.to_text()

    def to_text(self, *, full: bool = True, exact: bool = True) -> str:
        """The moves; without ``full`` the first few, each cut to 300 characters."""
        from ..text import shorten

        steps = [f"{n}. {m}" for n, m in enumerate(self.moves, start=1)]
        if not full:
            steps = [s if len(s) <= 300 else s[:297] + "..." for s in steps]
        listed = "; ".join(shorten(steps, full=full, noun="moves"))
        if not self.moves:
            return "0 moves: b = a"
        return f"{len(self.moves)} move{'s' if len(self.moves) > 1 else ''}: {listed}"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "moves", "moves": [m.to_dict() for m in self.moves]}


class _Path:
    """Moves applied so far, each with its inverse."""

    def __init__(self, net: ShallowNetwork):
        self.net = net
        self.forward: list[Move] = []
        self.inverse: list[Move] = []

    def do(self, move: Move, undo: Move) -> None:
        self.net = move.apply(self.net)
        self.forward.append(move)
        self.inverse.append(undo)


def _normalize(net: ShallowNetwork, budget: _Budget | None = None) -> _Path:
    """The normal form of ``net`` (twins merged, zero neurons cleared, scales 1) with the
    moves there and back; each move builds a network, so with ``budget`` each costs one
    candidate (1500 twins took minutes before any step was counted)."""
    path = _Path(net)
    d, k = net.d, net.k
    tick = budget.tick if budget is not None else (lambda: None)
    for group in structure(net).groups:
        for side in (group.positive, group.negative):
            keep, *others = side or (None,)
            for j in others:
                s_j = neuron_keys(path.net).scale(j)
                amount = [s_j * x for x in path.net.neuron(j)[2]]
                tick()
                path.do(
                    Move("transfer_twin", (keep, j, amount)),
                    Move("transfer_twin", (keep, j, [-x for x in amount])),
                )
    for i in range(net.h):
        w, beta, a = path.net.neuron(i)
        if not any(w) and any(a):
            tick()
            path.do(
                Move("redraw_zero_input", (i, 0, [Fraction(0)] * k)),
                Move("redraw_zero_input", (i, beta, list(a))),
            )
    for i in range(net.h):
        w, beta, a = path.net.neuron(i)
        if not any(a) and (any(w) or beta):
            tick()
            path.do(
                Move("redraw_zero_output", (i, [Fraction(0)] * d, 0)),
                Move("redraw_zero_output", (i, list(w), beta)),
            )
    nk = neuron_keys(path.net)
    scales = [1 / nk.scale(i) if nk.keys[i] is not None else Fraction(1) for i in range(net.h)]
    if any(t != 1 for t in scales):
        path.do(Move("rescale", (scales,)), Move("rescale", ([1 / t for t in scales],)))
    return path


def _standard_moves(a: ShallowNetwork, b: ShallowNetwork) -> list[Move] | None:
    cert = find_standard_map(a, b)
    if cert is None:
        return None
    out = []
    if any(t != 1 for t in cert.scales):
        out.append(Move("rescale", (list(cert.scales),)))
    if any(p != i for i, p in enumerate(cert.permutation)):
        out.append(Move("permute", (list(cert.permutation),)))
    return out


def _redistribution(a: ShallowNetwork, b: ShallowNetwork) -> Move | None:
    """Shift P - Q among a's mixed groups so that they match b's, if the groups correspond."""
    groups_a = {g.key: g for g in structure(a).groups}
    groups_b = {g.key: g for g in structure(b).groups}
    if set(groups_a) != set(groups_b):
        return None
    changes = {}
    for key, ga in groups_a.items():
        gb = groups_b[key]
        if ga.signature != gb.signature:
            return None
        delta = [y - x for x, y in zip(ga.v, gb.v, strict=True)]
        if ga.mixed and any(delta):
            changes[(ga.positive[0], ga.negative[0])] = delta
    return Move("redistribute", (changes,)) if changes else None


def _split_flips(a: ShallowNetwork, budget: _Budget) -> Iterator[tuple[list[Move], ShallowNetwork]]:
    """Turn a zero neuron j into a twin of a live neuron i carrying exactly the output mass x
    that makes {j} + S flippable, for sets S of one or two other live neurons:
    x u_i^T = -sum_S a_m w_m^T (solved exactly), then flip and normalize again."""
    s = structure(a)
    zeros = [i for i in s.zero_output if not any(a.W1[i]) and not a.b1[i]]
    if not zeros:
        return
    j = zeros[0]
    live = [i for g in s.groups for i in g.neurons]
    nk = neuron_keys(a)
    for i in live:
        u = hyperplane_normal_offset(nk.keys[i])[0]  # u[p] = 1 at the pivot p
        pivot = next(c for c, x in enumerate(u) if x)
        for size in (1, 2):
            for S in itertools.combinations([m for m in live if m != i], size):
                budget.tick()
                R = [
                    [-sum(a.W2[r][m] * a.W1[m][c] for m in S) for c in range(a.d)]
                    for r in range(a.k)
                ]
                x = [R[r][pivot] for r in range(a.k)]
                if not any(x) or any(
                    R[r][c] != x[r] * u[c] for r in range(a.k) for c in range(a.d)
                ):
                    continue
                # j becomes a zero-output twin of i, receives x in units of s_j a_j (s_j = s_i,
                # so the amount is x itself), then {j} + S is flipped.
                budget.tick()
                steps = [
                    Move("split_into", (i, j, 1)),
                    Move("transfer_twin", (j, i, [nk.orientations[i] * v for v in x])),
                    Move("flip", (sorted([j, *S]),)),
                ]
                try:
                    net = a
                    for move in steps:
                        net = move.apply(net)
                except ValueError:
                    continue
                again = _normalize(net)
                yield [*steps, *again.forward], again.net


def _paid_flips(a: ShallowNetwork, budget: _Budget) -> Iterator[tuple[list[Move], ShallowNetwork]]:
    """Flip one or two live neurons and pay the change 2 sum_T a_i w_i^T in W2 W1 by shifting
    P - Q in mixed groups (solved exactly), then normalize again."""
    mixed = [g for g in structure(a).groups if g.mixed]
    if not mixed:
        return
    normals = [list(hyperplane_normal_offset(g.key)[0]) for g in mixed]
    columns = [[u[c] for u in normals] for c in range(a.d)]  # U^T, d x |groups|
    live = [i for g in structure(a).groups for i in g.neurons]
    for size in (1, 2):
        for T in itertools.combinations(live, size):
            budget.tick()
            deltas = [[Fraction(0)] * a.k for _ in mixed]
            feasible = True
            for r in range(a.k):
                target = [sum(2 * a.W2[r][i] * a.W1[i][c] for i in T) for c in range(a.d)]
                coefs = solve(columns, target, len(mixed))
                if coefs is None:
                    feasible = False
                    break
                for n, x in enumerate(coefs):
                    deltas[n][r] = x
            if not feasible:
                continue
            changes = {
                (g.positive[0], g.negative[0]): deltas[n]
                for n, g in enumerate(mixed)
                if any(deltas[n])
            }
            move = Move("flip_and_redistribute", (list(T), changes))
            budget.tick()
            try:
                net = move.apply(a)
            except ValueError:
                continue
            again = _normalize(net)
            yield [move, *again.forward], again.net


def _regrouped(net: ShallowNetwork, first: Move, undo: Move) -> _Path | None:
    """The path: one regrouping move, then the normal form again (None if the move fails)."""
    path = _Path(net)
    try:
        path.do(first, undo)
    except ValueError:
        return None
    again = _normalize(path.net)
    path.net = again.net
    path.forward += again.forward
    path.inverse += again.inverse
    return path


def _regroupings(net: ShallowNetwork, other: ShallowNetwork, budget: _Budget) -> Iterator[_Path]:
    """Every single regrouping of normal form ``net`` that a live neuron's change of hyperplane
    allows (each followed by the normal form again, each with its inverse): a transplant to a
    parallel hyperplane, two neurons forming a mixed cancelling pair (on the hyperplane of one
    of ``other``'s pairs), and a mixed cancelling pair dissolving into two groups."""
    groups = structure(net).groups
    out = (
        _regrouped(net, Move("transplant", (i, p, q)), Move("transplant", (i, q, p)))
        for i, p, q in _moves.transplant_candidates(net)
    )
    yield from (path for path in out if path is not None and not budget.tick())
    targets = [g.key for g in structure(other).groups if g.mixed and not g.bent]
    for (i, p, _), (j, q, _) in itertools.combinations(_moves.movable_neurons(net), 2):
        if len({i, p, j, q}) < 4:
            continue
        kink_i = [neuron_keys(net).scale(i) * x for x in net.neuron(i)[2]]
        for key in targets:
            budget.tick()
            _, offset = hyperplane_normal_offset(key)
            path = _regrouped(
                net,
                Move("form_cancelling_pair", ((i, p), (j, q), offset)),
                Move("dissolve_cancelling_pair", ((i, p), (j, q), kink_i)),
            )
            if path is not None:
                yield path
    anchors = [g.neurons[0] for g in groups if g.bent]
    for pair in (g for g in groups if g.mixed and not g.bent and len(g.neurons) == 2):
        i, j = pair.positive[0], pair.negative[0]
        _, offset = hyperplane_normal_offset(pair.key)
        for p, q in itertools.permutations(anchors, 2):
            budget.tick()
            kink = _moves.dissolving_kink(net, i, p, q)
            if kink is None:
                continue
            path = _regrouped(
                net,
                Move("dissolve_cancelling_pair", ((i, p), (j, q), kink)),
                Move("form_cancelling_pair", ((i, p), (j, q), offset)),
            )
            if path is not None:
                yield path


def _alignment(net: ShallowNetwork, b: ShallowNetwork) -> Move | None:
    """Move one cancelling group of ``net`` onto the hyperplane of a cancelling group of b
    that ``net`` lacks, with the same signature (and the same normal when mixed), or None."""
    keys_b = {g.key for g in structure(b).groups}
    keys_net = {g.key for g in structure(net).groups}
    theirs = [g for g in structure(b).groups if not g.bent and g.key not in keys_net]
    for g in structure(net).groups:
        if g.bent or g.key in keys_b:
            continue
        for t in theirs:
            normal, offset = hyperplane_normal_offset(t.key)
            if t.signature == g.signature and (
                not g.mixed or normal == hyperplane_normal_offset(g.key)[0]
            ):
                return Move("move_cancelling_group", (list(g.neurons), list(normal), offset))
    return None


def _match(net: ShallowNetwork, b: ShallowNetwork) -> list[Move] | None:
    """A standard map from ``net`` to b, after moving cancelling groups onto b's hyperplanes
    and possibly a redistribution of P - Q."""
    steps: list[Move] = []
    while (move := _alignment(net, b)) is not None:
        net = move.apply(net)
        steps.append(move)
    tail = _standard_moves(net, b)
    if tail is not None:
        return steps + tail
    move = _redistribution(net, b)
    if move is None:
        return None
    try:
        shifted = move.apply(net)
    except ValueError:
        return None
    tail = _standard_moves(shifted, b)
    return None if tail is None else [*steps, move, *tail]


def _pair_flips(a: ShallowNetwork, budget: _Budget) -> Iterator[tuple[list[Move], ShallowNetwork]]:
    """Flips of two live neurons with a_i w_i^T = -a_j w_j^T, found by hashing (linear)."""
    live = [i for g in structure(a).groups for i in g.neurons]
    vectors = {i: tuple(x * w for x in a.neuron(i)[2] for w in a.neuron(i)[0]) for i in live}
    seen: dict[tuple, list[int]] = {}
    for i in live:
        budget.tick()
        for j in seen.get(tuple(-x for x in vectors[i]), []):
            yield [Move("flip", (sorted([j, i]),))], _moves.flip(a, [j, i])
        seen.setdefault(vectors[i], []).append(i)


def _flips(a: ShallowNetwork, budget: _Budget) -> Iterator[tuple[list[Move], ShallowNetwork]]:
    """Plain flips of a, lazily; the search gets half the budget left, and when it needs
    more it is skipped (other bridges may still succeed)."""
    left = max((budget.limit - budget.steps) // 2, 1)
    try:
        sets = flip_sets(a, limit=left)
    except SearchLimitExceeded:
        budget.tick(left)
        return
    for t in sets:
        budget.tick()
        yield [Move("flip", (list(t),))], _moves.flip(a, t)


def _bridge(a: ShallowNetwork, b: ShallowNetwork, budget: _Budget) -> list[Move] | None:
    """Moves from normal form a to normal form b exactly, or None.

    a may first be flipped (plainly, after a split, or paid by mixed groups) or regrouped, and
    b regrouped (the regrouping is then undone at the end); the two are then matched by a
    redistribution and a standard symmetry. Candidates are generated lazily, cheapest first,
    and the search stops at the first bridge; each candidate pair tried costs one step of
    ``budget``."""
    ends: list[_Path] = [_Path(b)]
    more_ends = _regroupings(b, a, budget)
    exhausted = False

    def all_ends() -> Iterator[_Path]:
        nonlocal exhausted
        n = 0
        while True:
            if n < len(ends):
                yield ends[n]
                n += 1
            elif exhausted:
                return
            else:
                nxt = next(more_ends, None)
                if nxt is None:
                    exhausted = True
                else:
                    ends.append(nxt)

    starts = itertools.chain(
        [([], a)],
        _pair_flips(a, budget),
        _paid_flips(a, budget),
        _flips(a, budget),
        _split_flips(a, budget),
        ((path.forward, path.net) for path in _regroupings(a, b, budget)),
    )
    for prefix, net in starts:
        net_type = structure(net).type
        for end in all_ends():
            budget.tick()
            if net_type != structure(end.net).type:
                continue
            tail = _match(net, end.net)
            if tail is not None:
                return prefix + tail + end.inverse[::-1]
    return None


def explain(
    a: ShallowNetwork, b: ShallowNetwork, *, limit: int = DEFAULT_EXPLAIN_LIMIT
) -> MoveCertificate | None:
    """A checked sequence of named moves taking a to b, for equivalent networks of one width.

    Parameters
    ----------
    a, b
        Networks of the same architecture computing the same function (decide that first with
        :func:`shallowsym.equivalent`, which is fast; this search is the slow part).
    limit
        Bound on the candidate bridges tried (and on the flip search's subset sums).

    Returns
    -------
    MoveCertificate or None
        The moves, checked by replaying them; None when no bridge joins the two normal forms
        (for example when two regroupings on each side would be needed), or when the shapes
        differ.

    Raises
    ------
    TypeError
        If a or b is not a ``ShallowNetwork``.
    ValueError
        If ``limit`` is not a positive integer.
    SearchLimitExceeded
        When more than ``limit`` candidates were tried without finding a bridge.

    Examples
    --------
    >>> from shallowsym import examples
    >>> a, b = examples.flip_pair()
    >>> print(explain(a, b))
    1 move: 1. flip([0, 1])

    References
    ----------
    proofs/equivalence.md (the moves of docs/theory.md section 5 and why each preserves f).
    """
    for name, net in (("a", a), ("b", b)):
        if not isinstance(net, ShallowNetwork):
            raise TypeError(
                f"explain expects ShallowNetwork arguments; {name} is {type(net).__name__}"
            )
    check_limit(limit)
    if (a.d, a.h, a.k) != (b.d, b.h, b.k):
        return None
    direct = _standard_moves(a, b)  # cheapest first: b in the standard orbit of a
    if direct is not None:
        return MoveCertificate(tuple(direct))
    budget = _Budget(limit, max(a.h, b.h))
    path_a, path_b = _normalize(a, budget), _normalize(b, budget)
    bridge = _bridge(path_a.net, path_b.net, budget)
    if bridge is None:
        return None
    cert = MoveCertificate(tuple(path_a.forward + bridge + path_b.inverse[::-1]))
    if cert.apply(a) != b:
        raise AssertionError("internal error: a move certificate failed its check")
    return cert
