"""Minimal width, irreducibility and lossless reduction (docs/theory.md section 6).

With s bent hyperplanes and signs eps, R_eps = M - sum_H eps_H kappa_H u_H^T. A second neuron
on a bent hyperplane H frees the term along u_H (S6); a cancelling pair on a new hyperplane adds
any rank-one matrix (S7). Hence

    N_min(f) = s + min over eps and J of [ |J| + 2 rank(R_eps Q_J) ],

Q_J spanning the annihilator of {u_H : H in J}. Cheap bounds come first: s <= N_min <= h (the
network itself) and N_min <= s + 2 rank(R_+) (every bent hyperplane pure with eps = +1, J
empty), so a network whose every neuron sits on its own bent hyperplane is answered without
any search. Only what the bounds leave open is searched; the search over J and eps is
exponential, goes by increasing |J|, stops as soon as no smaller value is possible, finds sign
choices with R_eps Q_J = 0 by meet in the middle over signed sums, and is bounded by
``limit=``.

``reduce`` first deletes and merges neurons of the network itself (zero-output neurons
deleted, zero-input neurons absorbed into b2, same-orientation twins merged onto the first of
them), keeping every kept neuron's input weights and bias; only when that is not minimal does
it build a minimal network from the canonical form. :func:`reduction` returns the map to the
original neurons.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .canonical import CanonicalForm, canonical_form
from .domain.sets import as_domain
from .domain.width import DEFAULT_LIMIT as DOMAIN_LIMIT
from .domain.width import minimal_width_on, reduce_on, reduction_on
from .errors import SearchLimitExceeded, check_limit
from .fibre.flips import DEFAULT_LIMIT
from .fibre.residual import (
    annihilator,
    normals,
    projected,
    residual,
    residual_cost,
    zero_residual_signs,
)
from .fibre.strata import realize
from .hyperplanes import neuron_keys
from .linalg import rank
from .network import ShallowNetwork, check_network
from .roles import CombinatorialType, structure
from .text import markdown_block, network_text, shorten

__all__ = ["ReducedNetwork", "Reduction", "is_irreducible", "minimal_width", "reduce", "reduction"]


@dataclass(frozen=True)
class Reduction:
    """The minimizer of N_min: signs of the pure bent hyperplanes, the mixed set J, rho."""

    width: int
    signs: tuple[int, ...]  # per bent hyperplane: +1, -1, or 0 for "in J"
    rho: int

    @property
    def type(self) -> CombinatorialType:
        bent = tuple((1, 0) if e > 0 else (0, 1) if e < 0 else (1, 1) for e in self.signs)
        return CombinatorialType(bent, ((1, 1),) * self.rho)


class _Search:
    def __init__(self, cf: CanonicalForm, limit: int):
        self.cf, self.limit, self.steps = cf, limit, 0
        self.rank_cost = residual_cost(cf)
        self.normals = normals(cf)

    def tick(self, amount: int = 1) -> None:
        self.steps += amount
        if self.steps > self.limit:
            raise SearchLimitExceeded(
                f"the minimal-width search exceeds limit={self.limit} steps; pass a larger limit=",
                limit=self.limit,
            )

    def basis(self, J: tuple[int, ...]) -> list[list[Fraction]]:
        return annihilator(self.cf, J, self.normals)

    def projected_rank(self, signs: dict[int, int], basis) -> int:
        if not basis:
            return 0
        return rank(projected(residual(self.cf, signs, self.normals), basis), len(basis))

    def zero_signs(self, pure: list[int], basis) -> dict[int, int] | None:
        """Signs on ``pure`` with R_eps Q_J = 0 (meet in the middle), or None."""
        if not basis:  # every choice qualifies
            return dict.fromkeys(pure, 1)
        if pure:
            self.tick(2 ** (len(pure) // 2) + 2 ** (len(pure) - len(pure) // 2))
        signs = next(
            zero_residual_signs(
                self.cf,
                pure,
                basis,
                self.normals,
                limit=max(1, self.limit - self.steps),  # what is left of the budget
                max_solutions=1_000_000,
            ),
            None,
        )
        return None if signs is None else dict(zip(pure, signs, strict=True))


def _minimize(cf: CanonicalForm, limit: int, width: int | None = None) -> Reduction | None:
    """The minimizer, or None when the given ``width`` (a network realizing f) is minimal."""
    search = _Search(cf, limit)
    s, k = cf.num_bent, cf.k
    if width is not None and width <= s:  # lower bound s = upper bound h
        return None
    # Upper bound: all pure with positive signs and J empty.
    all_pure = dict.fromkeys(range(s), 1)
    best_extra = 2 * search.projected_rank(all_pure, search.basis(()))
    best: Reduction | None = Reduction(s + best_extra, tuple(1 for _ in range(s)), best_extra // 2)
    if width is not None and width - s <= best_extra:
        best_extra, best = width - s, None
    for size in range(0, s + 1):
        if size >= best_extra:
            break
        for J in itertools.combinations(range(s), size):
            search.tick(search.rank_cost)
            basis = search.basis(J)
            pure = [j for j in range(s) if j not in J]
            max_rho = (best_extra - size - 1) // 2
            if max_rho < 0:
                continue
            signs = search.zero_signs(pure, basis)
            rho = 0
            if signs is None:
                if max_rho == 0 or min(k, len(basis)) == 0:
                    continue
                signs, rho = _best_signs(search, pure, basis, max_rho)
                if signs is None:
                    continue
            extra = size + 2 * rho
            if extra < best_extra:
                best_extra = extra
                full = tuple(0 if j in J else signs[j] for j in range(s))
                best = Reduction(s + extra, full, rho)
    return best


def _best_signs(search: _Search, pure: list[int], basis, max_rho: int):
    """The signs minimizing rank(R_eps Q_J) when it cannot be 0 (exhaustive, bounded)."""
    best_signs, best_rho = None, max_rho + 1
    k = search.cf.k
    if min(k, len(basis)) == 1:
        # rank <= 1 always: any signs give rho = 1.
        return dict.fromkeys(pure, 1), 1
    for choice in itertools.product((1, -1), repeat=len(pure)):
        search.tick(search.rank_cost)
        signs = dict(zip(pure, choice, strict=True))
        rho = search.projected_rank(signs, basis)
        if rho < best_rho:
            best_signs, best_rho = signs, rho
            if rho == 1:
                break
    return (best_signs, best_rho) if best_rho <= max_rho else (None, 0)


def _reduction(net: ShallowNetwork, limit: int) -> Reduction | None:
    """The minimizer, or None when ``net`` itself has minimal width."""
    if not isinstance(net, ShallowNetwork):
        raise TypeError(f"expected a ShallowNetwork, not {type(net).__name__}")
    check_limit(limit)
    cf = canonical_form(net)
    if net.h <= cf.num_bent:
        return None
    # Upper bound: the width after deleting zero neurons and merging twins.
    return _minimize(cf, limit, len(_simplification(net)[0]))


def _width(net: ShallowNetwork, limit: int) -> int:
    best = _reduction(net, limit)
    if best is not None:
        return best.width
    if net.h <= canonical_form(net).num_bent:  # the lower bound s is attained by net
        return net.h
    return len(_simplification(net)[0])  # attained by net with zero neurons and twins removed


def _limit(limit: int | None, domain: Any) -> int:
    """``limit``, or the default of the question: DEFAULT_LIMIT steps of the sign and mixed-set
    search on R^d, DOMAIN_LIMIT flip sets on a domain (each a rank over Q^(k x d))."""
    if limit is not None:
        return limit
    return DEFAULT_LIMIT if domain is None else DOMAIN_LIMIT


def minimal_width(net: ShallowNetwork, *, limit: int | None = None, domain=None) -> int:
    """N_min(f): the fewest hidden neurons of any network computing f_net.

    With ``domain=D`` (a Box or Polytope): the fewest neurons of a network equal to f_net on
    int(D), by :func:`shallowsym.domain.width.minimal_width_on` (proofs/domains.md, Theorem D4).

    Parameters
    ----------
    net : ShallowNetwork
    limit : int or None, keyword-only
        Bound on the search over orientations and mixed sets (None, the default: 2^22 steps
        on R^d, 1024 flip sets on a domain), used only where the bounds
        (bent hyperplanes <= N_min <= h, and the closed forms of docs/theory.md section 6) leave
        the value open.
    domain : Box or Polytope, keyword-only
        The question on int(D) instead of all of R^d (proofs/domains.md).

    Returns
    -------
    int
        N_min, between the number of bent hyperplanes and h.

    Raises
    ------
    TypeError
        If ``net`` is not a ShallowNetwork.
    ValueError
        If ``limit`` is not a positive integer or ``domain`` does not fit ``net``.
    SearchLimitExceeded
        When the search over signs and mixed sets needs more than ``limit`` steps.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> minimal_width(ShallowNetwork([[1], [1]], [1, 1], [[1, 2]], [0]))   # 3 relu(x + 1)
    1
    >>> minimal_width(ShallowNetwork([[1], [-1]], [0, 0], [[1, -1]], [0]))  # the identity x
    2

    References
    ----------
    docs/theory.md section 6 (minimal width) and section 9 (on a domain); proofs/domains.md;
    S. Dereich and S. Kassing, "On minimal representations of shallow ReLU networks", Neural
    Networks 148 (2022) (the 0/1/2 trichotomy for k = 1).
    """
    check_network(net, "minimal_width", "net")
    if domain is not None:
        return minimal_width_on(net, domain, limit=_limit(limit, domain))
    return _width(net, _limit(limit, domain))


def is_irreducible(net: ShallowNetwork, *, limit: int | None = None, domain=None) -> bool:
    """Whether no network with fewer neurons computes f_net (h == N_min); on D with ``domain``.

    Parameters
    ----------
    net : ShallowNetwork
    limit : int or None, keyword-only
        Bound on the search over orientations and mixed sets (None, the default: 2^22 steps
        on R^d, 1024 flip sets on a domain), used only where the bounds
        (bent hyperplanes <= N_min <= h, and the closed forms of docs/theory.md section 6) leave
        the value open.
    domain : Box or Polytope, keyword-only
        The question on int(D) instead of all of R^d (proofs/domains.md).

    Returns
    -------
    bool
        ``net.h == minimal_width(net, ...)``.

    Raises
    ------
    TypeError
        If ``net`` is not a ShallowNetwork.
    ValueError
        If ``limit`` is not a positive integer or ``domain`` does not fit ``net``.
    SearchLimitExceeded
        When the search over signs and mixed sets needs more than ``limit`` steps.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> is_irreducible(ShallowNetwork([[1], [-1]], [0, 0], [[1, 1]], [0]))
    True
    >>> is_irreducible(ShallowNetwork([[1], [2]], [1, 2], [[1, 1]], [0]))
    False

    References
    ----------
    docs/theory.md section 6 (minimal width) and section 9 (on a domain); proofs/domains.md;
    S. Dereich and S. Kassing, "On minimal representations of shallow ReLU networks", Neural
    Networks 148 (2022).
    """
    check_network(net, "is_irreducible", "net")
    if domain is not None:
        return net.h == minimal_width_on(net, domain, limit=_limit(limit, domain))
    return net.h == _width(net, _limit(limit, domain))


@dataclass(frozen=True)
class ReducedNetwork:
    """A network of minimal width computing f, with the map to the original neurons.

    Attributes
    ----------
    network
        The reduced network (checked: same canonical form as the original).
    original
        The original network.
    origin
        For each neuron of ``network``, the original neuron whose input weights and bias it
        keeps, or None when it was built anew from the canonical form.
    merged
        For each neuron of ``network``, the original neurons merged into it (its own first).
    removed
        The original neurons deleted (zero-output ones, and zero-input ones absorbed into b2).
    kept_neurons
        True when every neuron of ``network`` is an original neuron (so a float model reduces
        to numbers that are sums of the originals' output weights, never rescaled).
    """

    network: ShallowNetwork
    original: ShallowNetwork
    origin: tuple[int | None, ...]
    merged: tuple[tuple[int, ...], ...]
    removed: tuple[int, ...]
    domain: Any = None
    #: None when ``network`` is proven minimal; else a lower bound on the minimal width (on a
    #: domain whose flip-set search stopped at ``limit``: ``network`` is then the best found)
    lower_bound: int | None = None

    @property
    def kept_neurons(self) -> bool:
        return all(i is not None for i in self.origin)

    @property
    def width(self) -> int:
        return self.network.h

    def to_text(self, *, full: bool = False, exact: bool = False) -> str:
        """For people: widths, what was deleted and merged, the map, the reduced neurons."""
        net, orig = self.network, self.original
        on = "" if self.domain is None else f" on D = {self.domain}"
        if self.lower_bound is None:
            head = f"width {orig.h}, minimal width {net.h}{on}" + (
                " (irreducible)" if net.h == orig.h else ""
            )
        else:
            head = (
                f"width {orig.h}, reduced to {net.h}{on}; the minimal width is between "
                f"{self.lower_bound} and {net.h} (the flip-set search stopped at its limit: "
                "--limit / limit= searches further)"
            )
        lines = [head]
        if net.h < orig.h:
            fresh = sum(o is None for o in self.origin)
            if not fresh:
                how = "kept original neurons (input weights and biases unchanged)"
            elif fresh == net.h:
                how = "built from the canonical form (no sub-network of the original is minimal)"
            else:
                how = (
                    f"kept {net.h - fresh} original neurons (input weights and biases "
                    f"unchanged), built {fresh} anew from the canonical form"
                    + ("" if self.domain is None else " on D")
                )
            lines.append(f"reduction: {how}")
            items = [str(i) for i in self.removed]
            lines.append(
                f"deleted {len(self.removed)} neurons: " + ", ".join(shorten(items, full=full))
                if self.removed
                else "deleted 0 neurons"
            )
            merges = [
                f"{m[0]} <- {', '.join(map(str, m[1:]))}"
                if o is not None
                else f"new neuron {n} <- {', '.join(map(str, m))}"
                for n, (o, m) in enumerate(zip(self.origin, self.merged, strict=True))
                if len(m) > (1 if o is not None else 0)
            ]
            if merges:
                lines.append(f"merged neurons on one hyperplane onto {len(merges)} neurons:")
                lines += [f"  {m}" for m in shorten(merges, full=full, noun="merges")]
        mapping = [
            f"{n} <- {'new' if o is None else f'original {o}'}" for n, o in enumerate(self.origin)
        ]
        lines.append("reduced neuron <- original neuron:")
        lines += ["  " + m for m in shorten(mapping, full=full, noun="neurons")]
        lines.append("reduced " + network_text(net, full=full, exact=exact))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def _repr_markdown_(self) -> str:
        return markdown_block(self.to_text())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the reduced network (exact strings) and the map."""
        return {
            "width": self.original.h,
            "minimal_width": self.network.h if self.lower_bound is None else None,
            "reduced_width": self.network.h,
            "minimal_width_bounds": [
                self.network.h if self.lower_bound is None else self.lower_bound,
                self.network.h,
            ],
            "irreducible": self.network.h == self.original.h and self.lower_bound is None,
            "kept_neurons": self.kept_neurons,
            "origin": list(self.origin),
            "merged": [list(m) for m in self.merged],
            "removed": list(self.removed),
            "domain": None if self.domain is None else self.domain.to_dict(),
            "network": self.network.to_dict(),
        }


def _simplify(net: ShallowNetwork) -> ReducedNetwork:
    """Delete zero-output neurons, absorb zero-input ones into b2, merge same-orientation
    twins onto the first of them (a_i += t a_j where (w_j, beta_j) = t (w_i, beta_i))."""
    kept, merged, outputs, b2 = _simplification(net)
    absorbed = {j for i in kept for j in merged[i]}
    removed = [i for i in range(net.h) if i not in absorbed]
    small = ShallowNetwork.from_rows(
        [list(net.neuron(i)[0]) for i in kept],
        [net.neuron(i)[1] for i in kept],
        [[outputs[i][r] for i in kept] for r in range(net.k)],
        b2,
        d=net.d,
    )
    return ReducedNetwork(
        small, net, tuple(kept), tuple(tuple(merged[i]) for i in kept), tuple(removed)
    )


def _simplification(net: ShallowNetwork):
    """(kept neurons, merged lists, merged output weights, b2) of :func:`_simplify`, without
    building the network (its width is an upper bound on N_min)."""
    s = structure(net)
    nk = neuron_keys(net)
    b2 = list(net.b2)
    outputs = {i: list(net.neuron(i)[2]) for g in s.groups for i in g.neurons}
    merged: dict[int, list[int]] = {}
    for g in s.groups:
        for side in (g.positive, g.negative):
            if not side:
                continue
            keep, *others = side
            merged[keep] = [keep]
            for j in others:
                t = nk.scale(j) / nk.scale(keep)
                outputs[keep] = [x + t * y for x, y in zip(outputs[keep], outputs[j], strict=True)]
                merged[keep].append(j)
    for i in s.zero_input_active:  # w = 0, beta > 0: the constant a relu(beta)
        _, beta, a = net.neuron(i)
        b2 = [c + x * beta for c, x in zip(b2, a, strict=True)]
    kept = sorted(i for i in merged if any(outputs[i]))
    return kept, merged, outputs, b2


def reduction(
    net: ShallowNetwork, *, limit: int | None = None, domain: Any = None
) -> ReducedNetwork:
    """A network of minimal width computing f_net, with the map to the original neurons.

    Parameters
    ----------
    net
        A network.
    limit
        Bound on the search over signs and mixed sets (only what the bounds leave open); None
        (the default) is 2^22 steps on R^d and 1024 flip sets on a domain (on a domain, past
        it the best network found is returned, with ``lower_bound`` set).
    domain
        A Box or Polytope: minimal width among networks equal to f_net on int(D)
        (:func:`shallowsym.domain.width.reduction_on`: one original neuron kept per bent
        hyperplane meeting int(D), the always-active part built anew).

    Returns
    -------
    ReducedNetwork
        ``network`` (checked to have the same canonical form), ``origin`` (the original neuron
        each reduced neuron is, or None when built anew), ``merged`` and ``removed``.

    Raises
    ------
    TypeError
        If ``net`` is not a ``ShallowNetwork``.
    ValueError
        If ``limit`` is not a positive integer.
    SearchLimitExceeded
        When the bounds leave the width open and the search needs more than ``limit`` steps.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> net = ShallowNetwork([[1], [2], [0], [5]], [1, 2, 3, 0], [[1, 1, 4, 0]], [0])
    >>> result = reduction(net)
    >>> result.network, result.origin, result.merged, result.removed
    (ShallowNetwork(W1=[[1]], b1=[1], W2=[[3]], b2=[12]), (0,), ((0, 1),), (2, 3))

    References
    ----------
    docs/theory.md section 6 (proofs/minimal_width.md); twins and zero neurons: section 5, S3-S5.
    """
    if domain is not None:
        parts = reduction_on(net, domain, limit=_limit(limit, domain))
        return ReducedNetwork(
            parts.network,
            net,
            parts.origin,
            parts.merged,
            parts.removed,
            as_domain(domain, net.d),
            None if parts.minimal else parts.lower_bound,
        )
    limit = _limit(limit, domain)
    best = _reduction(net, limit)
    cf = canonical_form(net)
    if best is None and net.h <= cf.num_bent:
        return ReducedNetwork(net, net, tuple(range(net.h)), tuple((i,) for i in range(net.h)), ())
    simple = _simplify(net)
    if canonical_form(simple.network) != cf:
        raise AssertionError("internal error: deleting and merging neurons changed f")
    if best is None or simple.network.h <= best.width:
        return simple
    out = realize(cf, best.type, seed=0)
    if out is None or canonical_form(out) != cf:
        raise AssertionError("internal error: the minimal configuration was not realized")
    return ReducedNetwork(out, net, (None,) * out.h, ((),) * out.h, tuple(range(net.h)))


def reduce(net: ShallowNetwork, *, limit: int | None = None, domain=None) -> ShallowNetwork:
    """A network of minimal width computing the same function (checked).

    Original neurons are kept where that is minimal (see :func:`reduction`, which also gives
    the map to them); ``reduce(reduce(net)) == reduce(net)``.

    With ``domain=D``: minimal width among networks equal to f_net on int(D) (dead neurons
    dropped, affine ones merged; :func:`shallowsym.domain.width.reduce_on`).

    Parameters
    ----------
    net : ShallowNetwork
    limit : int or None, keyword-only
        Bound on the search over orientations and mixed sets (None, the default: 2^22 steps
        on R^d, 1024 flip sets on a domain), used only where the bounds
        (bent hyperplanes <= N_min <= h, and the closed forms of docs/theory.md section 6) leave
        the value open.
    domain : Box or Polytope, keyword-only
        The question on int(D) instead of all of R^d (proofs/domains.md).

    Returns
    -------
    ShallowNetwork
        Of width N_min, with the same canonical form (checked) on R^d or on D.

    Raises
    ------
    TypeError
        If ``net`` is not a ShallowNetwork.
    ValueError
        If ``limit`` is not a positive integer or ``domain`` does not fit ``net``.
    SearchLimitExceeded
        When the search over signs and mixed sets needs more than ``limit`` steps.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork, equivalent
    >>> net = ShallowNetwork([[1], [2], [0], [5]], [1, 2, 3, 0], [[1, 1, 4, 0]], [0])
    >>> small = reduce(net)
    >>> small.h, bool(equivalent(net, small))
    (1, True)

    References
    ----------
    docs/theory.md section 6 (minimal width) and section 9 (on a domain); proofs/domains.md;
    S. Dereich and S. Kassing, "On minimal representations of shallow ReLU networks", Neural
    Networks 148 (2022).
    """
    check_network(net, "reduce", "net")
    if domain is not None:
        return reduce_on(net, domain, limit=_limit(limit, domain))
    return reduction(net, limit=limit).network
