"""Exact functional equivalence of two networks, with witnesses and certificates."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from .canonical import CanonicalForm, canonical_form
from .certificates import MoveCertificate, explain
from .domain import Box, Polytope, as_domain
from .graph import graph_standard_map, graphs_isomorphic
from .hyperplanes import format_hyperplane
from .maxdiff import epsilon_verdict
from .network import ShallowNetwork
from .ondomain import separating_point_in
from .rationals import format_rational
from .standard import StandardCertificate, find_standard_map
from .witness import kink_differences, separating_point

__all__ = ["Equivalence", "equivalent"]

Method = Literal["canonical", "graph"]
_METHODS = ("canonical", "graph")


def _fmt_vector(values: tuple[Fraction, ...]) -> str:
    if len(values) == 1:
        return format_rational(values[0])
    return "(" + ", ".join(format_rational(v) for v in values) + ")"


@dataclass(frozen=True)
class Equivalence:
    """The verdict of :func:`equivalent`; truthy exactly when f_a = f_b on all of R^d.

    Attributes
    ----------
    equivalent
        The exact verdict.
    reason
        In words: which invariant differs, or why the networks agree.
    method
        ``"canonical"`` or ``"graph"``: how the verdict was reached.
    witness
        When not equivalent (and d, k agree): a rational point x with a(x) != b(x), checked
        by exact evaluation; ``values`` holds (a(x), b(x)).
    certificate
        When equivalent and b = g.a for a standard symmetry g: the permutation and positive
        scales of g (a ``StandardCertificate``), checked by applying them. When b is outside
        the orbit of a (same width): a ``MoveCertificate``, named moves of
        :mod:`shallowsym.moves` taking a exactly to b, checked by replaying them, or ``None``
        when no such sequence was found.
    needs_hidden_symmetries
        When equivalent but b is not in the G_h-orbit of a (for example, the widths
        differ, or a flip is needed).
    """

    equivalent: bool
    reason: str
    method: str
    witness: tuple[Fraction, ...] | None = None
    values: tuple[tuple[Fraction, ...], tuple[Fraction, ...]] | None = None
    certificate: StandardCertificate | MoveCertificate | None = None
    needs_hidden_symmetries: bool = False

    def __bool__(self) -> bool:
        return self.equivalent

    def __str__(self) -> str:
        lines = [("EQUIVALENT: " if self.equivalent else "NOT EQUIVALENT: ") + self.reason]
        if self.witness is not None and self.values is not None:
            lines.append(
                f"witness x = {_fmt_vector(self.witness)}: a(x) = {_fmt_vector(self.values[0])}, "
                f"b(x) = {_fmt_vector(self.values[1])}"
            )
        if self.certificate is not None:
            lines.append(f"certificate: {self.certificate}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; numbers are exact strings."""

        def strs(values):
            return None if values is None else [format_rational(v) for v in values]

        return {
            "equivalent": self.equivalent,
            "reason": self.reason,
            "method": self.method,
            "witness": strs(self.witness),
            "values": None if self.values is None else [strs(v) for v in self.values],
            "certificate": None if self.certificate is None else self.certificate.to_dict(),
            "needs_hidden_symmetries": self.needs_hidden_symmetries,
        }


def equivalent(
    a: ShallowNetwork,
    b: ShallowNetwork,
    *,
    method: Method = "canonical",
    domain: Box | Polytope | None = None,
    epsilon: Any = None,
) -> Equivalence:
    """Decide exactly whether a and b compute the same function on all of R^d.

    Parameters
    ----------
    a, b
        Networks; their widths may differ.
    method
        ``"canonical"`` compares canonical forms (THEORY.md Theorem 3) and matches neurons by
        their normal forms; ``"graph"`` decides by labelled isomorphism of the
        bent-hyperplane graphs and finds the standard certificate by isomorphism of the
        neuron graphs (networkx vf2pp). Both give the same verdict.
    domain
        A :class:`~shallowsym.domain.Box` or :class:`~shallowsym.domain.Polytope`: decide
        f_a = f_b on int(D) by the canonical forms on D (proofs/domains.md, Theorem D3); the
        witness is then a rational point inside D.
    epsilon
        With ``domain``: decide sup over D of |f_a - f_b| <= epsilon (every output) by
        :func:`shallowsym.maxdiff.max_difference`; the reason says whether the value is exact
        or the MILP solver's bound.

    Returns
    -------
    Equivalence
        Truthy exactly when the functions are equal. When not, ``witness`` separates them
        (unless d or k differ, which ``reason`` then says). When they are, ``certificate``
        gives the standard symmetry mapping a onto b if there is one, and
        ``needs_hidden_symmetries`` says when there is none.

    Raises
    ------
    TypeError
        If a or b is not a ``ShallowNetwork``.
    ValueError
        If ``method`` is unknown.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> a = ShallowNetwork([[1], [-1]], [-1, 3], [[1, 1]], [0])
    >>> b = ShallowNetwork([[-1], [1]], [1, -3], [[1, 1]], [2])
    >>> result = equivalent(a, b)
    >>> bool(result), result.needs_hidden_symmetries
    (True, True)
    >>> c = ShallowNetwork([[1], [-1]], [-2, 3], [[1, 1]], [0])
    >>> print(equivalent(a, c))
    NOT EQUIVALENT: hyperplane x1 - 2 = 0 has kink 0 in a and 1 in b
    witness x = 2: a(x) = 2, b(x) = 1

    References
    ----------
    THEORY.md section 4: Theorem 3 (functional equivalence) and the witness construction.
    """
    for name, net in (("a", a), ("b", b)):
        if not isinstance(net, ShallowNetwork):
            raise TypeError(
                f"equivalent expects ShallowNetwork arguments; {name} is {type(net).__name__}"
            )
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, not {method!r}")
    if domain is not None or epsilon is not None:
        return _on_domain(a, b, method, domain, epsilon)
    if a.d != b.d:
        return Equivalence(False, f"a has input dimension {a.d} but b has {b.d}", method)
    if a.k != b.k:
        return Equivalence(False, f"a has output dimension {a.k} but b has {b.k}", method)
    cf_a, cf_b = canonical_form(a), canonical_form(b)
    same = graphs_isomorphic(a, b) if method == "graph" else cf_a == cf_b
    if not same:
        x = separating_point(a, b, cf_a, cf_b)
        return Equivalence(False, _difference(cf_a, cf_b), method, witness=x, values=(a(x), b(x)))
    return _equivalent_verdict(a, b, method)


def _on_domain(a, b, method: str, domain, epsilon) -> Equivalence:
    """The verdict on int(D) (proofs/domains.md, Theorem D3), or within epsilon."""
    if domain is None:
        raise ValueError("epsilon needs a bounded domain= (the difference may be unbounded)")
    domain = as_domain(domain, a.d)
    if a.d != b.d:
        return Equivalence(False, f"a has input dimension {a.d} but b has {b.d}", method)
    if a.k != b.k:
        return Equivalence(False, f"a has output dimension {a.k} but b has {b.k}", method)
    if epsilon is not None:
        same, reason, x = epsilon_verdict(a, b, domain, epsilon)
        values = None if x is None else (a(x), b(x))
        return Equivalence(same, reason, method, witness=x, values=values)
    cf_a, cf_b = canonical_form(a, domain=domain), canonical_form(b, domain=domain)
    if cf_a != cf_b:
        x = separating_point_in(a, b, cf_a, cf_b)
        return Equivalence(
            False,
            f"on D = {domain}, {_difference(cf_a, cf_b)} (hyperplanes missing D folded into "
            "the affine part)",
            method,
            witness=x,
            values=(a(x), b(x)),
        )
    if canonical_form(a) == canonical_form(b):
        verdict = _equivalent_verdict(a, b, method)
        return Equivalence(
            True,
            f"equal on D = {domain} and on all of R^d: {verdict.reason}",
            method,
            certificate=verdict.certificate,
            needs_hidden_symmetries=verdict.needs_hidden_symmetries,
        )
    return Equivalence(
        True,
        f"same canonical form on D = {domain}: equal on D, though they differ outside D (so b "
        "is not in the standard-group orbit of a)",
        method,
        needs_hidden_symmetries=True,
    )


def _equivalent_verdict(a: ShallowNetwork, b: ShallowNetwork, method: str) -> Equivalence:
    if a.h != b.h:
        return Equivalence(
            True,
            f"same canonical form; the widths differ ({a.h} and {b.h}), so the equivalence "
            "needs hidden symmetries (zero, twin, cancelling or flipped neurons)",
            method,
            needs_hidden_symmetries=True,
        )
    cert = graph_standard_map(a, b) if method == "graph" else find_standard_map(a, b)
    if cert is None:
        moves = explain(a, b)
        found = (
            f"a reaches b by {len(moves.moves)} named move{'s' if len(moves.moves) > 1 else ''}"
            if moves is not None
            else "no explicit move sequence was found"
        )
        return Equivalence(
            True,
            "same canonical form, but b is not in the standard-group orbit of a: the "
            f"equivalence needs hidden symmetries; {found}",
            method,
            certificate=moves,
            needs_hidden_symmetries=True,
        )
    return Equivalence(
        True,
        "b = g.a for a standard symmetry g (a permutation and positive scalings)",
        method,
        certificate=cert,
    )


def _difference(cf_a: CanonicalForm, cf_b: CanonicalForm) -> str:
    """Which invariant differs first, in words."""
    diffs = kink_differences(cf_a, cf_b)
    if diffs:
        key = next(iter(diffs))
        return (
            f"hyperplane {format_hyperplane(key)} has kink {_fmt_vector(cf_a.kink(key))} in a "
            f"and {_fmt_vector(cf_b.kink(key))} in b"
        )
    for j, (row_a, row_b) in enumerate(zip(cf_a.linear, cf_b.linear, strict=True)):
        for col, (x, y) in enumerate(zip(row_a, row_b, strict=True)):
            if x != y:
                return (
                    f"the linear part M = W2 W1 differs at [{j}, {col}]: "
                    f"{format_rational(x)} in a and {format_rational(y)} in b"
                )
    for j, (x, y) in enumerate(zip(cf_a.constant, cf_b.constant, strict=True)):
        if x != y:
            return (
                f"the constant delta = b2 + W2 b1 / 2 + (zero-input terms) differs at output "
                f"{j}: {format_rational(x)} in a and {format_rational(y)} in b"
            )
    raise AssertionError("internal error: canonical forms differ but no invariant does")
