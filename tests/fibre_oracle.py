"""An independent oracle for the fibre's local dimension at theta (small networks).

It shares no code with shallowsym and no part of its theory beyond the definition: the fibre of
theta is {theta' : f_theta' = f_theta}, split into strata by combinatorial type, and its
dimension at theta is the largest dimension of a stratum that comes arbitrarily close to theta.

1. *Types near theta.* Every neuron keeps its class nearby: a neuron with a != 0 and w != 0 stays
   live; one with a = 0 may stay zero-output or turn live; one with w = 0 may stay zero-input
   or turn live. The live neurons are split into groups (one group = one hyperplane), each group
   either on a bent hyperplane of f or cancelling, each member with an orientation relative to
   the group's. A type is kept only when theta satisfies its closed conditions exactly (the
   members' (w, beta) pairwise parallel, the kink sums of every group as f requires), checked
   in Fractions: a stratum whose closure contains theta must have theta in that Zariski closure.
2. *The stratum as equations in theta-space.* For a type T the stratum is the set of theta'
   with E_T(theta') = 0 (a = 0 or w = 0 for the non-live neurons; all 2 x 2 minors of the
   members' (w, beta) for each group, and against the bent hyperplane for bent groups; the kink
   sums sum_i e_i a_i (w_i, beta_i)^T of every group equal kappa_H (u_H, c_H)^T or 0; and
   W2 W1 = M; b2 is then fixed) and the open conditions (live neurons have a != 0 and w != 0,
   orientations as typed, hyperplanes of distinct groups distinct, cancelling groups off the
   bent hyperplanes).
3. *Near theta, numerically.* From random starts theta + r xi (r = 1e-2 and 2e-3), Gauss-Newton
   with minimum-norm steps lands on {E_T = 0} next to the start. At a landing point that
   satisfies the open conditions with margin, the nullity of the Jacobian of E_T (SVD, with a
   clear gap required) is the stratum's dimension there. The oracle's answer is the largest
   such value over the types and both radii; it reports ``None`` when the two radii disagree or
   a rank has no clear gap (no answer rather than a guess).
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np


def _key(w, beta):
    """Normalized (u, c) with u[p] = 1 at the first non-zero entry, and the orientation."""
    p = next(i for i, x in enumerate(w) if x != 0)
    scale = w[p]
    return tuple(x / scale for x in (*w, beta)), (1 if scale > 0 else -1), abs(scale)


class Theta:
    """theta as plain Fractions: w[i] (d), beta[i], a[i] (k)."""

    def __init__(self, W1, b1, W2):
        self.h = len(b1)
        self.d = len(W1[0]) if W1 else 0
        self.k = len(W2)
        self.w = [[Fraction(x) for x in row] for row in W1]
        self.beta = [Fraction(x) for x in b1]
        self.a = [[Fraction(W2[j][i]) for j in range(self.k)] for i in range(self.h)]
        self.kinks = {}
        for i in range(self.h):
            if any(self.w[i]) and any(self.a[i]):
                key, _, s = _key(self.w[i], self.beta[i])
                old = self.kinks.get(key, [Fraction(0)] * self.k)
                self.kinks[key] = [x + s * y for x, y in zip(old, self.a[i])]
        self.bent = {key: kink for key, kink in self.kinks.items() if any(kink)}
        self.M = [
            [sum(self.a[i][j] * self.w[i][c] for i in range(self.h)) for c in range(self.d)]
            for j in range(self.k)
        ]

    def vector(self, i):
        return [*self.w[i], self.beta[i]]


def _parallel(u, v):
    return all(u[p] * v[q] == u[q] * v[p] for p in range(len(u)) for q in range(p + 1, len(u)))


def _set_partitions(items):
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in _set_partitions(rest):
        yield [[first], *part]
        for i in range(len(part)):
            yield [*part[:i], [first, *part[i]], *part[i + 1 :]]


def _sign(u, v):
    """+1 or -1: the sign of lambda in u = lambda v, both non-zero and parallel."""
    p = next(i for i, x in enumerate(v) if x != 0)
    return 1 if u[p] * v[p] > 0 else -1


def types(theta: Theta, limit: int = 200000):
    """Every combinatorial type whose closed conditions theta satisfies exactly.

    Yields (status, groups): status[i] in {"live", "zo", "zi"}; groups: list of
    (members, orientations, bent_key or None)."""
    h = theta.h
    options = []
    for i in range(h):
        opts = ["live"]  # a neuron with a != 0 and w != 0 can only be live
        if not any(theta.a[i]):
            opts.append("zo")
        if not any(theta.w[i]):
            opts.append("zi")
        options.append(opts)
    bent_keys = list(theta.bent)
    count = 0
    for status in itertools.product(*options):
        live = [i for i in range(h) if status[i] == "live"]
        for partition in _set_partitions(live):
            if not all(
                _parallel(theta.vector(i), theta.vector(j))
                for g in partition
                for i, j in itertools.combinations(g, 2)
            ):
                continue
            per_group = []
            for g in partition:
                per_group.append(list(_group_choices(theta, g, bent_keys)))
            for choice in itertools.product(*per_group):
                labels = [c[2] for c in choice if c[2] is not None]
                if sorted(labels) != sorted(bent_keys):
                    continue
                count += 1
                if count > limit:
                    raise RuntimeError("too many types")
                yield status, list(choice)


def _group_choices(theta, g, bent_keys):
    """(members, orientations, bent key or None) for one group, F1 checked at theta."""
    nonzero = [i for i in g if any(theta.vector(i))]
    labels = [None]
    for key in bent_keys:
        if all(_parallel(theta.vector(i), list(key)) for i in nonzero):
            labels.append(key)
    for label in labels:
        if label is not None:
            reference = list(label)
        elif nonzero:
            reference = theta.vector(nonzero[0])
        else:
            reference = None
        free = [i for i in g if i not in nonzero]
        if reference is None:
            free = free[1:]  # the first member fixes the reference orientation
        for signs in itertools.product((1, -1), repeat=len(free)):
            e = {}
            if reference is None:
                e[g[0]] = 1
            for i in nonzero:
                e[i] = _sign(theta.vector(i), reference)
            e.update(zip(free, signs))
            orient = tuple(e[i] for i in g)
            # F1 at theta: sum_i e_i a_i (w_i, beta_i)^T = kappa (u, c)^T or 0
            total = [
                [
                    sum(e[i] * theta.a[i][j] * theta.vector(i)[c] for i in g)
                    for c in range(theta.d + 1)
                ]
                for j in range(theta.k)
            ]
            if label is None:
                target = [[Fraction(0)] * (theta.d + 1) for _ in range(theta.k)]
            else:
                kappa = theta.bent[label]
                target = [[kappa[j] * x for x in label] for j in range(theta.k)]
            if total == target:
                yield tuple(g), orient, label


class _System:
    """E_T in the type's own coordinates, and its Jacobian.

    Coordinates: (w, beta) of each zero-output neuron; (beta, a) of each zero-input neuron;
    (s_i, a_i) of each live neuron; a homogeneous direction n_g in R^(d+1) of each group that
    is not on a bent hyperplane, with the gauge n_g . n0_g = 1 (n0_g its direction at theta).
    A live neuron is (w_i, beta_i) = e_i s_i n_g, s_i > 0; bent groups have n_g = (u_H, c_H).
    Equations: the gauges; F1, sum over the group of s_i a_i = kappa_H or 0; F2,
    sum_g sum_i e_i s_i a_i n_g[:d]^T = M. This map is an immersion onto theta-space, so the
    nullity of the Jacobian is the stratum's dimension at a smooth point."""

    def __init__(self, theta: Theta, status, groups, rng):
        self.t, self.status, self.groups = theta, status, groups
        d, k = theta.d, theta.k
        self.index = {}
        size = 0

        def take(name, n):
            nonlocal size
            self.index[name] = slice(size, size + n)
            size += n

        base = []
        for i in range(theta.h):
            if status[i] == "zo":
                take(("wb", i), d + 1)
                base += [float(x) for x in theta.vector(i)]
            elif status[i] == "zi":
                take(("ba", i), k + 1)
                base += [float(theta.beta[i]), *(float(x) for x in theta.a[i])]
        self.n0 = []
        for gi, (members, _orient, label) in enumerate(groups):
            nonzero = [i for i in members if any(theta.vector(i))]
            if label is not None:
                n0 = np.array([float(x) for x in label])
            elif nonzero:
                n0 = np.array([float(x) for x in theta.vector(nonzero[0])])
            else:
                n0 = rng.standard_normal(d + 1)
            if label is None:
                n0 = n0 / np.linalg.norm(n0)  # unit, so that s_i and n_g have their natural scales
            self.n0.append(n0)
            if label is None:
                take(("n", gi), d + 1)
                base += list(n0)
            for i in members:  # theta's (w_i, beta_i) = e_i s_i n0
                take(("sa", i), 1 + k)
                v = np.array([float(x) for x in theta.vector(i)])
                base += [np.linalg.norm(v) / np.linalg.norm(n0), *(float(x) for x in theta.a[i])]
        self.size = size
        self.base = np.array(base)
        self.kappa = {key: np.array([float(x) for x in kappa]) for key, kappa in theta.bent.items()}
        self.M = np.array([[float(x) for x in row] for row in theta.M]).reshape(k, d)

    def start(self, rng, r):
        """A random point at distance about r from theta, with every s_i > 0."""
        x = self.base + r * rng.standard_normal(self.size)
        for name, sl in self.index.items():
            if name[0] == "sa":
                x[sl.start] = abs(x[sl.start])
        return x

    def direction(self, x, gi):
        if self.groups[gi][2] is not None:
            return self.n0[gi], None
        return x[self.index[("n", gi)]], self.index[("n", gi)]

    def residual_and_jacobian(self, x):
        t = self.t
        d, k = t.d, t.k
        rows, jac = [], []
        F2 = -self.M.copy()
        F2_grad = np.zeros((k, d, self.size))
        for gi, (members, orient, label) in enumerate(self.groups):
            n, n_slice = self.direction(x, gi)
            if n_slice is not None:  # gauge
                rows.append(n @ self.n0[gi] - 1)
                g = np.zeros(self.size)
                g[n_slice] = self.n0[gi]
                jac.append(g)
            kink = np.zeros(k)
            kink_grad = np.zeros((k, self.size))
            for i, e in zip(members, orient):
                sl = self.index[("sa", i)]
                s_i, a_i = x[sl][0], x[sl][1:]
                kink += s_i * a_i
                kink_grad[:, sl.start] += a_i
                kink_grad[:, sl.start + 1 : sl.stop] += s_i * np.eye(k)
                F2 += e * s_i * np.outer(a_i, n[:d])
                F2_grad[:, :, sl.start] += e * np.outer(a_i, n[:d])
                for j in range(k):
                    F2_grad[j, :, sl.start + 1 + j] += e * s_i * n[:d]
                if n_slice is not None:
                    for j in range(k):
                        for c in range(d):
                            F2_grad[j, c, n_slice.start + c] += e * s_i * a_i[j]
            target = self.kappa[label] if label is not None else np.zeros(k)
            rows += list(kink - target)
            jac += list(kink_grad)
        rows += list(F2.ravel())
        jac += list(F2_grad.reshape(k * d, self.size))
        if not rows:
            return np.zeros(0), np.zeros((0, self.size))
        return np.array(rows), np.array(jac)

    def point(self, x):
        """theta' in theta-space: rows (w_i, beta_i) and a_i."""
        t = self.t
        V = np.zeros((t.h, t.d + 1))
        A = np.zeros((t.h, t.k))
        for i in range(t.h):
            if self.status[i] == "zo":
                V[i] = x[self.index[("wb", i)]]
            elif self.status[i] == "zi":
                ba = x[self.index[("ba", i)]]
                V[i, t.d] = ba[0]
                A[i] = ba[1:]
        for gi, (members, orient, _) in enumerate(self.groups):
            n, _ = self.direction(x, gi)
            for i, e in zip(members, orient):
                sa = x[self.index[("sa", i)]]
                V[i] = e * sa[0] * n
                A[i] = sa[1:]
        return V, A

    def project(self, x0, radius, iterations=200):
        """Gauss-Newton with minimum-norm steps, each at most ``radius`` long (a trust region:
        near a singular point an undamped step can jump far along a nearly flat direction)."""
        x = x0.copy()
        for _ in range(iterations):
            r, J = self.residual_and_jacobian(x)
            if r.size == 0 or np.max(np.abs(r)) < 1e-14:
                return x
            step = np.linalg.lstsq(J, r, rcond=None)[0]
            length = np.linalg.norm(step)
            if length > radius:
                step *= radius / length
            x = x - step
        r, _ = self.residual_and_jacobian(x)
        return x if r.size == 0 or np.max(np.abs(r)) < 1e-12 else None

    def open_conditions_hold(self, x, margin):
        d = self.t.d
        directions = []
        for gi, (members, _, _) in enumerate(self.groups):
            n, _ = self.direction(x, gi)
            if np.max(np.abs(n[:d])) < margin:
                return False
            for i in members:
                sa = x[self.index[("sa", i)]]
                if sa[0] < margin or np.max(np.abs(sa[1:])) < margin:
                    return False
            directions.append(n / np.linalg.norm(n))
        bent = [np.array([float(v) for v in key]) for key in self.kappa]
        bent = [b / np.linalg.norm(b) for b in bent]
        for u, v in itertools.combinations(directions, 2):
            if _too_parallel(u, v, margin):
                return False
        for (_, _, label), u in zip(self.groups, directions):
            if label is None and any(_too_parallel(u, b, margin) for b in bent):
                return False
        return True

    def nullity(self, x):
        _, J = self.residual_and_jacobian(x)
        if J.shape[0] == 0:
            return self.size, True
        s = np.linalg.svd(J, compute_uv=False)
        scale = max(1.0, s[0])
        big = s > 1e-9 * scale
        # a clear answer needs a gap of five orders of magnitude at the cut
        small = s[~big]
        clear = not small.size or not np.any(big) or s[big][-1] > 1e5 * max(small[0], 1e-300)
        return self.size - int(np.sum(big)), clear


def _too_parallel(u, v, margin):
    return np.linalg.norm(u - v) < margin or np.linalg.norm(u + v) < margin


def local_dimension(W1, b1, W2, *, starts: int = 6, seed: int = 0, radii=(1e-2, 2e-3)):
    """The fibre's dimension at theta, or None when the numerics give no clear answer.

    Returns (value, number of types examined)."""
    theta = Theta(W1, b1, W2)
    rng = np.random.default_rng(seed)
    best = {r: -1 for r in radii}
    unclear = False
    examined = 0
    for status, groups in types(theta):
        examined += 1
        system = _System(theta, status, groups, rng)
        for r in radii:
            for _ in range(starts):
                x = system.project(system.start(rng, r), r)
                if x is None:
                    continue
                if np.max(np.abs(x - system.base), initial=0) > 100 * r:
                    continue  # landed away from theta (distances in the type's chart)
                if not system.open_conditions_hold(x, margin=r * 1e-3):
                    continue
                value, clear = system.nullity(x)
                unclear |= not clear
                best[r] = max(best[r], value)
    values = set(best.values())
    if unclear or len(values) != 1 or -1 in values:
        return None, examined
    # the fibre dimension counts b2 as fixed, like the stratum dimension
    return values.pop(), examined
