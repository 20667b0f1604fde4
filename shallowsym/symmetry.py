"""The symmetry report of a network: roles, stabilizer, hidden mechanisms, flips, the fibre.

(docs/theory.md sections 2 and 5.) ``symmetries(net)`` answers: which part of G_h fixes theta (the
stabilizer), which hidden mechanisms S3-S8 are present and how many dimensions each adds, the
dimension of the fibre at theta, and whether theta has hidden symmetries at all (with an exact
witness). Deciding discrete flips is NP-complete, so the parts that need the flip search are
computed on first use and bounded by ``limit=``.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .canonical import canonical_form
from .deadline import time_budget as _budget
from .domain.sets import Box, Polytope
from .domain.symmetry import DomainSymmetryReport, domain_symmetries
from .errors import SearchLimitExceeded, check_limit
from .fibre.flips import DEFAULT_LIMIT, flip_sets, independent_mod_p
from .fibre.neurons import flip
from .fibre.residual import (
    annihilator,
    normals,
    projected,
    residual,
    residual_cost,
    zero_residual_signs,
)
from .fibre.strata import (
    DEFAULT_TYPE_LIMIT,
    F2Dimension,
    FibreType,
    candidate_types,
    fibre_types,
    realize,
)
from .fibre.unfolding import LocalDimension, local_dimension
from .hyperplanes import format_hyperplane, hyperplane_normal_offset
from .linalg import rank
from .mechanisms import Mechanism, Stabilizer
from .network import ShallowNetwork
from .rationals import to_fraction
from .relabel import DEFAULT_RELABEL_LIMIT, RelabellingSymmetries, relabelling_symmetries
from .roles import CombinatorialType, NeuronRole, structure
from .standard import find_standard_map, neuron_normal_forms
from .text import (
    SHOWN,
    markdown_block,
    short_message,
    shorten,
    shorten_rendered,
)

__all__ = ["Mechanism", "Stabilizer", "SymmetryReport", "symmetries"]


def _remembered(method):
    """Like ``cached_property``, but a SearchLimitExceeded is remembered too: a failed bounded
    search runs once, and every later access raises the same error at once."""
    name = method.__name__

    def get(self):
        cache = self.__dict__.setdefault("_remembered", {})
        if name not in cache:
            try:
                cache[name] = (True, method(self))
            except SearchLimitExceeded as err:
                cache[name] = (False, err)
        ok, value = cache[name]
        if not ok:
            raise value
        return value

    get.__doc__ = method.__doc__
    return property(get)


def _stabilizer(net: ShallowNetwork) -> Stabilizer:
    labels, scales = neuron_normal_forms(net)
    classes: dict[Any, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        classes[label].append(i)
    return Stabilizer(
        net.h,
        tuple(tuple(c) for c in sorted(classes.values()) if len(c) > 1),
        structure(net).all_zero,
        tuple(map(to_fraction, scales)),
    )


def _continuous_mechanisms(net: ShallowNetwork) -> list[Mechanism]:
    s = structure(net)
    d, k = net.d, net.k
    out = []
    all_zero = set(s.all_zero)
    for i in s.zero_output:
        out.append(
            Mechanism(
                "S3",
                "zero-output neuron",
                (i,),
                d + 1 if i in all_zero else d,
                "its input weights and bias are free",
            )
        )
    for i in s.zero_input_active + s.zero_input_inactive:
        out.append(
            Mechanism(
                "S4", "zero-input neuron", (i,), k, "its constant a relu(beta) is absorbed by b2"
            )
        )
    for g in s.groups:
        for side, neurons in (("positively", g.positive), ("negatively", g.negative)):
            if len(neurons) > 1:
                out.append(
                    Mechanism(
                        "S5",
                        "same-orientation twins",
                        neurons,
                        (len(neurons) - 1) * k,
                        f"{side} oriented on {{equation}}; only their summed s a counts",
                        g.key,
                    )
                )
        if not g.bent and not g.mixed:
            out.append(
                Mechanism(
                    "S7",
                    "cancelling group",
                    g.neurons,
                    d,
                    "kinks cancel on {equation}; the hyperplane is free",
                    g.key,
                )
            )
    # S6 and mixed S7: their v-terms share the equation W2 W1 = M; attribute the solution
    # dimension group by group (variables minus the rank each adds), so the sum is exact.
    previous = 0
    f2 = F2Dimension(d, k)  # grown group by group: linear in the number of groups
    for g in sorted((g for g in s.groups if g.mixed), key=lambda g: (not g.bent, g.key)):
        normal = list(hyperplane_normal_offset(g.key)[0])
        total = f2.add_bent(normal) if g.bent else f2.add_cancelling(list(g.v), normal)
        if g.bent:
            out.append(
                Mechanism(
                    "S6",
                    "both orientations on a bent hyperplane",
                    g.neurons,
                    total - previous,
                    "on {equation}; P - Q is free within W2 W1 = M",
                    g.key,
                )
            )
        else:
            out.append(
                Mechanism(
                    "S7",
                    "cancelling group of mixed orientation",
                    g.neurons,
                    total - previous,
                    "on {equation}; adds an affine map with free direction and offset",
                    g.key,
                )
            )
        previous = total
    return out


@dataclass(frozen=True)
class SymmetryReport:
    """Everything shallowsym knows about the symmetries of one network.

    Eager (polynomial): ``roles``, ``stabilizer``, ``orbit_dimension``, ``stratum_dimension``
    (of theta's own stratum: the orbit plus the mechanisms' dimensions),
    ``continuous_mechanisms``. On first use (searches bounded by ``limit``): ``flip_sets``,
    ``mechanisms``, ``has_hidden_symmetries``, ``hidden_witness``, ``fibre_dimension`` (at
    theta, where a degenerate theta can touch larger strata; see
    :func:`shallowsym.local_dimension`). On request: ``fibre_types(limit=...)``.
    """

    net: ShallowNetwork
    roles: tuple[NeuronRole, ...]
    stabilizer: Stabilizer
    orbit_dimension: int
    stratum_dimension: int
    continuous_mechanisms: tuple[Mechanism, ...]
    limit: int = DEFAULT_LIMIT
    time_budget: float | None = None

    @property
    def type(self) -> CombinatorialType:
        return structure(self.net).type

    @_remembered
    def local(self) -> LocalDimension:
        """The fibre's dimension at theta with a nearby network attaining it (bounded by
        ``limit`` steps and ``time_budget`` seconds)."""
        with _budget(self.time_budget, "the fibre dimension at theta", limit=self.limit):
            return local_dimension(self.net, limit=self.limit)

    @property
    def fibre_dimension(self) -> int:
        """The dimension at theta of the fibre (a lower bound when ``local.exact`` is False;
        ``local.reason`` says what could exceed it)."""
        return self.local.dimension

    @_remembered
    def flip_sets(self) -> tuple[tuple[int, ...], ...]:
        """Every admissible flip (see :func:`shallowsym.flip_sets`), within ``limit`` and
        ``time_budget``."""
        with _budget(self.time_budget, "the flip search", limit=self.limit):
            return _bounded_flip_sets(self.net, self.limit)

    @_remembered
    def mechanisms(self) -> tuple[Mechanism, ...]:
        """S3-S7 with their dimensions, then one S8 entry per admissible flip."""
        flips = tuple(
            Mechanism("S8", "discrete flip", t, 0, "negate (w_i, beta_i), add sum a_i beta_i to b2")
            for t in self.flip_sets
        )
        return self.continuous_mechanisms + flips

    @_remembered
    def hidden_witness(self) -> ShallowNetwork | None:
        """A network of the same architecture realizing f outside G_h.theta (checked), or None
        (within ``limit`` and ``time_budget``)."""
        with _budget(self.time_budget, "the search for a hidden witness", limit=self.limit):
            return _hidden_witness(self)

    @property
    def has_hidden_symmetries(self) -> bool:
        """Whether the fibre within the architecture is larger than the orbit G_h.theta."""
        return self.stratum_dimension > self.orbit_dimension or self.hidden_witness is not None

    def fibre_types(
        self,
        *,
        limit: int = DEFAULT_TYPE_LIMIT,
        progress: bool | None = None,
        time_budget: float | None = None,
    ) -> tuple[FibreType, ...]:
        """Every stratum of the fibre (see :func:`shallowsym.fibre_types`).

        The candidate types are counted first (cheap), so a fibre with more than ``limit``
        candidates raises SearchLimitExceeded before any is realized; enumerating and
        realizing them stops after ``time_budget`` seconds (default: the report's
        ``time_budget``) with SearchLimitExceeded too. A failure is remembered per limit."""
        failures = self.__dict__.setdefault("_type_failures", {})
        if limit in failures:
            raise failures[limit]
        budget = self.time_budget if time_budget is None else time_budget
        try:
            with _budget(budget, "the fibre types", limit=limit):
                return self._fibre_types(limit, progress)
        except SearchLimitExceeded as err:
            failures[limit] = err
            raise

    def _fibre_types(self, limit: int, progress: bool | None) -> tuple[FibreType, ...]:
        cf = canonical_form(self.net)
        # Every sign choice (1+,0-) or (0+,1-) per bent hyperplane is a candidate: 2^s of them.
        many = cf.num_bent >= limit.bit_length()
        if not many:
            candidates = itertools.islice(candidate_types(cf, self.net.h), limit + 1)
            many = sum(1 for _ in candidates) > limit
        if many:
            raise SearchLimitExceeded(
                f"the fibre has more than limit={limit} candidate types (counted before "
                "realizing any); pass a larger limit=",
                limit=limit,
            )
        return fibre_types(self.net, limit=limit, progress=progress)

    def relabelling(self, *, limit: int = DEFAULT_RELABEL_LIMIT) -> RelabellingSymmetries:
        """The relabellings of inputs and outputs fixing f, on request (bounded by ``limit``;
        see :func:`shallowsym.relabel.relabelling_symmetries`)."""
        return relabelling_symmetries(self.net, limit=limit)

    def _hidden_text(self) -> str:
        try:
            hidden = self.has_hidden_symmetries
        except SearchLimitExceeded as err:
            return f"undecided ({short_message(str(err))})"
        return "yes" if hidden else "no"

    def __str__(self) -> str:
        return self.to_text()

    def _repr_markdown_(self) -> str:
        return markdown_block(self.to_text())

    def to_text(self, *, full: bool = False, exact: bool = False) -> str:
        """The report for people. Up to 16 neurons (or with ``full``) every neuron and
        mechanism is listed; beyond, counts per role and per mechanism with the first few of
        each. Equations are cut to their first terms and long numbers print as ``~`` decimals
        unless ``full`` and ``exact``. What a bounded search could not decide prints as
        "undecided (reason)"; the rest prints."""
        net = self.net
        lines = [f"network: d = {net.d}, h = {net.h}, k = {net.k}"]
        groups = structure(net).groups
        detailed = full or net.h <= 2 * SHOWN
        terms = None if full else 4

        def equation(index: int) -> str:
            return format_hyperplane(groups[index].key, exact=exact, max_terms=terms)

        def label(r: NeuronRole) -> str:
            sign = {1: "+", -1: "-", 0: ""}[r.orientation] if r.hyperplane is not None else ""
            return f"{r.role}{sign and ' (' + sign + ')'}"

        if detailed:
            lines.append("roles:")
            for r in self.roles:
                where = (
                    ""
                    if r.hyperplane is None
                    else f"  on H{r.hyperplane}: {equation(r.hyperplane)}"
                )
                lines.append(f"  neuron {r.neuron}: {label(r)}{where}")
        else:
            by_role: dict[str, list[int]] = defaultdict(list)
            for r in self.roles:
                by_role[label(r)].append(r.neuron)
            lines.append(
                f"roles ({len(groups)} hyperplanes carry live neurons; --full lists every neuron):"
            )
            for name, neurons in sorted(by_role.items(), key=lambda item: -len(item[1])):
                shown = ", ".join(shorten([str(i) for i in neurons], shown=6))
                lines.append(f"  {len(neurons)} {name}: neurons {shown}")
        lines.append("mechanisms:")
        try:
            mechanisms = self.mechanisms
        except SearchLimitExceeded as err:
            mechanisms = self.continuous_mechanisms
            lines.append(f"  flips: undecided ({short_message(str(err))})")
        if detailed:
            lines += [f"  {m.to_text(exact=exact, full=full)}" for m in mechanisms] or ["  none"]
        else:
            kinds: dict[tuple[str, str], list[Mechanism]] = defaultdict(list)
            for m in mechanisms:
                kinds[(m.code, m.name)].append(m)
            for (code, name), items in kinds.items():
                total = sum(m.dimension for m in items)
                lines.append(f"  {len(items)} x {code} {name} (+{total} dimensions in all)")
                lines += shorten_rendered(
                    items,
                    lambda m: f"    {m.to_text(exact=exact, terms=3)}",
                    noun=f"{code} entries",
                    shown=3,
                    indent="    ",
                )
            if not mechanisms:
                lines.append("  none")
        lines.append(
            f"stabilizer order: {self.stabilizer.order_formula_text}"
            + (f", times (R>0)^{self.stabilizer.dimension}" if self.stabilizer.dimension else "")
        )
        lines.append(f"hidden symmetries: {self._hidden_text()}")
        lines.append(f"fibre dimension: {self._dimension_text()}")
        return "\n".join(lines)

    def _dimension_text(self) -> str:
        sizes = f"own stratum: {self.stratum_dimension}, standard orbit: {self.orbit_dimension}"
        try:
            local = self.local
        except SearchLimitExceeded as err:
            return f"undecided ({sizes}; {short_message(str(err))})"
        if local.exact:
            return f"{local.dimension} ({sizes})"
        return f"at least {local.dimension} ({sizes}; {local.reason})"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "d": self.net.d,
            "h": self.net.h,
            "k": self.net.k,
            "roles": [r.to_dict() for r in self.roles],
            "type": self.type.to_dict(),
            "stabilizer": self.stabilizer.to_dict(),
            "orbit_dimension": self.orbit_dimension,
            "stratum_dimension": self.stratum_dimension,
        }
        try:
            data["fibre_dimension"] = self.fibre_dimension
            data["fibre_dimension_exact"] = self.local.exact
        except SearchLimitExceeded as err:
            data["fibre_dimension"] = data["fibre_dimension_exact"] = None
            data["undecided"] = str(err)
        try:
            data["mechanisms"] = [m.to_dict() for m in self.mechanisms]
            data["has_hidden_symmetries"] = self.has_hidden_symmetries
            witness = self.hidden_witness
            data["hidden_witness"] = None if witness is None else witness.to_dict()
        except SearchLimitExceeded as err:
            data["mechanisms"] = [m.to_dict() for m in self.continuous_mechanisms]
            data["has_hidden_symmetries"] = None
            data["undecided"] = str(err)
        return data


def symmetries(
    net: ShallowNetwork,
    *,
    limit: int = DEFAULT_LIMIT,
    domain: Box | Polytope | None = None,
    time_budget: float | None = None,
) -> SymmetryReport | DomainSymmetryReport:
    """The symmetry report of ``net``.

    Parameters
    ----------
    net
        A network.
    limit
        Bound on the exponential searches (flips, other orientations) done on first use of
        ``flip_sets``, ``mechanisms``, ``has_hidden_symmetries`` and ``hidden_witness``.
    domain
        A Box or Polytope: a :class:`~shallowsym.domain.symmetry.DomainSymmetryReport` of the
        roles on D (dead, always active, bent), functional and fibre dimension on D and
        hidden symmetries on D (proofs/domains.md).
    time_budget
        Seconds of wall-clock time for each part computed on first use that can be slow
        (``flip_sets``, ``hidden_witness``, ``fibre_dimension``/``local``, ``fibre_types``):
        past it, that part raises
        SearchLimitExceeded and the printed report says "undecided (reason)" for it
        (:func:`shallowsym.deadline.time_budget`). ``None`` (default): no time budget.

    Returns
    -------
    SymmetryReport

    Raises
    ------
    TypeError
        If ``net`` is not a ``ShallowNetwork``.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> report = symmetries(ShallowNetwork([[1], [-1]], [-1, 3], [[1, 1]], [0]))
    >>> report.flip_sets, report.has_hidden_symmetries, report.fibre_dimension
    (((0, 1),), True, 2)
    >>> report.hidden_witness
    ShallowNetwork(W1=[[-1], [1]], b1=[1, -3], W2=[[1, 1]], b2=[2])

    References
    ----------
    docs/theory.md section 2 (the standard group), section 5 (S3-S9, Proposition 4);
    Ramakrishnan 2026 (arXiv:2604.14037), Grigsby-Lindsey-Rolnick 2023 (hidden symmetries).
    """
    if not isinstance(net, ShallowNetwork):
        raise TypeError(f"symmetries expects a ShallowNetwork, not {type(net).__name__}")
    check_limit(limit)
    if time_budget is not None and (
        isinstance(time_budget, bool)
        or not isinstance(time_budget, int | float)
        or time_budget <= 0
    ):
        raise ValueError(
            f"symmetries: time_budget must be a positive number of seconds, not {time_budget!r}"
        )
    if domain is not None:
        return domain_symmetries(
            net, domain, limit=limit, rd_report=lambda: symmetries(net, limit=limit)
        )
    s = structure(net)
    mechanisms = tuple(_continuous_mechanisms(net))
    orbit = net.h - len(s.all_zero)
    return SymmetryReport(
        net=net,
        roles=s.roles,
        stabilizer=_stabilizer(net),
        orbit_dimension=orbit,
        stratum_dimension=orbit + sum(m.dimension for m in mechanisms),
        continuous_mechanisms=mechanisms,
        limit=limit,
        time_budget=time_budget,
    )


def _bounded_flip_sets(net: ShallowNetwork, limit: int) -> tuple[tuple[int, ...], ...]:
    """flip_sets, after a cheap bound: the pruning keeps all but at most rank <= k d of the n
    live neurons (the dropped ones are independent of the rest), so when even n - k d items
    need more than ``limit`` subset sums the search is not started."""
    n = sum(len(g.neurons) for g in structure(net).groups)
    m = max(n - net.k * net.d, 0)
    work = 2 ** (m // 2) + 2 ** (m - m // 2)
    if work > limit:
        raise SearchLimitExceeded(
            f"the flip search over {n} live neurons needs at least 2^{m - m // 2} subset sums "
            f"(at least {m} remain after pruning), more than limit={limit}; pass a larger "
            "limit= to search anyway",
            limit=limit,
        )
    live = sorted(i for g in structure(net).groups for i in g.neurons)
    if n > 64 and independent_mod_p(net, live):
        return ()  # no linear relation among the a_i w_i^T, so no zero sum
    return flip_sets(net, limit=limit)


# -- deciding hidden symmetries ------------------------------------------------------------
def _outside_orbit(net: ShallowNetwork, other: ShallowNetwork | None) -> ShallowNetwork | None:
    if other is None or find_standard_map(net, other) is not None:
        return None
    return other


def _hidden_witness(report: SymmetryReport) -> ShallowNetwork | None:
    net = report.net
    cf = canonical_form(net)
    own = structure(net).type
    if report.stratum_dimension > report.orbit_dimension:
        # A random point of theta's own stratum, which is larger than the orbit.
        for seed in range(1, 50):
            found = _outside_orbit(net, realize(cf, own, seed=seed))
            if found is not None:
                return found
        raise RuntimeError(
            "internal error: no point of a stratum larger than the orbit was "
            "found outside the orbit"
        )
    # Now every neuron is live, each group is one neuron or a (1+,1-) pair on a bent hyperplane
    # and the pairs' normals are independent: theta's stratum is its orbit. Another realization
    # must use another choice of orientations (docs/theory.md sections 5-6).
    mixed = [g.bent_index for g in structure(net).groups if g.mixed]
    if not mixed:
        flips = report.flip_sets
        return _outside_orbit(net, flip(net, flips[0])) if flips else None
    return _other_orientations(net, own, mixed, report.limit)


def _other_orientations(
    net: ShallowNetwork, own: CombinatorialType, mixed: list[int], limit: int
) -> ShallowNetwork | None:
    """Search orientation choices (eps on pure hyperplanes, J' mixed) with |J'| + 2 rho <= |J|."""
    cf = canonical_form(net)
    s = cf.num_bent
    units = normals(cf)
    budget = len(mixed)
    steps = tried = 0
    cost = residual_cost(cf)  # per orientation choice: a residual and its rank
    build = 1 + net.h // 2  # per candidate type: a realization built and checked
    for size in range(budget + 1):
        for J in itertools.combinations(range(s), size):
            basis = annihilator(cf, J, units)
            pure = [j for j in range(s) if j not in J]
            max_rho = (budget - size) // 2
            for signs in _sign_choices(cf, pure, basis, units, max_rho, max(1, limit - steps)):
                steps += cost
                tried += 1
                if steps > limit:
                    raise SearchLimitExceeded(
                        f"the search over orientation choices exceeds limit={limit} steps "
                        f"({cost} per choice tried)",
                        limit=limit,
                    )
                R = residual(cf, dict(zip(pure, signs, strict=True)), units)
                rho = rank(projected(R, basis), len(basis)) if basis else 0
                if size + 2 * rho > budget:
                    continue
                bent = [(1, 1)] * s
                for j, eps in zip(pure, signs, strict=True):
                    bent[j] = (1, 0) if eps > 0 else (0, 1)
                ctype = CombinatorialType(
                    tuple(bent), ((1, 1),) * rho, zero_output=net.h - s - size - 2 * rho
                )
                if ctype == own:
                    continue
                steps += build
                found = _outside_orbit(net, realize(cf, ctype, seed=tried))
                if found is not None:
                    return found
    return None


def _sign_choices(cf, pure, basis, units, max_rho: int, budget: int) -> Iterator[tuple[int, ...]]:
    """Sign vectors for the pure hyperplanes: all of them when the rank may be positive
    (bounded), else only those with R Q_J = 0."""
    if max_rho > 0:
        if 2 ** len(pure) > budget:
            raise SearchLimitExceeded(
                f"trying all orientations of {len(pure)} hyperplanes exceeds the limit",
                limit=budget,
            )
        return itertools.product((1, -1), repeat=len(pure))
    return zero_residual_signs(cf, pure, basis, units, limit=budget)
