"""Complete exact equivalence by enumerating activation regions (proofs/deep.md section 6).

Two networks compute continuous piecewise-linear functions; they are equal on R^d iff they are
equal on every open cell of the common refinement of their activation regions, where both are
affine. The cells are enumerated depth first, one neuron at a time (active: pre-activation > 0,
inactive: < 0), each branch kept only when its open polyhedron is non-empty. Emptiness is
decided exactly by Fourier-Motzkin elimination of strict inequalities, which also gives an
interior point by back-substitution. Exponential in general: the constraints the eliminations
form count against ``limit``.
"""

from __future__ import annotations

from flint import fmpq

from ..errors import SearchLimitExceeded
from .network import DeepNetwork

__all__ = ["interior_point", "region_difference"]

ZERO = fmpq(0)
MAX_CONSTRAINTS = 2000

Constraint = tuple[tuple[fmpq, ...], fmpq]  # a . x + c > 0


def _normalized(a: tuple[fmpq, ...], c: fmpq) -> Constraint:
    pivot = next((abs(v) for v in a if v), None)
    if pivot is None or pivot == 1:
        return a, c
    return tuple(v / pivot for v in a), c / pivot


def interior_point(
    constraints: list[Constraint], d: int, budget: list[int] | None = None
) -> list[fmpq] | None:
    """A point x with a . x + c > 0 for every (a, c), or None when there is none.

    ``budget`` (a one-element list) is decreased by the number of constraints each
    elimination forms; ``SearchLimitExceeded`` is raised when it goes below 0.

    Parameters
    ----------
    constraints : list of (tuple of flint.fmpq, flint.fmpq)
        The strict inequalities a . x + c > 0, each a pair (a, c) with a of length d. Give
        exact ``fmpq`` entries: the arguments are not validated or converted (Python ints
        give float coordinates).
    d : int
        The dimension of x.
    budget : list of one int, optional
        Fourier-Motzkin work left, decreased in place; None (default) for no budget.

    Returns
    -------
    list of flint.fmpq or None
        An exact interior point of the open polyhedron (found by back-substitution), or
        None when it is empty.

    Raises
    ------
    SearchLimitExceeded
        When ``budget`` goes below 0, or an elimination forms more than 2000 constraints.
    IndexError
        If a constraint's vector a is shorter than ``d``.
    TypeError
        If ``constraints`` is not iterable or ``budget`` is not a list of one number.

    Examples
    --------
    >>> one, zero = fmpq(1), fmpq(0)
    >>> interior_point([((one,), zero), ((-one,), fmpq(2))], 1)   # 0 < x < 2
    [1]
    >>> interior_point([((one,), zero), ((-one,), zero)], 1) is None
    True

    References
    ----------
    * proofs/deep.md section 6 (activation regions: exact non-emptiness by Fourier-Motzkin
      elimination of strict inequalities, an interior point by back-substitution).
    * docs/theory.md section 11 (complete decisions for small networks).
    """
    stages = []
    current = [_normalized(a, c) for a, c in constraints]
    for k in range(d - 1, -1, -1):
        pos = [(a, c) for a, c in current if a[k] > 0]
        neg = [(a, c) for a, c in current if a[k] < 0]
        rest = [(a, c) for a, c in current if a[k] == 0]
        stages.append((k, pos, neg))
        if budget is not None:
            budget[0] -= len(pos) * len(neg) + 1
            if budget[0] < 0:
                raise SearchLimitExceeded(
                    "the exact enumeration of activation regions exceeded its budget of "
                    "Fourier-Motzkin steps",
                    limit=0,
                )
        for pa, pc in pos:
            for na, nc in neg:
                u, v = -na[k], pa[k]
                rest.append(
                    _normalized(
                        tuple(u * x + v * y for x, y in zip(pa, na, strict=True)), u * pc + v * nc
                    )
                )
        seen, current = set(), []
        for a, c in rest:
            if not any(a):
                if c <= 0:
                    return None
                continue
            key = tuple((int(v.p), int(v.q)) for v in (*a, c))
            if key not in seen:
                seen.add(key)
                current.append((a, c))
        if len(current) > MAX_CONSTRAINTS:
            raise SearchLimitExceeded(
                f"Fourier-Motzkin elimination needs more than {MAX_CONSTRAINTS} constraints",
                limit=MAX_CONSTRAINTS,
            )
    x = [ZERO] * d
    for k, pos, neg in reversed(stages):

        def bound(a, c, k=k):
            return -(sum((a[j] * x[j] for j in range(k)), c)) / a[k]

        lower = max((bound(a, c) for a, c in pos), default=None)
        upper = min((bound(a, c) for a, c in neg), default=None)
        if lower is not None and upper is not None:
            x[k] = (lower + upper) / 2
        elif lower is not None:
            x[k] = lower + 1
        elif upper is not None:
            x[k] = upper - 1
    return x


def _layers(net: DeepNetwork):
    out = []
    for W, b in net.layers:
        cols, entries = W.ncols(), W.entries()
        out.append(([entries[i * cols : (i + 1) * cols] for i in range(W.nrows())], b.entries()))
    return out


def region_difference(
    a: DeepNetwork, b: DeepNetwork, *, limit: int
) -> tuple[list[fmpq] | None, int]:
    """A point in an open cell where a and b differ, or None when they are equal on R^d;
    and the number of cells compared. A child cell is shown non-empty by its parent's interior
    point (or that point pushed across the new hyperplane) when possible, else by
    Fourier-Motzkin; ``SearchLimitExceeded`` is raised when the eliminations form more than
    ``limit`` constraints in all.

    This is the complete decision behind :func:`shallowsym.deep.equivalent` for small
    networks; it does not validate its arguments (``equivalent`` does).

    Parameters
    ----------
    a, b : DeepNetwork
        Two networks with the same input dimension d and output dimension k.
    limit : int, keyword-only
        Budget of Fourier-Motzkin work (constraints formed, in all).

    Returns
    -------
    tuple of (list of flint.fmpq or None, int)
        An interior point of an open cell where the two affine maps differ (a witness:
        a(x) != b(x)), or None when they agree on every cell (a = b on R^d); and the
        number of cells compared.

    Raises
    ------
    SearchLimitExceeded
        When the eliminations exceed ``limit`` (also for ``limit`` <= 0 as soon as an
        elimination is needed), or one elimination forms more than 2000 constraints.
    ValueError
        If ``a`` and ``b`` differ in input or output dimension.
    AttributeError
        If ``a`` or ``b`` is not a :class:`DeepNetwork`.
    TypeError
        If ``limit`` is not a number.

    Examples
    --------
    >>> a = DeepNetwork([[[1], [-1]], [[1, 1]], [[1]]], [[0, 0], [-2], [0]])
    >>> region_difference(a, a, limit=100)
    (None, 4)
    >>> b = DeepNetwork([[[1], [-1]], [[1, 1]], [[1]]], [[0, 0], [-1], [0]])
    >>> point, cells = region_difference(a, b, limit=100)
    >>> a(point) != b(point)
    True

    References
    ----------
    * proofs/deep.md section 6 (activation regions: f_a = f_b iff the affine maps agree on
      every non-empty open cell of the common refinement).
    * docs/theory.md section 11 (complete decisions; UNKNOWN past the budget).
    """
    d = a.d
    nets = [_layers(a), _layers(b)]
    # neurons in order: (network, layer, index) over the hidden layers of a, then of b
    order = [
        (n, lay, i)
        for n, layers in enumerate(nets)
        for lay in range(len(layers) - 1)
        for i in range(len(layers[lay][1]))
    ]
    identity = [(*tuple(fmpq(int(j == i)) for j in range(d)), ZERO) for i in range(d)]
    budget = [limit]  # Fourier-Motzkin work: constraints formed
    cells = [0]

    def affine(rows, acts):
        """Affine forms (coefficients..., constant) of W acts + b."""
        W, bias = rows
        out = []
        for row, beta in zip(W, bias, strict=True):
            form = [ZERO] * d + [beta]
            for w, f in zip(row, acts, strict=True):
                if w:
                    for j in range(d + 1):
                        if f[j]:
                            form[j] += w * f[j]
            out.append(tuple(form))
        return out

    def padded(done, upto):
        """The finished layers, with empty activation lists for skipped zero-width layers."""
        return done + ((),) * (upto - len(done))

    def holds(con, x):
        a, c = con
        return sum((ai * xi for ai, xi in zip(a, x, strict=True)), c) > 0

    def feasible(cons, con, x):
        """An interior point of cons + [con], given an interior point x of cons: x itself,
        x pushed across con's hyperplane, or Fourier-Motzkin."""
        if holds(con, x):
            return x
        a, c = con
        norm2 = sum((ai * ai for ai in a), ZERO)
        t0 = -sum((ai * xi for ai, xi in zip(a, x, strict=True)), c) / norm2
        for eps in (fmpq(1, 1000), fmpq(1, 10**6), fmpq(1, 10**9)):
            y = [xi + (t0 * (1 + eps) + eps) * ai for xi, ai in zip(x, a, strict=True)]
            if holds(con, y) and all(holds(k, y) for k in cons):
                return y
        return interior_point([*cons, con], d, budget)

    def search(pos, constraints, x, states):
        # states[n] = (finished layers' activation forms, current layer's forms, its pre-acts)
        if pos == len(order):
            cells[0] += 1
            outs = [affine(nets[n][-1], padded(states[n][0], len(nets[n]))[-1]) for n in (0, 1)]
            return x if outs[0] != outs[1] else None
        n, lay, i = order[pos]
        done, current, pre = states[n]
        if i == 0:
            done = padded(done, lay + 1)
            pre, current = affine(nets[n][lay], done[lay]), ()
        form = pre[i]
        if not any(form[:d]):
            options = [(form[d] > 0, None)]
        else:
            options = [
                (True, (form[:d], form[d])),
                (False, (tuple(-v for v in form[:d]), -form[d])),
            ]
        for active, con in options:
            cons, y = constraints, x
            if con is not None:
                y = feasible(constraints, con, x)
                if y is None:
                    continue
                cons = [*constraints, con]
            now = (*current, form if active else (ZERO,) * (d + 1))
            state = ((*done, now), (), None) if i + 1 == len(pre) else (done, now, pre)
            found = search(pos + 1, cons, y, [state if m == n else states[m] for m in (0, 1)])
            if found is not None:
                return found
        return None

    start = ((tuple(identity),), (), None)
    try:
        point = search(0, [], [ZERO] * d, [start, start])
    except SearchLimitExceeded:
        raise SearchLimitExceeded(
            f"the exact enumeration of activation regions needs more than {limit} "
            f"Fourier-Motzkin steps ({cells[0]} cells compared so far)",
            limit=limit,
        ) from None
    return point, cells[0]
