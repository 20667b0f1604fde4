"""Equivalence and symmetry up to relabelled inputs and outputs (proofs/relabelling.md).

Two networks compute the same function up to relabelling when f_b(x) = P f_a(Q x) for
permutation matrices P (outputs) and Q (inputs). Written with index maps: a *relabelling*
(sigma, pi) sends input j of a to input sigma[j] of b and output i of a to output pi[i] of b,
and b is a relabelled copy of a when b(y)[pi[i]] = a(x)[i] with x[j] = y[sigma[j]].

The canonical form (proofs/canonical_form.md) is rewritten in a form that does not depend on
the order of the coordinates: each bent hyperplane as its two primitive integer vectors
+-(n, n_0) (the sign ambiguity of |l_H|), with the kink lambda_H = kappa_H / |n_p| that goes with
|n.x + n_0|. That form is the *relabelling graph*: an input node per coordinate, an output node
per output (labelled delta_i), two half nodes per bent hyperplane (one per sign, labelled
+-n_0, joined by a pair edge), edges half--input labelled +-n_j (when non-zero), half--output
labelled lambda_H[i] (when non-zero) and input--output labelled M[i, j] (when non-zero). Its
labelled isomorphisms are exactly the relabellings mapping f_a onto f_b (proofs/relabelling.md).
``relabel="signed-inputs"`` allows x_j -> -x_j too: each input gets a second node for -x_j.

Deciding: cheap invariants first (counts, kink multisets, hyperplanes up to coordinate order,
entries of M and delta, degree sequences), then colour refinement of both graphs together
(exact labels hashed; a difference of colour histograms proves non-isomorphism, and when every
input and output ends with a colour of its own the relabelling is read off), then networkx's
VF2 matcher on the exact labelled graphs with the refined colours as node labels. Every
relabelling returned is checked by applying it to a's canonical form and comparing with b's.
Work is bounded by ``limit=`` (refinements and matcher candidate pairs) and
:class:`~shallowsym.errors.SearchLimitExceeded` is raised rather than hanging.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any, Literal

import networkx as nx
import numpy as np
from networkx.algorithms.isomorphism import GraphMatcher
from sympy.combinatorics import Permutation, PermutationGroup

from .canonical import CanonicalForm, canonical_form
from .errors import SearchLimitExceeded, check_limit
from .network import ShallowNetwork
from .rationals import format_rational

__all__ = [
    "DEFAULT_RELABEL_LIMIT",
    "RELABEL_MODES",
    "Obstruction",
    "RelabelledEquivalence",
    "Relabelling",
    "RelabellingSymmetries",
    "apply_relabelling",
    "relabel_canonical_form",
    "relabelled_equivalent",
    "relabelling_graph",
    "relabelling_group",
    "relabelling_symmetries",
]

RelabelMode = Literal["inputs", "outputs", "both", "signed-inputs"]
RELABEL_MODES = ("inputs", "outputs", "both", "signed-inputs")
DEFAULT_RELABEL_LIMIT = 100_000
"""Steps allowed by default: one per colour refinement and one per matcher candidate pair."""


# -- relabellings ---------------------------------------------------------------------------


def _check_permutation(value: Any, size: int, name: str) -> tuple[int, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a sequence of integers, not {type(value).__name__}")
    perm = []
    for n, entry in enumerate(value):
        if isinstance(entry, bool) or not isinstance(entry, int | np.integer):
            raise TypeError(f"{name}[{n}] must be an integer, not {type(entry).__name__}")
        perm.append(int(entry))
    if sorted(perm) != list(range(size)):
        raise ValueError(f"{name} must be a permutation of 0..{size - 1}, not {tuple(perm)}")
    return tuple(perm)


def _check_signs(value: Any, size: int) -> tuple[int, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise TypeError(f"signs must be a sequence of 1 and -1, not {type(value).__name__}")
    if len(value) != size:
        raise ValueError(f"signs must have {size} entries, not {len(value)}")
    for n, entry in enumerate(value):
        if isinstance(entry, bool) or entry not in (1, -1):
            raise ValueError(f"signs[{n}] must be 1 or -1, not {entry!r}")
    return tuple(int(e) for e in value)


def _listing(moved: list[str]) -> str:
    if not moved:
        return "unchanged"
    if len(moved) > 12:
        return ", ".join(moved[:12]) + f", ... ({len(moved) - 12} more)"
    return ", ".join(moved)


@dataclass(frozen=True)
class Relabelling:
    """A relabelling (sigma, pi): input j of a is input sigma[j] of b, output i is pi[i].

    b is the relabelled copy of a when b(y)[pi[i]] = a(x)[i] with x[j] = y[sigma[j]], that is
    f_b(y) = P f_a(Q y) for the permutation matrices P (outputs) and Q (inputs). With ``signs``
    (relabel="signed-inputs"), x[j] = signs[j] y[sigma[j]]: Q is a signed permutation.

    Examples
    --------
    >>> r = Relabelling((1, 0, 2), (0,))
    >>> print(r)
    inputs x1->x2, x2->x1; outputs unchanged
    >>> r.permutation
    Permutation(3)(0, 1)
    >>> print(Relabelling((0, 1), (0,), signs=(1, -1)))
    inputs x2->-x2; outputs unchanged
    """

    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    signs: tuple[int, ...] | None = None

    @property
    def permutation(self) -> Permutation:
        """(sigma, pi) as one sympy ``Permutation`` of d + k points (inputs, then outputs).

        With ``signs``: of 2d + k points, x_1..x_d, then -x_1..-x_d, then the outputs.
        """
        d = len(self.inputs)
        if self.signs is None:
            return Permutation([*self.inputs, *(d + p for p in self.outputs)])
        pairs = list(zip(self.inputs, self.signs, strict=True))
        plus = [p if e > 0 else p + d for p, e in pairs]
        minus = [p + d if e > 0 else p for p, e in pairs]
        return Permutation([*plus, *minus, *(2 * d + p for p in self.outputs)])

    @property
    def is_identity(self) -> bool:
        """Whether nothing moves."""
        return (
            self.inputs == tuple(range(len(self.inputs)))
            and self.outputs == tuple(range(len(self.outputs)))
            and all(e > 0 for e in self.signs or ())
        )

    def __str__(self) -> str:
        signs = self.signs or (1,) * len(self.inputs)
        ins = [
            f"x{j + 1}->{'-' if e < 0 else ''}x{p + 1}"
            for j, (p, e) in enumerate(zip(self.inputs, signs, strict=True))
            if p != j or e < 0
        ]
        outs = [f"f{i + 1}->f{p + 1}" for i, p in enumerate(self.outputs) if p != i]
        return f"inputs {_listing(ins)}; outputs {_listing(outs)}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``{"inputs": [...], "outputs": [...]}`` (0-based images; and ``signs``)."""
        data: dict[str, Any] = {"inputs": list(self.inputs), "outputs": list(self.outputs)}
        if self.signs is not None:
            data["signs"] = list(self.signs)
        return data

    def _repr_markdown_(self) -> str:
        return f"**relabelling**: {self}"


def apply_relabelling(
    net: ShallowNetwork,
    inputs: Sequence[int],
    outputs: Sequence[int],
    *,
    signs: Sequence[int] | None = None,
) -> ShallowNetwork:
    """The relabelled copy b of ``net``: b(y)[outputs[i]] = net(x)[i], x[j] = y[inputs[j]].

    Column j of W1 becomes column ``inputs[j]`` (times ``signs[j]``, when given: then
    x[j] = signs[j] y[inputs[j]]); row i of W2 and entry i of b2 become row and entry
    ``outputs[i]``.

    Parameters
    ----------
    net
        A :class:`ShallowNetwork`.
    inputs, outputs
        Permutations of 0..d-1 and 0..k-1.
    signs
        Optional: d entries 1 or -1, the signs of a signed input permutation.

    Returns
    -------
    ShallowNetwork

    Raises
    ------
    TypeError
        If ``net`` is not a network or a permutation is not a sequence of integers.
    ValueError
        If ``inputs`` or ``outputs`` is not a permutation of the right size, or ``signs`` has
        an entry other than 1 and -1.

    Examples
    --------
    >>> net = ShallowNetwork([[1, 2]], [3], [[4], [5]], [6, 7])
    >>> apply_relabelling(net, [1, 0], [1, 0])
    ShallowNetwork(W1=[[2, 1]], b1=[3], W2=[[5], [4]], b2=[7, 6])
    """
    if not isinstance(net, ShallowNetwork):
        raise TypeError(f"apply_relabelling expects a ShallowNetwork, not {type(net).__name__}")
    sigma = _check_permutation(inputs, net.d, "inputs")
    pi = _check_permutation(outputs, net.k, "outputs")
    eps = (1,) * net.d if signs is None else _check_signs(signs, net.d)
    W1 = []
    for row in net.W1:
        new = [Fraction(0)] * net.d
        for j, value in enumerate(row):
            new[sigma[j]] = value if eps[j] > 0 else -value
        W1.append(new)
    W2: list[Any] = [None] * net.k
    b2: list[Any] = [None] * net.k
    for i in range(net.k):
        W2[pi[i]] = list(net.W2[i])
        b2[pi[i]] = net.b2[i]
    return ShallowNetwork.from_rows(W1, list(net.b1), W2, b2, d=net.d)


def _lead(key: tuple[int, ...]) -> int:
    return next(x for x in key if x)


def relabel_canonical_form(cf: CanonicalForm, relabelling: Relabelling) -> CanonicalForm:
    """The canonical form of the relabelled function, computed from ``cf`` alone.

    Each key (n, n_0) moves n_j to position sigma[j] and is renormalized (first non-zero entry
    positive); the kink is rescaled so that (kappa / 2)|u.x + c| is unchanged; kinks, M and
    delta have their rows and columns moved by pi and sigma (proofs/relabelling.md, Lemma 1).

    Examples
    --------
    >>> net = ShallowNetwork([[1, -2]], [3], [[4], [5]], [6, 7])
    >>> r = Relabelling((1, 0), (1, 0))
    >>> relabel_canonical_form(canonical_form(net), r) == canonical_form(
    ...     apply_relabelling(net, r.inputs, r.outputs))
    True
    """
    sigma, pi = relabelling.inputs, relabelling.outputs
    eps = relabelling.signs or (1,) * len(sigma)
    d, k = cf.d, cf.k
    if len(sigma) != d or len(pi) != k:
        raise ValueError(f"relabelling is for (d, k) = ({len(sigma)}, {len(pi)}), not ({d}, {k})")
    terms = []
    for key, kink in zip(cf.keys, cf.kinks, strict=True):
        new = [0] * d
        for j in range(d):
            new[sigma[j]] = eps[j] * key[j]
        new.append(key[d])
        lead_new = _lead(new)
        if lead_new < 0:
            new = [-x for x in new]
        factor = Fraction(abs(lead_new), _lead(key))
        moved: list[Fraction] = [Fraction(0)] * k
        for i in range(k):
            moved[pi[i]] = kink[i] * factor
        terms.append((tuple(new), tuple(moved)))
    terms.sort()
    linear: list[list[Fraction]] = [[Fraction(0)] * d for _ in range(k)]
    constant: list[Fraction] = [Fraction(0)] * k
    for i in range(k):
        constant[pi[i]] = cf.constant[i]
        for j in range(d):
            value = cf.linear[i][j]
            linear[pi[i]][sigma[j]] = value if eps[j] > 0 else -value
    return CanonicalForm.from_parts(
        d=d,
        k=k,
        keys=tuple(t[0] for t in terms),
        kinks=tuple(t[1] for t in terms),
        linear=tuple(tuple(row) for row in linear),
        constant=tuple(constant),
    )


# -- the relabelling graph ------------------------------------------------------------------


def _check_mode(relabel: Any) -> str:
    if not isinstance(relabel, str):
        raise TypeError(f"relabel must be a string, not {type(relabel).__name__}")
    if relabel not in RELABEL_MODES:
        raise ValueError(f"relabel must be one of {RELABEL_MODES}, not {relabel!r}")
    return relabel


def _check_net(net: Any, name: str, function: str) -> None:
    if not isinstance(net, ShallowNetwork):
        raise TypeError(f"{function} expects a ShallowNetwork; {name} is {type(net).__name__}")


def _integer_kinks(cf: CanonicalForm) -> list[tuple[Fraction, ...]]:
    """lambda_H = kappa_H / n_p: f = sum (lambda_H / 2)|n.x + n_0| + ... (n_p > 0 the lead)."""
    return [
        tuple(v / _lead(key) for v in kink) for key, kink in zip(cf.keys, cf.kinks, strict=True)
    ]


def relabelling_graph(net: ShallowNetwork, *, relabel: RelabelMode = "both") -> nx.Graph:
    """The labelled graph whose isomorphisms are the relabellings (proofs/relabelling.md).

    Nodes (attribute ``label``): ``("input", j)`` labelled ``("input",)`` (or
    ``("input", j)`` when inputs are fixed, ``relabel="outputs"``); ``("output", i)`` labelled
    ``("output", delta_i)`` (with ``i`` appended when outputs are fixed); for the t-th bent
    hyperplane with primitive integer vector (n, n_0) and s = +1, -1, ``("half", t, s)``
    labelled ``("half", s n_0)``. Edges (attribute ``label``): half--input ``s n_j``,
    half--output ``lambda_H[i] = kappa_H[i] / n_p``, input--output ``M[i, j]`` (each only when
    non-zero), and ``"pair"`` between the two halves of a hyperplane. With
    ``relabel="signed-inputs"`` each input also has a node ``("neg-input", j)`` (standing for
    -x_j, labelled ``("input",)``, joined to ``("input", j)`` by a ``"pair"`` edge) with the
    negated labels -s n_j and -M[i, j], and outputs carry their index.

    Parameters
    ----------
    net
        A :class:`ShallowNetwork`.
    relabel
        Which labels may move: ``"inputs"``, ``"outputs"``, ``"both"`` or ``"signed-inputs"``.

    Returns
    -------
    networkx.Graph

    Raises
    ------
    TypeError, ValueError
        For a wrong ``net`` or ``relabel``.

    Examples
    --------
    >>> g = relabelling_graph(ShallowNetwork([[1, -1]], [0], [[1]], [0]))
    >>> g.number_of_nodes(), g.number_of_edges()
    (5, 9)
    >>> g.edges[("half", 0, 1), ("input", 1)]["label"]
    -1
    """
    _check_net(net, "net", "relabelling_graph")
    mode = _check_mode(relabel)
    cf = canonical_form(net)
    lambdas = _integer_kinks(cf)
    signed = mode == "signed-inputs"
    inputs = [(1, "input"), (-1, "neg-input")] if signed else [(1, "input")]
    graph = nx.Graph()
    for j in range(cf.d):
        for _, kind in inputs:
            graph.add_node((kind, j), label=("input", j) if mode == "outputs" else ("input",))
        if signed:
            graph.add_edge(("input", j), ("neg-input", j), label="pair")
    for i in range(cf.k):
        label = ("output", cf.constant[i]) + ((i,) if mode in ("inputs", "signed-inputs") else ())
        graph.add_node(("output", i), label=label)
        for j in range(cf.d):
            if cf.linear[i][j]:
                for sign, kind in inputs:
                    graph.add_edge(("output", i), (kind, j), label=sign * cf.linear[i][j])
    for t, (key, lam) in enumerate(zip(cf.keys, lambdas, strict=True)):
        for s in (1, -1):
            node = ("half", t, s)
            graph.add_node(node, label=("half", s * key[cf.d]))
            for j in range(cf.d):
                if key[j]:
                    for sign, kind in inputs:
                        graph.add_edge(node, (kind, j), label=sign * s * key[j])
            for i in range(cf.k):
                if lam[i]:
                    graph.add_edge(node, ("output", i), label=lam[i])
        graph.add_edge(("half", t, 1), ("half", t, -1), label="pair")
    return graph


# -- colour refinement on the hashed graph -------------------------------------------------

_U = np.uint64
_P = (1 << 61) - 1
_TAG_INPUT, _TAG_OUTPUT, _TAG_HALF, _TAG_PAIR, _TAG_SINGLE = (
    _U(0x1F83D9ABFB41BD6B),
    _U(0x5BE0CD19137E2179),
    _U(0x9B05688C2B3E6C1F),
    _U(0x510E527FADE682D1),
    _U(0x3C6EF372FE94F82B),
)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finalizer on uint64 arrays (wrapping arithmetic)."""
    x = x ^ (x >> _U(30))
    x = x * _U(0xBF58476D1CE4E5B9)
    x = x ^ (x >> _U(27))
    x = x * _U(0x94D049BB133111EB)
    return x ^ (x >> _U(31))


def _combine(nums: np.ndarray, dens: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    return _mix(_mix(nums) ^ (dens * _U(0x9E3779B97F4A7C15))).reshape(shape)


def _int_residues(values: list[int]) -> np.ndarray:
    """n mod 2^61 - 1 for each integer n, as uint64."""
    try:
        return (np.array(values, dtype=np.int64) % _P).astype(_U)
    except OverflowError:  # entries past 2^63: reduce them in Python
        return np.fromiter((v % _P for v in values), dtype=_U, count=len(values))


def _hash_ints(
    values: list[int], shape: tuple[int, ...], *, negate: bool = False
) -> tuple[np.ndarray, np.ndarray] | np.ndarray:
    """Exact integers to uint64 labels (mixed residues); equal values give equal labels.

    With ``negate``, also the labels of the negated values, as a pair.
    """
    nums = _int_residues(values)
    ones = np.ones(len(values), dtype=_U)
    if not negate:
        return _combine(nums, ones, shape)
    negated = np.where(nums == 0, nums, _U(_P) - nums)
    return _combine(nums, ones, shape), _combine(negated, ones, shape)


def _hash_fractions(
    values: list[Fraction], shape: tuple[int, ...], *, negate: bool = False
) -> np.ndarray:
    """Exact ``Fraction``s to uint64 labels (of the negated values with ``negate``); an
    integer-valued one hashes like the integer."""
    nums = np.fromiter((v.numerator % _P for v in values), dtype=_U, count=len(values))
    dens = np.fromiter((v.denominator % _P for v in values), dtype=_U, count=len(values))
    if negate:
        nums = np.where(nums == 0, nums, _U(_P) - nums)
    return _combine(nums, dens, shape)


_ZERO = int(_hash_ints([0], (1,))[0])


def _row_hash(rows: np.ndarray, *, sort: bool) -> np.ndarray:
    """One label per row of a label matrix: of the row, or of its sorted entries."""
    if sort:
        rows = np.sort(rows, axis=1)
    positions = _mix(np.arange(1, rows.shape[1] + 1, dtype=_U))
    return _mix(_mix(rows ^ positions[None, :]).sum(axis=1, dtype=_U))


def _edge(labels: np.ndarray, colours: np.ndarray) -> np.ndarray:
    return _mix(labels ^ _mix(colours + _U(0x632BE59BD9B4E019)))


class _Encoded:
    """The relabelling graph of one network as dense hashed label arrays.

    Node order: inputs 0..d-1, outputs d..d+k-1, plus halves, minus halves, and for signed
    inputs the negated inputs -x_1..-x_d last. A zero label means
    "no edge" in :func:`relabelling_graph`; here it is an edge with the label of 0, which has
    the same isomorphisms because node kinds are never confused.
    """

    def __init__(self, net: ShallowNetwork, mode: str):
        cf = canonical_form(net)
        self.cf = cf
        self.net = net
        d, k, m = cf.d, cf.k, cf.num_bent
        self.d, self.k, self.m = d, k, m
        self.signed = mode == "signed-inputs"
        keys = cf.keys
        normals, negated = _hash_ints([x for key in keys for x in key[:d]], (m, d), negate=True)
        self.normals_plus, self.normals_minus = normals, negated
        self.lambdas = _integer_kinks(cf)
        self.kinks = _hash_fractions([v for lam in self.lambdas for v in lam], (m, k))
        self.linear = _hash_fractions([v for row in cf.linear for v in row], (k, d))
        self.linear_minus = _hash_fractions(
            [v for row in cf.linear for v in row], (k, d), negate=True
        )
        inputs = np.full(d, _TAG_INPUT, dtype=_U)
        if mode == "outputs":
            inputs = inputs ^ _mix(np.arange(1, d + 1, dtype=_U))
        outputs = _TAG_OUTPUT ^ _hash_fractions(list(cf.constant), (k,))
        if mode in ("inputs", "signed-inputs"):
            outputs = outputs ^ _mix(np.arange(1, k + 1, dtype=_U) + _TAG_INPUT)
        offsets = [key[d] for key in keys]
        self.offsets_plus, self.offsets_minus = _hash_ints(offsets, (m,), negate=True)
        self.constant = _hash_fractions(list(cf.constant), (k,))
        plus = _TAG_HALF ^ self.offsets_plus
        minus = _TAG_HALF ^ self.offsets_minus
        negated_inputs = inputs if self.signed else inputs[:0]
        self.initial = _mix(np.concatenate([inputs, outputs, plus, minus, negated_inputs]))

    @property
    def size(self) -> int:
        return self.d + self.k + 2 * self.m + (self.d if self.signed else 0)

    @property
    def io_nodes(self) -> list[int]:
        """Indices of the input and output nodes (the negated inputs too, when signed)."""
        extra = range(self.d + self.k + 2 * self.m, self.size)
        return [*range(self.d + self.k), *extra]

    def refine_once(self, colours: np.ndarray) -> np.ndarray:
        d, k, m = self.d, self.k, self.m
        ci, co = colours[:d], colours[d : d + k]
        cp, cm = colours[d + k : d + k + m], colours[d + k + m : d + k + 2 * m]
        s_in = (
            _edge(self.normals_plus, cp[:, None]).sum(axis=0, dtype=_U)
            + _edge(self.normals_minus, cm[:, None]).sum(axis=0, dtype=_U)
            + _edge(self.linear, co[:, None]).sum(axis=0, dtype=_U)
        )
        s_out = (
            _edge(self.kinks, cp[:, None]).sum(axis=0, dtype=_U)
            + _edge(self.kinks, cm[:, None]).sum(axis=0, dtype=_U)
            + _edge(self.linear, ci[None, :]).sum(axis=1, dtype=_U)
        )
        to_outputs = _edge(self.kinks, co[None, :]).sum(axis=1, dtype=_U)
        s_plus = (
            _edge(self.normals_plus, ci[None, :]).sum(axis=1, dtype=_U)
            + to_outputs
            + _edge(np.full(m, _TAG_PAIR, dtype=_U), cm)
        )
        s_minus = (
            _edge(self.normals_minus, ci[None, :]).sum(axis=1, dtype=_U)
            + to_outputs
            + _edge(np.full(m, _TAG_PAIR, dtype=_U), cp)
        )
        parts = [s_in, s_out, s_plus, s_minus]
        if self.signed:  # -x_j: labels -s n_j to halves, -M[i, j] to outputs, pair to x_j
            cn = colours[d + k + 2 * m :]
            pair = np.full(d, _TAG_PAIR, dtype=_U)
            parts[0] = parts[0] + _edge(pair, cn)
            parts[1] = parts[1] + _edge(self.linear_minus, cn[None, :]).sum(axis=1, dtype=_U)
            parts[2] = parts[2] + _edge(self.normals_minus, cn[None, :]).sum(axis=1, dtype=_U)
            parts[3] = parts[3] + _edge(self.normals_plus, cn[None, :]).sum(axis=1, dtype=_U)
            parts.append(
                _edge(self.normals_minus, cp[:, None]).sum(axis=0, dtype=_U)
                + _edge(self.normals_plus, cm[:, None]).sum(axis=0, dtype=_U)
                + _edge(self.linear_minus, co[:, None]).sum(axis=0, dtype=_U)
                + _edge(pair, ci)
            )
        return _mix(colours * _U(0xD6E8FEB86659FD93) + np.concatenate(parts))


class _Budget:
    def __init__(self, limit: int, what: str):
        self.limit, self.steps, self.what = limit, 0, what

    def spend(self, n: int = 1) -> None:
        self.steps += n
        if self.steps > self.limit:
            raise SearchLimitExceeded(
                f"{self.what} needs more than limit={self.limit} steps (colour refinements and "
                "matcher candidate pairs); raise limit= to continue",
                limit=self.limit,
            )


def _refine_jointly(
    ea: _Encoded, eb: _Encoded, ca: np.ndarray, cb: np.ndarray, budget: _Budget
) -> tuple[np.ndarray, np.ndarray] | None:
    """Stable colours of both graphs, or None when their colour histograms differ."""
    if not np.array_equal(np.sort(ca), np.sort(cb)):
        return None
    count = len(np.unique(ca))
    while True:
        budget.spend()
        na, nb = ea.refine_once(ca), eb.refine_once(cb)
        if not np.array_equal(np.sort(na), np.sort(nb)):
            return None
        new_count = len(np.unique(na))
        ca, cb = na, nb
        if new_count == count:
            return ca, cb
        count = new_count


def _io_map(ea: _Encoded, ca: np.ndarray, cb: np.ndarray) -> Relabelling | None:
    """The relabelling forced by the colours when every input and output has its own colour."""
    d, k = ea.d, ea.k
    nodes = ea.io_nodes
    io_a = ca[nodes]
    if len(np.unique(io_a)) < len(nodes):
        return None
    where = {int(cb[p]): p for p in nodes}
    images = [where.get(int(c), -1) for c in io_a[: d + k]]
    negated = d + k + 2 * ea.m
    inputs, signs = [], []
    for p in images[:d]:
        if 0 <= p < d:
            inputs.append(p)
            signs.append(1)
        elif ea.signed and p >= negated:
            inputs.append(p - negated)
            signs.append(-1)
        else:
            return None  # a hash coincidence between kinds of nodes: leave it to the matcher
    if any(not d <= p < d + k for p in images[d:]):
        return None
    outputs = tuple(p - d for p in images[d:])
    return Relabelling(tuple(inputs), outputs, tuple(signs) if ea.signed else None)


def _individualize(colours: np.ndarray, node: int) -> np.ndarray:
    out = colours.copy()
    out[node : node + 1] = _mix(out[node : node + 1] ^ _TAG_SINGLE)
    return out


class _CountingMatcher(GraphMatcher):
    """networkx's VF2 matcher, charging every candidate pair it examines to a budget."""

    def __init__(self, g1, g2, budget: _Budget, **kwargs):
        super().__init__(g1, g2, **kwargs)
        self.budget = budget

    def syntactic_feasibility(self, g1_node, g2_node):
        self.budget.spend()
        return super().syntactic_feasibility(g1_node, g2_node)


def _node_index(node: tuple, d: int, k: int, m: int) -> int:
    if node[0] == "input":
        return node[1]
    if node[0] == "neg-input":
        return d + k + 2 * m + node[1]
    if node[0] == "output":
        return d + node[1]
    return d + k + node[1] + (0 if node[2] == 1 else m)


def _matcher_relabellings(
    ea: _Encoded,
    eb: _Encoded,
    ca: np.ndarray,
    cb: np.ndarray,
    graphs: tuple[nx.Graph, nx.Graph],
    budget: _Budget,
) -> Iterator[Relabelling]:
    """Relabellings read off the labelled isomorphisms VF2 finds, colours as node labels."""
    ga, gb = graphs
    d, k, m = ea.d, ea.k, ea.m
    colour_a = {node: int(ca[_node_index(node, d, k, m)]) for node in ga}
    colour_b = {node: int(cb[_node_index(node, d, k, m)]) for node in gb}
    for node in ga:
        ga.nodes[node]["colour"] = colour_a[node]
    for node in gb:
        gb.nodes[node]["colour_b"] = colour_b[node]

    def node_match(x: dict, y: dict) -> bool:
        return x["label"] == y["label"] and x["colour"] == y["colour_b"]

    def edge_match(x: dict, y: dict) -> bool:
        return x["label"] == y["label"]

    matcher = _CountingMatcher(ga, gb, budget, node_match=node_match, edge_match=edge_match)
    for mapping in matcher.isomorphisms_iter():
        inputs = tuple(mapping[("input", j)][1] for j in range(d))
        signs = tuple(1 if mapping[("input", j)][0] == "input" else -1 for j in range(d))
        outputs = tuple(mapping[("output", i)][1] for i in range(k))
        yield Relabelling(inputs, outputs, signs if ea.signed else None)


def _graphs(a: ShallowNetwork, b: ShallowNetwork, mode: str) -> tuple[nx.Graph, nx.Graph]:
    return (
        relabelling_graph(a, relabel=mode),  # type: ignore[arg-type]
        relabelling_graph(b, relabel=mode),  # type: ignore[arg-type]
    )


def _find(
    ea: _Encoded,
    eb: _Encoded,
    ca: np.ndarray,
    cb: np.ndarray,
    mode: str,
    budget: _Budget,
    graphs: Callable[[], tuple[nx.Graph, nx.Graph]],
) -> tuple[Relabelling | None, str]:
    """A checked relabelling of a onto b respecting the start colours, and the stage used."""
    stable = _refine_jointly(ea, eb, ca, cb, budget)
    if stable is None:
        return None, "refinement"
    ca, cb = stable
    forced = _io_map(ea, ca, cb)
    if forced is not None:
        ok = relabel_canonical_form(ea.cf, forced) == eb.cf
        return (forced if ok else None), "refinement"
    for candidate in _matcher_relabellings(ea, eb, ca, cb, graphs(), budget):
        if relabel_canonical_form(ea.cf, candidate) == eb.cf:
            return candidate, "search"
    return None, "search"


# -- cheap invariants -----------------------------------------------------------------------


def _shape(key: tuple[int, ...], d: int) -> tuple:
    """The unoriented hyperplane up to the order of its coordinates."""
    ascending = tuple(sorted(key[:d]))
    negated = tuple(-x for x in reversed(ascending))  # sorted(-n)
    return min((key[d], ascending), (-key[d], negated))


_INVARIANTS = (
    "the number of bent hyperplanes",
    "the multiset of kinks lambda_H",
    "the multiset of bent hyperplanes up to coordinate order and sign",
    "the multiset of (hyperplane, kink) pairs",
    "the entries of delta",
    "the rows of M = W2 W1",
    "the columns of M = W2 W1",
    "the input degrees (bent hyperplanes using x_j)",
    "the output degrees (bent hyperplanes bending f_i)",
)


def _free(mode: str) -> tuple[bool, bool]:
    return mode in ("inputs", "both", "signed-inputs"), mode in ("outputs", "both")


def _hashed_invariants(enc: _Encoded, mode: str) -> list[np.ndarray]:
    """The invariants of :data:`_INVARIANTS` on hashed labels, as sorted arrays (cheap)."""
    free_in, free_out = _free(mode)

    def tagged(values: np.ndarray, free: bool) -> np.ndarray:
        values = values.astype(_U)
        if not free:
            values = _mix(values ^ _mix(np.arange(1, len(values) + 1, dtype=_U) + _TAG_PAIR))
        return np.sort(values)

    kinks = _row_hash(enc.kinks, sort=free_out)
    rows = _row_hash(enc.linear, sort=free_in)
    columns = _row_hash(enc.linear.T, sort=free_out)
    if enc.signed:  # a label and its negation hash to a pair: its minimum ignores the sign
        offsets = np.minimum(enc.offsets_plus, enc.offsets_minus)
        normals = np.minimum(enc.normals_plus, enc.normals_minus)
        hyper = _mix(offsets ^ _row_hash(normals, sort=True))
        rows = _row_hash(np.minimum(enc.linear, enc.linear_minus), sort=True)
        columns = np.minimum(columns, _row_hash(enc.linear_minus.T, sort=False))
    else:
        plus = _mix(enc.offsets_plus ^ _row_hash(enc.normals_plus, sort=free_in))
        minus = _mix(enc.offsets_minus ^ _row_hash(enc.normals_minus, sort=free_in))
        hyper = np.minimum(plus, minus) if free_in else plus
    return [
        np.array([enc.m], dtype=_U),
        np.sort(kinks),
        np.sort(hyper),
        np.sort(_mix(hyper ^ _mix(kinks))),
        tagged(enc.constant, free_out),
        tagged(rows, free_out),
        tagged(columns, free_in),
        tagged((enc.normals_plus != _ZERO).sum(axis=0), free_in),
        tagged((enc.kinks != _ZERO).sum(axis=0), free_out),
    ]


def _exact_invariant(enc: _Encoded, mode: str, index: int) -> list:
    """The exact multiset (as a list) behind invariant ``index`` of :data:`_INVARIANTS`."""
    cf, lambdas = enc.cf, enc.lambdas
    d, k = cf.d, cf.k
    free_in, free_out = _free(mode)
    signed = mode == "signed-inputs"

    def tagged(values: list, free: bool) -> list:
        return list(values) if free else list(enumerate(values))

    def hyper() -> list:
        if signed:
            return [(abs(key[d]), tuple(sorted(abs(x) for x in key[:d]))) for key in cf.keys]
        return [_shape(key, d) if free_in else key for key in cf.keys]

    def kinks() -> list:
        return [tuple(sorted(lam)) if free_out else lam for lam in lambdas]

    if index == 0:
        return [cf.num_bent]
    if index == 1:
        return kinks()
    if index == 2:
        return hyper()
    if index == 3:
        return list(zip(hyper(), kinks(), strict=True))
    if index == 4:
        return tagged(list(cf.constant), free_out)
    if index == 5:
        if signed:
            return tagged([tuple(sorted(abs(v) for v in r)) for r in cf.linear], free_out)
        return tagged([tuple(sorted(r)) if free_in else r for r in cf.linear], free_out)
    if index == 6:
        columns = [tuple(cf.linear[i][j] for i in range(k)) for j in range(d)]
        if signed:
            return [min(c, tuple(-v for v in c)) for c in columns]
        return tagged([tuple(sorted(c)) if free_out else c for c in columns], free_in)
    if index == 7:
        return tagged([sum(1 for key in cf.keys if key[j]) for j in range(d)], free_in)
    return tagged([sum(1 for lam in lambdas if lam[i]) for i in range(k)], free_out)


def _fmt(value: Any) -> str:
    if isinstance(value, Fraction | int) and not isinstance(value, bool):
        return format_rational(value)
    if isinstance(value, tuple):
        inner = ", ".join(_fmt(v) for v in value[:12])
        more = f", ... ({len(value) - 12} more)" if len(value) > 12 else ""
        return f"({inner}{more})"
    return str(value)


@dataclass(frozen=True)
class Obstruction:
    """An invariant of the function up to relabelling that differs between a and b.

    Attributes
    ----------
    invariant
        What was compared, in words.
    value
        An element (exact, as text) whose multiplicity differs, or ``None`` for the colour
        refinement or an exhausted search.
    count_a, count_b
        Its multiplicities in a and in b.
    """

    invariant: str
    value: str | None = None
    count_a: int = 0
    count_b: int = 0

    def __str__(self) -> str:
        if self.value is None:
            return self.invariant
        times = "time" if self.count_a == 1 else "times"
        counts = f"occurs {self.count_a} {times} in a and {self.count_b} in b"
        return f"{self.invariant}: {self.value} {counts}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "invariant": self.invariant,
            "value": self.value,
            "count_a": self.count_a,
            "count_b": self.count_b,
        }


def _first_difference(ea: _Encoded, eb: _Encoded, mode: str) -> Obstruction | None:
    """The first invariant that differs, with an element whose multiplicity differs.

    Compared on hashed labels (equal multisets always hash equal); the exact multisets are
    built only to name the difference, and a hash coincidence is never taken for one.
    """
    hashed = zip(_hashed_invariants(ea, mode), _hashed_invariants(eb, mode), strict=True)
    for index, (ha, hb) in enumerate(hashed):
        if np.array_equal(ha, hb):
            continue
        count_a = Counter(_exact_invariant(ea, mode, index))
        count_b = Counter(_exact_invariant(eb, mode, index))
        if count_a == count_b:
            continue
        differing = [v for v in set(count_a) | set(count_b) if count_a[v] != count_b[v]]
        try:
            value = min(differing)
        except TypeError:  # values of mixed kinds: order them by their text
            value = min(differing, key=_fmt)
        return Obstruction(_INVARIANTS[index], _fmt(value), count_a[value], count_b[value])
    return None


# -- equivalence up to relabelling ------------------------------------------------------------


@dataclass(frozen=True)
class RelabelledEquivalence:
    """The verdict of :func:`relabelled_equivalent`; truthy exactly when some relabelling works.

    Attributes
    ----------
    equivalent
        Exact: f_b(y) = P f_a(Q y) for some allowed permutations (checked on canonical forms).
    reason
        In words.
    relabel
        ``"inputs"``, ``"outputs"``, ``"both"`` or ``"signed-inputs"``: what may move.
    relabelling
        When equivalent: (sigma, pi), checked by applying it to a's canonical form.
    obstruction
        When not: an invariant no allowed relabelling changes that differs.
    decided_by
        ``"dimensions"``, ``"invariants"``, ``"refinement"`` or ``"search"`` (the VF2 matcher).
    steps
        Refinements and matcher candidate pairs spent (bounded by ``limit``).
    """

    equivalent: bool
    reason: str
    relabel: str
    relabelling: Relabelling | None = None
    obstruction: Obstruction | None = None
    decided_by: str = "invariants"
    steps: int = 0

    def __bool__(self) -> bool:
        return self.equivalent

    def __str__(self) -> str:
        head = "EQUIVALENT" if self.equivalent else "NOT EQUIVALENT"
        what = "inputs and outputs" if self.relabel == "both" else self.relabel
        lines = [f"{head} up to relabelled {what}: {self.reason}"]
        if self.relabelling is not None:
            lines.append(f"relabelling: {self.relabelling}")
        if self.obstruction is not None:
            lines.append(f"obstruction: {self.obstruction}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "equivalent": self.equivalent,
            "reason": self.reason,
            "relabel": self.relabel,
            "relabelling": None if self.relabelling is None else self.relabelling.to_dict(),
            "obstruction": None if self.obstruction is None else self.obstruction.to_dict(),
            "decided_by": self.decided_by,
            "steps": self.steps,
        }

    def _repr_markdown_(self) -> str:
        return "\n\n".join(
            f"**{line}**" if n == 0 else line for n, line in enumerate(str(self).split("\n"))
        )


def relabelled_equivalent(
    a: ShallowNetwork,
    b: ShallowNetwork,
    *,
    relabel: RelabelMode = "both",
    limit: int = DEFAULT_RELABEL_LIMIT,
) -> RelabelledEquivalence:
    """Decide exactly whether f_b(y) = P f_a(Q y) for permutations P (outputs), Q (inputs).

    Parameters
    ----------
    a, b
        Networks; their widths may differ.
    relabel
        ``"inputs"`` (P = I), ``"outputs"`` (Q = I), ``"both"``, or ``"signed-inputs"``
        (P = I and Q a signed permutation: x_j -> -x_j allowed too).
    limit
        Bound on the work: one step per colour refinement and per candidate pair of the VF2
        matcher.

    Returns
    -------
    RelabelledEquivalence
        Truthy exactly when such P, Q exist; then ``relabelling`` gives them (checked on the
        canonical forms); otherwise ``obstruction`` names an invariant that differs.

    Raises
    ------
    TypeError
        If a or b is not a ``ShallowNetwork`` or ``relabel`` is not a string.
    ValueError
        If ``relabel`` is unknown or ``limit`` is not a positive integer.
    SearchLimitExceeded
        If the search needs more than ``limit`` steps (graphs with many identical labels).

    Examples
    --------
    >>> a = ShallowNetwork([[1, 2], [0, 1]], [1, -1], [[1, 2], [0, 1]], [0, 5])
    >>> b = apply_relabelling(a, [1, 0], [1, 0])
    >>> result = relabelled_equivalent(a, b)
    >>> print(result)
    EQUIVALENT up to relabelled inputs and outputs: b = a relabelled, checked on canonical forms
    relabelling: inputs x1->x2, x2->x1; outputs f1->f2, f2->f1
    >>> print(relabelled_equivalent(a, b, relabel="inputs").obstruction)
    the multiset of kinks lambda_H: (0, 1) occurs 0 times in a and 1 in b

    References
    ----------
    proofs/relabelling.md (Theorem: isomorphisms of relabelling graphs are relabellings).
    """
    _check_net(a, "a", "relabelled_equivalent")
    _check_net(b, "b", "relabelled_equivalent")
    mode = _check_mode(relabel)
    check_limit(limit)
    if a.d != b.d or a.k != b.k:
        obstruction = Obstruction("the dimensions (d, k)", None)
        return RelabelledEquivalence(
            False,
            f"a has (d, k) = ({a.d}, {a.k}) but b has ({b.d}, {b.k})",
            mode,
            obstruction=obstruction,
            decided_by="dimensions",
        )
    ea, eb = _Encoded(a, mode), _Encoded(b, mode)
    difference = _first_difference(ea, eb, mode)
    if difference is not None:
        return RelabelledEquivalence(
            False,
            f"{difference.invariant} differs, and no allowed relabelling changes it",
            mode,
            obstruction=difference,
            decided_by="invariants",
        )
    budget = _Budget(limit, "relabelled equivalence")
    found, stage = _find(ea, eb, ea.initial, eb.initial, mode, budget, lambda: _graphs(a, b, mode))
    if found is None:
        what = (
            "colour refinement of the relabelling graphs separates them"
            if stage == "refinement"
            else "the VF2 matcher finds no isomorphism of the relabelling graphs"
        )
        return RelabelledEquivalence(
            False,
            f"{what}, so no allowed relabelling maps a onto b",
            mode,
            obstruction=Obstruction(what),
            decided_by=stage,
            steps=budget.steps,
        )
    return RelabelledEquivalence(
        True,
        "b = a relabelled, checked on canonical forms",
        mode,
        relabelling=found,
        decided_by=stage,
        steps=budget.steps,
    )


# -- the relabelling group of one network ---------------------------------------------------


def _relabelling_generators(
    net: ShallowNetwork, mode: str, limit: int
) -> tuple[list[Relabelling], int]:
    """Generators of the relabelling group by a base and orbits (Schreier-Sims style)."""
    enc = _Encoded(net, mode)
    budget = _Budget(limit, "the relabelling group")
    stable = _refine_jointly(enc, enc, enc.initial, enc.initial, budget)
    assert stable is not None
    colours = stable[0]
    nodes = enc.io_nodes
    built: list[tuple[nx.Graph, nx.Graph]] = []

    def graphs() -> tuple[nx.Graph, nx.Graph]:
        if not built:
            built.append(_graphs(net, net, mode))
        return built[0]

    generators: list[Relabelling] = []
    while True:
        io = colours[nodes]
        values, counts = np.unique(io, return_counts=True)
        shared = set(values[counts > 1].tolist())
        cell = [p for p in nodes if int(colours[p]) in shared]
        if not cell:
            return generators, budget.steps
        base = cell[0]
        cell = [p for p in cell if colours[p] == colours[base]]
        orbit = {base}
        level: list[Relabelling] = []
        for target in cell[1:]:
            if target in orbit:
                continue
            found, _ = _find(
                enc,
                enc,
                _individualize(colours, base),
                _individualize(colours, target),
                mode,
                budget,
                graphs,
            )
            if found is None:
                continue
            level.append(found)
            orbit = _orbit(base, level, enc)
        generators += level
        refined = _refine_jointly(
            enc, enc, _individualize(colours, base), _individualize(colours, base), budget
        )
        assert refined is not None
        colours = refined[0]


def _node_images(g: Relabelling, enc: _Encoded) -> dict[int, int]:
    """Where g sends each input and output node (encoded indices)."""
    d, negated = enc.d, enc.d + enc.k + 2 * enc.m
    images = {d + i: d + p for i, p in enumerate(g.outputs)}
    for j, (p, e) in enumerate(zip(g.inputs, g.signs or (1,) * d, strict=True)):
        images[j] = p if e > 0 else negated + p
        if enc.signed:
            images[negated + j] = negated + p if e > 0 else p
    return images


def _orbit(point: int, generators: list[Relabelling], enc: _Encoded) -> set[int]:
    images = [_node_images(g, enc) for g in generators]
    orbit, frontier = {point}, [point]
    while frontier:
        p = frontier.pop()
        for image in images:
            q = image[p]
            if q not in orbit:
                orbit.add(q)
                frontier.append(q)
    return orbit


def _points(d: int, k: int, mode: str) -> int:
    return (2 * d if mode == "signed-inputs" else d) + k


def _group(generators: Sequence[Relabelling], size: int) -> PermutationGroup:
    """The sympy group generated on ``size`` points (the identity alone when none)."""
    return PermutationGroup([g.permutation for g in generators] or [Permutation(list(range(size)))])


def relabelling_group(
    net: ShallowNetwork, *, relabel: RelabelMode = "both", limit: int = DEFAULT_RELABEL_LIMIT
) -> PermutationGroup:
    """The relabellings (P, Q) with f(x) = P f(Q x), as a sympy group on d + k points.

    Points 0..d-1 are the inputs and d..d+k-1 the outputs; with ``relabel="signed-inputs"``,
    2d + k points: x_1..x_d, -x_1..-x_d, then the outputs. The group is given by generators
    (found along a base, one search per orbit point, each checked on the canonical form), so
    its elements are enumerated lazily by sympy (``group.generate()``) and ``group.order()``
    costs no enumeration.

    Parameters
    ----------
    net
        A :class:`ShallowNetwork`.
    relabel
        ``"both"`` (default), ``"inputs"`` (outputs fixed), ``"outputs"`` (inputs fixed) or
        ``"signed-inputs"`` (x_j -> -x_j allowed too, outputs fixed).
    limit
        Bound on the work (colour refinements and VF2 candidate pairs).

    Returns
    -------
    sympy.combinatorics.PermutationGroup

    Raises
    ------
    TypeError, ValueError
        For a wrong ``net``, ``relabel`` or ``limit``.
    SearchLimitExceeded
        If more than ``limit`` steps are needed.

    Examples
    --------
    f(x) = relu(x1 + x2) + relu(x1 - x2) is symmetric under x2 -> -x2 only, but
    g(x) = relu(x1) + relu(x2) + relu(x3) under every permutation of its inputs:

    >>> g = ShallowNetwork([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0, 0, 0], [[1, 1, 1]], [0])
    >>> relabelling_group(g).order()
    6
    >>> f = ShallowNetwork([[1, 1], [1, -1]], [0, 0], [[1, 1]], [0])
    >>> relabelling_group(f).order(), relabelling_group(f, relabel="signed-inputs").order()
    (1, 2)

    References
    ----------
    proofs/relabelling.md (Theorem and Corollary: the automorphisms of the relabelling graph
    are the relabelling symmetries, and they act faithfully on the inputs and outputs).
    """
    _check_net(net, "net", "relabelling_group")
    mode = _check_mode(relabel)
    check_limit(limit)
    generators, _ = _relabelling_generators(net, mode, limit)
    size = _points(net.d, net.k, mode)
    return _group(generators, size)


@dataclass(frozen=True)
class RelabellingSymmetries:
    """The relabelling group of a network, for reports and the CLI.

    Attributes
    ----------
    d, k
        Points 0..d-1 are inputs, d..d+k-1 outputs (when ``signed``: x_1..x_d, -x_1..-x_d,
        then the outputs).
    generators
        Relabellings generating the group (empty for the trivial group).
    order
        The group's order.
    steps
        Work spent (bounded by ``limit``).
    """

    d: int
    k: int
    generators: tuple[Relabelling, ...]
    order: int
    steps: int
    signed: bool = False

    @cached_property
    def group(self) -> PermutationGroup:
        """The group as a sympy ``PermutationGroup`` on d + k (signed: 2d + k) points."""
        size = _points(self.d, self.k, "signed-inputs" if self.signed else "both")
        return _group(self.generators, size)

    def __str__(self) -> str:
        if not self.generators:
            return "relabelling group: trivial (order 1)"
        gens = "; ".join(f"({g})" for g in self.generators[:6])
        more = f"; ... ({len(self.generators) - 6} more)" if len(self.generators) > 6 else ""
        return f"relabelling group: order {self.order}, generated by {gens}{more}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; ``order`` is an exact integer string."""
        return {
            "order": str(self.order),
            "generators": [g.to_dict() for g in self.generators],
            "steps": self.steps,
        }

    def _repr_markdown_(self) -> str:
        return f"**{self}**"


def relabelling_symmetries(
    net: ShallowNetwork, *, relabel: RelabelMode = "both", limit: int = DEFAULT_RELABEL_LIMIT
) -> RelabellingSymmetries:
    """:func:`relabelling_group` with its generators as :class:`Relabelling` and its order.

    Examples
    --------
    >>> net = ShallowNetwork([[1, 0], [0, 1]], [0, 0], [[1, 1]], [0])
    >>> print(relabelling_symmetries(net))
    relabelling group: order 2, generated by (inputs x1->x2, x2->x1; outputs unchanged)
    """
    _check_net(net, "net", "relabelling_symmetries")
    mode = _check_mode(relabel)
    check_limit(limit)
    generators, steps = _relabelling_generators(net, mode, limit)
    size = _points(net.d, net.k, mode)
    order = int(_group(generators, size).order())
    signed = mode == "signed-inputs"
    return RelabellingSymmetries(net.d, net.k, tuple(generators), order, steps, signed)
