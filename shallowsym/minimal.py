"""Minimal width, irreducibility and lossless reduction (THEORY.md section 6).

With s bent hyperplanes and signs eps, R_eps = M - sum_H eps_H kappa_H u_H^T. A second neuron
on a bent hyperplane H frees the term along u_H (S6); a cancelling pair on a new hyperplane adds
any rank-one matrix (S7). Hence

    N_min(f) = s + min over eps and J of [ |J| + 2 rank(R_eps Q_J) ],

Q_J spanning the annihilator of {u_H : H in J}. The search over J and eps is exponential; it
goes by increasing |J|, stops as soon as no smaller value is possible, finds sign choices with
R_eps Q_J = 0 by meet in the middle over signed sums, and is bounded by ``limit=``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

from .canonical import CanonicalForm, canonical_form
from .domainwidth import minimal_width_on, reduce_on
from .errors import SearchLimitExceeded, check_limit
from .fibre import realize
from .flips import DEFAULT_LIMIT
from .linalg import rank
from .network import ShallowNetwork
from .residual import annihilator, normals, projected, residual, zero_residual_signs
from .roles import CombinatorialType

__all__ = ["Reduction", "is_irreducible", "minimal_width", "reduce"]


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
                self.cf, pure, basis, self.normals, limit=self.limit, max_solutions=1_000_000
            ),
            None,
        )
        return None if signs is None else dict(zip(pure, signs, strict=True))


def _minimize(cf: CanonicalForm, limit: int) -> Reduction:
    search = _Search(cf, limit)
    s, k = cf.num_bent, cf.k
    # Upper bound: all pure with positive signs and J empty.
    all_pure = dict.fromkeys(range(s), 1)
    best_extra = 2 * search.projected_rank(all_pure, search.basis(()))
    best = Reduction(s + best_extra, tuple(1 for _ in range(s)), best_extra // 2)
    for size in range(0, s + 1):
        if size >= best_extra:
            break
        for J in itertools.combinations(range(s), size):
            search.tick()
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
        search.tick()
        signs = dict(zip(pure, choice, strict=True))
        rho = search.projected_rank(signs, basis)
        if rho < best_rho:
            best_signs, best_rho = signs, rho
            if rho == 1:
                break
    return (best_signs, best_rho) if best_rho <= max_rho else (None, 0)


def _reduction(net: ShallowNetwork, limit: int) -> Reduction:
    if not isinstance(net, ShallowNetwork):
        raise TypeError(f"expected a ShallowNetwork, not {type(net).__name__}")
    check_limit(limit)
    return _minimize(canonical_form(net), limit)


def minimal_width(net: ShallowNetwork, *, limit: int = DEFAULT_LIMIT, domain=None) -> int:
    """N_min(f): the fewest hidden neurons of any network computing f_net.

    With ``domain=D`` (a Box or Polytope): the fewest neurons of a network equal to f_net on
    int(D), by :func:`shallowsym.domainwidth.minimal_width_on` (proofs/domains.md, Theorem D4).

    Raises
    ------
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
    THEORY.md section 6; S. Dereich and S. Kassing, "On minimal representations of shallow
    ReLU networks", Neural Networks 148 (2022) (the 0/1/2 trichotomy for k = 1).
    """
    if domain is not None:
        return minimal_width_on(net, domain, limit=limit)
    return _reduction(net, limit).width


def is_irreducible(net: ShallowNetwork, *, limit: int = DEFAULT_LIMIT, domain=None) -> bool:
    """Whether no network with fewer neurons computes f_net (h == N_min); on D with ``domain``.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> is_irreducible(ShallowNetwork([[1], [-1]], [0, 0], [[1, 1]], [0]))
    True
    >>> is_irreducible(ShallowNetwork([[1], [2]], [1, 2], [[1, 1]], [0]))
    False
    """
    return net.h == minimal_width(net, limit=limit, domain=domain)


def reduce(net: ShallowNetwork, *, limit: int = DEFAULT_LIMIT, domain=None) -> ShallowNetwork:
    """A network of minimal width computing the same function (checked).

    With ``domain=D``: minimal width among networks equal to f_net on int(D) (dead neurons
    dropped, affine ones merged; :func:`shallowsym.domainwidth.reduce_on`).

    Deterministic: the result depends only on f, so ``reduce(reduce(net)) == reduce(net)``.

    >>> from shallowsym import ShallowNetwork, equivalent
    >>> net = ShallowNetwork([[1], [2], [0], [5]], [1, 2, 3, 0], [[1, 1, 4, 0]], [0])
    >>> small = reduce(net)
    >>> small.h, bool(equivalent(net, small))
    (1, True)
    """
    if domain is not None:
        return reduce_on(net, domain, limit=limit)
    best = _reduction(net, limit)
    cf = canonical_form(net)
    out = realize(cf, best.type, seed=0)
    if out is None or canonical_form(out) != cf:
        raise AssertionError("internal error: the minimal configuration was not realized")
    return out
