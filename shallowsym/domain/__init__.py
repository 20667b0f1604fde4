"""Bounded input domains (proofs/domains.md): every question of shallowsym asked on a box or a
polytope D instead of all of R^d.

The modules of this package, one concept each:

- :mod:`~shallowsym.domain.sets`: the domains ``Box`` and ``Polytope`` and the exact rational
  simplex that answers their linear programs;
- :mod:`~shallowsym.domain.canonical`: which side of D a hyperplane lies on, and the folding of
  the hyperplanes that miss int(D) into the affine part (the canonical form on D);
- :mod:`~shallowsym.domain.cells`: one rational point per cell of an arrangement within D;
- :mod:`~shallowsym.domain.points`: points strictly inside D on a hyperplane, and witnesses;
- :mod:`~shallowsym.domain.width`: roles on D, minimal width and reduction on D;
- :mod:`~shallowsym.domain.symmetry`: the symmetry report on D;
- :mod:`~shallowsym.domain.maxdiff`: sup over D of |f_a - f_b| (epsilon-equivalence).

The names of the last four modules are loaded on first use (they depend on the rest of the
library, which itself uses the first three).

>>> from shallowsym.domain import Box, max_difference
>>> Box(0, 1, d=2)
Box(lo=(0, 0), hi=(1, 1))
"""

from __future__ import annotations

import importlib
from typing import Any

from .canonical import fold_onto, key_side, key_sides
from .cells import cell_points
from .lp import exact_lp_min
from .sets import (
    Box,
    Domain,
    Polytope,
    as_domain,
    domain_from_dict,
    polygon_vertices,
)

_LAZY = {
    "MaxDifference": "maxdiff",
    "epsilon_verdict": "maxdiff",
    "max_difference": "maxdiff",
    "interior_point_on": "points",
    "separating_point_in": "points",
    "DomainSymmetryReport": "symmetry",
    "domain_symmetries": "symmetry",
    "DomainReduction": "width",
    "DomainRoles": "width",
    "domain_roles": "width",
    "minimal_width_on": "width",
    "rank_floor": "width",
    "reduce_on": "width",
    "reduction_on": "width",
}

__all__ = [
    "Box",
    "Domain",
    "DomainReduction",
    "DomainRoles",
    "DomainSymmetryReport",
    "MaxDifference",
    "Polytope",
    "as_domain",
    "cell_points",
    "domain_from_dict",
    "domain_roles",
    "domain_symmetries",
    "epsilon_verdict",
    "exact_lp_min",
    "fold_onto",
    "interior_point_on",
    "key_side",
    "key_sides",
    "max_difference",
    "minimal_width_on",
    "polygon_vertices",
    "rank_floor",
    "reduce_on",
    "reduction_on",
    "separating_point_in",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'shallowsym.domain' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
