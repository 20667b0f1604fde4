"""Oracles independent of the code under test.

* ``reference_eval``: plain-Fraction evaluation from the public parameters (no flint).
* ``z3_equivalent``: Z3 decides whether some x in R^d has f_a(x) != f_b(x) (linear real
  arithmetic with if-then-else; complete for these formulas).
"""

from fractions import Fraction

import z3

Z3_COUNTS = {"checked": 0, "equivalent": 0}


def reference_eval(net, x):
    x = [Fraction(v) for v in x]
    hidden = [
        max(sum((w * v for w, v in zip(row, x)), Fraction(0)) + b, Fraction(0))
        for row, b in zip(net.W1, net.b1)
    ]
    return tuple(
        sum((a * z for a, z in zip(row, hidden)), Fraction(0)) + c for row, c in zip(net.W2, net.b2)
    )


def _q(value):
    value = Fraction(value)
    return z3.Q(value.numerator, value.denominator)


def _z3_outputs(net, xs):
    pre = [sum((_q(w) * x for w, x in zip(row, xs)), _q(b)) for row, b in zip(net.W1, net.b1)]
    act = [z3.If(z > 0, z, 0) for z in pre]
    return [sum((_q(a) * z for a, z in zip(row, act)), _q(c)) for row, c in zip(net.W2, net.b2)]


def z3_equivalent(a, b, timeout_ms=60_000):
    """True iff f_a = f_b on R^d, decided by Z3; a counterexample is checked exactly."""
    assert (a.d, a.k) == (b.d, b.k)
    xs = [z3.Real(f"x{i}") for i in range(a.d)]
    fa, fb = _z3_outputs(a, xs), _z3_outputs(b, xs)
    solver = z3.Solver()
    solver.set("timeout", timeout_ms)
    solver.add(z3.Or([p != q for p, q in zip(fa, fb)]))
    verdict = solver.check()
    if verdict == z3.unknown:
        raise RuntimeError(f"z3 gave up: {solver.reason_unknown()}")
    Z3_COUNTS["checked"] += 1
    if verdict == z3.unsat:
        Z3_COUNTS["equivalent"] += 1
        return True
    model = solver.model()
    point = [model.eval(x, model_completion=True).as_fraction() for x in xs]
    assert reference_eval(a, point) != reference_eval(b, point), "z3 counterexample is wrong"
    return False


def check_standard_certificate(cert, a, b):
    """b's neuron perm[i] is (t w_i, t beta_i, a_i / t) and b2 agree: checked by hand."""
    assert a.h == b.h == len(cert.permutation) == len(cert.scales)
    assert sorted(cert.permutation) == list(range(a.h))
    assert a.b2 == b.b2
    for i, (j, t) in enumerate(zip(cert.permutation, cert.scales)):
        assert t > 0
        w, beta, out = a.neuron(i)
        w2, beta2, out2 = b.neuron(j)
        assert tuple(t * x for x in w) == w2
        assert t * beta == beta2
        assert tuple(x / t for x in out) == out2


def check_move_certificate(cert, a, b):
    """Replay the moves: each step keeps the function (plain evaluation), the last is b."""
    from shallowsym import MoveCertificate

    assert isinstance(cert, MoveCertificate) and cert.moves
    points = [[Fraction(3 * i - 4, 1 + c) for c in range(a.d)] for i in range(4)]
    net = a
    for move in cert.moves:
        net = move.apply(net)
        assert net.h == a.h
        assert [reference_eval(net, x) for x in points] == [reference_eval(a, x) for x in points]
    assert net == b


def numeric_jacobian(residual, x, step=1e-3):
    """Central differences: exact for quadratic polynomials up to rounding."""
    import numpy as np

    x = np.asarray(x, dtype=float)
    columns = []
    for e in step * np.eye(x.size):
        columns.append((residual(x + e) - residual(x - e)) / (2 * step))
    return np.array(columns).T


def numeric_local_dimension(residual, x0, *, seed, samples=120, eps=1e-3):
    """The dimension at x0 of {x : residual(x) = 0} for a system of quadratic polynomials,
    estimated in floats with no theory of the system: random points near x0 are pulled back
    onto the variety by Gauss-Newton, and the largest corank of the Jacobian there (central
    differences, exact for quadratics up to rounding) is taken. Points pulled back land at
    generic points of the components near x0, where the corank is the component's dimension."""
    import numpy as np

    rng = np.random.default_rng(seed)
    x0 = np.asarray(x0, dtype=float)

    best = -1
    for _ in range(samples):
        x = x0 + eps * rng.standard_normal(x0.size)
        for _ in range(80):
            value = residual(x)
            if np.linalg.norm(value) < 1e-13:
                break
            x = x - np.linalg.lstsq(numeric_jacobian(residual, x), value, rcond=1e-9)[0]
        if np.linalg.norm(residual(x)) > 1e-10 or np.linalg.norm(x - x0) > 100 * eps:
            continue
        singular = np.linalg.svd(numeric_jacobian(residual, x), compute_uv=False)
        corank = x.size - int((singular > 1e-7 * max(1.0, singular[0])).sum())
        best = max(best, corank)
    assert best >= 0, "no sample reached the variety"
    return best


def fraction_rank(rows):
    """The rank of a matrix of exact numbers by Gaussian elimination in Fraction (an oracle
    that shares no code with the library's modular ranks)."""
    rows = [[Fraction(x) for x in r] for r in rows if any(r)]
    rank = 0
    for col in range(len(rows[0]) if rows else 0):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][col]), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(rank + 1, len(rows)):
            if rows[i][col]:
                f = rows[i][col] / rows[rank][col]
                rows[i] = [x - f * y for x, y in zip(rows[i], rows[rank], strict=True)]
        rank += 1
    return rank
