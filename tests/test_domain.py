"""Bounded input domains (issue 18): validation, the exact LP, equivalence on a box or polytope
against Z3 with the domain's constraints, witnesses inside D, and max_difference against brute
force over a rational grid plus every arrangement vertex, and against a MILP on the raw pair."""

import itertools
import json
import math
import random
from fractions import Fraction

import numpy as np
import pytest
import z3
from hypothesis import given
from hypothesis import strategies as st
from oracles import fraction_rank, reference_eval
from scipy.optimize import linprog

from shallowsym import ShallowNetwork, canonical_form, equivalent
from shallowsym.domain import Box, Polytope, domain_from_dict, exact_lp_min, max_difference
from shallowsym.errors import InvalidDomainError, SearchLimitExceeded

seeds = st.integers(0, 2**32 - 1)


# -- independent oracles ------------------------------------------------------------------


def _q(v):
    v = Fraction(v)
    return z3.Q(v.numerator, v.denominator)


def z3_equal_on(a, b, A, bvec):
    """True iff f_a = f_b on {A x <= b} (Z3, linear real arithmetic); counterexample checked."""
    xs = [z3.Real(f"x{i}") for i in range(a.d)]

    def outs(net):
        pre = [sum((_q(w) * x for w, x in zip(r, xs)), _q(c)) for r, c in zip(net.W1, net.b1)]
        act = [z3.If(p > 0, p, 0) for p in pre]
        return [sum((_q(w) * z for w, z in zip(r, act)), _q(c)) for r, c in zip(net.W2, net.b2)]

    s = z3.Solver()
    for row, rhs in zip(A, bvec):
        s.add(sum((_q(v) * x for v, x in zip(row, xs)), _q(0)) <= _q(rhs))
    s.add(z3.Or([p != q for p, q in zip(outs(a), outs(b))]))
    verdict = s.check()
    assert verdict != z3.unknown
    if verdict == z3.unsat:
        return True
    m = s.model()
    x = [m.eval(v, model_completion=True).as_fraction() for v in xs]
    assert reference_eval(a, x) != reference_eval(b, x)
    return False


def box_rows(lo, hi):
    d = len(lo)
    A, b = [], []
    for j in range(d):
        e = [0] * d
        e[j] = 1
        A += [e, [-v for v in e]]
        b += [hi[j], -lo[j]]
    return A, b


def rand_net(rng, d, h, k, span=3):
    def r():
        return Fraction(rng.randint(-span, span), rng.choice([1, 1, 2]))

    return ShallowNetwork(
        [[r() for _ in range(d)] for _ in range(h)],
        [r() for _ in range(h)],
        [[r() for _ in range(h)] for _ in range(k)],
        [r() for _ in range(k)],
    )


def with_neuron(net, i, w, beta, a):
    W1, b1, W2 = [list(r) for r in net.W1], list(net.b1), [list(r) for r in net.W2]
    W1[i], b1[i] = list(w), beta
    for j in range(net.k):
        W2[j][i] = a[j]
    return ShallowNetwork(W1, b1, W2, net.b2)


def add_neuron(net, w, beta, a):
    W1 = [list(r) for r in net.W1] + [list(w)]
    W2 = [[*list(r), a[j]] for j, r in enumerate(net.W2)]
    return ShallowNetwork(W1, [*list(net.b1), beta], W2, net.b2)


BOX = Box([0, 0], [1, 1])


def planted_pair(rng, d=2, k=1):
    """A pair equal on [0, 1]^d but (usually) not on R^d, and a perturbed pair."""
    a = rand_net(rng, d, rng.randint(1, 4), k)
    kind = rng.randrange(3)
    if kind == 0:  # a neuron dead on the box, redrawn as another dead one
        w = [Fraction(rng.randint(0, 3)) for _ in range(d)]
        a = add_neuron(a, w, Fraction(-sum(w) - 1), [1] * k)
        w2 = [Fraction(rng.randint(0, 2)) for _ in range(d)]
        b = with_neuron(a, a.h - 1, w2, Fraction(-sum(w2) - rng.randint(0, 2)), [5] * k)
    elif kind == 1:  # an always-active neuron replaced by its affine map in b2 and a zero one
        w = [Fraction(rng.randint(-2, 2)) for _ in range(d)]
        beta = Fraction(sum(abs(v) for v in w) + rng.randint(0, 2))
        a = add_neuron(a, w, beta, [Fraction(rng.randint(1, 3))] * k)
        # relu(w.x + beta) = w.x + beta on the box: move it into another always-active neuron
        w_other = [Fraction(rng.randint(-1, 1)) for _ in range(d)]
        beta_other = Fraction(sum(abs(v) for v in w_other) + 1)
        coef = a.W2[0][a.h - 1]
        # c * (w.x + beta) = c * (w.x + beta + w_o.x + beta_o) - c * relu(w_o.x + beta_o)
        b = with_neuron(
            a, a.h - 1, [x + y for x, y in zip(w, w_other)], beta + beta_other, [coef] * k
        )
        b = add_neuron(b, w_other, beta_other, [-coef] * k)
    else:  # a bent-inside neuron: equal only if unchanged
        b = a
    return a, b


# -- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: Box([0, 1], [1, 1]), "lo[1] = 1 is not below hi[1] = 1"),
        (lambda: Box([2], [1]), "lo[0] = 2 is not below hi[0] = 1"),
        (lambda: Box([0, float("nan")], [1, 1]), "lo[1] is nan"),
        (lambda: Box([0], [float("inf")]), "hi[0] is inf"),
        (lambda: Box([0, 0], [1]), "lo has 2 entries and hi has 1"),
        (lambda: Box(0, 1), "needs the dimension d="),
        (lambda: Polytope([[1], [-1]], [0, -1]), "empty interior: it is empty"),
        (lambda: Polytope([[1, 0], [-1, 0], [0, 1]], [0, 0, 1]), "lower-dimensional"),
        (lambda: Polytope([[0, 0]], [1]), "A[0] is zero"),
        (lambda: Polytope([[1, 0]], [1, 2]), "A has 1 rows but b has 2"),
        (lambda: domain_from_dict({"type": "ball"}), "must be 'box' or 'polytope'"),
    ],
)
def test_bad_domains(make, message):
    with pytest.raises(InvalidDomainError, match=message.replace("[", r"\[").replace("(", r"\(")):
        make()


def test_wrong_dimension_and_type():
    net = ShallowNetwork([[1, 2]], [0], [[1]], [0])
    with pytest.raises(InvalidDomainError, match="dimension 3 but the network has d = 2"):
        canonical_form(net, domain=Box(0, 1, d=3))
    with pytest.raises(TypeError, match="domain must be a Box or a Polytope, not list"):
        equivalent(net, net, domain=[0, 1])
    with pytest.raises(ValueError, match="epsilon needs a bounded domain"):
        equivalent(net, net, epsilon=1)


def test_json_round_trip_and_hash():
    for dom in (Box(["1/3", 0], [1, "0.5"]), Polytope([[1, 1], [-1, 0], [0, -1]], [1, 0, 0])):
        back = domain_from_dict(json.loads(dom.to_json()))
        assert back == dom and hash(back) == hash(dom)
        assert back.to_dict() == dom.to_dict()


@given(seeds)
def test_exact_lp_against_scipy(seed):
    rng = random.Random(seed)
    d, m = rng.randint(1, 3), rng.randint(3, 6)
    A = [[rng.randint(-3, 3) for _ in range(d)] for _ in range(m)] + [
        [int(i == j) * s for i in range(d)] for j in range(d) for s in (1, -1)
    ]
    b = [rng.randint(0, 4) for _ in range(m)] + [5] * (2 * d)
    u = [rng.randint(-3, 3) for _ in range(d)]
    value, x, _y = exact_lp_min(u, A, b)
    ref = linprog(u, A_ub=A, b_ub=b, bounds=[(None, None)] * d, method="highs")
    assert abs(float(value) - ref.fun) < 1e-7
    assert all(sum(Fraction(r) * v for r, v in zip(row, x)) <= rhs for row, rhs in zip(A, b))


# -- equivalence on a domain against Z3 -----------------------------------------------------


@given(seeds)
def test_equivalence_on_box_against_z3(seed):
    rng = random.Random(seed)
    d = rng.randint(1, 2)
    a, b = planted_pair(rng, d)
    if rng.random() < 0.4:  # perturb one parameter of b
        i = rng.randrange(b.h)
        b = with_neuron(b, i, b.W1[i], b.b1[i] + Fraction(1, rng.randint(1, 4)), [1])
    box = Box([0] * d, [1] * d)
    result = equivalent(a, b, domain=box)
    assert bool(result) == z3_equal_on(a, b, *box_rows([0] * d, [1] * d))
    if not result:
        x = result.witness
        assert box.contains(x, strict=True)
        assert reference_eval(a, x) != reference_eval(b, x)
        assert result.values == (reference_eval(a, x), reference_eval(b, x))
    if result and canonical_form(a) != canonical_form(b):
        assert result.needs_hidden_symmetries


@given(seeds)
def test_equal_on_rd_is_equal_on_any_box(seed):
    rng = random.Random(seed)
    a = rand_net(rng, 2, 3, 1)
    b = ShallowNetwork(
        [list(r) for r in a.W1][::-1], list(a.b1)[::-1], [list(r)[::-1] for r in a.W2], a.b2
    )
    lo = [Fraction(rng.randint(-5, 5), 2) for _ in range(2)]
    hi = [v + Fraction(rng.randint(1, 6), 3) for v in lo]
    assert equivalent(a, b, domain=Box(lo, hi))


def test_planted_pairs_differ_outside_the_box():
    rng = random.Random(7)
    seen = 0
    for _ in range(40):
        a, b = planted_pair(rng)
        if canonical_form(a) != canonical_form(b):
            result = equivalent(a, b, domain=BOX)
            assert result and result.needs_hidden_symmetries and "differ outside D" in result.reason
            assert not z3_equal_on(a, b, *box_rows([-10, -10], [10, 10]))
            seen += 1
    assert seen >= 10


@given(seeds)
def test_equivalence_on_polytope_against_z3(seed):
    rng = random.Random(seed)
    tri = Polytope([[-1, 0], [0, -1], [1, 1]], [0, 0, 1])
    a = rand_net(rng, 2, rng.randint(1, 3), 1)
    # a neuron dead on the triangle (x + y >= 1 + s is dead there), with two different weights
    s = Fraction(rng.randint(0, 2), 2)
    b = add_neuron(a, [-1, -1], Fraction(1) + s, [Fraction(rng.randint(-2, 2))])
    b = add_neuron(b, [1, 1], -1 - s, [Fraction(rng.randint(-2, 2))])
    if rng.random() < 0.5:
        b = add_neuron(b, [rng.randint(-2, 2), 1], Fraction(rng.randint(-1, 1), 3), [1])
    result = equivalent(a, b, domain=tri)
    assert bool(result) == z3_equal_on(a, b, tri.A, tri.b)
    if not result:
        assert tri.contains(result.witness, strict=True)
        assert reference_eval(a, result.witness) != reference_eval(b, result.witness)


def test_reason_names_the_hyperplane_inside_d():
    a = ShallowNetwork([[1], [1]], [0, "-1/2"], [[1, 1]], [0])
    b = ShallowNetwork([[1], [1]], [0, "-1/2"], [[1, 2]], [0])
    result = equivalent(a, b, domain=Box([0], [1]))
    assert "hyperplane x1 - 1/2 = 0 has kink 1 in a and 2 in b" in result.reason


# -- max_difference -------------------------------------------------------------------------


def brute_max(a, b, lo, hi, grid=12):
    """max |f_a - f_b| over a rational grid and every vertex of the raw arrangement (d <= 2)."""
    d = len(lo)
    lines = []
    for net in (a, b):
        for w, beta in zip(net.W1, net.b1):
            if any(w):
                lines.append((tuple(w), -beta))
    for j in range(d):
        e = tuple(Fraction(int(i == j)) for i in range(d))
        lines += [(e, lo[j]), (e, hi[j])]
    points = set()
    axes = [
        [lo[j] + (hi[j] - lo[j]) * Fraction(t, grid) for t in range(grid + 1)] for j in range(d)
    ]
    points.update(itertools.product(*axes))
    if d == 1:
        points.update((r / n[0],) for n, r in lines)
    else:
        for (n1, r1), (n2, r2) in itertools.combinations(lines, 2):
            det = n1[0] * n2[1] - n1[1] * n2[0]
            if det:
                points.add(((r1 * n2[1] - r2 * n1[1]) / det, (n1[0] * r2 - n2[0] * r1) / det))
    best = [Fraction(0)] * a.k
    for x in points:
        if all(lo[j] <= x[j] <= hi[j] for j in range(d)):
            fa, fb = reference_eval(a, x), reference_eval(b, x)
            best = [max(v, abs(p - q)) for v, p, q in zip(best, fa, fb)]
    return best


@given(seeds)
def test_max_difference_against_brute_force(seed):
    rng = random.Random(seed)
    d, k = rng.randint(1, 2), rng.randint(1, 2)
    a = rand_net(rng, d, rng.randint(1, 4), k)
    b = rand_net(rng, d, rng.randint(1, 3), k) if rng.random() < 0.5 else a
    if b is a:  # change 1 or 2 neurons of a copy
        for i in rng.sample(range(a.h), min(a.h, rng.randint(1, 2))):
            b = with_neuron(
                b,
                i,
                [v + rng.randint(-1, 1) for v in b.W1[i]],
                b.b1[i] + 1,
                [b.W2[j][i] for j in range(k)],
            )
    lo = [Fraction(rng.randint(-3, 0)) for _ in range(d)]
    hi = [v + rng.randint(1, 3) for v in lo]
    md = max_difference(a, b, domain=Box(lo, hi))
    assert md.exact
    assert list(md.values) == brute_max(a, b, lo, hi)
    for j, x in enumerate(md.points):
        assert all(lo[i] <= x[i] <= hi[i] for i in range(d))
        assert abs(reference_eval(a, x)[j] - reference_eval(b, x)[j]) == md.values[j]


def test_max_difference_on_a_triangle():
    tri = Polytope([[-1, 0], [0, -1], [1, 1]], [0, 0, 1])
    a = ShallowNetwork([[1, -1]], [0], [[1]], [0])  # relu(x - y)
    b = ShallowNetwork([[1, -1]], [0], [[0]], [0])
    md = max_difference(a, b, domain=tri)
    assert md.exact and md.maximum == 1 and md.points[0] == (1, 0)


def raw_milp(a, b, lo, hi, j, sign):
    """max sign*(f_a - f_b)_j over the box: a MILP over every neuron of both networks (a
    neuron dead on the box drops out, an always-active one is linear, the rest get a binary)."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    d = a.d
    lin = np.zeros(d)
    const = float(a.b2[j] - b.b2[j])
    crossing = []
    for net, s in ((a, 1), (b, -1)):
        for i, (w, beta) in enumerate(zip(net.W1, net.b1)):
            coef = float(net.W2[j][i] * s)
            w = [float(v) for v in w]
            lmin = float(beta) + sum(
                min(v * float(lo[c]), v * float(hi[c])) for c, v in enumerate(w)
            )
            lmax = float(beta) + sum(
                max(v * float(lo[c]), v * float(hi[c])) for c, v in enumerate(w)
            )
            if lmax <= 0 or coef == 0:
                continue
            if lmin >= 0:
                lin += coef * np.array(w)
                const += coef * float(beta)
                continue
            crossing.append((w, float(beta), coef, lmin - 1e-6, lmax + 1e-6))
    n = len(crossing)
    cost = np.zeros(d + 2 * n)
    cost[:d] = -sign * lin
    rows, lb, ub = [], [], []
    lo_b = [float(v) for v in lo] + [0] * (2 * n)
    hi_b = [float(v) for v in hi] + [0] * n + [1] * n
    for t, (w, beta, coef, m_low, m_high) in enumerate(crossing):
        cost[d + t] = -sign * coef
        hi_b[d + t] = m_high
        for coefs, bound in (
            ({**dict(enumerate(w)), d + t: -1}, -beta),  # r >= l
            ({**{c: -v for c, v in enumerate(w)}, d + t: 1, d + n + t: -m_low}, beta - m_low),
            ({d + t: 1, d + n + t: -m_high}, 0),  # r <= M z
        ):
            row = np.zeros(d + 2 * n)
            for c, v in coefs.items():
                row[c] = v
            rows.append(row)
            lb.append(-np.inf)
            ub.append(bound)
    integrality = np.r_[np.zeros(d + n), np.ones(n)]
    problem = dict(
        integrality=integrality,
        bounds=Bounds(lo_b, hi_b),
        constraints=[LinearConstraint(np.array(rows), lb, ub)] if rows else [],
    )
    res = milp(cost, **problem)
    if res.x is not None:
        return -res.fun + sign * const
    # HiGHS occasionally ends in "Solve error" on these tiny problems: enumerate the
    # activation patterns of the crossing neurons instead, one LP each.
    best = -np.inf
    for pattern in itertools.product((0, 1), repeat=n):
        c = sign * lin.copy()
        A_ub, b_ub = [], []
        for on, (w, beta, coef, _, _) in zip(pattern, crossing):
            if on:
                c += sign * coef * np.array(w)
                A_ub.append([-v for v in w])
                b_ub.append(beta)
            else:
                A_ub.append(w)
                b_ub.append(-beta)
        on_const = sum(coef * beta for on, (w, beta, coef, _, _) in zip(pattern, crossing) if on)
        res = linprog(-c, A_ub=A_ub, b_ub=b_ub, bounds=list(zip(lo_b[:d], hi_b[:d])))
        if res.status == 0:
            best = max(best, -res.fun + sign * (const + on_const))
    return best


@given(seeds)
def test_max_difference_milp_against_raw_milp(seed):
    rng = random.Random(seed)
    d = 3
    a = rand_net(rng, d, 5, 1)
    b = a
    for i in rng.sample(range(a.h), 2):
        b = with_neuron(b, i, [v + rng.randint(-1, 1) for v in b.W1[i]], b.b1[i] - 1, [b.W2[0][i]])
    lo, hi = [Fraction(0)] * d, [Fraction(1)] * d
    md = max_difference(a, b, domain=Box(lo, hi), method="milp")
    if md.method != "milp":
        return
    raw = max(raw_milp(a, b, lo, hi, 0, s) for s in (1, -1))
    # the raw MILP's big-M constants are widened by 1e-6, which it may exploit per neuron
    assert abs(float(md.maximum) - raw) <= 1e-5 * (1 + abs(raw))
    assert md.upper_bounds[0] >= float(md.maximum) - 1e-9
    x = md.points[0]
    assert abs(reference_eval(a, x)[0] - reference_eval(b, x)[0]) == md.values[0]


def solve_exactly(rows, rhs):
    """The unique solution of rows x = rhs by Gauss-Jordan on Fractions, or None if singular."""
    n = len(rows)
    m = [[*map(Fraction, r), Fraction(v)] for r, v in zip(rows, rhs)]
    for col in range(n):
        piv = next((r for r in range(col, n) if m[r][col] != 0), None)
        if piv is None:
            return None
        m[col], m[piv] = m[piv], m[col]
        for r in range(n):
            if r != col and m[r][col] != 0:
                f = m[r][col] / m[col][col]
                m[r] = [x - f * y for x, y in zip(m[r], m[col])]
    return tuple(m[r][n] / m[r][r] for r in range(n))


def brute_max_vertices(a, b, lo, hi):
    """max |f_a - f_b| over every vertex in the box of the raw arrangement (every neuron of a
    and b and the box's facets): f_a - f_b is affine on each raw cell (any d)."""
    d = len(lo)
    planes = [(tuple(w), -beta) for net in (a, b) for w, beta in zip(net.W1, net.b1) if any(w)]
    for j in range(d):
        e = tuple(Fraction(int(i == j)) for i in range(d))
        planes += [(e, lo[j]), (e, hi[j])]
    best = [Fraction(0)] * a.k
    for chosen in itertools.combinations(planes, d):
        x = solve_exactly([n for n, _ in chosen], [r for _, r in chosen])
        if x is not None and all(lo[j] <= x[j] <= hi[j] for j in range(d)):
            fa, fb = reference_eval(a, x), reference_eval(b, x)
            best = [max(v, abs(p - q)) for v, p, q in zip(best, fa, fb)]
    return best


@given(seeds)
def test_max_difference_exact_in_three_dimensions(seed):
    """d = 3 with a few changed neurons: the exact vertex enumeration of the remaining
    arrangement against every vertex of the raw arrangement (Fractions) and the raw MILP."""
    rng = random.Random(seed)
    d, k = 3, rng.randint(1, 2)
    a = rand_net(rng, d, 5, k)
    b = a
    for i in rng.sample(range(a.h), rng.randint(1, 2)):
        b = with_neuron(
            b,
            i,
            [v + rng.randint(-1, 1) for v in b.W1[i]],
            b.b1[i] - 1,
            [b.W2[j][i] for j in range(k)],
        )
    lo = [Fraction(rng.randint(-2, 0)) for _ in range(d)]
    hi = [v + rng.randint(1, 2) for v in lo]
    md = max_difference(a, b, domain=Box(lo, hi), method="exact")
    assert md.exact and md.method in ("vertices", "affine", "equal")
    assert list(md.values) == brute_max_vertices(a, b, lo, hi)
    for j, x in enumerate(md.points):
        assert all(lo[i] <= x[i] <= hi[i] for i in range(d))
        assert abs(reference_eval(a, x)[j] - reference_eval(b, x)[j]) == md.values[j]
    if k == 1 and md.method == "vertices":
        raw = max(raw_milp(a, b, lo, hi, 0, s) for s in (1, -1))
        assert abs(float(md.maximum) - raw) <= 1e-5 * (1 + abs(raw))


def test_max_difference_exact_search_limit():
    a = ShallowNetwork([[1, 1, 1]], [-1], [[1]], [0])
    b = ShallowNetwork([[1, 1, 2]], [-1], [[1]], [0])
    box = Box(0, 1, d=3)
    with pytest.raises(SearchLimitExceeded, match="limit=5"):
        max_difference(a, b, domain=box, method="exact", limit=5)
    fallback = max_difference(a, b, domain=box, limit=5)  # auto: the MILP, labelled as such
    exact = max_difference(a, b, domain=box)
    assert fallback.method == "milp" and not fallback.exact
    assert exact.method == "vertices" and exact.exact and exact.maximum == 1
    assert fallback.maximum <= exact.maximum <= fallback.upper_bound + 1e-9


def test_epsilon_equivalence():
    a = ShallowNetwork([[1], [1]], [0, -1], [[1, 1]], [0])
    b = ShallowNetwork([[1], [1]], [0, "-1.01"], [[1, 1]], [0])
    box = Box([0], [2])
    assert not equivalent(a, b, domain=box)
    close = equivalent(a, b, domain=box, epsilon="0.01")
    assert close and "(exact)" in close.reason
    far = equivalent(a, b, domain=box, epsilon="0.005")
    assert not far and box.contains(far.witness)
    fa, fb = far.values
    assert abs(fa[0] - fb[0]) > Fraction("0.005")


# -- minimal width and reduction on D -------------------------------------------------------


def _agree_on_interval(f, g, lo, hi):
    """Piecewise-linear f, g agree on [lo, hi] iff they agree at every breakpoint of both, the
    endpoints and the midpoints between consecutive ones (plain Fractions)."""
    cuts = {lo, hi}
    for net in (f, g):
        for (w,), beta in zip(net.W1, net.b1):
            if w and lo < -beta / w < hi:
                cuts.add(-beta / w)
    cuts = sorted(cuts)
    points = cuts + [(x + y) / 2 for x, y in itertools.pairwise(cuts)]
    return all(reference_eval(f, [x]) == reference_eval(g, [x]) for x in points)


GRID = [Fraction(v) for v in (-2, -1, 1, 2)]


def brute_min_width(net, lo, hi, max_width=2):
    """The smallest width w <= max_width of a grid network equal to net on [lo, hi]."""

    singles = [(w, beta, a) for w in GRID for beta in [*GRID, Fraction(0)] for a in GRID]
    values = [reference_eval(net, [x]) for x in (lo, hi)]
    for width in range(max_width + 1):
        for neurons in itertools.combinations_with_replacement(singles, width):
            # b2 is fixed by the value at lo
            partial = sum((a * max(w * lo + beta, 0) for w, beta, a in neurons), Fraction(0))
            c = values[0][0] - partial
            cand = ShallowNetwork.from_rows(
                [[w] for w, _, _ in neurons],
                [b for _, b, _ in neurons],
                [[a for _, _, a in neurons]],
                [c],
                d=1,
            )
            if _agree_on_interval(net, cand, lo, hi):
                return width
    return None


@given(st.integers(0, 2**32 - 1))
def test_minimal_width_on_interval_against_brute_force(seed):
    from shallowsym import minimal_width, reduce

    rng = random.Random(seed)
    h = rng.randint(1, 3)
    net = ShallowNetwork(
        [[rng.choice(GRID)] for _ in range(h)],
        [rng.choice([*GRID, Fraction(0)]) for _ in range(h)],
        [[rng.choice(GRID) for _ in range(h)]],
        [0],
    )
    lo, hi = Fraction(rng.randint(-2, 0)), Fraction(rng.randint(1, 2))
    box = Box([lo], [hi])
    width = minimal_width(net, domain=box)
    small = reduce(net, domain=box)
    assert small.h == width and _agree_on_interval(net, small, lo, hi)
    brute = brute_min_width(net, lo, hi)
    if brute is not None:  # found within the grid and width 2: never below the exact value
        assert width <= brute
    if width == 0:  # a constant on D: the empty network is on the grid
        assert brute == 0


def test_reduce_on_a_box_drops_dead_and_merges_affine():
    from shallowsym import is_irreducible, minimal_width, reduce

    net = ShallowNetwork([[1, 0], [0, 1], [1, 1], [-1, 0]], [5, 3, -9, -7], [[1, 2, 4, 1]], [0])
    box = Box([0, 0], [1, 1])
    assert minimal_width(net, domain=box) == 1 and minimal_width(net) == 4
    assert not is_irreducible(net, domain=box)
    small = reduce(net, domain=box)
    assert small.h == 1 and equivalent(net, small, domain=box)


def test_minimal_width_on_a_box_closed_form_many_hyperplanes():
    """Many bent hyperplanes (40 neurons, d = 60, k = 3): Corollary D4a decides the minimal
    width on the box with one flip set examined (limit=1): #bent + rank(L). The value is
    attained by reduce (equal on the box, checked by exact evaluation at random points and by
    the canonical forms) and is a lower bound by Theorem D4 (rho(L, U) = rank(L) here, computed
    below by this test's own elimination)."""
    from shallowsym import minimal_width, reduce

    rng = np.random.default_rng(18)
    d, h, k = 60, 40, 3
    W1 = rng.normal(0, 1 / np.sqrt(d), (h, d))
    b1 = rng.normal(0, 0.5, h) - 0.5 * W1.sum(axis=1)  # most hyperplanes cross the box
    b1[:4] = -np.maximum(W1[:4], 0).sum(axis=1) - 1  # four dead on the box
    b1[4:8] = -np.minimum(W1[4:8], 0).sum(axis=1) + 1  # four always active
    net = ShallowNetwork(W1, b1, rng.normal(0, 1, (k, h)), rng.normal(0, 1, k))
    box = Box(0, 1, d=d)
    cf = canonical_form(net, domain=box)
    L, _ = cf.sigma_form
    normals = [list(u) for u, _, _ in cf.bent_hyperplanes]
    assert fraction_rank([list(r) for r in L] + normals) - fraction_rank(normals) == k
    width = minimal_width(net, domain=box, limit=1)
    assert width == cf.num_bent + k and cf.num_bent <= h - 4
    small = reduce(net, domain=box)
    assert small.h == width and equivalent(net, small, domain=box)
    pts = np.random.default_rng(1).random((5, d))
    for x in pts:
        x = [Fraction(v) for v in x]
        assert reference_eval(net, x) == reference_eval(small, x)


# -- functional dimension on D ---------------------------------------------------------------


@given(seeds)
def test_functional_dimension_on_domain_is_the_jacobian_rank_in_every_cell(seed):
    from shallowsym import batch_functional_dimension, decisive_points, functional_dimension

    rng = random.Random(seed)
    d, k = rng.randint(1, 2), rng.randint(1, 2)
    net = rand_net(rng, d, rng.randint(1, 5), k, span=2)
    if any(not any(w) and beta == 0 for w, beta in zip(net.W1, net.b1)):
        return  # not differentiable in theta there (tested in test_functional.py)
    if d == 2 and rng.random() < 0.5:
        domain = Polytope([[-1, 0], [0, -1], [1, 1]], [0, 0, 1])
    else:
        lo = [Fraction(rng.randint(-2, 0)) for _ in range(d)]
        domain = Box(lo, [v + rng.randint(1, 2) for v in lo])
    fd = functional_dimension(net, domain=domain)
    points = decisive_points(net, domain=domain)
    assert all(domain.contains(p, strict=True) for p in points)
    assert fd == batch_functional_dimension(net, points)
    assert fd.bound - fd.dimension == sum(lost for _, _, lost in fd.deficits)
    # a box containing every vertex of the arrangement in its interior sees R^d's dimension
    # exactly when every neuron's hyperplane meets it
    assert fd.dimension <= functional_dimension(net).dimension


@given(seeds)
def test_decisive_points_on_domain_in_three_dimensions(seed):
    """d = 3 on a box or a simplex: the points lie strictly inside D and off every
    hyperplane, their sign vectors are exactly the cells met by a fine rational grid (plus the
    points' own), and the Jacobian rank there is the block computation's dimension on D."""
    from shallowsym import batch_functional_dimension, decisive_points, functional_dimension

    rng = random.Random(seed)
    d, k = 3, rng.randint(1, 2)
    net = rand_net(rng, d, rng.randint(1, 4), k, span=2)
    if any(not any(w) for w in net.W1):
        return
    if rng.random() < 0.3:
        domain = Polytope([[-1, 0, 0], [0, -1, 0], [0, 0, -1], [1, 1, 1]], [0, 0, 0, 1])
    else:
        lo = [Fraction(rng.randint(-2, 0)) for _ in range(d)]
        domain = Box(lo, [v + rng.randint(1, 2) for v in lo])
    points = decisive_points(net, domain=domain)
    assert all(domain.contains(p, strict=True) for p in points)

    def signs(x):
        return tuple(
            (sum(w * v for w, v in zip(row, x)) + beta > 0) for row, beta in zip(net.W1, net.b1)
        )

    assert all(
        sum(w * v for w, v in zip(row, x)) + beta != 0
        for x in points
        for row, beta in zip(net.W1, net.b1)
    )
    found = {signs(x) for x in points}
    grid = [Fraction(t, 4) for t in range(-8, 9)]
    for x in itertools.product(grid, repeat=3):
        if domain.contains(x, strict=True) and all(
            sum(w * v for w, v in zip(row, x)) + beta != 0 for row, beta in zip(net.W1, net.b1)
        ):
            assert signs(x) in found
    fd = functional_dimension(net, domain=domain)
    assert fd == batch_functional_dimension(net, points)


def test_functional_dimension_on_a_box_counts_dead_and_affine_neurons():
    from shallowsym import functional_dimension

    net = ShallowNetwork([[1], [1], [1], [-1]], [-2, 5, "-1/2", 0], [[1, 1, 1, 2]], [0])
    fd = functional_dimension(net, domain=Box([0], [1]))
    # on [0, 1]: relu(x - 1/2) bends (2 + 1 = 3 dims with b2), relu(x + 5) = x + 5 adds the
    # slope (the constant is b2's): 4; relu(x - 2) and relu(-x) are dead
    assert fd == 4 and functional_dimension(net) == 9


# -- symmetries on D -------------------------------------------------------------------------


@given(seeds)
def test_symmetries_on_a_box(seed):
    from shallowsym import symmetries
    from shallowsym.standard import find_standard_map

    rng = random.Random(seed)
    net = rand_net(rng, 2, rng.randint(1, 4), 1)
    if any(not any(w) and beta == 0 for w, beta in zip(net.W1, net.b1)):
        return
    box = Box([0, 0], [1, 1])
    report = symmetries(net, domain=box)
    roles = report.roles.roles
    assert report.fibre_dimension == net.num_parameters - report.functional_dimension.dimension
    if "dead" in roles or "affine" in roles:
        assert report.has_hidden_symmetries
    else:
        assert report.has_hidden_symmetries == symmetries(net).has_hidden_symmetries
    witness = report.hidden_witness
    if witness is not None:
        assert z3_equal_on(net, witness, *box_rows([0, 0], [1, 1]))
        assert find_standard_map(net, witness) is None
    if "dead" in roles or "affine" in roles:
        assert witness is not None
    str(report)
    json.dumps(report.to_dict())


def test_plot_domain_greys_the_hyperplanes_missing_d():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    from shallowsym.plot import plot_domain

    # x1 = 2 misses [0, 1]^2 (grey), x1 + x2 = 1 is bent inside, x1 - x2 = 0 cancels inside
    net = ShallowNetwork([[1, 0], [1, 1], [1, -1], [-1, 1]], [-2, -1, 0, 0], [[1, 1, 1, 1]], [0])
    ax = plot_domain(net, BOX)
    styles = [(line.get_linestyle(), line.get_color()) for line in ax.get_lines()]
    assert styles.count((":", "0.7")) == 1
    assert sum(1 for ls, _ in styles if ls == "--") == 0  # x1 - x2: kinks 1 and 1 do not cancel
    assert sum(1 for ls, c in styles if ls == "-" and c == "tab:blue") == 3  # outline + 2 bent
    tri = Polytope([[-1, 0], [0, -1], [1, 1]], [0, 0, 1])
    ax = plot_domain(ShallowNetwork([[1, -1], [-1, 1]], [0, 0], [[1, -1]], [0]), tri)
    styles = [line.get_linestyle() for line in ax.get_lines()]
    assert styles.count("--") == 1  # relu(l) - relu(-l) = l: no kink on D, dashed


@given(seeds)
def test_mechanisms_on_domain_add_up_to_the_fibre_dimension(seed):
    """With one neuron per bent hyperplane (no R^d mechanism), the D1 and D2 mechanisms on D
    account for the whole fibre dimension on D beyond the orbit (functional dimension on D is
    computed independently, by the block computation of Theorem D6); the stabilizer on D is
    the one on R^d."""
    from shallowsym import symmetries

    rng = random.Random(seed)
    d, k = rng.randint(1, 2), rng.randint(1, 2)
    net = rand_net(rng, d, rng.randint(1, 5), k)
    lo = [Fraction(rng.randint(-2, 0)) for _ in range(d)]
    box = Box(lo, [v + rng.randint(1, 2) for v in lo])
    if any(not any(w) for w in net.W1):
        return  # zero-input neurons (not differentiable at beta = 0; tested elsewhere)
    report = symmetries(net, domain=box)
    rd = symmetries(net)
    assert report.stabilizer == rd.stabilizer
    if rd.continuous_mechanisms or report.roles.count("zero-output"):
        return
    bent = [i for i, r in enumerate(report.roles.roles) if r == "bent"]
    keys = {
        tuple(x / next(v for v in net.W1[i] if v) for x in (*net.W1[i], net.b1[i])) for i in bent
    }
    if len(keys) < len(bent):  # two neurons on one hyperplane
        return
    total = sum(m.dimension for m in report.mechanisms)
    assert total == report.fibre_dimension - report.orbit_dimension
    assert report.has_hidden_symmetries == (total > 0)


def test_minimal_width_on_a_box_of_an_all_bent_network_needs_one_flip_set():
    """Every neuron's hyperplane cuts the box (one per hyperplane): Theorem D4's lower bound
    #bent equals h, and the network's own orientations, tried first, reach the floor of
    Corollary D4a, so limit=1 suffices (the old search by increasing size needed 2^h)."""
    from shallowsym import minimal_width

    rng = np.random.default_rng(7)
    d, h, k = 20, 14, 3
    W1 = rng.normal(0, 1, (h, d))
    b1 = -0.5 * W1.sum(axis=1)  # l_i(centre) = 0: every hyperplane crosses the box
    net = ShallowNetwork(W1, b1, rng.normal(0, 1, (k, h)), np.zeros(k))
    box = Box(0, 1, d=d)
    assert canonical_form(net, domain=box).num_bent == h
    assert minimal_width(net, domain=box, limit=1) == h


def test_exact_lp_min_names_a_short_row_and_a_short_b():
    with pytest.raises(ValueError, match=r"A\[1\] has 1 entries, but u has 2"):
        exact_lp_min([1, 1], [[-1, 0], [0]], [0, 0])
    with pytest.raises(ValueError, match="b has 1 entries, but A has 2 rows"):
        exact_lp_min([1, 1], [[-1, 0], [0, -1]], [0])


def test_interior_point_on_refuses_a_hyperplane_missing_the_interior():
    from shallowsym.domain import interior_point_on

    box = Box(0, 1, d=2)
    for key in [(1, 0, -1), (1, 0, -2), (1, 1, 3)]:  # x = 1 (a facet), x = 2, x + y = -3
        with pytest.raises(ValueError, match="does not meet the interior of D"):
            interior_point_on(box, key, [])
    triangle = Polytope([[-1, 0], [0, -1], [1, 1]], [0, 0, 1])
    with pytest.raises(ValueError, match="does not meet the interior of D"):
        interior_point_on(triangle, (1, 1, -1), [])  # the facet x + y = 1
    p = interior_point_on(triangle, (1, -1, 0), [])  # x = y meets the interior
    assert p[0] == p[1] and triangle.contains(p, strict=True)


def test_equal_domains_hash_equal_and_key_the_same_cached_form():
    from shallowsym import ShallowNetwork, canonical_form

    a, b = Box(0, 1, d=2), Box([0, "0"], ["1", 1.0])
    assert a == b and hash(a) == hash(b) and a is not b
    p, q = (
        Polytope([[1, 0], [0, 1], [-1, -1]], [1, 1, 0]),
        Polytope([[1, 0], [0, 1], [-1, -1]], ["1", 1, 0]),
    )
    assert p == q and hash(p) == hash(q)
    assert len({a, b, p, q}) == 2
    net = ShallowNetwork([[1, -1]], [0], [[1]], [0])
    assert canonical_form(net, domain=a) is canonical_form(net, domain=b)


def test_integer_sides_agree_with_exact_ranges():
    boxes = [Box(0, 1, d=3), Box(-2, "1/3", d=3), Box([0, -1, 2], [1, 1, 5])]
    keys = [
        (1, 0, 0, 0),
        (1, -1, 0, 0),
        (2, 3, -1, -7),
        (1, 1, 1, -100),
        (0, 0, 1, 1),
        (1, 0, 0, 2),
    ]
    for box in boxes:
        for key, side in zip(keys, box.integer_sides(keys), strict=True):
            # the oracle: exact min and max of n.x + n0 at the box's vertices
            values = [
                sum(n * v for n, v in zip(key[:-1], vertex, strict=True)) + key[-1]
                for vertex in itertools.product(*zip(box.lo, box.hi, strict=True))
            ]
            low, high = min(values), max(values)
            expected = 1 if low >= 0 else (-1 if high <= 0 else 0)
            assert side == expected, (box, key)
            assert isinstance(low, Fraction | int)


def _roles_oracle(net, vertices):
    """Each neuron's role from the exact values of its pre-activation at D's vertices."""
    out = []
    for i, (w, beta) in enumerate(zip(net.W1, net.b1, strict=True)):
        if all(row[i] == 0 for row in net.W2):
            out.append("zero-output")
            continue
        values = [sum(a * x for a, x in zip(w, v, strict=True)) + beta for v in vertices]
        if min(values) >= 0 and max(values) > 0:
            out.append("affine")
        elif max(values) <= 0:
            out.append("dead")
        else:
            out.append("bent")
    return out


@pytest.mark.parametrize("seed", range(12))
def test_domain_roles_against_vertex_values(seed):
    from shallowsym.domain import domain_roles

    rng = random.Random(seed)
    d = rng.randint(1, 3)
    lo = [Fraction(rng.randint(-2, 0), rng.choice([1, 2])) for _ in range(d)]
    hi = [v + Fraction(rng.randint(1, 3), rng.choice([1, 3])) for v in lo]
    net = rand_net(rng, d, 8, 2, span=2)
    # a neuron touching the box at a vertex, one with w = 0 and beta = 0, one scaled copy
    # pointing the other way, one zero-output
    w = [Fraction(rng.choice([-1, 1])) for _ in range(d)]
    touch = -sum(a * (low if a < 0 else high) for a, low, high in zip(w, lo, hi, strict=True))
    net = add_neuron(net, w, touch, [1, 0])
    net = add_neuron(net, [0] * d, 0, [1, 1])
    net = add_neuron(net, [-3 * v for v in net.W1[0]], -3 * net.b1[0], [2, 0])
    net = add_neuron(net, [1] * d, 0, [0, 0])
    box = Box(lo, hi)
    vertices = list(itertools.product(*zip(lo, hi, strict=True)))
    assert list(domain_roles(net, box).roles) == _roles_oracle(net, vertices)
    if d == 2:  # the triangle with vertices lo, (hi0, lo1), (lo0, hi1)
        corners = [tuple(lo), (hi[0], lo[1]), (lo[0], hi[1])]
        slope = (hi[1] - lo[1]) / (hi[0] - lo[0])
        # x >= lo0, y >= lo1, slope x + y <= slope hi0 + lo1
        A = [[-1, 0], [0, -1], [slope, 1]]
        b = [-lo[0], -lo[1], slope * hi[0] + lo[1]]
        roles = domain_roles(net, Polytope(A, b)).roles
        assert list(roles) == _roles_oracle(net, corners)


@pytest.mark.parametrize("seed", range(10))
def test_reduction_on_keeps_original_neurons_and_is_equal_on_the_box(seed):
    """reduction_on: equal on the box (Z3), minimal width, kept neurons are the originals'
    (w, beta) unchanged, merged neurons lie on the kept one's hyperplane, and every original
    neuron is kept, merged or removed exactly once."""
    from shallowsym.domain import minimal_width_on, reduction_on

    rng = random.Random(1800 + seed)
    d, k = 2, 2
    net = rand_net(rng, d, 4, k, span=2)
    # a scaled twin, an opposite neuron on the same hyperplane, one dead and one always
    # active on the box
    w, beta = net.W1[0], net.b1[0]
    net = add_neuron(net, [2 * v for v in w], 2 * beta, [1, -1])
    net = add_neuron(net, [-v for v in w], -beta, [Fraction(1, 2), 3])
    net = add_neuron(net, [1, 1], -5, [2, 1])
    net = add_neuron(net, [1, -1], 4, [1, 2])
    box = Box([0, 0], [1, 1])
    result = reduction_on(net, box)
    small = result.network
    assert small.h == minimal_width_on(net, box)
    A, b = box_rows([0, 0], [1, 1])
    assert z3_equal_on(net, small, A, b)

    def same_line(i, j):  # (w_i, beta_i) and (w_j, beta_j) proportional (oracle: 2x2 minors)
        u = [*net.W1[i], net.b1[i]]
        v = [*net.W1[j], net.b1[j]]
        return all(u[p] * v[q] == u[q] * v[p] for p in range(d + 1) for q in range(d + 1))

    seen = []
    for n, (o, members) in enumerate(zip(result.origin, result.merged, strict=True)):
        if o is not None:
            assert list(small.W1[n]) == list(net.W1[o]) and small.b1[n] == net.b1[o]
            assert members[0] == o
        assert all(same_line(members[0], j) for j in members)
        seen += members
    seen += result.removed
    assert sorted(seen) == list(range(net.h))


def test_reduction_on_negates_a_neuron_when_the_best_flip_set_asks_for_it():
    """relu(x) - relu(x + 5) = relu(-x) - 5 on [-1, 1]: one neuron, pointing against the
    original's, so it is built anew (origin None) and neuron 1 (always active) is removed."""
    from shallowsym.domain import reduction_on

    net = ShallowNetwork([[1], [1]], [0, 5], [[1, -1]], [0])
    result = reduction_on(net, Box([-1], [1]))
    assert result.network == ShallowNetwork([[-1]], [0], [[1]], [-5])
    assert result.origin == (None,) and result.merged == ((0,),) and result.removed == (1,)


def test_witness_when_only_the_affine_parts_differ_and_a_kink_passes_the_centre():
    """f_b - f_a = y - x on the triangle, zero at its interior point c (on the diagonal),
    where the kink of x + y = c1 + c2 also passes: the witness search must leave c and that
    hyperplane."""
    tri = Polytope([[-1, 0], [0, -1], [1, 1]], [0, 0, 1])
    c = tri.interior_point()
    assert c[0] == c[1]
    a = ShallowNetwork([[1, 1]], [-(c[0] + c[1])], [[1]], [0])
    b = add_neuron(add_neuron(a, [0, 1], 0, [1]), [1, 0], 0, [-1])
    result = equivalent(a, b, domain=tri)
    assert not result and not z3_equal_on(a, b, tri.A, tri.b)
    assert tri.contains(result.witness, strict=True)
    assert reference_eval(a, result.witness) != reference_eval(b, result.witness)


def test_a_large_polytope_prints_in_one_short_line():
    d = 40
    A = [[int(i == j) for j in range(d)] for i in range(d)]
    A += [[-int(i == j) for j in range(d)] for i in range(d)] + [[1] * d]
    text = str(Polytope(A, [1] * d + [0] * d + [d // 2]))
    assert len(text) < 200 and "\n" not in text
    assert "(77 more inequalities)" in text and text.endswith("in R^40")


def _vertices(A, b):
    """The vertices of {A x <= b} in R^2 or R^3: every d constraints solved by Cramer's rule
    with Fractions, kept when feasible (this test's own arithmetic)."""
    d = len(A[0])

    def det(M):
        if len(M) == 2:
            return M[0][0] * M[1][1] - M[0][1] * M[1][0]
        return sum(
            (-1) ** j * M[0][j] * det([row[:j] + row[j + 1 :] for row in M[1:]]) for j in range(3)
        )

    out = []
    for rows in itertools.combinations(range(len(A)), d):
        M = [[Fraction(v) for v in A[i]] for i in rows]
        D = det(M)
        if D == 0:
            continue
        x = []
        for j in range(d):
            Mj = [[*row[:j], Fraction(b[i]), *row[j + 1 :]] for row, i in zip(M, rows)]
            x.append(det(Mj) / D)
        if all(sum(a * v for a, v in zip(row, x)) <= rhs for row, rhs in zip(A, b)):
            out.append(x)
    return out


@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("solver", ["highs", "exact", "liar"])
def test_polytope_sides_against_vertices(seed, solver, monkeypatch):
    """Polytope.integer_sides against the values of each key at the polytope's vertices, with
    keys through vertices, along edges and through the interior point: with HiGHS proposing,
    with the exact simplex alone, and with a float solver that answers at random (every
    proposal must be checked exactly, so a lying solver may only cost time)."""
    from shallowsym.domain import lp

    rng = random.Random(seed)
    if solver == "exact":
        monkeypatch.setattr(lp, "_linprog", lambda *args: None)
    elif solver == "liar":

        def liar(cost, A, b):
            x = np.array([rng.uniform(-3, 3) for _ in range(A.shape[1])])
            y = np.array([rng.choice([0.0, rng.uniform(0, 2)]) for _ in range(A.shape[0])])
            return x, y

        monkeypatch.setattr(lp, "_linprog", liar)
    d = rng.choice([2, 3])
    # a box lo <= x <= hi (right-hand sides of both signs), cut by a few random half-spaces
    # that keep its midpoint inside
    lo = [rng.choice([Fraction(-1), Fraction(1, 2), Fraction(1)]) for _ in range(d)]
    hi = [v + rng.choice([1, 2, 3]) for v in lo]
    A = [[int(i == j) for j in range(d)] for i in range(d)]
    A += [[-int(i == j) for j in range(d)] for i in range(d)]
    b = hi + [-v for v in lo]
    mid = [(u + v) / 2 for u, v in zip(lo, hi)]
    for _ in range(rng.randint(0, 3)):
        row = [rng.randint(-3, 3) or 1 for _ in range(d)]
        A.append(row)
        b.append(sum(a * m for a, m in zip(row, mid)) + Fraction(rng.randint(1, 6), 2))
    poly = Polytope(A, b)
    vertices = _vertices(A, b)
    keys = []
    for _ in range(12):
        n = [rng.randint(-3, 3) for _ in range(d)]
        if not any(n):
            n[0] = 1
        kind = rng.random()
        if kind < 0.3:  # through a vertex: touching or crossing
            v = rng.choice(vertices)
            n0 = -sum(a * x for a, x in zip(n, v))
        elif kind < 0.4:  # through the interior point
            n0 = -sum(a * x for a, x in zip(n, poly.interior_point()))
        else:
            n0 = Fraction(rng.randint(-12, 12), rng.choice([1, 2]))
        den = math.lcm(Fraction(n0).denominator, 1)
        keys.append(tuple([a * den for a in n] + [int(n0 * den)]))
    exact_calls = []
    fallback = lp.PolytopeSides._exact
    monkeypatch.setattr(
        lp.PolytopeSides, "_exact", lambda self, key: exact_calls.append(key) or fallback(self, key)
    )
    touching = 0
    for key, side in zip(keys, poly.integer_sides(keys), strict=True):
        values = [sum(a * x for a, x in zip(key[:-1], v)) + key[-1] for v in vertices]
        expected = 1 if min(values) >= 0 else (-1 if max(values) <= 0 else 0)
        assert side == expected, (A, b, key)
        touching += expected != 0 and 0 in values
    if solver == "highs":  # HiGHS's proposals are certified, except perhaps at a touch
        assert len(exact_calls) <= touching


@pytest.mark.parametrize("seed", range(8))
def test_polytope_witnesses_with_a_lying_float_solver(seed, monkeypatch):
    """Verdicts and witnesses on a triangle when the float LP answers at random: every
    proposal is checked exactly, so only the time may change (Z3 and exact evaluation)."""
    from shallowsym.domain import lp

    rng = random.Random(7700 + seed)

    def liar(cost, A, b):
        return (
            np.array([rng.uniform(-2, 2) for _ in range(A.shape[1])]),
            np.array([rng.uniform(0, 2) for _ in range(A.shape[0])]),
        )

    monkeypatch.setattr(lp, "_linprog", liar)
    tri = Polytope([[-1, 0], [0, -1], [1, 1]], [0, 0, 1])
    a = rand_net(rng, 2, 3, 1)
    b = add_neuron(a, [rng.randint(-2, 2) or 1, 1], Fraction(rng.randint(-1, 1), 3), [1])
    result = equivalent(a, b, domain=tri)
    assert bool(result) == z3_equal_on(a, b, tri.A, tri.b)
    if not result:
        assert tri.contains(result.witness, strict=True)
        assert reference_eval(a, result.witness) != reference_eval(b, result.witness)


@pytest.mark.parametrize("seed", range(6))
def test_reduce_and_max_difference_on_a_cut_box(seed):
    """A box cut by x + y <= 3/2 (an outer box read from its rows: the always-active
    neurons' biases and the MILP's big-M bounds come from it): reduce is equal on the
    polytope (Z3) and of minimal width, and max_difference agrees with the exact vertices."""
    from shallowsym import minimal_width, reduce

    rng = random.Random(9100 + seed)
    A = [[1, 0], [0, 1], [-1, 0], [0, -1], [1, 1]]
    b = [1, 1, 0, 0, Fraction(3, 2)]
    poly = Polytope(A, b)
    assert poly.outer_box() == ((0, 0), (1, 1))
    net = rand_net(rng, 2, 5, 2, span=2)
    net = add_neuron(net, [1, 1], 3, [1, 2])  # always active on the polytope
    net = add_neuron(net, [1, -1], 2, [Fraction(-1, 2), 1])  # always active too
    small = reduce(net, domain=poly)
    assert small.h == minimal_width(net, domain=poly)
    assert z3_equal_on(net, small, A, b)
    other = add_neuron(net, [2, 1], -2, [1, -1])
    exact = max_difference(net, other, domain=poly, method="exact")
    milp = max_difference(net, other, domain=poly, method="milp")
    assert exact.exact and milp.maximum <= exact.maximum <= Fraction(milp.upper_bound) + 1e-6


def test_reduction_on_a_domain_past_its_limit_returns_the_best_found_with_bounds():
    """Two bent hyperplanes whose normals span R^2 (floor 0) and an always-active neuron
    -(x + y + 5) (rank(L) = 1 at the network's own orientations, 0 with both flipped): with
    limit=1 the flip-set search stops undecided; reduction still returns a network equal on
    the box (Z3), with the bounds, while minimal_width and reduce raise SearchLimitExceeded
    naming them; the default limit finds the width 2."""
    from shallowsym import minimal_width, reduce, reduction

    net = ShallowNetwork(
        [[1, 0], [0, 1], [1, 1]], [Fraction(-1, 2), Fraction(-1, 2), 5], [[1, 1, -1]], [0]
    )
    box = Box([0, 0], [1, 1])
    result = reduction(net, domain=box, limit=1)
    assert result.lower_bound == 2 and result.network.h == 3
    assert z3_equal_on(net, result.network, *box_rows([0, 0], [1, 1]))
    assert "between 2 and 3" in result.to_text()
    assert result.to_dict()["minimal_width"] is None
    for call in (minimal_width, reduce):
        with pytest.raises(SearchLimitExceeded, match="between 2 and 3"):
            call(net, domain=box, limit=1)
    assert minimal_width(net, domain=box) == 2  # the default limit decides it


def test_a_polytope_beyond_float_range_is_answered_exactly():
    """Entries of 10^400 (no float holds them): the float proposals are skipped, the exact
    simplex answers, and the polytope prints short."""
    from shallowsym.domain import domain_roles

    big = 10**400
    poly = Polytope([[big, 0], [-1, 0], [0, 1], [0, -1]], [big, 0, 1, 0])  # the unit square
    assert poly.contains(poly.interior_point(), strict=True)
    net = ShallowNetwork([[1, 1], [1, 0], [1, 0]], [-1, 5, -3], [[1, 1, 1]], [0])
    assert domain_roles(net, poly).roles == ("bent", "affine", "dead")
    assert len(str(poly)) < 100
