"""The canonical form on a domain: hyperplanes that miss int(D) fold into the affine part
(proofs/domains.md, Lemma D1 and Theorem D3)."""

from __future__ import annotations

from flint import fmpq_mat

from ..hyperplanes import combine_hyperplanes
from ..rationals import to_fmpq
from .sets import Box, Polytope, check_domain

__all__ = ["fold_onto", "key_side", "key_sides"]


def key_side(domain: Box | Polytope, key) -> int:
    """:meth:`Domain.side` of the hyperplane of an integer key (n_1, ..., n_d, n_0).

    One key of :func:`key_sides`: on a box the range of n . x + n_0 is computed in integer
    arithmetic; on a polytope by the exact linear programs of :meth:`Polytope.affine_range`.

    Parameters
    ----------
    domain
        A :class:`~shallowsym.domain.Box` or :class:`~shallowsym.domain.Polytope` of
        dimension d.
    key
        The integer key (n_1, ..., n_d, n_0) of a hyperplane, as
        :func:`shallowsym.hyperplanes.neuron_keys` makes them (d + 1 integers, n not zero).

    Returns
    -------
    int
        +1 when n . x + n_0 >= 0 on D, -1 when it is <= 0 on D, 0 when the hyperplane meets
        int(D) (min over D < 0 < max over D).

    Raises
    ------
    TypeError
        If ``domain`` is not a Box or a Polytope.

    Examples
    --------
    >>> box = Box([0], [2])
    >>> key_side(box, (1, -3)), key_side(box, (1, 0)), key_side(box, (1, -1))
    (-1, 1, 0)

    References
    ----------
    docs/theory.md, section 9 ("meets int(D)" is min_D l_H < 0 < max_D l_H); proofs/domains.md,
    Lemma D1 (folding).
    """
    check_domain(domain, "key_side")
    return key_sides(domain, (key,))[0]


def key_sides(domain: Box | Polytope, keys) -> list[int]:
    """:func:`key_side` of every integer key, in order (a box classifies them in one loop of
    integer sums; a polytope by linear programs, certified exactly:
    :class:`shallowsym.domain.lp.PolytopeSides`).

    Parameters
    ----------
    domain
        A :class:`~shallowsym.domain.Box` or :class:`~shallowsym.domain.Polytope` of
        dimension d.
    keys
        Integer keys (n_1, ..., n_d, n_0), n not zero.

    Returns
    -------
    list of int
        Per key +1 (n . x + n_0 >= 0 on D), -1 (<= 0 on D) or 0 (the hyperplane meets int(D)).

    Raises
    ------
    TypeError
        If ``domain`` is not a Box or a Polytope.

    Examples
    --------
    >>> key_sides(Box([0], [2]), [(1, -3), (1, 0), (1, -1)])
    [-1, 1, 0]

    References
    ----------
    docs/theory.md, section 9; proofs/domains.md, Lemma D1 (folding).
    """
    check_domain(domain, "key_sides")
    return domain.integer_sides(keys)


def fold_onto(domain, keys, kinks, linear, constant):
    """Fold the bent hyperplanes of a canonical form that miss int(D) into its affine part.

    On D, |l_H| = s l_H with s = +1 or -1 when H misses int(D) (proofs/domains.md, Lemma D1),
    so (kappa/2)|l_H| adds (s kappa / 2) u_H to the half linear part M / 2 (s kappa u_H to M)
    and s kappa c_H / 2 to the constant. With the integer keys n_H = lead_H (u_H, c_H), the
    folded terms are one exact product C N of the k x m rationals C = s kappa / lead and the
    m x (d + 1) integer keys.

    Parameters
    ----------
    domain
        A :class:`~shallowsym.domain.Box` or :class:`~shallowsym.domain.Polytope` of
        dimension d.
    keys
        The m integer keys (n_1, ..., n_d, n_0) of the bent hyperplanes of a canonical form.
    kinks
        The m kink vectors (k exact rationals each: ``Fraction``, int or flint ``fmpq``), one
        per key.
    linear
        The k rows (d exact rationals each) of M (the form's affine part is M x / 2 + delta).
    constant
        The k exact rationals of the constant delta.

    Returns
    -------
    (keys, kinks, linear, constant)
        The form on D: the keys and kinks of the hyperplanes that meet int(D) (in their
        order), and the folded linear part and constant as flint ``fmpq`` (no conversion
        back: the form keeps flint rationals). When no hyperplane misses int(D), ``linear``
        and ``constant`` are returned unchanged.

    Raises
    ------
    TypeError
        If ``domain`` is not a Box or a Polytope.
    ValueError
        If ``keys`` and ``kinks`` have different lengths.
    AttributeError
        If a kink, linear or constant entry that must be folded is not an exact rational
        (a float, for example).

    Examples
    --------
    >>> from fractions import Fraction
    >>> _, _, linear, constant = fold_onto(
    ...     Box([0], [1]), ((1, -2),), ((Fraction(3),),), ((Fraction(0),),), (Fraction(0),))
    >>> linear, constant
    (((-3,),), (3,))

    References
    ----------
    docs/theory.md, section 9 (a hyperplane missing int(D) folds into the affine part);
    proofs/domains.md, Lemma D1 (folding) and Theorem D3 (canonical form on D).
    """
    check_domain(domain, "fold_onto")
    kept_keys, kept_kinks, folded = [], [], []
    if len(keys) != len(kinks):
        raise ValueError(f"fold_onto: {len(keys)} keys but {len(kinks)} kinks")
    sides = key_sides(domain, keys)
    for key, kink, side in zip(keys, kinks, sides, strict=True):
        if side == 0:
            kept_keys.append(key)
            kept_kinks.append(kink)
        else:
            folded.append((key, kink, side))
    if not folded:
        return tuple(kept_keys), tuple(kept_kinks), linear, constant
    k, d = len(constant), len(keys[0]) - 1
    base = fmpq_mat(
        k,
        d + 1,
        [v for j in range(k) for v in (*map(to_fmpq, linear[j]), 2 * to_fmpq(constant[j]))],
    )
    signed = [tuple(side * to_fmpq(v) for v in kink) for _, kink, side in folded]
    entries = (base + combine_hyperplanes(signed, [key for key, _, _ in folded], k)).entries()
    linear = tuple(tuple(entries[j * (d + 1) : j * (d + 1) + d]) for j in range(k))
    constant = tuple(entries[j * (d + 1) + d] / 2 for j in range(k))
    return tuple(kept_keys), tuple(kept_kinks), linear, constant
