"""The canonical form of the function of a network (THEORY.md section 4, Theorems 1 and 3)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any, NamedTuple

from flint import fmpq, fmpq_mat

from .domain import Box, Polytope, as_domain, fold_onto
from .hyperplanes import (
    Key,
    format_affine,
    format_hyperplane,
    hyperplane_normal_offset,
    neuron_keys,
)
from .network import ShallowNetwork, _point
from .rationals import format_rational, to_fraction

__all__ = ["BentHyperplane", "CanonicalForm", "canonical_form"]

_MAX_TERMS_SHOWN = 12


class BentHyperplane(NamedTuple):
    """A hyperplane u.x + c = 0 (u[p] = 1 at its first non-zero index) where f bends."""

    normal: tuple[Fraction, ...]
    offset: Fraction
    kink: tuple[Fraction, ...]


@dataclass(frozen=True)
class CanonicalForm:
    """The exact, complete invariant of the function f of a network.

    f(x) = sum_H (kappa_H / 2) |u_H . x + c_H| + (1/2) M x + delta, summed over the bent
    hyperplanes H (kink kappa_H != 0), in a deterministic sorted order.

    Two canonical forms are ``==`` exactly when the two networks compute the same
    function on all of R^d (THEORY.md Theorem 3). Canonical forms are immutable and
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
    kinks: tuple[tuple[Fraction, ...], ...]
    linear: tuple[tuple[Fraction, ...], ...]
    constant: tuple[Fraction, ...]
    domain: Box | Polytope | None = None

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
        """(L, e) with f(x) = sum_H kappa_H relu(u_H.x + c_H) + L x + e (THEORY.md section 4).

        L = M/2 - (1/2) sum_H kappa_H u_H^T and e = delta - (1/2) sum_H kappa_H c_H.
        """
        L = [[m / 2 for m in row] for row in self.linear]
        e = [c for c in self.constant]
        for normal, offset, kink in self.bent_hyperplanes:
            for j in range(self.k):
                if kink[j]:
                    half = kink[j] / 2
                    e[j] -= half * offset
                    for col, u in enumerate(normal):
                        if u:
                            L[j][col] -= half * u
        return tuple(tuple(row) for row in L), tuple(e)

    def __call__(self, x: Any) -> tuple[Fraction, ...]:
        """Evaluate f exactly from the canonical form (an independent check of Theorem 1)."""
        point = [to_fraction(v) for v in _point(x, self.d, "x")]
        out = list(self.constant)
        for j, row in enumerate(self.linear):
            out[j] += sum((m * v for m, v in zip(row, point, strict=True)), Fraction(0)) / 2
        for normal, offset, kink in self.bent_hyperplanes:
            value = abs(sum((u * v for u, v in zip(normal, point, strict=True)), offset))
            for j in range(self.k):
                out[j] += kink[j] * value / 2
        return tuple(out)

    def __str__(self) -> str:
        lines = []
        for j in range(self.k):
            name = "f" if self.k == 1 else f"f{j + 1}"
            lines.append(f"{name}(x) = {self._output_formula(j)}")
        if self.domain is not None:
            lines.append(f"on D = {self.domain}")
        return "\n".join(lines)

    def _output_formula(self, j: int) -> str:
        terms = []
        for key, kink in zip(self.keys, self.kinks, strict=True):
            if kink[j]:
                ell = format_hyperplane(key)[: -len(" = 0")]
                coef = kink[j] / 2
                sign = "-" if coef < 0 else "+"
                mag = "" if abs(coef) == 1 else f"{format_rational(abs(coef))} "
                terms.append((sign, f"{mag}|{ell}|"))
        shown = terms[:_MAX_TERMS_SHOWN]
        text = " ".join(
            f"{'-' if sign == '-' else ''}{t}" if n == 0 else f"{sign} {t}"
            for n, (sign, t) in enumerate(shown)
        )
        if len(terms) > len(shown):
            text += f" + ... ({len(terms) - len(shown)} more bent hyperplanes)"
        affine = format_affine(tuple(m / 2 for m in self.linear[j]), self.constant[j])
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
            "formula": str(self),
            "domain": None if self.domain is None else self.domain.to_dict(),
        }


def canonical_form(net: ShallowNetwork, *, domain: Box | Polytope | None = None) -> CanonicalForm:
    """The canonical form of the function of ``net`` (THEORY.md Theorems 1 and 3).

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
    THEORY.md section 4 (Theorem 1: canonical form; Lemma 2: independence of the
    |l_H|; Theorem 3: functional equivalence).
    """
    if not isinstance(net, ShallowNetwork):
        raise TypeError(f"canonical_form expects a ShallowNetwork, not {type(net).__name__}")
    if domain is not None:
        domain = as_domain(domain, net.d)
        return net._cached(("canonical_form", domain), lambda: _on_domain(net, domain))
    return net._cached("canonical_form", lambda: _compute_canonical_form(net))


def _compute_canonical_form(net: ShallowNetwork) -> CanonicalForm:
    nk = neuron_keys(net)
    h, k = net.h, net.k
    a = net._A2.entries()
    sums: dict[Key, list[fmpq]] = {}
    for i, key in enumerate(nk.keys):
        if key is None or nk.zero_output[i]:
            continue
        s = nk.scales[i]
        column = [a[j * h + i] * s for j in range(k)]
        total = sums.get(key)
        if total is None:
            sums[key] = column
        else:
            for j in range(k):
                total[j] += column[j]
    bent = sorted((key, kink) for key, kink in sums.items() if any(kink))
    linear = net._A2 * net._A1
    # delta = b2 + W2 (b1 + z) / 2 with z_i = |beta_i| on zero-input neurons.
    shifted = [
        beta + abs(beta) if key is None else beta
        for beta, key in zip(net._c1.entries(), nk.keys, strict=True)
    ]
    delta = net._c2 + net._A2 * fmpq_mat(h, 1, shifted) / 2
    return CanonicalForm(
        d=net.d,
        k=k,
        keys=tuple(key for key, _ in bent),
        kinks=tuple(tuple(map(to_fraction, kink)) for _, kink in bent),
        linear=_rows(linear),
        constant=tuple(map(to_fraction, delta.entries())),
    )


def _on_domain(net: ShallowNetwork, domain: Box | Polytope) -> CanonicalForm:
    cf = canonical_form(net)
    keys, kinks, linear, constant = fold_onto(domain, cf.keys, cf.kinks, cf.linear, cf.constant)
    return CanonicalForm(cf.d, cf.k, keys, kinks, linear, constant, domain)


def _rows(m: fmpq_mat) -> tuple[tuple[Fraction, ...], ...]:
    entries = list(map(to_fraction, m.entries()))
    cols = m.ncols()
    return tuple(tuple(entries[r * cols : (r + 1) * cols]) for r in range(m.nrows()))
