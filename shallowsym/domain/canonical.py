"""The canonical form on a domain: hyperplanes that miss int(D) fold into the affine part
(proofs/domains.md, Lemma D1 and Theorem D2)."""

from __future__ import annotations

from flint import fmpq, fmpq_mat, fmpz_mat

from ..hyperplanes import hyperplane_normal_offset
from .sets import Box, Polytope

__all__ = ["fold_onto", "key_side"]


def key_side(domain: Box | Polytope, key) -> int:
    """:meth:`Domain.side` of the hyperplane of an integer key (n_1, ..., n_d, n_0).

    Examples
    --------
    >>> box = Box([0], [2])
    >>> key_side(box, (1, -3)), key_side(box, (1, 0)), key_side(box, (1, -1))
    (-1, 1, 0)
    """
    if isinstance(domain, Box):
        return domain.integer_side(key)
    normal, offset = hyperplane_normal_offset(key)
    return domain.side(normal, offset)


def _q(x) -> fmpq:
    return x if isinstance(x, fmpq) else fmpq(x.numerator, x.denominator)


def fold_onto(domain, keys, kinks, linear, constant):
    """Fold the bent hyperplanes of a canonical form that miss int(D) into its affine part.

    On D, |l_H| = s l_H with s = +1 or -1 when H misses int(D) (proofs/domains.md, Lemma D1),
    so (kappa/2)|l_H| adds (s kappa / 2) u_H to the half linear part and s kappa c_H / 2 to
    the constant. With the integer keys n_H = lead_H (u_H, c_H), the folded terms are one exact
    product C N of the k x m rationals C = s kappa / lead and the m x (d + 1) integer keys.
    ``kinks``, ``linear`` and ``constant`` are exact rationals (``Fraction``, int or flint
    ``fmpq``); returns (keys, kinks, linear, constant) of the form on D, the last three as
    flint ``fmpq`` (no conversion back: the form keeps flint rationals).

    Examples
    --------
    >>> from fractions import Fraction
    >>> _, _, linear, constant = fold_onto(
    ...     Box([0], [1]), ((1, -2),), ((Fraction(3),),), ((Fraction(0),),), (Fraction(0),))
    >>> linear, constant
    (((-3,),), (3,))
    """
    kept_keys, kept_kinks, folded = [], [], []
    for key, kink in zip(keys, kinks, strict=True):
        side = key_side(domain, key)
        if side == 0:
            kept_keys.append(key)
            kept_kinks.append(kink)
        else:
            folded.append((key, kink, side))
    if not folded:
        return tuple(kept_keys), tuple(kept_kinks), linear, constant
    k, d = len(constant), len(keys[0]) - 1
    C = fmpq_mat(
        k,
        len(folded),
        [
            side * _q(kink[j]) / next(x for x in key if x)
            for j in range(k)
            for key, kink, side in folded
        ],
    )
    N = fmpz_mat(len(folded), d + 1, [x for key, _, _ in folded for x in key])
    base = fmpq_mat(
        k,
        d + 1,
        [v for j in range(k) for v in (*map(_q, linear[j]), 2 * _q(constant[j]))],
    )
    entries = (base + C * fmpq_mat(N)).entries()
    linear = tuple(tuple(entries[j * (d + 1) : j * (d + 1) + d]) for j in range(k))
    constant = tuple(entries[j * (d + 1) + d] / 2 for j in range(k))
    return tuple(kept_keys), tuple(kept_kinks), linear, constant
