"""The canonical form of the function of a network (docs/theory.md section 4, Theorems 1 and 3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np
from flint import fmpq, fmpq_mat

from .domain.canonical import fold_onto
from .domain.sets import Box, Polytope, as_domain
from .dyadic import dyadic_product
from .hyperplanes import (
    Key,
    combine_hyperplanes,
    format_affine,
    format_hyperplane,
    hyperplane_normal_offset,
    neuron_keys,
)
from .network import ShallowNetwork, as_point
from .rationals import format_rational, to_fmpq, to_fraction
from .text import SHOWN, format_number, markdown_block, shorten_rendered, vector_text

__all__ = ["BentHyperplane", "CanonicalForm", "canonical_form"]

_MAX_TERMS_SHOWN = 12

#: The integer product for M and delta of float-built networks is used when the width h is at
#: least this times k + d + 2; below, flint's rational product was faster in
#: ``benchmarks/bench_core.py`` once W1 is exact (at (16, 10^4, 4) flint is 1.7x slower).
#: W1 is converted lazily, so for larger W1 (above SMALL_W1_ENTRIES) the integer product is
#: used at any width: at (784, 128, 10) float32 it saves the conversion of 10^5 entries.
DYADIC_MIN_WIDTH_RATIO = 32
#: Below this many entries, converting W1 exactly (it is built lazily) is cheaper than the
#: integer product; above it the integer product is used whatever the width ratio.
SMALL_W1_ENTRIES = 4096


class BentHyperplane(NamedTuple):
    """A hyperplane u.x + c = 0 (u[p] = 1 at its first non-zero index) where f bends."""

    normal: tuple[Fraction, ...]
    offset: Fraction
    kink: tuple[Fraction, ...]

    def __str__(self) -> str:
        """The equation and the kink, exact.

        >>> print(BentHyperplane((Fraction(1), Fraction(-2)), Fraction(1, 2), (Fraction(3),)))
        x1 - 2*x2 + 1/2 = 0, kink (3)
        """
        terms = []
        for i, u in enumerate(self.normal, start=1):
            if u:
                coefficient = "" if abs(u) == 1 else f"{format_rational(abs(u))}*"
                sign = "-" if u < 0 else "+"
                terms.append(f"{sign} {coefficient}x{i}")
        text = " ".join(terms).removeprefix("+ ")
        text = "-" + text[2:] if text.startswith("- ") else text
        if self.offset:
            sign = "-" if self.offset < 0 else "+"
            text += f" {sign} {format_rational(abs(self.offset))}"
        kink = ", ".join(format_rational(x) for x in self.kink)
        return f"{text} = 0, kink ({kink})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, exact numbers as strings."""
        return {
            "normal": [format_rational(x) for x in self.normal],
            "offset": format_rational(self.offset),
            "kink": [format_rational(x) for x in self.kink],
        }


@dataclass(frozen=True)
class CanonicalForm:
    """The exact, complete invariant of the function f of a network.

    f(x) = sum_H (kappa_H / 2) |u_H . x + c_H| + (1/2) M x + delta, summed over the bent
    hyperplanes H (kink kappa_H != 0), in a deterministic sorted order.

    Two canonical forms are ``==`` exactly when the two networks compute the same
    function on all of R^d (docs/theory.md Theorem 3). Canonical forms are immutable and
    hashable, so they can key a dict of functions.

    Attributes
    ----------
    d, k
        Input and output dimension.
    keys
        The bent hyperplanes as primitive integer vectors (n_1, ..., n_d, n_0) of
        n.x + n_0 = 0 with the first non-zero entry positive, sorted.
    kinks
        kappa_H in Q^k for each key, aligned with ``keys``.
    linear
        M = W2 W1, a k x d matrix (tuple of rows).
    constant
        delta = b2 + 1/2 W2 b1 + 1/2 sum over zero-input neurons of |beta_i| a_i.

    ``kinks``, ``linear`` and ``constant`` are ``Fraction`` built on first access; the form
    itself holds flint rationals, so computing and comparing forms builds none.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> cf = canonical_form(ShallowNetwork([[1], [-1]], [-1, 3], [[1, 1]], [0]))
    >>> print(cf)
    f(x) = 1/2 |x1 - 3| + 1/2 |x1 - 1| + 1
    >>> cf.bent_hyperplanes[0]
    BentHyperplane(normal=(Fraction(1, 1),), offset=Fraction(-3, 1), kink=(Fraction(1, 1),))
    >>> cf.linear, cf.constant
    (((Fraction(0, 1),),), (Fraction(1, 1),))
    """

    d: int
    k: int
    keys: tuple[Key, ...]
    _kinks: tuple[tuple[fmpq, ...], ...] = field(repr=False)
    _linear: tuple[tuple[fmpq, ...], ...] = field(repr=False)
    _constant: tuple[fmpq, ...] = field(repr=False)
    domain: Box | Polytope | None = None

    @classmethod
    def from_parts(
        cls,
        *,
        d: int,
        k: int,
        keys: tuple[Key, ...],
        kinks: Any,
        linear: Any,
        constant: Any,
        domain: Box | Polytope | None = None,
    ) -> CanonicalForm:
        """A canonical form from its parts, kinks, M and delta given as exact rationals
        (``Fraction``, int or flint); for modules that transform forms (relabelling, domains).

        >>> cf = canonical_form(ShallowNetwork([[1]], [-1], [[2]], [0]))
        >>> CanonicalForm.from_parts(d=1, k=1, keys=cf.keys, kinks=cf.kinks,
        ...                          linear=cf.linear, constant=cf.constant) == cf
        True
        """
        return cls(
            d=d,
            k=k,
            keys=tuple(keys),
            _kinks=tuple(tuple(map(to_fmpq, kink)) for kink in kinks),
            _linear=tuple(tuple(map(to_fmpq, row)) for row in linear),
            _constant=tuple(map(to_fmpq, constant)),
            domain=domain,
        )

    @cached_property
    def linear(self) -> tuple[tuple[Fraction, ...], ...]:
        """M = W2 W1 as rows of ``Fraction`` (built on first access)."""
        return tuple(tuple(map(to_fraction, row)) for row in self._linear)

    @cached_property
    def constant(self) -> tuple[Fraction, ...]:
        """delta as ``Fraction`` (built on first access)."""
        return tuple(map(to_fraction, self._constant))

    @cached_property
    def kinks(self) -> tuple[tuple[Fraction, ...], ...]:
        """kappa_H in Q^k for each key, aligned with ``keys``, as ``Fraction`` (built on first
        access: the canonical form itself keeps flint rationals)."""
        return tuple(tuple(map(to_fraction, kink)) for kink in self._kinks)

    @property
    def num_bent(self) -> int:
        """The number of bent hyperplanes."""
        return len(self.keys)

    @cached_property
    def bent_hyperplanes(self) -> tuple[BentHyperplane, ...]:
        """(normal, offset, kink) of each bent hyperplane, as exact ``Fraction``."""
        return tuple(
            BentHyperplane(*hyperplane_normal_offset(key), kink)
            for key, kink in zip(self.keys, self.kinks, strict=True)
        )

    def kink(self, key: Key) -> tuple[Fraction, ...]:
        """The kink of the hyperplane with this integer key (zeros when f does not bend there)."""
        index = self._index.get(key)
        return self.kinks[index] if index is not None else (Fraction(0),) * self.k

    @cached_property
    def _index(self) -> dict[Key, int]:
        return {key: n for n, key in enumerate(self.keys)}

    @cached_property
    def sigma_form(self) -> tuple[tuple[tuple[Fraction, ...], ...], tuple[Fraction, ...]]:
        """(L, e) with f(x) = sum_H kappa_H relu(u_H.x + c_H) + L x + e (docs/theory.md section 4).

        L = M/2 - (1/2) sum_H kappa_H u_H^T and e = delta - (1/2) sum_H kappa_H c_H.
        """
        d = self.d
        entries = list(map(to_fraction, self.sigma_matrix.entries()))
        rows = [entries[j * (d + 1) : (j + 1) * (d + 1)] for j in range(self.k)]
        return tuple(tuple(row[:d]) for row in rows), tuple(row[d] for row in rows)

    @cached_property
    def sigma_matrix(self) -> fmpq_mat:
        """[L | e] of :attr:`sigma_form` as one exact k x (d + 1) flint matrix (one flint
        product over the bent hyperplanes, :func:`~shallowsym.hyperplanes.combine_hyperplanes`).

        >>> from shallowsym import ShallowNetwork
        >>> print(canonical_form(ShallowNetwork([[1]], [-1], [[2]], [0])).sigma_matrix)
        [0, 0]
        """
        d, k = self.d, self.k
        half = fmpq_mat(
            k, d + 1, [v for j in range(k) for v in (*self._linear[j], 2 * self._constant[j])]
        )
        if self.keys:
            half -= combine_hyperplanes(self._kinks, self.keys, k)
        return half / 2

    def __call__(self, x: Any) -> tuple[Fraction, ...]:
        """Evaluate f exactly from the canonical form (an independent check of Theorem 1)."""
        point = [to_fraction(v) for v in as_point(x, self.d, "x")]
        out = list(self.constant)
        for j, row in enumerate(self.linear):
            out[j] += sum((m * v for m, v in zip(row, point, strict=True)), Fraction(0)) / 2
        for normal, offset, kink in self.bent_hyperplanes:
            value = abs(sum((u * v for u, v in zip(normal, point, strict=True)), offset))
            for j in range(self.k):
                out[j] += kink[j] * value / 2
        return tuple(out)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        if self.num_bent * (self.d + self.k + 1) + self.k * (self.d + 1) > 60:
            return f"CanonicalForm(d={self.d}, k={self.k}, num_bent={self.num_bent})"
        try:
            fields = ", ".join(
                f"{name}={getattr(self, name)!r}"
                for name in ("d", "k", "keys", "kinks", "linear", "constant")
            )
        except ValueError:  # an integer past Python's 4300-digit str limit
            return f"CanonicalForm(d={self.d}, k={self.k}, num_bent={self.num_bent})"
        return f"CanonicalForm({fields})"

    def _repr_markdown_(self) -> str:
        return markdown_block(self.to_text())

    def to_text(self, *, full: bool = False, exact: bool = False) -> str:
        """The form for people. Small forms print as formulas; at scale (more than 12 bent
        hyperplanes, or d > 8) as a list of the first hyperplanes with their kinks, then M and
        delta cut to their first entries. ``full`` prints every hyperplane and entry,
        ``exact`` every number exactly (else long ones print as ``~`` decimals)."""
        if self.num_bent <= _MAX_TERMS_SHOWN and self.d <= SHOWN:
            lines = []
            for j in range(self.k):
                name = "f" if self.k == 1 else f"f{j + 1}"
                lines.append(f"{name}(x) = {self._output_formula(j, exact=exact, full=full)}")
            if self.domain is not None:
                lines.append(f"on D = {self.domain}")
            return "\n".join(lines)
        terms = None if full else 4

        def vector(values) -> str:
            return vector_text(values, exact=exact, full=full)

        lines = [
            f"canonical form: d = {self.d}, k = {self.k}, {self.num_bent} bent "
            f"hyperplane{'' if self.num_bent == 1 else 's'}",
            "f(x) = sum over H of (kink_H / 2) |u_H.x + c_H| + (1/2) M x + delta, with",
        ]

        def row(item) -> str:
            n, (key, kink) = item
            equation = format_hyperplane(key, exact=exact, max_terms=terms)
            return f"  H{n}: {equation}; kink {vector(kink)}"

        items = list(enumerate(zip(self.keys, self.kinks, strict=True)))
        lines += shorten_rendered(
            items, row, full=full, noun="bent hyperplanes (--full)", indent="  "
        )
        lines.append(f"M = W2 W1 ({self.k} x {self.d}):")
        lines += shorten_rendered(
            list(enumerate(self.linear)),
            lambda item: f"  row {item[0]}: {vector(item[1])}",
            full=full,
            noun="rows",
            shown=4,
            indent="  ",
        )
        lines.append(f"delta = {vector(self.constant)}")
        if self.domain is not None:
            lines.append(f"on D = {self.domain}")
        return "\n".join(lines)

    def _output_formula(self, j: int, *, exact: bool = True, full: bool = True) -> str:
        terms = []
        max_terms = None if full else 6
        for key, kink in zip(self.keys, self.kinks, strict=True):
            if kink[j]:
                ell = format_hyperplane(key, exact=exact, max_terms=max_terms)[: -len(" = 0")]
                coef = kink[j] / 2
                sign = "-" if coef < 0 else "+"
                mag = "" if abs(coef) == 1 else f"{format_number(abs(coef), exact=exact)} "
                terms.append((sign, f"{mag}|{ell}|"))
        shown = terms if full else terms[:_MAX_TERMS_SHOWN]
        text = " ".join(
            f"{'-' if sign == '-' else ''}{t}" if n == 0 else f"{sign} {t}"
            for n, (sign, t) in enumerate(shown)
        )
        if len(terms) > len(shown):
            text += f" + ... ({len(terms) - len(shown)} more bent hyperplanes)"
        affine = format_affine(
            tuple(m / 2 for m in self.linear[j]), self.constant[j], exact=exact, max_terms=max_terms
        )
        if not text:
            return affine
        if affine == "0":
            return text
        return f"{text} - {affine[1:]}" if affine.startswith("-") else f"{text} + {affine}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; every number is an exact string."""

        def strs(values):
            return [format_rational(v) for v in values]

        return {
            "d": self.d,
            "k": self.k,
            "bent_hyperplanes": [
                {
                    "equation": format_hyperplane(key),
                    "normal": strs(bent.normal),
                    "offset": format_rational(bent.offset),
                    "kink": strs(bent.kink),
                }
                for key, bent in zip(self.keys, self.bent_hyperplanes, strict=True)
            ],
            "linear": [strs(row) for row in self.linear],
            "constant": strs(self.constant),
            "formula": "\n".join(  # the first 12 hyperplanes; the data above is complete
                f"{'f' if self.k == 1 else f'f{j + 1}'}(x) = "
                + self._output_formula(j, exact=True, full=False)
                for j in range(self.k)
            ),
            "domain": None if self.domain is None else self.domain.to_dict(),
        }


def canonical_form(net: ShallowNetwork, *, domain: Box | Polytope | None = None) -> CanonicalForm:
    """The canonical form of the function of ``net`` (docs/theory.md Theorems 1 and 3).

    Parameters
    ----------
    net
        A :class:`ShallowNetwork`.
    domain
        A :class:`~shallowsym.domain.Box` or :class:`~shallowsym.domain.Polytope`: the
        canonical form of f on int(D) (proofs/domains.md, Theorem D3). Bent hyperplanes that
        miss int(D) are folded into the affine part; the result keeps ``domain``.

    Returns
    -------
    CanonicalForm
        Equal for two networks exactly when they compute the same function on R^d (on D,
        with ``domain``). The result is cached on the (immutable) network.

    Raises
    ------
    TypeError
        If ``net`` is not a ``ShallowNetwork`` (or ``domain`` not a domain).
    InvalidDomainError
        If the domain's dimension is not ``net.d``.

    Examples
    --------
    The two sides of the flip identity relu(x - 1) + relu(3 - x) = relu(1 - x) + relu(x - 3) + 2:

    >>> from shallowsym import ShallowNetwork
    >>> a = ShallowNetwork([[1], [-1]], [-1, 3], [[1, 1]], [0])
    >>> b = ShallowNetwork([[-1], [1]], [1, -3], [[1, 1]], [2])
    >>> canonical_form(a) == canonical_form(b)
    True

    On [2, 4] the hyperplane x = 1 misses the domain, where relu(x - 1) = x - 1:

    >>> from shallowsym.domain import Box
    >>> print(canonical_form(a, domain=Box([2], [4])))
    f(x) = 1/2 |x1 - 3| + 1/2 x1 + 1/2
    on D = [2, 4]^1

    Notes
    -----
    Cost: O(h (d + k)) rational operations, a sort of the bent hyperplanes, and one
    exact k x h x d matrix product for M.

    References
    ----------
    docs/theory.md section 4 (Theorem 1: canonical form; Lemma 2: independence of the
    |l_H|; Theorem 3: functional equivalence).
    """
    if not isinstance(net, ShallowNetwork):
        raise TypeError(f"canonical_form expects a ShallowNetwork, not {type(net).__name__}")
    if domain is not None:
        domain = as_domain(domain, net.d)
        return net.cached(("canonical_form", domain), lambda: _on_domain(net, domain))
    return net.cached("canonical_form", lambda: _compute_canonical_form(net))


def _compute_canonical_form(net: ShallowNetwork) -> CanonicalForm:
    nk = neuron_keys(net)
    ex = net.exact
    h, k = net.h, net.k
    # Neurons grouped by hyperplane (those with w_i = 0 or a_i = 0 add no kink): sorted by
    # key once, runs of equal keys are the groups.
    keys = nk.keys
    live = [i for i, dead in enumerate(nk.zero_output) if not dead and keys[i] is not None]
    live.sort(key=keys.__getitem__)
    kinks: list[tuple[fmpq, ...]] = []
    bent: list[Key] = []
    if live:
        # kappa of neuron i is s_i a_i
        if k == 1:
            products = [(a * s,) for a, s in zip(ex.W2.entries(), nk.scales, strict=True)]
        else:  # one numpy pass over object arrays of flint rationals (no Python loop)
            weights = np.empty(k * h, dtype=object)
            weights[:] = ex.W2.entries()
            scales = np.empty(h, dtype=object)
            scales[:] = nk.scales
            products = list(map(tuple, (weights.reshape(k, h).T * scales[:, None]).tolist()))
        start, n = 0, len(live)
        while start < n:
            key = keys[live[start]]
            stop = start + 1
            while stop < n and keys[live[stop]] == key:
                stop += 1
            if stop == start + 1:  # s_i > 0 and a_i != 0: a bent hyperplane
                kinks.append(products[live[start]])
                bent.append(key)
            else:
                rows = [products[i] for i in live[start:stop]]
                total = tuple(sum(column, fmpq(0)) for column in zip(*rows, strict=True))
                if any(total):
                    kinks.append(total)
                    bent.append(key)
            start = stop
    exact = _dyadic_linear_constant(net, nk.keys)
    if exact is None:
        linear = _rows(ex.W2 * ex.W1)
        # delta = b2 + W2 (b1 + z) / 2 with z_i = |beta_i| on zero-input neurons.
        if None in nk.keys:
            shifted = fmpq_mat(
                h,
                1,
                [
                    beta + abs(beta) if key is None else beta
                    for beta, key in zip(ex.b1.entries(), nk.keys, strict=True)
                ],
            )
        else:  # no zero-input neuron: z = 0
            shifted = ex.b1
        constant = tuple((ex.b2 + ex.W2 * shifted / 2).entries())
    else:
        linear, constant = exact
    return CanonicalForm(
        d=net.d,
        k=k,
        keys=tuple(bent),
        _kinks=tuple(kinks),
        _linear=linear,
        _constant=constant,
    )


def _dyadic_linear_constant(net: ShallowNetwork, keys: tuple[Key | None, ...]):
    """(M, delta) of a network built from float arrays, by one exact integer product
    W2 [W1 | beta' | beta''] (shallowsym.dyadic); None for other networks or when the exponents
    span too many bits. beta' is b1 on neurons with w_i != 0, beta'' is b1 on zero-input neurons
    with beta_i > 0 (0 elsewhere), so delta = b2 + W2 beta' / 2 + W2 beta''."""
    rows = net.cached("dyadic_rows")
    w2 = net.cached("dyadic_w2")
    d = net.d
    if rows is None or w2 is None:
        return None
    if net.h < DYADIC_MIN_WIDTH_RATIO * (net.k + d + 2) and (
        net.has_exact_W1 or net.h * d <= SMALL_W1_ENTRIES
    ):
        return None  # W1 exact already or cheap to make: flint is faster for short products
    beta = rows[:, d]
    zero_input = np.array([key is None for key in keys], dtype=bool)
    right = np.empty((rows.shape[0], d + 2))
    right[:, :d] = rows[:, :d]
    right[:, d] = np.where(zero_input, 0.0, beta)
    right[:, d + 1] = np.where(zero_input & (beta > 0), beta, 0.0)
    product = dyadic_product(w2, right)
    if product is None:
        return None
    linear = tuple(tuple(row[:d]) for row in product)
    constant = tuple(
        c + row[d] / 2 + row[d + 1] for c, row in zip(net.exact.b2.entries(), product, strict=True)
    )
    return linear, constant


def _on_domain(net: ShallowNetwork, domain: Box | Polytope) -> CanonicalForm:
    cf = canonical_form(net)
    keys, kinks, linear, constant = fold_onto(domain, cf.keys, cf._kinks, cf._linear, cf._constant)
    return CanonicalForm.from_parts(
        d=cf.d, k=cf.k, keys=keys, kinks=kinks, linear=linear, constant=constant, domain=domain
    )


def _rows(m: fmpq_mat) -> tuple[tuple[fmpq, ...], ...]:
    entries = m.entries()
    cols = m.ncols()
    return tuple(tuple(entries[r * cols : (r + 1) * cols]) for r in range(m.nrows()))
