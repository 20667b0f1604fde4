"""The canonical form on a domain: hyperplanes that miss int(D) fold into the affine part
(proofs/domains.md, Lemma D1 and Theorem D2)."""

from __future__ import annotations

from flint import fmpq, fmpq_mat

from ..hyperplanes import hyperplane_normal_offset
from ..rationals import to_fraction
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


def fold_onto(domain, keys, kinks, linear, constant):
    """Fold the bent hyperplanes of a canonical form that miss int(D) into its affine part.

    On D, |l_H| = s l_H with s = +1 or -1 when H misses int(D) (proofs/domains.md, Lemma D1),
    so (kappa/2)|l_H| adds (s kappa / 2) u_H to the half linear part and s kappa c_H / 2 to
    the constant. With the integer keys n_H = lead_H (u_H, c_H), the folded terms are one exact
    product C N of the k x m rationals C = s kappa / lead and the m x (d + 1) integer keys.
    Returns (keys, kinks, linear, constant) of the form on D.

    Examples
    --------
    >>> from fractions import Fraction
    >>> fold_onto(Box([0], [1]), ((1, -2),), ((Fraction(3),),), ((Fraction(0),),), (Fraction(0),))
    ((), (), ((Fraction(-3, 1),),), (Fraction(3, 1),))
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
    C = fmpq_mat(k, len(folded))
    N = fmpq_mat(len(folded), d + 1)
    for col, (key, kink, side) in enumerate(folded):
        lead = next(x for x in key if x)
        for j, kappa in enumerate(kink):
            if kappa:
                C[j, col] = fmpq(side * kappa.numerator, kappa.denominator * lead)
        for c, x in enumerate(key):
            if x:
                N[col, c] = x
    product = C * N
    base = fmpq_mat(k, d + 1)
    for j in range(k):
        for c, m in enumerate(linear[j]):
            if m:
                base[j, c] = fmpq(m.numerator, m.denominator)
        base[j, d] = fmpq(2 * constant[j].numerator, constant[j].denominator)
    entries = [to_fraction(v) for v in (base + product).entries()]
    linear = tuple(tuple(entries[j * (d + 1) : j * (d + 1) + d]) for j in range(k))
    constant = tuple(entries[j * (d + 1) + d] / 2 for j in range(k))
    return tuple(kept_keys), tuple(kept_kinks), linear, constant
