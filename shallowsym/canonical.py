"""The canonical form of the function of a network (docs/theory.md section 4, Theorems 1 and 3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np
from flint import fmpq, fmpq_mat

from .domain.sets import Box, Polytope, as_domain
from .dyadic import dyadic_product, exponent_rows_product
from .hyperplanes import (
    Key,
    combine_hyperplanes,
    float_integer_rows,
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

#: For networks built from float arrays, M and delta are exact integer products (no rational
#: W1): Python integer dot products up to this many multiply-adds k h (d + 1) (they beat the
#: limb product below about 1000 in ``benchmarks/bench_domain.py``'s shapes), above it the
#: limb product of shallowsym.dyadic.
EXPONENT_ROWS_MAX_OPS = 1024
#: When W1 is exact already, flint's rational product is used while the width h is below this
#: times k + d + 2 (measured in ``benchmarks/bench_core.py``: at (16, 10^4, 4) flint is 1.7x
#: slower than the integer product).
DYADIC_MIN_WIDTH_RATIO = 32


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


@dataclass(frozen=True, eq=False)
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
    itself holds flint rationals, so computing and comparing forms builds none. A form made by
    :func:`canonical_form` computes M and delta on first need: ``==`` compares the
    hyperplanes and kinks first, so two forms that differ there are told apart without them.

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
    #: (M, delta) as rows and a tuple of flint rationals, or a function computing them
    _affine: Any = field(repr=False)
    domain: Box | Polytope | None = None

    @cached_property
    def _affine_parts(self) -> tuple[tuple[tuple[fmpq, ...], ...], tuple[fmpq, ...]]:
        affine = self._affine
        if callable(affine):
            affine = affine()
            object.__setattr__(self, "_affine", affine)  # drop the function (and its network)
        return affine

    @property
    def _linear(self) -> tuple[tuple[fmpq, ...], ...]:
        """M as rows of flint rationals."""
        return self._affine_parts[0]

    @property
    def _constant(self) -> tuple[fmpq, ...]:
        """delta as flint rationals."""
        return self._affine_parts[1]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CanonicalForm):
            return NotImplemented
        return (self.d, self.k, self.domain, self.keys, self._kinks) == (
            other.d,
            other.k,
            other.domain,
            other.keys,
            other._kinks,
        ) and self._affine_parts == other._affine_parts

    def __hash__(self) -> int:
        return hash((self.d, self.k, self.keys, self._kinks, self._affine_parts, self.domain))

    def __reduce__(self):
        # a form made lazily holds a function: pickle the values
        return (
            CanonicalForm,
            (self.d, self.k, self.keys, self._kinks, self._affine_parts, self.domain),
        )

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
            _affine=(
                tuple(tuple(map(to_fmpq, row)) for row in linear),
                tuple(map(to_fmpq, constant)),
            ),
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
        return net.cached(("canonical_form", domain), lambda: _compute_canonical_form(net, domain))
    return net.cached("canonical_form", lambda: _compute_canonical_form(net))


def _compute_canonical_form(
    net: ShallowNetwork, domain: Box | Polytope | None = None
) -> CanonicalForm:
    """The canonical form on D (on R^d when ``domain`` is None), read off the neurons.

    Every neuron i with w_i != 0 has a side sigma_i on D: +1 when l_i >= 0 on D (always
    active), -1 when l_i <= 0 on D (dead), 0 when its hyperplane meets int(D) (always 0 on
    R^d); a zero-input neuron's side is the sign of beta_i. On D, a_i relu(l_i) =
    (e_i / 2) a_i l_i + (1 - |sigma_i|) (kappa_i / 2) |l_H| with e_i = 1 + sigma_i, so
    (proofs/domains.md, Corollary D3a):

    - the bent hyperplanes are those of the neurons with sigma_i = 0, each with the kink
      kappa_H = sum of s_i a_i over its neurons (kept when not 0);
    - M = W2 diag(e) W1 and delta = b2 + W2 diag(e) b1 / 2 (on R^d: M = W2 W1).
    """
    nk = neuron_keys(net)
    k = net.k
    keys = nk.keys
    live = [i for i, dead in enumerate(nk.zero_output) if not dead and keys[i] is not None]
    sides = _neuron_sides(net, nk, live, domain)
    # Neurons grouped by hyperplane: sorted by key once, runs of equal keys are the groups.
    bending = [i for i in live if not sides[i]]
    bending.sort(key=keys.__getitem__)
    kinks: list[tuple[fmpq, ...]] = []
    bent: list[Key] = []
    if bending:
        products = dict(zip(bending, _neuron_kinks(net, nk, bending), strict=True))
        start, n = 0, len(bending)
        while start < n:
            key = keys[bending[start]]
            stop = start + 1
            while stop < n and keys[bending[stop]] == key:
                stop += 1
            if stop == start + 1:  # s_i > 0 and a_i != 0: a bent hyperplane
                kinks.append(products[bending[start]])
                bent.append(key)
            else:
                rows = [products[i] for i in bending[start:stop]]
                total = tuple(sum(column, fmpq(0)) for column in zip(*rows, strict=True))
                if any(total):
                    kinks.append(total)
                    bent.append(key)
            start = stop
    weights = [1 + side for side in sides]
    return CanonicalForm(
        d=net.d,
        k=k,
        keys=tuple(bent),
        _kinks=tuple(kinks),
        # M and delta when first needed (comparisons look at the kinks first)
        _affine=lambda: _dyadic_affine_part(net, weights) or _affine_part(net, weights),
        domain=domain,
    )


def _neuron_sides(net: ShallowNetwork, nk, live: list[int], domain) -> list[int]:
    """sigma_i of every neuron: the side of D its l_i lies on (0 when its hyperplane meets
    int(D), always on R^d), the sign of beta_i for zero-input neurons, 0 for the rest
    (a_i = 0: no term)."""
    sides = [0] * net.h
    if domain is not None and live:
        integer_rows = float_integer_rows(net)
        if integer_rows is not None:  # the rows: positive multiples of eps_i times the keys
            found = domain.row_sides(integer_rows[0][live])
        else:
            found = domain.signed_key_sides(
                [nk.keys[i] for i in live], [nk.orientations[i] for i in live]
            )
        for i, side in zip(live, found, strict=True):
            sides[i] = side
    if None in nk.keys:
        rows = net.cached("dyadic_rows")
        betas = rows[:, -1].tolist() if rows is not None else net.exact.b1.entries()
        for i, key in enumerate(nk.keys):
            if key is None:
                beta = betas[i]
                sides[i] = (beta > 0) - (beta < 0)
    return sides


def _neuron_kinks(net: ShallowNetwork, nk, neurons: list[int]) -> list[tuple[fmpq, ...]]:
    """kappa_i = s_i a_i of the given neurons, a k-tuple each."""
    ex = net.exact
    h, k = net.h, net.k
    scales = nk.scales
    if k == 1:
        a = ex.W2.entries()
        return [(a[i] * scales[i],) for i in neurons]
    # one numpy pass over object arrays of flint rationals (no Python loop)
    weights = np.empty(k * h, dtype=object)
    weights[:] = ex.W2.entries()
    chosen = np.empty(len(neurons), dtype=object)
    chosen[:] = [scales[i] for i in neurons]
    products = weights.reshape(k, h).T[neurons] * chosen[:, None]
    return list(map(tuple, products.tolist()))


def _affine_part(net: ShallowNetwork, weights: list[int]):
    """(M, delta) = (W2 E W1, b2 + W2 E b1 / 2) with E = diag(weights), by flint."""
    ex = net.exact
    W2 = ex.W2
    if any(e != 1 for e in weights):
        h = net.h
        entries = W2.entries()
        W2 = fmpq_mat(
            net.k,
            h,
            [v * weights[n % h] if weights[n % h] != 1 else v for n, v in enumerate(entries)],
        )
    linear = _rows(W2 * ex.W1)
    constant = tuple((ex.b2 + W2 * ex.b1 / 2).entries())
    return linear, constant


def _dyadic_affine_part(net: ShallowNetwork, weights: list[int]):
    """:func:`_affine_part` of a network built from float arrays, by one exact integer
    product (W2 E) [W1 | b1] (shallowsym.dyadic); None for other networks, when flint is
    faster (W1 exact already, see DYADIC_MIN_WIDTH_RATIO) or when the exponents span too
    many bits."""
    rows = net.cached("dyadic_rows")
    w2 = net.cached("dyadic_w2")
    d, h, k = net.d, net.h, net.k
    if rows is None or w2 is None:
        return None
    small = k * h * (d + 1) <= EXPONENT_ROWS_MAX_OPS
    if not small and net.has_exact_W1 and h < DYADIC_MIN_WIDTH_RATIO * (k + d + 2):
        return None
    if any(e != 1 for e in weights):
        if np.abs(w2).max() >= 2.0**1023:  # doubling would overflow
            return None
        w2 = w2 * np.array(weights, dtype=np.float64)  # exact: times 0, 1 or 2
    if small:
        product = exponent_rows_product(w2, *float_integer_rows(net))
    else:
        product = dyadic_product(w2, rows)
        if product is None:
            return None
    linear = tuple(tuple(row[:d]) for row in product)
    constant = tuple(c + row[d] / 2 for c, row in zip(net.exact.b2.entries(), product, strict=True))
    return linear, constant


def _rows(m: fmpq_mat) -> tuple[tuple[fmpq, ...], ...]:
    entries = m.entries()
    cols = m.ncols()
    return tuple(tuple(entries[r * cols : (r + 1) * cols]) for r in range(m.nrows()))
