"""The value types of a symmetry report: the stabilizer of theta and the hidden-symmetry
mechanisms present in it (docs/theory.md sections 2 and 5).

They live below :mod:`shallowsym.symmetry` so that the report on all of R^d and the report on
a domain (:mod:`shallowsym.domain.symmetry`) share them without importing each other.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .hyperplanes import Key, format_hyperplane
from .standard import StandardCertificate
from .text import format_number, shorten

__all__ = ["Mechanism", "Stabilizer"]


@dataclass(frozen=True)
class Stabilizer:
    """The subgroup of G_h that fixes theta exactly.

    Neurons equal up to positive scaling (as whole triples) can be exchanged, so the discrete
    part is a product of symmetric groups, one per class; each all-zero neuron is moreover fixed
    by every scaling, a continuous factor R_>0.
    """

    h: int
    classes: tuple[tuple[int, ...], ...]  # exchangeable neurons, classes of size >= 2
    continuous: tuple[int, ...]  # all-zero neurons
    normal_scales: tuple[Fraction, ...] = field(repr=False)

    @property
    def order(self) -> int:
        """The order of the discrete part: the product of the classes' factorials."""
        return math.prod(math.factorial(len(c)) for c in self.classes)

    @property
    def order_formula(self) -> str:
        """``2! x 3!`` (or ``1``)."""
        return " x ".join(f"{len(c)}!" for c in self.classes) or "1"

    @property
    def order_formula_text(self) -> str:
        """``order = formula`` for people: a long order prints as ``~`` decimal, and many
        classes as counts (``512 x 2!``)."""
        order = format_number(self.order)
        counts: dict[int, int] = defaultdict(int)
        for c in self.classes:
            counts[len(c)] += 1
        if len(self.classes) <= 6:
            return f"{order} = {self.order_formula}"
        formula = " x ".join(f"({n}!)^{m}" for n, m in sorted(counts.items()))
        return f"{order} = {formula}"

    @property
    def dimension(self) -> int:
        """Dimension of the continuous part (one R_>0 per all-zero neuron)."""
        return len(self.continuous)

    @property
    def generators(self) -> tuple[tuple[int, ...], ...]:
        """Adjacent transpositions within each class, as images of 0..h-1."""
        gens = []
        for cls in self.classes:
            for i, j in itertools.pairwise(cls):
                image = list(range(self.h))
                image[i], image[j] = j, i
                gens.append(tuple(image))
        return tuple(gens)

    def elements(self) -> Iterator[StandardCertificate]:
        """Every element of the discrete part, lazily, as a permutation with its scales."""
        for choice in itertools.product(*(itertools.permutations(c) for c in self.classes)):
            image = list(range(self.h))
            for cls, perm in zip(self.classes, choice, strict=True):
                for i, j in zip(cls, perm, strict=True):
                    image[i] = j
            scales = tuple(
                self.normal_scales[i] / self.normal_scales[image[i]] for i in range(self.h)
            )
            yield StandardCertificate(tuple(image), scales)

    def as_sympy(self):
        """The discrete part as a sympy ``PermutationGroup`` on h points."""
        from sympy.combinatorics import Permutation, PermutationGroup

        size = max(self.h, 1)
        gens = [Permutation(list(g), size=size) for g in self.generators]
        return PermutationGroup(gens or [Permutation(list(range(size)), size=size)])

    def __str__(self) -> str:
        """``stabilizer: order 2 = 2!, continuous dimension 0``."""
        return f"stabilizer: order {self.order_formula_text}, continuous dimension {self.dimension}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "order": self.order,
            "order_formula": self.order_formula,
            "classes": [list(c) for c in self.classes],
            "continuous_dimension": self.dimension,
            "generators": [list(g) for g in self.generators],
        }


@dataclass(frozen=True)
class Mechanism:
    """One hidden-symmetry mechanism present in theta (docs/theory.md section 5, S3-S8)."""

    code: str
    name: str
    neurons: tuple[int, ...]
    dimension: int
    detail: str = ""  # may hold "{equation}", the equation of ``hyperplane``
    hyperplane: Key | None = field(default=None, repr=False)

    def describe(self, *, exact: bool = True, full: bool = True, terms: int = 4) -> str:
        """``detail`` with the hyperplane's equation (cut and approximate unless full, exact)."""
        if self.hyperplane is None:
            return self.detail
        equation = format_hyperplane(
            self.hyperplane, exact=exact, max_terms=None if full else terms
        )
        return self.detail.replace("{equation}", equation)

    def to_text(self, *, exact: bool = False, full: bool = False, terms: int = 4) -> str:
        neurons = ", ".join(shorten([str(i) for i in self.neurons], full=full, noun="neurons"))
        detail = self.describe(exact=exact, full=full, terms=terms)
        extra = f"; {detail}" if detail else ""
        return f"{self.code} {self.name}: neurons {neurons}; +{self.dimension} dimensions{extra}"

    def __str__(self) -> str:
        return self.to_text()

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "neurons": list(self.neurons),
            "dimension": self.dimension,
            "detail": self.describe(),
        }
