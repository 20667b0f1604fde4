"""Exact functional equivalence of two networks, with witnesses and certificates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any, Literal, NamedTuple

from .canonical import CanonicalForm, canonical_form
from .domain.maxdiff import epsilon_verdict
from .domain.points import separating_point_in
from .domain.sets import Box, Polytope, as_domain
from .errors import SearchLimitExceeded, check_limit
from .graph import graph_standard_map, graphs_isomorphic
from .hyperplanes import format_hyperplane
from .moves.certificates import DEFAULT_EXPLAIN_LIMIT, MoveCertificate, explain
from .network import ShallowNetwork
from .rationals import format_rational
from .relabel import RelabelledEquivalence, RelabelMode, relabelled_equivalent
from .standard import StandardCertificate, find_standard_map
from .text import SHOWN, format_number, markdown_block, vector_text
from .witness import kink_differences, separating_point

__all__ = ["Equivalence", "equivalent"]

Method = Literal["canonical", "graph"]
_METHODS = ("canonical", "graph")


def _fmt_vector(values: tuple[Fraction, ...], *, exact: bool = True, full: bool = True) -> str:
    # A witness separates by tiny differences: its numbers print exactly up to 60 characters.
    if len(values) == 1:
        return format_number(values[0], exact=exact, max_chars=60)
    return vector_text(values, exact=exact, full=full, shown=SHOWN, max_chars=60)


class Settled(NamedTuple):
    """Internal: what explains a verdict, computed on first access (see :class:`Equivalence`)."""

    reason: str
    standard: StandardCertificate | None = None
    hidden: bool = False
    witness: tuple[Fraction, ...] | None = None
    values: tuple[tuple[Fraction, ...], tuple[Fraction, ...]] | None = None
    certifiable: bool = True  # False: equal on D only, so no moves on R^d lead from a to b


@dataclass(frozen=True)
class Equivalence:
    """The verdict of :func:`equivalent`; truthy exactly when f_a = f_b on all of R^d.

    The verdict is decided from the canonical forms alone; everything that explains it is
    computed on first access and remembered: ``reason``, ``witness``/``values``, ``standard``
    and ``needs_hidden_symmetries`` (the standard map is found by
    :func:`shallowsym.find_standard_map` in O(h)), ``certificate`` and ``certificate_status``
    (the move search, bounded by ``limit``).

    Attributes
    ----------
    equivalent
        The exact verdict.
    method
        ``"canonical"`` or ``"graph"``: how the verdict was reached.
    settle
        Internal: computes the explanation (a :class:`Settled`) on first access.
    limit
        Bound on the certificate search (see :func:`shallowsym.explain`).
    networks
        The pair (a, b) when the move search may need it.

    Lazy properties: ``reason`` (in words: which invariant differs, or why the networks
    agree); ``witness`` (when not equivalent and d, k agree: a rational point x with
    a(x) != b(x), checked by exact evaluation) and ``values`` (a(x), b(x)); ``standard`` (the
    standard symmetry g with b = g.a, or None); ``needs_hidden_symmetries`` (equivalent but b
    is not in the G_h-orbit of a: the widths differ, or a flip is needed); ``certificate``
    (when b = g.a: the ``StandardCertificate``, checked by applying it; when b is outside the
    orbit of a (same width): a ``MoveCertificate``, named moves of :mod:`shallowsym.moves`
    taking a exactly to b, checked by replaying them, found by :func:`shallowsym.explain`
    bounded by ``limit``; ``None`` when no such sequence was found or the search reached its
    limit (``certificate_status`` says which)).
    """

    equivalent: bool
    method: str
    settle: Callable[[], Settled] = field(repr=False, compare=False)
    limit: int = field(default=DEFAULT_EXPLAIN_LIMIT, repr=False)
    networks: tuple[ShallowNetwork, ShallowNetwork] | None = field(
        default=None, repr=False, compare=False
    )

    def __bool__(self) -> bool:
        return self.equivalent

    @cached_property
    def _settled(self) -> Settled:
        return self.settle()

    @property
    def reason(self) -> str:
        """In words: which invariant differs, or why the networks agree (lazy)."""
        return self._settled.reason

    @property
    def witness(self) -> tuple[Fraction, ...] | None:
        """A rational point separating a and b, or None (lazy)."""
        return self._settled.witness

    @property
    def values(self) -> tuple[tuple[Fraction, ...], tuple[Fraction, ...]] | None:
        """(a(x), b(x)) at the witness x, or None (lazy)."""
        return self._settled.values

    @property
    def standard(self) -> StandardCertificate | None:
        """The standard symmetry g with b = g.a, or None (lazy: found on first access)."""
        return self._settled.standard

    @property
    def needs_hidden_symmetries(self) -> bool:
        """Equivalent, but b is not in the standard-group orbit of a (lazy)."""
        return self._settled.hidden

    @cached_property
    def _explanation(self) -> tuple[StandardCertificate | MoveCertificate | None, str]:
        if self.standard is not None:
            return self.standard, "standard"
        if not self.equivalent or self.networks is None or not self._settled.certifiable:
            return None, "none"
        a, b = self.networks
        if a.h != b.h:
            return None, "none"
        try:
            found = explain(a, b, limit=self.limit)
        except SearchLimitExceeded as err:
            return None, f"undecided within limit ({err})"
        return found, "moves" if found is not None else "not found"

    @property
    def certificate(self) -> StandardCertificate | MoveCertificate | None:
        """The standard map or the named moves from a to b (lazy; see the class docstring)."""
        return self._explanation[0]

    @property
    def certificate_status(self) -> str:
        """``"standard"``, ``"moves"``, ``"not found"`` (no bridge of the move search joins
        the two), ``"undecided within limit (...)"``, or ``"none"`` (not equivalent, or the
        widths differ). Computes the certificate if needed."""
        return self._explanation[1]

    def _certificate_line(self, *, full: bool = True, exact: bool = True) -> str | None:
        cert, status = self._explanation
        if cert is not None:
            return f"certificate: {cert.to_text(full=full, exact=exact)}"
        if status == "not found":
            return "certificate: no explicit move sequence was found"
        if status.startswith("undecided"):
            return f"certificate: {status}"
        return None

    def to_text(self, *, exact: bool = False, full: bool = False) -> str:
        """The verdict for people: the witness's numbers as short decimals marked ``~``
        unless short or ``exact``, vectors cut to their first entries unless ``full``; the
        certificate is computed (bounded by ``limit``) and printed."""
        lines = [("EQUIVALENT: " if self.equivalent else "NOT EQUIVALENT: ") + self.reason]
        if self.witness is not None and self.values is not None:
            opts = {"exact": exact, "full": full}
            lines.append(
                f"witness x = {_fmt_vector(self.witness, **opts)}: "
                f"a(x) = {_fmt_vector(self.values[0], **opts)}, "
                f"b(x) = {_fmt_vector(self.values[1], **opts)}"
            )
        line = self._certificate_line(full=full, exact=exact)
        if line is not None:
            lines.append(line)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def _repr_markdown_(self) -> str:
        return markdown_block(self.to_text())

    def to_dict(self, *, certificate: bool = True) -> dict[str, Any]:
        """A JSON-ready dict; numbers are exact strings. With ``certificate`` (default) the
        certificate is computed (bounded by ``limit``) and included."""

        def strs(values):
            return None if values is None else [format_rational(v) for v in values]

        data = {
            "equivalent": self.equivalent,
            "reason": self.reason,
            "method": self.method,
            "witness": strs(self.witness),
            "values": None if self.values is None else [strs(v) for v in self.values],
            "needs_hidden_symmetries": self.needs_hidden_symmetries,
        }
        if certificate:
            cert = self.certificate
            data["certificate"] = None if cert is None else cert.to_dict()
            data["certificate_status"] = self.certificate_status
        return data


def equivalent(
    a: ShallowNetwork,
    b: ShallowNetwork,
    *,
    method: Method = "canonical",
    relabel: RelabelMode | None = None,
    domain: Box | Polytope | None = None,
    epsilon: Any = None,
    limit: int = DEFAULT_EXPLAIN_LIMIT,
) -> Equivalence | RelabelledEquivalence:
    """Decide exactly whether a and b compute the same function on all of R^d.

    Parameters
    ----------
    a, b
        Networks; their widths may differ.
    method
        ``"canonical"`` compares canonical forms (docs/theory.md Theorem 3) and matches neurons by
        their normal forms; ``"graph"`` decides by labelled isomorphism of the
        bent-hyperplane graphs and finds the standard certificate by isomorphism of the
        neuron graphs (networkx vf2pp). Both give the same verdict.
    relabel
        ``None`` (default): the functions must be equal. ``"inputs"``, ``"outputs"``,
        ``"both"`` or ``"signed-inputs"``: decide instead whether f_b(y) = P f_a(Q y) for
        permutations of the inputs (Q), the outputs (P), both, or signed permutations of the
        inputs, delegated to :func:`shallowsym.relabel.relabelled_equivalent`
        (which returns a ``RelabelledEquivalence`` with the permutations or an obstruction).
    domain
        A :class:`~shallowsym.domain.Box` or :class:`~shallowsym.domain.Polytope`: decide
        f_a = f_b on int(D) by the canonical forms on D (proofs/domains.md, Theorem D3); the
        witness is then a rational point inside D.
    epsilon
        With ``domain``: decide sup over D of |f_a - f_b| <= epsilon (every output) by
        :func:`shallowsym.domain.max_difference`; the reason says whether the value is exact
        or the MILP solver's bound.
    limit
        Bound on the search for a move certificate, which runs only when ``certificate`` is
        first read (see :func:`shallowsym.explain`); the verdict never waits for it. With
        ``relabel``, the bound on the relabelling search.

    Returns
    -------
    Equivalence
        Truthy exactly when the functions are equal. When not, ``witness`` separates them
        (unless d or k differ, which ``reason`` then says). When they are, ``certificate``
        gives the standard symmetry mapping a onto b if there is one (or, lazily, named moves),
        and ``needs_hidden_symmetries`` says when there is none.

    Raises
    ------
    TypeError
        If a or b is not a ``ShallowNetwork``.
    ValueError
        If ``method`` or ``relabel`` is unknown or ``limit`` is not a positive integer.

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
    >>> swapped = ShallowNetwork([[0, 1]], [0], [[1]], [0])   # relu(x2) against relu(x1)
    >>> print(equivalent(ShallowNetwork([[1, 0]], [0], [[1]], [0]), swapped, relabel="inputs"))
    EQUIVALENT up to relabelled inputs: b = a relabelled, checked on canonical forms
    relabelling: inputs x1->x2, x2->x1; outputs unchanged

    References
    ----------
    docs/theory.md section 4: Theorem 3 (functional equivalence) and the witness construction;
    proofs/relabelling.md for ``relabel``.
    """
    for name, net in (("a", a), ("b", b)):
        if not isinstance(net, ShallowNetwork):
            raise TypeError(
                f"equivalent expects ShallowNetwork arguments; {name} is {type(net).__name__}"
            )
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, not {method!r}")
    check_limit(limit)
    if relabel is not None:
        if domain is not None or epsilon is not None:
            raise ValueError("relabel= does not combine with domain= or epsilon=")
        return relabelled_equivalent(a, b, relabel=relabel, limit=limit)
    if domain is not None or epsilon is not None:
        return _on_domain(a, b, method, domain, epsilon, limit)
    if a.d != b.d or a.k != b.k:
        return _known(False, _shape_reason(a, b), method)
    cf_a, cf_b = canonical_form(a), canonical_form(b)
    same = graphs_isomorphic(a, b) if method == "graph" else cf_a == cf_b
    if not same:

        def settle() -> Settled:
            x = separating_point(a, b, cf_a, cf_b)
            return Settled(_difference(cf_a, cf_b), witness=x, values=(a(x), b(x)))

        return Equivalence(False, method, settle)
    return _equivalent_verdict(a, b, method, limit)


def _known(same: bool, reason: str, method: str, **more: Any) -> Equivalence:
    """A verdict whose explanation is known at once."""
    settled = Settled(reason, **more)
    return Equivalence(same, method, lambda: settled)


def _shape_reason(a: ShallowNetwork, b: ShallowNetwork) -> str:
    if a.d != b.d:
        return f"a has input dimension {a.d} but b has {b.d}"
    return f"a has output dimension {a.k} but b has {b.k}"


def _on_domain(a, b, method: str, domain, epsilon, limit: int) -> Equivalence:
    """The verdict on int(D) (proofs/domains.md, Theorem D3), or within epsilon."""
    if domain is None:
        raise ValueError("epsilon needs a bounded domain= (the difference may be unbounded)")
    domain = as_domain(domain, a.d)
    if a.d != b.d or a.k != b.k:
        return _known(False, _shape_reason(a, b), method)
    if epsilon is not None:
        same, reason, x = epsilon_verdict(a, b, domain, epsilon)
        values = None if x is None else (a(x), b(x))
        return _known(same, reason, method, witness=x, values=values)
    cf_a, cf_b = canonical_form(a, domain=domain), canonical_form(b, domain=domain)
    if cf_a != cf_b:

        def settle() -> Settled:
            x, values = separating_point_in(a, b, cf_a, cf_b)
            reason = (
                f"on D = {domain}, {_difference(cf_a, cf_b)} (hyperplanes missing D folded "
                "into the affine part)"
            )
            return Settled(reason, witness=x, values=values)

        return Equivalence(False, method, settle)
    return _equal_on_domain(a, b, method, domain, limit)


def _equal_on_domain(a, b, method: str, domain, limit: int) -> Equivalence:
    """Equal forms on D: the verdict at once; whether a and b also agree on all of R^d (and
    then the standard map) is decided on first access to the explanation."""

    def settle() -> Settled:
        if canonical_form(a) == canonical_form(b):
            inner = _equivalent_verdict(a, b, method, limit)._settled
            return inner._replace(reason=f"equal on D = {domain} and on all of R^d: {inner.reason}")
        return Settled(
            f"same canonical form on D = {domain}: equal on D, though they differ outside D (so "
            "b is not in the standard-group orbit of a)",
            hidden=True,
            certifiable=False,
        )

    return Equivalence(True, method, settle, limit=limit, networks=(a, b))


def _equivalent_verdict(
    a: ShallowNetwork, b: ShallowNetwork, method: str, limit: int
) -> Equivalence:
    """Equal canonical forms: the verdict at once, the standard map on first access."""
    if a.h != b.h:
        return _known(
            True,
            f"same canonical form; the widths differ ({a.h} and {b.h}), so the equivalence "
            "needs hidden symmetries (zero, twin, cancelling or flipped neurons)",
            method,
            hidden=True,
        )

    def settle() -> Settled:
        cert = graph_standard_map(a, b) if method == "graph" else find_standard_map(a, b)
        if cert is None:
            return Settled(
                "same canonical form, but b is not in the standard-group orbit of a: the "
                "equivalence needs hidden symmetries (named moves in `certificate`, on demand)",
                hidden=True,
            )
        return Settled(
            "b = g.a for a standard symmetry g (a permutation and positive scalings)",
            standard=cert,
        )

    return Equivalence(True, method, settle, limit=limit, networks=(a, b))


def _difference(cf_a: CanonicalForm, cf_b: CanonicalForm) -> str:
    """Which invariant differs first, in words."""
    diffs = kink_differences(cf_a, cf_b)
    if diffs:
        key = next(iter(diffs))
        return (
            f"hyperplane {format_hyperplane(key, exact=False, max_terms=6)} has kink "
            f"{_fmt_vector(cf_a.kink(key), exact=False, full=False)} in a and "
            f"{_fmt_vector(cf_b.kink(key), exact=False, full=False)} in b"
        )
    for j, (row_a, row_b) in enumerate(zip(cf_a.linear, cf_b.linear, strict=True)):
        for col, (x, y) in enumerate(zip(row_a, row_b, strict=True)):
            if x != y:
                return (
                    f"the linear part M = W2 W1 differs at [{j}, {col}]: "
                    f"{_fmt_vector((x,), exact=False)} in a and {_fmt_vector((y,), exact=False)} "
                    "in b"
                )
    for j, (x, y) in enumerate(zip(cf_a.constant, cf_b.constant, strict=True)):
        if x != y:
            return (
                f"the constant delta = b2 + W2 b1 / 2 + (zero-input terms) differs at output "
                f"{j}: {_fmt_vector((x,), exact=False)} in a and {_fmt_vector((y,), exact=False)} "
                "in b"
            )
    raise AssertionError("internal error: canonical forms differ but no invariant does")
