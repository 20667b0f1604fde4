"""Three-valued exact equivalence of deep ReLU networks (proofs/deep.md sections 3-6).

EQUIVALENT when the reduced canonical forms agree (with a certificate, checked by replaying
it), NOT EQUIVALENT with a rational witness checked by exact evaluation, or UNKNOWN with what
was tried: never a guess. Complete exact decisions: for d = 1 the exact restriction to the
real line; for small networks (d <= 8, at most 48 hidden neurons after reduction) a bounded
enumeration of activation regions (REGION_BUDGET Fourier-Motzkin steps); with ``decide=True``,
bounded by ``limit=``, Z3 (linear real arithmetic) when installed, else the region enumeration.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
from flint import fmpq, fmpq_mat

from ..equivalence import equivalent as shallow_equivalent
from ..errors import SearchLimitExceeded, check_limit
from ..rationals import as_rational, as_vector, format_rational, to_fraction
from .canonical import DeepCanonicalForm, ReductionStep, Workspace, as_deep, canonical_form
from .lines import line_breakpoints, line_test_points
from .network import DeepNetwork
from .regions import region_difference

__all__ = ["DeepCertificate", "DeepEquivalence", "equivalent"]

DEFAULT_LIMIT = 10_000_000
# Without decide=True, networks this small are decided by a bounded exact region enumeration.
REGION_MAX_D = 8
REGION_MAX_NEURONS = 48
REGION_BUDGET = 100_000


@dataclass(frozen=True)
class DeepCertificate:
    """Why two deep networks are equivalent: reductions of each, then a standard map.

    Attributes
    ----------
    steps_a, steps_b
        The function-preserving reductions applied to a and to b (empty when b is in the
        standard orbit of a).
    maps
        One tuple per hidden layer of (neuron of a, neuron of b, t): after the reductions,
        neuron i of a becomes neuron p of b with its row (w, beta) multiplied by t > 0 and
        its outgoing weights divided by t.
    """

    steps_a: tuple[ReductionStep, ...]
    steps_b: tuple[ReductionStep, ...]
    maps: tuple[tuple[tuple[int, int, Fraction], ...], ...]

    @property
    def standard(self) -> bool:
        """True when no reduction was needed: b = g.a for a standard symmetry g."""
        return not self.steps_a and not self.steps_b

    def check(self, a: DeepNetwork, b: DeepNetwork) -> bool:
        """Replay the certificate exactly: every reduction's precondition holds and the
        standard map takes reduced a onto reduced b, entry by entry."""
        try:
            wa, wb = _replay(as_deep(a, "a"), self.steps_a), _replay(as_deep(b, "b"), self.steps_b)
            for lay, pairs in enumerate(self.maps):
                if sorted(i for i, _, _ in pairs) != sorted(wa.ids[lay]) or sorted(
                    p for _, p, _ in pairs
                ) != sorted(wb.ids[lay]):
                    return False
                target = {p: pos for pos, p in enumerate(wb.ids[lay])}
                order = sorted(pairs, key=lambda e: target[e[1]])
                wa.permute(lay, [wa.position(lay, i) for i, _, _ in order])
                for pos, (_, _, t) in enumerate(order):
                    if t <= 0:
                        return False
                    wa.scale(lay, pos, fmpq(t.numerator, t.denominator))
            return wa.W == wb.W and wa.b == wb.b
        except ValueError:
            return False

    def __str__(self) -> str:
        parts = []
        if self.steps_a:
            parts.append("reduce a: " + "; ".join(map(str, self.steps_a)))
        if self.steps_b:
            parts.append("reduce b: " + "; ".join(map(str, self.steps_b)))
        for lay, pairs in enumerate(self.maps):
            parts.append(
                f"layer {lay}: "
                + ", ".join(f"{i}->{p} (x{format_rational(t)})" for i, p, t in pairs)
            )
        return "; ".join(parts) if parts else "no hidden neurons"

    def _repr_markdown_(self) -> str:
        return "```\n" + str(self) + "\n```"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; scales are exact strings."""
        return {
            "steps_a": [s.to_dict() for s in self.steps_a],
            "steps_b": [s.to_dict() for s in self.steps_b],
            "maps": [[[i, p, format_rational(t)] for i, p, t in pairs] for pairs in self.maps],
        }


def _replay(net: DeepNetwork, steps: tuple[ReductionStep, ...]) -> Workspace:
    work = Workspace(net)
    for step in steps:
        work.apply(step)
    return work


def _certificate(
    a: DeepNetwork, b: DeepNetwork, ca: DeepCanonicalForm, cb: DeepCanonicalForm
) -> DeepCertificate:
    """The certificate from two equal canonical forms: match neurons by canonical position,
    then read each scale off the first nonzero entry of the row."""
    wa, wb = _replay(a, ca.steps), _replay(b, cb.steps)
    maps = []
    for lay in range(wa.hidden):
        wa.permute(lay, [wa.position(lay, i) for i in ca.order[lay]])
        wb.permute(lay, [wb.position(lay, i) for i in cb.order[lay]])
        pairs = []
        for pos in range(len(wa.b[lay])):
            ra = [*wa.W[lay][pos], wa.b[lay][pos]]
            rb = [*wb.W[lay][pos], wb.b[lay][pos]]
            j = next(j for j, x in enumerate(ra) if x != 0)
            t = rb[j] / ra[j]
            wa.scale(lay, pos, t)
            pairs.append((wa.ids[lay][pos], wb.ids[lay][pos], to_fraction(t)))
        maps.append(tuple(sorted(pairs)))
    return DeepCertificate(ca.steps, cb.steps, tuple(maps))


@dataclass(frozen=True)
class DeepEquivalence:
    """The verdict of :func:`equivalent`: ``equivalent`` is True, False or None (UNKNOWN).

    Attributes
    ----------
    equivalent
        True (proved), False (a witness separates, or d or k differ), None (undecided).
    reason
        In words: what proved it, or what was tried.
    method
        ``"canonical form"``, ``"shallow canonical form"`` (both reduce to one hidden layer,
        where :func:`shallowsym.equivalent` decides completely), ``"witness search"``,
        ``"line"`` (exact restriction to R when d = 1) or ``"z3"``.
    witness, values
        When not equivalent: a rational point and (a(x), b(x)), checked exactly.
    tried
        For UNKNOWN (and NOT EQUIVALENT): the searches that ran.
    certificate_builder
        When proved by canonical forms: a function building the certificate (the verdict
        does not wait for it; read :attr:`certificate`).
    """

    equivalent: bool | None
    reason: str
    method: str
    witness: tuple[Fraction, ...] | None = None
    values: tuple[tuple[Fraction, ...], tuple[Fraction, ...]] | None = None
    tried: tuple[str, ...] = field(default=())
    certificate_builder: Callable[[], DeepCertificate] | None = field(
        default=None, repr=False, compare=False
    )

    @property
    def certificate(self) -> DeepCertificate | None:
        """When proved by canonical forms: the :class:`DeepCertificate` (per-layer
        permutations and scales after the reductions), built on first access and checked by
        replaying it; None otherwise."""
        if self.certificate_builder is None:
            return None
        if "_certificate" not in self.__dict__:
            object.__setattr__(self, "_certificate", self.certificate_builder())
        return self.__dict__["_certificate"]

    @property
    def unknown(self) -> bool:
        """True when the verdict is UNKNOWN."""
        return self.equivalent is None

    @property
    def verdict(self) -> str:
        """``"EQUIVALENT"``, ``"NOT EQUIVALENT"`` or ``"UNKNOWN"``."""
        return {True: "EQUIVALENT", False: "NOT EQUIVALENT", None: "UNKNOWN"}[self.equivalent]

    def __bool__(self) -> bool:
        return self.equivalent is True

    def __str__(self) -> str:
        lines = [f"{self.verdict}: {self.reason}"]
        if self.witness is not None and self.values is not None:
            lines.append(
                f"witness x = {_fmt(self.witness)}: a(x) = {_fmt(self.values[0])}, "
                f"b(x) = {_fmt(self.values[1])}"
            )
        if self.certificate is not None:
            lines.append(f"certificate: {self.certificate}")
        if self.equivalent is None and self.tried:
            lines.append("tried: " + "; ".join(self.tried))
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        return "```\n" + str(self) + "\n```"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; numbers are exact strings."""

        def strs(values):
            return None if values is None else [format_rational(v) for v in values]

        return {
            "verdict": self.verdict,
            "equivalent": self.equivalent,
            "reason": self.reason,
            "method": self.method,
            "witness": strs(self.witness),
            "values": None if self.values is None else [strs(v) for v in self.values],
            "certificate": None if self.certificate is None else self.certificate.to_dict(),
            "tried": list(self.tried),
        }


def _fmt(values: tuple[Fraction, ...]) -> str:
    if len(values) == 1:
        return format_rational(values[0])
    return "(" + ", ".join(format_rational(v) for v in values) + ")"


# -- witness search ------------------------------------------------------------------------


def _dyadic(x: float, bits: int = 12) -> fmpq:
    """A short dyadic rational near a float (search points only, never parameters)."""
    return fmpq(round(x * (1 << bits)), 1 << bits)


def _first_difference(a: DeepNetwork, b: DeepNetwork, points: list[list[fmpq]]):
    """The first of the exact points where a and b differ, or None."""
    if not points:
        return None
    n, d = len(points), a.d
    X = fmpq_mat(d, n, [points[j][i] for i in range(d) for j in range(n)])
    ya, yb = a.evaluate_exact(X), b.evaluate_exact(X)
    ea, eb = ya.entries(), yb.entries()
    for j in range(n):
        if any(ea[i * n + j] != eb[i * n + j] for i in range(a.k)):
            return points[j]
    return None


def _hyperplane_points(net: DeepNetwork, rng: np.random.Generator) -> list[list[fmpq]]:
    """For each first-layer neuron: the foot of a random point on its hyperplane, and points
    just across it on both sides (second differences across the bent hyperplane)."""
    W, b = net.layers[0]
    cols = W.ncols()
    entries = W.entries()
    out = []
    for i in range(W.nrows()):
        w = entries[i * cols : (i + 1) * cols]
        norm2 = sum((x * x for x in w), fmpq(0))
        if norm2 == 0:
            continue
        x0 = [_dyadic(v) for v in rng.standard_normal(cols)]
        z = sum((wi * xi for wi, xi in zip(w, x0, strict=True)), b[i, 0])
        foot = [xi - z / norm2 * wi for xi, wi in zip(x0, w, strict=True)]
        eps = fmpq(1, 1 << 20) / norm2
        out.append(foot)
        out.append([fi + eps * wi for fi, wi in zip(foot, w, strict=True)])
        out.append([fi - eps * wi for fi, wi in zip(foot, w, strict=True)])
    return out


def _scale(layers) -> float:
    """A typical distance of the first-layer hyperplanes from the origin (float, search only)."""
    first, offsets = layers[0]
    norms = np.linalg.norm(first, axis=1)
    ok = norms > 0
    if not ok.any():
        return 1.0
    return float(1.0 + np.median(np.abs(offsets[ok]) / norms[ok]))


def _float_layers(net: DeepNetwork) -> list[tuple[np.ndarray, np.ndarray]]:
    """The parameters rounded to float64 (search only: the points found are checked exactly)."""
    out = []
    for W, b in net.layers:
        entries = [float(x) for x in W.entries()]
        out.append(
            (
                np.array(entries).reshape(W.nrows(), W.ncols()),
                np.array([float(x) for x in b.entries()]),
            )
        )
    return out


def _active_points(layers, rng: np.random.Generator, scale: float, samples: int = 1024):
    """For every hidden neuron of layers >= 2: the sampled point where its pre-activation is
    largest, pushed by a few steps of gradient ascent when it is nowhere active. A difference
    confined to where one neuron is active shows there."""
    if len(layers) < 3:
        return []
    d = layers[0][0].shape[1]
    X = np.concatenate([s * rng.standard_normal((samples, d)) for s in (1.0, scale, 10 * scale)])
    chosen: list[np.ndarray] = []
    pres = _pre_activations(layers, X)
    for lay in range(1, len(pres)):
        for i in range(pres[lay].shape[1]):
            j = int(np.argmax(pres[lay][:, i]))
            x = X[j]
            if pres[lay][j, i] <= 0:
                x = _ascend(layers, lay, i, x, scale)
            if x is not None:
                chosen.append(x)
    return [[_dyadic(v, 20) for v in x] for x in chosen]


def _pre_activations(layers, X):
    """Float pre-activations of every hidden layer at the rows of X."""
    pres, act = [], X
    for W, b in layers[:-1]:
        pre = act @ W.T + b
        pres.append(pre)
        act = np.maximum(pre, 0)
    return pres


def _gradient(layers, lay, i, x):
    """Pre-activation of neuron i of hidden layer lay at x, and its gradient in x."""
    act, masks = x, []
    for W, b in layers[:lay]:
        pre = W @ act + b
        masks.append(pre > 0)
        act = np.maximum(pre, 0)
    z = layers[lay][0][i] @ act + layers[lay][1][i]
    g = layers[lay][0][i].copy()
    for n in range(lay - 1, -1, -1):
        g = (g * masks[n]) @ layers[n][0]
    return z, g


def _guided_points(ra: DeepNetwork, rb: DeepNetwork, layers, rng, scale, samples: int = 1024):
    """When the reduced forms have one architecture, the entries where they differ say where
    the functions can differ: where the neuron whose row differs is active together with the
    input neuron of the differing weight and some neuron it feeds. For each of up to 16
    differing rows, the best sampled points of min(groups of max(pre-activations)), then
    subgradient ascent on it."""
    if ra.architecture != rb.architecture or ra.depth < 2:
        return []
    targets = []
    for lay, ((Wa, ba), (Wb, bb)) in enumerate(zip(ra.layers, rb.layers, strict=True)):
        cols = Wa.ncols()
        ea, eb, ca, cb = Wa.entries(), Wb.entries(), ba.entries(), bb.entries()
        for i in range(Wa.nrows()):
            diff = [j for j in range(cols) if ea[i * cols + j] != eb[i * cols + j]]
            if diff or ca[i] != cb[i]:
                targets.append((lay, i, diff[:1]))
            if len(targets) >= 16:
                break
    hidden = len(layers) - 1
    d = layers[0][0].shape[1]
    X = np.concatenate([s * rng.standard_normal((samples, d)) for s in (1.0, scale, 10 * scale)])
    pres = _pre_activations(layers, X)
    chosen = []
    for lay, i, diff in targets:
        groups = []
        if lay < hidden:
            groups.append([(lay, i)])
            if lay + 1 < hidden:
                nxt = [(lay + 1, k) for k in np.flatnonzero(layers[lay + 1][0][:, i])]
                if nxt:
                    groups.append(nxt)
        if lay >= 1 and diff:
            groups.append([(lay - 1, diff[0])])
        if not groups:
            continue
        score = np.min(
            [np.max([pres[m][:, n] for m, n in group], axis=0) for group in groups], axis=0
        )
        top = np.argsort(score)[-4:]
        chosen.extend(X[top])
        x = X[top[-1]]
        for _ in range(40):
            values = [
                max(((_gradient(layers, m, n, x), (m, n)) for m, n in group), key=lambda e: e[0][0])
                for group in groups
            ]
            (z, g), _ = min(values, key=lambda e: e[0][0])
            if z > 0:
                chosen.append(x)
                break
            norm = np.linalg.norm(g)
            if norm == 0:
                break
            x = x + (0.1 * scale + min(-z / norm, 10 * scale)) * g / norm
    return [[_dyadic(v, 20) for v in x] for x in chosen]


def _ascend(layers, lay, i, x, scale, steps: int = 40):
    """Subgradient ascent on the pre-activation of neuron i of hidden layer lay from x."""
    for _ in range(steps):
        z, g = _gradient(layers, lay, i, x)
        if z > 0:
            return x
        norm = np.linalg.norm(g)
        if norm == 0:
            return None
        x = x + (0.1 * scale + min(-z / norm, 10 * scale)) * g / norm
    return None


def _search(a, b, ra, rb, *, seed, lines, limit):
    """Witness search; returns (point or None, tried descriptions)."""
    rng = np.random.default_rng(seed)
    d = a.d
    tried = []
    fa, fb = _float_layers(ra), _float_layers(rb)
    scale = max(_scale(fa), _scale(fb))
    for count, spread in ((8, 1.0), (24, scale), (16, 10 * scale)):
        pts = [[_dyadic(v) for v in spread * rng.standard_normal(d)] for _ in range(count)]
        tried.append(f"{count} random rational points (spread {spread:.3g})")
        x = _first_difference(a, b, pts)
        if x is not None:
            return x, tried
    pts = _hyperplane_points(ra, rng) + _hyperplane_points(rb, rng)
    tried.append(f"{len(pts)} points on and across the first-layer hyperplanes")
    x = _first_difference(a, b, pts)
    if x is not None:
        return x, tried
    pts = _guided_points(ra, rb, fa, rng, scale)
    if pts:
        tried.append(f"{len(pts)} points where the differing entries of the reduced forms act")
        x = _first_difference(a, b, pts)
        if x is not None:
            return x, tried
    pts = _active_points(fa, rng, scale) + _active_points(fb, rng, scale)
    tried.append(f"{len(pts)} points where a hidden neuron of a deeper layer is most active")
    x = _first_difference(a, b, pts)
    if x is not None:
        return x, tried
    for n in range(lines):
        x0 = [_dyadic(v) for v in rng.standard_normal(d)]
        v = [_dyadic(u) for u in rng.standard_normal(d)]
        if not any(v):
            continue
        try:
            ts = line_test_points(
                line_breakpoints(ra, x0, v, limit=limit) + line_breakpoints(rb, x0, v, limit=limit)
            )
        except SearchLimitExceeded:
            tried.append(f"line {n + 1}: more than {limit} breakpoints, stopped")
            break
        pts = [[xi + t * vi for xi, vi in zip(x0, v, strict=True)] for t in ts]
        x = _first_difference(a, b, pts)
        tried.append(f"exact restriction to random line {n + 1} ({len(ts)} breakpoints)")
        if x is not None:
            return x, tried
    return None, tried


def _witness_result(a, b, x, method, reason, tried) -> DeepEquivalence:
    va, vb = a.evaluate([x])[0], b.evaluate([x])[0]
    assert va != vb, "internal error: the witness does not separate"
    return DeepEquivalence(
        False,
        reason,
        method,
        witness=tuple(map(to_fraction, x)),
        values=(va, vb),
        tried=tuple(tried),
    )


# -- complete decisions ------------------------------------------------------------------


def _z3_decide(a: DeepNetwork, b: DeepNetwork, limit: int):
    """Z3 over linear real arithmetic: a point where a and b differ, or None when none
    exists. Raises SearchLimitExceeded when Z3 spends more than ``limit`` resource units."""
    import z3

    def q(x: fmpq):
        return z3.Q(int(x.p), int(x.q))

    def outputs(net, xs, tag):
        acts = xs
        for index, (W, bias) in enumerate(net.layers):
            cols = W.ncols()
            entries = W.entries()
            pre = [
                z3.Sum(
                    [
                        q(entries[i * cols + j]) * acts[j]
                        for j in range(cols)
                        if entries[i * cols + j]
                    ]
                    + [q(bias[i, 0])]
                )
                for i in range(W.nrows())
            ]
            if index == len(net.layers) - 1:
                return pre
            acts = []
            for i, z in enumerate(pre):
                h = z3.Real(f"h{tag}_{index}_{i}")
                acts.append(h)
                solver.add(h == z3.If(z > 0, z, 0))
        return acts

    solver = z3.Solver()
    solver.set("rlimit", limit)
    xs = [z3.Real(f"x{i}") for i in range(a.d)]
    fa, fb = outputs(a, xs, "a"), outputs(b, xs, "b")
    solver.add(z3.Or([p != r for p, r in zip(fa, fb, strict=True)]))
    verdict = solver.check()
    if verdict == z3.unknown:
        raise SearchLimitExceeded(
            f"Z3 stopped after {limit} resource units: {solver.reason_unknown()}", limit=limit
        )
    if verdict == z3.unsat:
        return None
    model = solver.model()
    point = []
    for x in xs:
        value = model.eval(x, model_completion=True).as_fraction()
        point.append(as_rational(value, "the Z3 model"))
    return point


def _shallow(a, b, sa, sb) -> DeepEquivalence:
    """Both reduced networks have one hidden layer: the complete shallow theory decides."""
    result = shallow_equivalent(sa, sb)
    tried = ("reduced canonical forms differ; both have one hidden layer",)
    if result.equivalent:
        return DeepEquivalence(
            True,
            "both reduce to one hidden layer, where the shallow canonical forms agree "
            f"({result.reason})",
            "shallow canonical form",
            tried=tried,
        )
    return _witness_result(
        a,
        b,
        as_vector(result.witness, "the shallow witness"),
        "shallow canonical form",
        f"both reduce to one hidden layer, where the shallow theory separates them "
        f"({result.reason})",
        list(tried),
    )


def _validate(a, b, decide, limit, seed, lines):
    a, b = as_deep(a, "a"), as_deep(b, "b")
    if not isinstance(decide, bool):
        raise TypeError(f"decide must be True or False, not {type(decide).__name__}")
    check_limit(limit)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, not {type(seed).__name__}")
    if isinstance(lines, bool) or not isinstance(lines, int) or lines < 0:
        raise ValueError(f"lines must be a non-negative integer, not {lines!r}")
    return a, b


def equivalent(
    a: DeepNetwork,
    b: DeepNetwork,
    *,
    decide: bool = False,
    limit: int = DEFAULT_LIMIT,
    seed: int = 0,
    lines: int = 2,
) -> DeepEquivalence:
    """Decide soundly whether two deep ReLU networks compute the same function on R^d.

    Parameters
    ----------
    a, b
        :class:`DeepNetwork` (or :class:`shallowsym.ShallowNetwork`); depths and widths may
        differ.
    decide
        Keyword-only. When the canonical forms differ and no witness was found, run a
        complete exact decision: Z3 (``pip install z3-solver``) over linear real arithmetic,
        or without Z3 the exact enumeration of activation regions (proofs/deep.md section 6).
        Without ``decide``, the region enumeration still runs, with a small fixed budget, on
        networks with d <= 8 and at most 48 hidden neurons after reduction.
    limit
        Bound on the complete decision (Z3 resource units, feasibility tests of activation
        regions: Fourier-Motzkin steps, or breakpoints of a line when d = 1); exceeding it
        with ``decide=True`` raises :class:`~shallowsym.errors.SearchLimitExceeded`.
    seed
        Seed of the (deterministic) witness search.
    lines
        How many random lines the witness search restricts both networks to exactly.

    Returns
    -------
    DeepEquivalence
        EQUIVALENT (``equivalent is True``) with a checked :class:`DeepCertificate` when the
        reduced canonical forms agree (or when a complete decision proves it);
        NOT EQUIVALENT with a rational witness checked by exact evaluation; UNKNOWN
        (``equivalent is None``) with what was tried.

    Raises
    ------
    TypeError
        If a or b is not a network, or an option has the wrong type.
    ValueError
        If ``limit`` is not a positive integer or ``lines`` is negative.
    SearchLimitExceeded
        If ``decide=True`` and the complete decision needs more than ``limit``.

    Examples
    --------
    >>> a = DeepNetwork([[[1], [-1]], [[1, 1]], [[1]]], [[0, 0], [-1], [0]])
    >>> b = DeepNetwork([[[-2], [1]], [["1/2", 1]], [[1]]], [[0, 0], [-1], [0]])
    >>> print(equivalent(a, b))
    EQUIVALENT: same reduced canonical form; b = g.a, g permuting and scaling hidden layers
    certificate: layer 0: 0->1 (x1), 1->0 (x2); layer 1: 0->0 (x1)
    >>> c = DeepNetwork([[[1], [-1]], [[1, 1]], [[1]]], [[0, 0], ["-1.001"], [0]])
    >>> print(equivalent(a, c))
    NOT EQUIVALENT: a and b differ at a rational point found by the witness search
    witness x = 5341/4096: a(x) = 1245/4096, b(x) = 155113/512000

    References
    ----------
    proofs/deep.md, sections 3 (canonical form), 5 (witness search), 6 (complete decision).
    """
    a, b = _validate(a, b, decide, limit, seed, lines)
    if a.d != b.d:
        return DeepEquivalence(False, f"the input dimensions differ ({a.d} and {b.d})", "shape")
    if a.k != b.k:
        return DeepEquivalence(False, f"the output dimensions differ ({a.k} and {b.k})", "shape")
    ca, cb = canonical_form(a), canonical_form(b)
    if ca == cb:
        # equal reduced forms prove equivalence (every reduction preserves the function and
        # checked its precondition); the certificate is built and checked on request
        standard = not ca.steps and not cb.steps
        how = (
            "b = g.a, g permuting and scaling hidden layers"
            if standard
            else f"{len(ca.steps)} reductions of a and {len(cb.steps)} of b, then a "
            "permutation and positive scaling of every hidden layer"
        )

        def build() -> DeepCertificate:
            cert = _certificate(a, b, ca, cb)
            if not cert.check(a, b):  # pragma: no cover - would be a bug
                raise AssertionError("internal error: the certificate does not check")
            return cert

        return DeepEquivalence(
            True,
            f"same reduced canonical form; {how}",
            "canonical form",
            certificate_builder=build,
        )
    if ca.network.depth == 2 and cb.network.depth == 2:
        return _shallow(a, b, ca.network.to_shallow(), cb.network.to_shallow())
    x, tried = _search(a, b, ca.network, cb.network, seed=seed, lines=lines, limit=limit)
    if x is not None:
        return _witness_result(
            a,
            b,
            x,
            "witness search",
            "a and b differ at a rational point found by the witness search",
            tried,
        )
    tried.insert(
        0, f"reduced canonical forms differ (architectures {ca.architecture} and {cb.architecture})"
    )
    if a.d == 1:
        try:
            ts = line_test_points(
                line_breakpoints(ca.network, [fmpq(0)], [fmpq(1)], limit=limit)
                + line_breakpoints(cb.network, [fmpq(0)], [fmpq(1)], limit=limit)
            )
        except SearchLimitExceeded:
            if decide:
                raise
        else:
            x = _first_difference(a, b, [[t] for t in ts])
            tried.append(f"exact restriction to the whole real line ({len(ts)} test points)")
            if x is None:
                return DeepEquivalence(
                    True,
                    "a and b agree at every breakpoint of either and beyond both ends of "
                    "the real line, so everywhere (d = 1)",
                    "line",
                    tried=tuple(tried),
                )
            return _witness_result(a, b, x, "line", "a and b differ on the real line", tried)
    neurons = sum(ca.network.widths) + sum(cb.network.widths)
    small = a.d <= REGION_MAX_D and neurons <= REGION_MAX_NEURONS
    if not decide and small:
        try:
            return _regions(a, b, ca.network, cb.network, REGION_BUDGET, tried)
        except SearchLimitExceeded as err:
            tried.append(f"exact enumeration of activation regions stopped: {err}")
    if not decide:
        return DeepEquivalence(
            None,
            "the reduced canonical forms differ, which does not prove inequivalence at depth "
            ">= 2, and no witness was found; decide=True runs a complete decision",
            "witness search",
            tried=tuple(tried),
        )
    if importlib.util.find_spec("z3") is not None:
        x = _z3_decide(ca.network, cb.network, limit)
        tried.append("Z3 (linear real arithmetic) on the reduced networks")
        if x is None:
            return DeepEquivalence(
                True,
                "Z3 proved that no x has a(x) != b(x) (exact linear real arithmetic)",
                "z3",
                tried=tuple(tried),
            )
        return _witness_result(a, b, x, "z3", "Z3 found a point where a and b differ", tried)
    return _regions(a, b, ca.network, cb.network, limit, tried)


def _regions(a, b, ra, rb, limit, tried) -> DeepEquivalence:
    """The complete decision by exact enumeration of activation regions."""
    x, cells = region_difference(ra, rb, limit=limit)
    tried.append(f"exact enumeration of activation regions ({cells} cells compared)")
    if x is None:
        return DeepEquivalence(
            True,
            f"a and b are the same affine map on each of the {cells} open cells of their "
            "common activation regions, so everywhere",
            "regions",
            tried=tuple(tried),
        )
    return _witness_result(
        a, b, x, "regions", "a and b differ on an open cell of their activation regions", tried
    )
