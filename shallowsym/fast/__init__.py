"""The float fast path: the exact API's names and semantics, with explicit tolerances.

Every comparison here is ``|x - y| <= atol + rtol * scale`` where ``scale`` is the sum of the
magnitudes that produced x and y (so cancellation is judged relative to what cancelled):

* two neurons lie on one hyperplane when their keys (w, beta) / w[p] agree entrywise within
  ``atol + rtol * max(|key|)`` (p: the first index with |w[p]| > atol);
* a hyperplane is bent when its summed kink exceeds ``atol + rtol * sum_i |s_i a_i|``;
* two networks are equivalent when the canonical form of their difference f_a - f_b (the
  network with b's output weights negated) vanishes within those tolerances.

Default tolerances follow the inputs' dtype (:data:`DEFAULT_TOLERANCES`): float64 arrays,
Python numbers and exact networks get ``rtol=1e-9, atol=1e-12``; float32 arrays, tensors and
modules ``rtol=1e-5, atol=1e-8``; float16 and bfloat16 ``rtol=1e-2, atol=1e-5``. When the two
inputs differ, the coarser one applies; every result states the tolerances and the dtype.
A model file's dtype is the one its weights are stored in (``io.read(path).dtype``).

Verdicts report ``ratio`` = (largest discrepancy) / (its tolerance). A ratio within a factor 10
of 1 on either side, or two hyperplanes whose keys are between a tenth of a tolerance and ten
tolerances apart (merged or not) while nothing else differs by more than ten tolerances, makes
the verdict *uncertain* (``equivalent is None``) instead of a guess.

Failure modes: near-coincident hyperplanes (keys closer than a tenth of the tolerance are
merged, which hides a difference that small; up to ten tolerances apart they are flagged
uncertain), pivots within a factor ten of atol (a neuron's first weight above atol, or a weight
before it, between atol / 10 and 10 atol: flagged uncertain, since counted the other way it may
turn a live neuron into a constant or move the pivot; small weights after the pivot are compared
like any key entry), and catastrophic cancellation in W2 W1 for huge
weights (the relative tolerance scales with |W2| |W1|).

Batch functions work on stacks of networks of one architecture in chunks of bounded size
(``chunk_size=``), with no Python loop over neurons; each network's neurons are sorted on
their own.
"""

from .align import align
from .core import (
    ATOL,
    DEFAULT_TOLERANCES,
    RTOL,
    UNCERTAIN_FACTOR,
    FastCanonicalBatch,
    FastCanonicalForm,
    canonical_form,
    canonicalize_batch,
)
from .equivalence import FastEquivalence, Witness, equivalent, equivalent_batch
from .functional import FastFunctionalDimension, batch_functional_dimension, functional_dimension

__all__ = [
    "ATOL",
    "DEFAULT_TOLERANCES",
    "RTOL",
    "UNCERTAIN_FACTOR",
    "FastCanonicalBatch",
    "FastCanonicalForm",
    "FastEquivalence",
    "FastFunctionalDimension",
    "Witness",
    "align",
    "batch_functional_dimension",
    "canonical_form",
    "canonicalize_batch",
    "equivalent",
    "equivalent_batch",
    "functional_dimension",
]
