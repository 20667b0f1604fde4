"""Executable check of proofs/fibre_dimension.md, first statement: the tangent count of a stratum.

For a combinatorial type (zero-output and zero-input neurons; groups of live neurons on bent or
cancelling hyperplanes, each neuron with an orientation), the stratum of theta is the set of
parameters of that type with the same kinks (F1) and the same W2 W1 (F2); b2 is fixed by F3.
This file writes those equations out from scratch (its own parametrization: each live neuron
is e_i s_i (u_g, c_g) with u_g[0] = 1), takes the exact Jacobian of the constraint map at
theta, and checks that its nullity is the count of the proof,

    D = (k+1) h - k |S| + (d - k)(O + C) - (k n + m (d - n)),

n = dim span of the normals of the mixed groups, m = dim span of the v-terms P - Q of the mixed
cancelling groups, on random types with planted coincidences (parallel normals, parallel
v-terms). shallowsym is used only at the end, to compare its ``stratum_dimension`` at theta
with the nullity where theta is a smooth point (the nullity is then the dimension).
"""

import random
from fractions import Fraction

import pytest

from shallowsym import ShallowNetwork, stratum_dimension


def rank(rows):
    """Exact rank by Gaussian elimination over Fractions."""
    rows = [list(r) for r in rows if any(r)]
    r = 0
    width = len(rows[0]) if rows else 0
    for col in range(width):
        pivot = next((i for i in range(r, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        for i in range(r + 1, len(rows)):
            if rows[i][col] != 0:
                f = rows[i][col] / rows[r][col]
                rows[i] = [x - f * y for x, y in zip(rows[i], rows[r])]
        r += 1
    return r


def small(rng):
    return Fraction(rng.choice([-3, -2, -1, 1, 2, 3]), rng.choice([1, 2, 3]))


def draw_type(rng, d, k):
    """A random type and a point theta of it, as plain data."""
    groups = []
    for _ in range(rng.randint(0, 3)):
        cancelling = rng.random() < 0.4
        size = rng.randint(2, 3) if cancelling else rng.randint(1, 3)
        orientations = [rng.choice([1, -1]) for _ in range(size)]
        if rng.random() < 0.5:
            orientations = [1] * size
        u = [Fraction(1)] + [small(rng) for _ in range(d - 1)]
        if groups and rng.random() < 0.3:  # planted: a normal parallel to an earlier group's
            u = list(groups[-1]["u"])
        c = small(rng) + len(groups) * 7  # distinct offsets: distinct hyperplanes
        s = [Fraction(rng.randint(1, 4), rng.randint(1, 3)) for _ in range(size)]
        a = [[small(rng) for _ in range(k)] for _ in range(size)]
        if cancelling:  # kinks sum to zero: solve for the last neuron's output weights
            rest = [sum(s[i] * a[i][j] for i in range(size - 1)) for j in range(k)]
            a[-1] = [-x / s[-1] for x in rest]
            if all(x == 0 for x in a[-1]):
                continue
        groups.append({"u": u, "c": c, "s": s, "a": a, "e": orientations, "cancel": cancelling})
    zero_out = [[small(rng) for _ in range(d + 1)] for _ in range(rng.randint(0, 2))]
    zero_in = [[small(rng) for _ in range(k + 1)] for _ in range(rng.randint(0, 2))]
    return groups, zero_out, zero_in


def v_term(g, k):
    return [sum(e * s * a[j] for e, s, a in zip(g["e"], g["s"], g["a"])) for j in range(k)]


def jacobian_nullity(groups, zero_out, zero_in, d, k):
    """#variables - rank of the Jacobian of (F1 per group, F2) at theta, exactly.

    Variables per group: s_i, a_i (each neuron); u_g[1:], c_g when cancelling (bent
    hyperplanes are fixed by f). Zero-output and zero-input neurons enter no equation."""
    columns = []  # each column: derivative of the constraint vector w.r.t. one variable
    n_constraints = k * len(groups) + k * d
    free = (d + 1) * len(zero_out) + (k + 1) * len(zero_in)

    def column():
        return [Fraction(0)] * n_constraints

    for gi, g in enumerate(groups):
        for e, s, a in zip(g["e"], g["s"], g["a"]):
            col = column()  # d/ds_i
            for j in range(k):
                col[k * gi + j] += a[j]
                for p in range(d):
                    col[k * len(groups) + j * d + p] += e * a[j] * g["u"][p]
            columns.append(col)
            for j in range(k):  # d/da_i[j]
                col = column()
                col[k * gi + j] += s
                for p in range(d):
                    col[k * len(groups) + j * d + p] += e * s * g["u"][p]
                columns.append(col)
        if g["cancel"]:
            v = v_term(g, k)
            for p in range(1, d):  # d/du_g[p]
                col = column()
                for j in range(k):
                    col[k * len(groups) + j * d + p] += v[j]
                columns.append(col)
            free += 1  # c_g enters no equation of F1, F2 (it moves b2 only)
    rows = [list(r) for r in zip(*columns)] if columns else []
    return len(columns) + free - rank(rows)


def formula(groups, zero_out, zero_in, d, k):
    h = len(zero_out) + len(zero_in) + sum(len(g["s"]) for g in groups)
    bent = sum(1 for g in groups if not g["cancel"])
    cancelling = sum(1 for g in groups if g["cancel"])
    mixed = [g for g in groups if len(set(g["e"])) == 2]
    n = rank([g["u"] for g in mixed])
    m = rank([v_term(g, k) for g in mixed if g["cancel"]])
    return (k + 1) * h - k * bent + (d - k) * (len(zero_out) + cancelling) - (k * n + m * (d - n))


def draws(count, seed):
    rng = random.Random(seed)
    for _ in range(count):
        d, k = rng.randint(1, 3), rng.randint(1, 3)
        yield d, k, *draw_type(rng, d, k)


@pytest.mark.parametrize("seed", range(4))
def test_the_tangent_count_is_the_nullity_of_the_stratum_equations(seed):
    for d, k, groups, zero_out, zero_in in draws(150, seed):
        assert jacobian_nullity(groups, zero_out, zero_in, d, k) == formula(
            groups, zero_out, zero_in, d, k
        ), (d, k, groups, zero_out, zero_in)


def network(groups, zero_out, zero_in, d, k):
    W1, b1, W2 = [], [], []
    for g in groups:
        for e, s, a in zip(g["e"], g["s"], g["a"]):
            W1.append([e * s * x for x in g["u"]])
            b1.append(e * s * g["c"])
            W2.append(a)
    for wb in zero_out:
        W1.append(wb[:d])
        b1.append(wb[d])
        W2.append([0] * k)
    for ba in zero_in:
        W1.append([0] * d)
        b1.append(ba[0])
        W2.append(ba[1:])
    columns = [list(c) for c in zip(*W2)] if W2 else [[] for _ in range(k)]
    return ShallowNetwork.from_rows(W1, b1, columns, [0] * k, d=d)


def test_stratum_dimension_agrees_at_smooth_points():
    """Where the F2 data is in general position (normals and v-terms independent), theta is a
    smooth point and the nullity is the stratum's dimension; shallowsym must say the same."""
    compared = 0
    for d, k, groups, zero_out, zero_in in draws(300, 99):
        mixed = [g for g in groups if len(set(g["e"])) == 2]
        normals = [g["u"] for g in mixed]
        vs = [v_term(g, k) for g in mixed if g["cancel"]]
        if rank(normals) < len(normals) or rank(vs) < len(vs):
            continue  # possibly singular: the nullity is then only an upper bound
        if len({(tuple(g["u"]), g["c"]) for g in groups}) < len(groups):
            continue
        kinks = [v_term({**g, "e": [1] * len(g["s"])}, k) for g in groups if not g["cancel"]]
        if any(all(x == 0 for x in kink) for kink in kinks):
            continue  # a "bent" group whose kinks cancel by chance is another type
        net = network(groups, zero_out, zero_in, d, k)
        expected = jacobian_nullity(groups, zero_out, zero_in, d, k)
        assert stratum_dimension(net) == expected, (d, k, groups, zero_out, zero_in)
        compared += 1
    assert compared >= 100
