"""Symbolic checks (sympy) of the identities behind Theorem 1 and the mechanisms S5-S8.

relu is piecewise linear, so an identity in pre-activations z_1, ..., z_n holds iff it holds on
every sign pattern: each check substitutes z = +p and z = -p (p > 0) for every z and simplifies.
"""

import itertools

import sympy as sp

p = sp.Symbol("p", positive=True)


def relu(z):
    return sp.Max(z, 0)


def holds_on_every_sign_pattern(expr, zs):
    for signs in itertools.product((1, -1), repeat=len(zs)):
        values = {
            z: s * sp.Symbol(f"p{i}", positive=True) for i, (z, s) in enumerate(zip(zs, signs))
        }
        if sp.simplify(expr.subs(values)) != 0:
            return False
    return True


z, a, s, t, c, x = sp.symbols("z a s t c x", real=True)
s_pos, t_pos = sp.Symbol("s", positive=True), sp.Symbol("t", positive=True)


def test_scalar_identities():
    assert holds_on_every_sign_pattern(relu(z) - (sp.Abs(z) + z) / 2, [z])
    assert holds_on_every_sign_pattern(relu(-z) - (relu(z) - z), [z])
    assert sp.simplify(sp.Abs(t * z) - sp.Abs(t) * sp.Abs(z)) == 0


def test_theorem_1_per_neuron_expansion():
    # a relu(eps s l) = (s a / 2)|l| + (a/2) eps s l, for eps = +-1 and s > 0
    ell = sp.Symbol("l", real=True)
    for eps in (1, -1):
        lhs = a * relu(eps * s_pos * ell)
        rhs = s_pos * a / 2 * sp.Abs(ell) + a / 2 * eps * s_pos * ell
        assert holds_on_every_sign_pattern(lhs - rhs, [ell])


def test_s5_twins():
    a2 = sp.Symbol("a2", real=True)
    expr = a * relu(z) + a2 * relu(t_pos * z) - (a + t_pos * a2) * relu(z)
    assert holds_on_every_sign_pattern(expr, [z])


def test_s3_s4_zero_neurons():
    w, beta = sp.symbols("w beta", real=True)
    assert sp.simplify(0 * relu(w * x + beta)) == 0
    assert sp.simplify((a * relu(0 * x + beta)).diff(x)) == 0  # a constant in x


def test_s6_s7_opposite_orientations_give_an_affine_map():
    # P relu(l) + Q relu(-l) with P = -Q is P l: the cancelling group adds an affine map.
    P = sp.Symbol("P", real=True)
    ell = sp.Symbol("l", real=True)
    assert holds_on_every_sign_pattern(P * relu(ell) - P * relu(-ell) - P * ell, [ell])
    # docs/theory.md's S7 example, for every offset c (not only 5):
    u, v, w_ = sp.symbols("u v w", real=True)  # u = 2x, v = x + c stand for independent signs
    expr = relu(u) - (relu(-u) + 2 * relu(v) - 2 * relu(-v) - 2 * c)
    # substitute back u = 2x, v = x + c after using relu(y) - relu(-y) = y on both pairs
    reduced = sp.simplify(expr.subs({relu(u) - relu(-u): u}))
    direct = (u) - (2 * v - 2 * c)
    assert sp.simplify(direct.subs({u: 2 * x, v: x + c})) == 0
    assert holds_on_every_sign_pattern(relu(u) - relu(-u) - u, [u])
    assert holds_on_every_sign_pattern(relu(v) - relu(-v) - v, [v])
    del reduced, w_


def test_s8_flip_identity_with_symbolic_parameters():
    # Two neurons with a_1 w_1 + a_2 w_2 = 0: flip both, add a_1 beta_1 + a_2 beta_2 to b2.
    a1, a2, w1, b1, b2, x_ = sp.symbols("a1 a2 w1 beta1 beta2 x", real=True, nonzero=True)
    w2 = -a1 * w1 / a2  # the admissibility condition, solved for w2
    z1, z2 = w1 * x_ + b1, w2 * x_ + b2
    original = a1 * relu(z1) + a2 * relu(z2)
    flipped = a1 * relu(-z1) + a2 * relu(-z2) + a1 * b1 + a2 * b2
    # relu(-z) = relu(z) - z turns the difference into a linear form that must vanish:
    difference = sp.expand(
        flipped.subs({relu(-z1): relu(z1) - z1, relu(-z2): relu(z2) - z2}) - original
    )
    assert sp.simplify(difference) == 0
    assert holds_on_every_sign_pattern(relu(-z) - relu(z) + z, [z])
