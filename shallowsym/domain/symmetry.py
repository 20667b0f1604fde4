"""Symmetries of a network on a domain D (proofs/domains.md, "Symmetries on D").

The standard group acts on parameters, so theta's stabilizer is the same on every D. What D
changes is the fibre {theta' : f_theta' = f_theta on int(D)}: a neuron dead on D moves freely
while it stays dead, an always-active one shifts its bias against b2, and otherwise (every
neuron bent on D) hidden symmetries on D exist exactly when they exist on R^d.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from flint import fmpq_mat

from ..canonical import canonical_form
from ..errors import SearchLimitExceeded, check_limit
from ..functional import FunctionalDimension, functional_dimension
from ..hyperplanes import neuron_keys
from ..linalg import matrix_rank
from ..mechanisms import Mechanism, Stabilizer
from ..network import ShallowNetwork, check_network
from ..standard import find_standard_map
from .sets import Box, Polytope, as_domain
from .width import DomainRoles, domain_roles

__all__ = ["DomainSymmetryReport", "domain_symmetries"]


@dataclass(frozen=True)
class DomainSymmetryReport:
    """Roles on D, the functional and fibre dimension on D, and hidden symmetries on D.

    Attributes
    ----------
    roles
        :class:`~shallowsym.domain.width.DomainRoles`: bent, dead, affine or zero-output on D.
    functional_dimension
        The exact functional dimension on D (proofs/domains.md, Theorem D6).
    fibre_dimension
        P minus the functional dimension on D: the fibre's dimension on D where the
        realization map has constant rank near theta (at a degenerate theta a lower bound).
    orbit_dimension
        The dimension of theta's standard-group orbit (the same on every D).
    stabilizer
        theta's stabilizer in the standard group (the group acts on parameters, so it is the
        same on every D; proofs/domains.md, Symmetries on D).
    mechanisms
        The continuous hidden-symmetry mechanisms on D: ``D1`` per neuron dead on D, ``D2``
        the always-active neurons, and the R^d mechanisms (S3-S8) whose neurons are all bent
        on D.
    """

    net: ShallowNetwork
    domain: Box | Polytope
    roles: DomainRoles
    functional_dimension: FunctionalDimension
    orbit_dimension: int
    limit: int
    _rd_report: Callable[[], Any] = field(repr=False, compare=False)

    @property
    def fibre_dimension(self) -> int:
        """P minus the functional dimension on D."""
        return self.net.num_parameters - self.functional_dimension.dimension

    @property
    def stabilizer(self) -> Stabilizer:
        """theta's stabilizer in the standard group G_h (independent of D)."""
        return self._rd_report().stabilizer

    @cached_property
    def mechanisms(self) -> tuple[Mechanism, ...]:
        """The continuous mechanisms on D, each with the dimension it adds beyond the orbit.

        ``D1`` (a neuron dead on D): its (w_i, beta_i) move in an open set and a_i freely,
        d + k dimensions beyond its scaling. ``D2`` (the n neurons always active on D): they
        act on D only through sum a_i w_i^T and sum a_i beta_i (b2 absorbs the latter), so
        they add n (d + k) - (r_a d + k r_w - r_a r_w) dimensions, with r_a, r_w the ranks of
        their output and input weights (the differential of (a, w) -> sum a_i w_i^T has image
        span(a_i) (x) Q^d + Q^k (x) span(w_i)). The R^d mechanisms of neurons all bent on D
        hold on D unchanged.
        """
        net, roles = self.net, self.roles.roles
        d, k = net.d, net.k
        out = [
            Mechanism(
                "D1",
                "dead on D",
                (i,),
                d + k,
                "moves freely while dead",
            )
            for i, role in enumerate(roles)
            if role == "dead"
        ]
        active = [i for i, role in enumerate(roles) if role == "affine"]
        if active:
            # ranks of flint matrices (modular first): no Fraction copy of W1
            a_entries, w_entries = net.exact.W2.entries(), net.exact.W1.entries()
            h = net.h
            r_a = matrix_rank(
                fmpq_mat(len(active), k, [a_entries[j * h + i] for i in active for j in range(k)])
            )
            r_w = matrix_rank(
                fmpq_mat(
                    len(active), d, [x for i in active for x in w_entries[i * d : (i + 1) * d]]
                )
            )
            out.append(
                Mechanism(
                    "D2",
                    "always active on D",
                    tuple(active),
                    len(active) * (d + k) - (r_a * d + k * r_w - r_a * r_w),
                    "biases trade against b2",
                )
            )
        bent = {i for i, role in enumerate(roles) if role == "bent"}
        out += [m for m in self._rd_report().continuous_mechanisms if set(m.neurons) <= bent]
        return tuple(out)

    @cached_property
    def hidden_witness(self) -> ShallowNetwork | None:
        """A network of the same architecture equal to theta on D and outside its orbit
        (checked exactly), or None; may raise SearchLimitExceeded via the R^d search."""
        for i, role in enumerate(self.roles.roles):
            if role in ("dead", "affine"):
                other = _moved(self.net, i, role)
                if self._checked(other):
                    return other
        witness = self._rd_report().hidden_witness
        return witness if witness is not None and self._checked(witness) else None

    def _checked(self, other: ShallowNetwork) -> bool:
        same = canonical_form(other, domain=self.domain) == canonical_form(
            self.net, domain=self.domain
        )
        return same and find_standard_map(self.net, other) is None

    @property
    def has_hidden_symmetries(self) -> bool:
        """Whether the fibre on D within the architecture is larger than the orbit."""
        if self.roles.count("dead") or self.roles.count("affine"):
            return True
        return bool(self._rd_report().has_hidden_symmetries)

    def _hidden_text(self) -> str:
        try:
            return "yes" if self.has_hidden_symmetries else "no"
        except SearchLimitExceeded as err:
            return f"undecided ({err})"

    def __str__(self) -> str:
        fd = self.functional_dimension
        lines = [
            f"network: d = {self.net.d}, h = {self.net.h}, k = {self.net.k}; domain D = "
            f"{self.domain}",
            str(self.roles),
        ]
        for role, what in (
            ("dead", "dead on D (each moves freely while it stays dead)"),
            (
                "affine",
                "always active on D (computes an affine map there; its bias trades against b2)",
            ),
            ("zero-output", "zero-output"),
        ):
            neurons = [i for i, r in enumerate(self.roles.roles) if r == role]
            if neurons:
                shown = ", ".join(map(str, neurons[:20])) + (" ..." if len(neurons) > 20 else "")
                lines.append(f"  {what}: neurons {shown}")
        lines.append(
            f"stabilizer (the same on every D): order {self.stabilizer.order_formula_text}"
        )
        for m in self.mechanisms[:10]:
            lines.append(f"  mechanism {m}")
        if len(self.mechanisms) > 10:
            lines.append(f"  ... and {len(self.mechanisms) - 10} more mechanisms")
        lines.append(f"functional dimension on D: {fd.dimension} (bound P - h = {fd.bound})")
        lines.append(
            f"fibre dimension on D: {self.fibre_dimension} (P - functional dimension; "
            f"standard orbit: {self.orbit_dimension})"
        )
        lines.append(f"hidden symmetries on D: {self._hidden_text()}")
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        return "```\n" + str(self) + "\n```"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        data: dict[str, Any] = {
            "d": self.net.d,
            "h": self.net.h,
            "k": self.net.k,
            "domain": self.domain.to_dict(),
            "roles": self.roles.to_dict(),
            "functional_dimension": self.functional_dimension.to_dict(),
            "fibre_dimension": self.fibre_dimension,
            "orbit_dimension": self.orbit_dimension,
            "stabilizer_order": str(self.stabilizer.order),
            "mechanisms": [m.to_dict() for m in self.mechanisms],
        }
        try:
            data["has_hidden_symmetries"] = self.has_hidden_symmetries
            witness = self.hidden_witness
            data["hidden_witness"] = None if witness is None else witness.to_dict()
        except SearchLimitExceeded as err:
            data["has_hidden_symmetries"] = None
            data["undecided"] = str(err)
        return data


def _moved(net: ShallowNetwork, i: int, role: str) -> ShallowNetwork:
    """Neuron i moved within its role on D: a dead one deeper and with a_i + 1; an always-active
    one with beta_i + 1 and b2 - a_i."""
    W1, b1 = [list(r) for r in net.W1], list(net.b1)
    W2, b2 = [list(r) for r in net.W2], list(net.b2)
    if role == "dead":
        b1[i] -= 1
        for row in W2:
            row[i] += 1
    else:
        b1[i] += 1
        for j, row in enumerate(W2):
            b2[j] -= row[i]
    return ShallowNetwork(W1, b1, W2, b2)


def domain_symmetries(
    net: ShallowNetwork,
    domain: Box | Polytope,
    *,
    limit: int,
    rd_report: Callable[[], Any],
) -> DomainSymmetryReport:
    """The report behind ``symmetries(net, domain=D)``; ``rd_report`` builds the R^d report
    (used only when every neuron is bent on D).

    The roles and the functional dimension on D are computed now; the stabilizer, the
    mechanisms, the hidden-symmetry verdict and its witness are computed on first use (the
    R^d parts through ``rd_report``), so the report never waits for an explanation.

    Parameters
    ----------
    net
        The network.
    domain
        A :class:`~shallowsym.domain.Box` or :class:`~shallowsym.domain.Polytope` of dimension
        ``net.d`` (or a dict in their ``to_dict()`` form).
    limit
        The search bound passed on to the R^d searches (a positive integer).
    rd_report
        A function of no arguments returning the R^d symmetry report of ``net`` (``symmetries``
        passes ``lambda: symmetries(net, limit=limit)``).

    Returns
    -------
    DomainSymmetryReport
        Roles, functional and fibre dimension on D, orbit dimension; stabilizer, mechanisms,
        ``has_hidden_symmetries`` and ``hidden_witness`` on demand (these may raise
        ``SearchLimitExceeded`` through the R^d search; ``str`` and ``to_dict`` then say
        "undecided").

    Raises
    ------
    TypeError
        If ``net`` is not a ShallowNetwork or ``domain`` is not a domain.
    ValueError
        If ``limit`` is not a positive integer.
    InvalidDomainError
        If the domain's dimension is not ``net.d`` (or a dict is not a valid domain).

    Examples
    --------
    >>> from shallowsym import ShallowNetwork, symmetries
    >>> net = ShallowNetwork([[1], [1], [1]], [-2, 5, "-1/2"], [[1, 1, 1]], [0])
    >>> report = symmetries(net, domain=Box([0], [1]))
    >>> print(report)
    network: d = 1, h = 3, k = 1; domain D = [0, 1]^1
    roles on D = [0, 1]^1: 1 bent, 1 dead, 1 affine, 0 zero-output
      dead on D (each moves freely while it stays dead): neurons 0
      always active on D (computes an affine map there; its bias trades against b2): neurons 1
    stabilizer (the same on every D): order 1 = 1
      mechanism D1 dead on D: neurons 0; +2 dimensions; moves freely while dead
      mechanism D2 always active on D: neurons 1; +1 dimensions; biases trade against b2
    functional dimension on D: 4 (bound P - h = 7)
    fibre dimension on D: 6 (P - functional dimension; standard orbit: 3)
    hidden symmetries on D: yes
    >>> report.hidden_witness
    ShallowNetwork(W1=[[1], [1], [1]], b1=[-3, 5, -1/2], W2=[[2, 1, 1]], b2=[0])

    References
    ----------
    docs/theory.md, section 9 (bounded input domains) and sections 5-7 (the fibre, hidden
    symmetries, functional dimension); proofs/domains.md, "Symmetries on D" and Theorem D6
    (functional dimension on D). J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of
    ReLU networks", ICML 2023 (functional dimension and hidden symmetries).
    """
    check_network(net, "domain_symmetries")
    check_limit(limit)
    domain = as_domain(domain, net.d)
    nk = neuron_keys(net)  # w_i = 0 exactly when its key is None
    betas = net.exact.b1.entries()
    orbit = sum(
        1
        for key, beta, zero in zip(nk.keys, betas, nk.zero_output, strict=True)
        if key is not None or beta or not zero
    )
    return DomainSymmetryReport(
        net=net,
        domain=domain,
        roles=domain_roles(net, domain),
        functional_dimension=functional_dimension(net, domain=domain),
        orbit_dimension=orbit,
        limit=limit,
        _rd_report=rd_report,
    )
