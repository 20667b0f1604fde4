"""The reduced canonical form of a deep ReLU network (proofs/deep.md sections 2 and 3).

Modulo the standard group of every hidden layer (permutations and positive scalings), after
removing what provably never contributes:

* a neuron with zero outgoing weights is dropped;
* a neuron with zero incoming weights is the constant relu(beta): it is folded into the next
  layer's biases;
* a neuron of a later hidden layer (whose inputs are ReLU outputs, so >= 0) with all incoming
  weights and its bias <= 0 is never active and is dropped;
* twins (rows (w, beta) positively proportional, w_j = t w_i) are merged: a_i += t a_j;
* every hidden neuron's row (w, beta) is scaled so that its first nonzero entry is +-1 (the
  columns are the previous layer's neurons, already in canonical order), the scale pushed into
  the next layer's column; neurons are sorted by their normalized rows, layer by layer.

Each step preserves the function exactly, so equal forms prove equivalence. The steps are
recorded (:class:`ReductionStep`) so that a certificate can replay them, checking each one's
precondition on the actual parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flint import fmpq, fmpq_mat

from ..network import ShallowNetwork
from ..rationals import format_rational
from .network import DeepNetwork

__all__ = ["DeepCanonicalForm", "ReductionStep", "Workspace", "canonical_form"]

ZERO = fmpq(0)

KINDS = ("zero outgoing weights", "constant (zero incoming weights)", "never active", "twin")


@dataclass(frozen=True)
class ReductionStep:
    """One function-preserving reduction, named by the neuron's index in the input network.

    ``kind`` is one of ``"zero outgoing weights"``, ``"constant (zero incoming weights)"``,
    ``"never active"`` (a later layer's neuron with weights and bias <= 0) or ``"twin"``
    (``neuron`` is merged into ``into``, whose row it is a positive multiple of).
    ``layer`` counts hidden layers from 0.
    """

    kind: str
    layer: int
    neuron: int
    into: int | None = None

    def __str__(self) -> str:
        text = f"layer {self.layer} neuron {self.neuron}: {self.kind}"
        return text if self.into is None else f"{text} of neuron {self.into}, merged"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"kind": self.kind, "layer": self.layer, "neuron": self.neuron, "into": self.into}


class Workspace:
    """Mutable exact parameters with the original index of every hidden neuron (internal API
    of the deep modules: the canonical form builds on it, certificates replay on it).

    Every operation preserves the function; ``remove``, ``fold``, ``drop_inactive`` and
    ``merge`` check their precondition and raise ``ValueError`` when it fails.
    """

    def __init__(self, net: DeepNetwork):
        self.W = []
        for W, _ in net.layers:
            entries, cols = W.entries(), W.ncols()
            self.W.append([entries[r * cols : (r + 1) * cols] for r in range(W.nrows())])
        self.b = [list(b.entries()) for _, b in net.layers]
        self.d = net.d
        self.ids = [list(range(len(self.b[lay]))) for lay in range(len(self.b) - 1)]

    @property
    def hidden(self) -> int:
        return len(self.ids)

    def column(self, lay: int, i: int) -> list[fmpq]:
        """Outgoing weights of position i of hidden layer `lay`."""
        return [row[i] for row in self.W[lay + 1]]

    def _delete(self, lay: int, i: int) -> None:
        del self.W[lay][i], self.b[lay][i], self.ids[lay][i]
        for row in self.W[lay + 1]:
            del row[i]

    def position(self, lay: int, neuron: int) -> int:
        return self.ids[lay].index(neuron)

    def apply(self, step: ReductionStep) -> None:
        """Replay a recorded step, checking its precondition."""
        lay, i = step.layer, self.position(step.layer, step.neuron)
        if step.kind == KINDS[0]:
            self.remove(lay, i)
        elif step.kind == KINDS[1]:
            self.fold(lay, i)
        elif step.kind == KINDS[2]:
            self.drop_inactive(lay, i)
        elif step.kind == KINDS[3]:
            self.merge(lay, self.position(lay, step.into), i)
        else:
            raise ValueError(f"unknown reduction {step.kind!r}")

    def remove(self, lay: int, i: int) -> ReductionStep:
        if any(self.column(lay, i)):
            raise ValueError(f"layer {lay} neuron {self.ids[lay][i]} has nonzero outgoing weights")
        step = ReductionStep(KINDS[0], lay, self.ids[lay][i])
        self._delete(lay, i)
        return step

    def fold(self, lay: int, i: int) -> ReductionStep:
        if any(self.W[lay][i]):
            raise ValueError(f"layer {lay} neuron {self.ids[lay][i]} has nonzero incoming weights")
        value = self.b[lay][i] if self.b[lay][i] > 0 else ZERO
        for r, row in enumerate(self.W[lay + 1]):
            self.b[lay + 1][r] += row[i] * value
        step = ReductionStep(KINDS[1], lay, self.ids[lay][i])
        self._delete(lay, i)
        return step

    def drop_inactive(self, lay: int, i: int) -> ReductionStep:
        if lay == 0 or self.b[lay][i] > 0 or any(w > 0 for w in self.W[lay][i]):
            raise ValueError(f"layer {lay} neuron {self.ids[lay][i]} is not provably inactive")
        step = ReductionStep(KINDS[2], lay, self.ids[lay][i])
        self._delete(lay, i)
        return step

    def merge(self, lay: int, keep: int, drop: int) -> ReductionStep:
        t = _positive_ratio(
            self.W[lay][drop] + [self.b[lay][drop]], self.W[lay][keep] + [self.b[lay][keep]]
        )
        if t is None:
            raise ValueError(
                f"layer {lay} neurons {self.ids[lay][keep]} and {self.ids[lay][drop]} are not twins"
            )
        for row in self.W[lay + 1]:
            row[keep] += t * row[drop]
        step = ReductionStep(KINDS[3], lay, self.ids[lay][drop], self.ids[lay][keep])
        self._delete(lay, drop)
        return step

    def scale(self, lay: int, i: int, t: fmpq) -> None:
        """Multiply the row (w, beta) of position i by t > 0 and its outgoing column by 1/t."""
        self.W[lay][i] = [w * t for w in self.W[lay][i]]
        self.b[lay][i] *= t
        for row in self.W[lay + 1]:
            row[i] /= t

    def permute(self, lay: int, order: Sequence[int]) -> None:
        """Reorder hidden layer `lay`: new position p holds old position order[p]."""
        self.W[lay] = [self.W[lay][i] for i in order]
        self.b[lay] = [self.b[lay][i] for i in order]
        self.ids[lay] = [self.ids[lay][i] for i in order]
        self.W[lay + 1] = [[row[i] for i in order] for row in self.W[lay + 1]]

    def network(self) -> DeepNetwork:
        layers = []
        cols = self.d
        for W, b in zip(self.W, self.b, strict=True):
            layers.append(
                (fmpq_mat(len(W), cols, [x for row in W for x in row]), fmpq_mat(len(b), 1, b))
            )
            cols = len(W)
        return DeepNetwork.from_exact(layers)


def _positive_ratio(u: list[fmpq], v: list[fmpq]) -> fmpq | None:
    """t > 0 with u = t v, or None."""
    t = None
    for x, y in zip(u, v, strict=True):
        if (x == 0) != (y == 0):
            return None
        if y != 0:
            if t is None:
                t = x / y
                if t <= 0:
                    return None
            elif x != t * y:
                return None
    return t


def _remove_dead(work: Workspace, steps: list[ReductionStep]) -> bool:
    """Drop zero-output, constant and never-active neurons until none is left."""
    changed_any = False
    changed = True
    while changed:
        changed = False
        for lay in range(work.hidden):
            for i in range(len(work.b[lay]) - 1, -1, -1):
                if not any(work.column(lay, i)):
                    steps.append(work.remove(lay, i))
                elif not any(work.W[lay][i]):
                    steps.append(work.fold(lay, i))
                elif lay > 0 and work.b[lay][i] <= 0 and all(w <= 0 for w in work.W[lay][i]):
                    steps.append(work.drop_inactive(lay, i))
                else:
                    continue
                changed = changed_any = True
    return changed_any


def _normalize_layer(work: Workspace, lay: int, steps: list[ReductionStep]) -> bool:
    """Scale rows so that their first nonzero entry is +-1, sort, merge equal rows; True when
    a twin was merged.

    The columns (the previous layer's neurons) are already in canonical order, so "first" is
    invariant. Dividing by one of the row's own entries (rather than, say, its l1 norm) keeps
    the numbers short: an entry becomes a ratio of two, not a sum over the whole row."""
    for i, row in enumerate(work.W[lay]):
        pivot = next((w for w in row if w), work.b[lay][i])
        if pivot != 1 and pivot != -1 and pivot != 0:  # a zero row (made by a merge) waits
            work.scale(lay, i, 1 / abs(pivot))
    order = sorted(range(len(work.b[lay])), key=lambda i: (*work.W[lay][i], work.b[lay][i]))
    work.permute(lay, order)
    merged = False  # equal rows are now adjacent: merge each into the first of its run
    i = 1
    while i < len(work.b[lay]):
        row = work.W[lay][i]
        if (
            work.b[lay][i] == work.b[lay][i - 1]
            and row == work.W[lay][i - 1]
            and (any(row) or work.b[lay][i])
        ):
            steps.append(work.merge(lay, i - 1, i))
            merged = True
        else:
            i += 1
    return merged


@dataclass(frozen=True)
class DeepCanonicalForm:
    """The reduced canonical form of a deep network: a complete invariant of its orbit under
    permutations and positive scalings of every hidden layer, after exact reductions.

    Equal forms prove that the networks compute the same function (proofs/deep.md,
    Proposition 2); different forms do not prove the converse (hidden symmetries,
    proofs/deep.md section 4).

    Attributes
    ----------
    network
        The canonical network: every hidden row (w, beta) has first nonzero entry +-1, rows
        distinct and sorted increasingly layer by layer.
    steps
        The reductions applied, named by the input network's neuron indices.
    order
        For every hidden layer, the input network's index of each canonical neuron.
    """

    network: DeepNetwork
    steps: tuple[ReductionStep, ...] = field(default=())
    order: tuple[tuple[int, ...], ...] = field(default=())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DeepCanonicalForm):
            return NotImplemented
        return self.network == other.network

    def __hash__(self) -> int:
        return hash(self.network)

    @property
    def architecture(self) -> tuple[int, ...]:
        """The reduced architecture."""
        return self.network.architecture

    def __str__(self) -> str:
        lines = [f"reduced canonical form, architecture {self.architecture}"]
        if self.steps:
            lines.append(f"{len(self.steps)} reductions: " + "; ".join(map(str, self.steps)))
        for lay, (W, b) in enumerate(zip(self.network.weights, self.network.biases, strict=True)):
            name = f"hidden layer {lay}" if lay < self.network.depth - 1 else "output layer"
            lines.append(f"{name}:")
            for row, beta in zip(W, b, strict=True):
                lines.append(
                    "  w = ["
                    + ", ".join(map(format_rational, row))
                    + f"], b = {format_rational(beta)}"
                )
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        return "```\n" + str(self) + "\n```"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; numbers are exact strings."""
        return {
            "network": self.network.to_dict(),
            "steps": [s.to_dict() for s in self.steps],
            "order": [list(o) for o in self.order],
        }


def canonical_form(net: DeepNetwork) -> DeepCanonicalForm:
    """The reduced canonical form of a deep network (proofs/deep.md section 3).

    Parameters
    ----------
    net
        A :class:`DeepNetwork` (a :class:`shallowsym.ShallowNetwork` is converted).

    Returns
    -------
    DeepCanonicalForm
        Equal for networks related by permutations and positive scalings of their hidden
        layers, by dropping neurons that never contribute, and by splitting twins.

    Raises
    ------
    TypeError
        If ``net`` is not a network.

    Examples
    --------
    >>> a = DeepNetwork([[[1], [-2]], [[1, 1]], [[1]]], [[0, 2], [0], [0]])
    >>> b = DeepNetwork([[[-1], [2]], [[2, "1/2"]], [[1]]], [[1, 0], [0], [0]])
    >>> canonical_form(a) == canonical_form(b)
    True
    >>> print(canonical_form(a))
    reduced canonical form, architecture (1, 2, 1, 1)
    hidden layer 0:
      w = [-1], b = 1
      w = [1], b = 0
    hidden layer 1:
      w = [1, 1/2], b = 0
    output layer:
      w = [2], b = 0

    References
    ----------
    proofs/deep.md, sections 2 and 3.
    """
    net = as_deep(net, "net")
    work = Workspace(net)
    steps: list[ReductionStep] = []
    for _ in range(sum(net.widths) + 2):
        changed = _remove_dead(work, steps)
        for lay in range(work.hidden):
            changed |= _normalize_layer(work, lay, steps)
        if not changed:
            break
    return DeepCanonicalForm(work.network(), tuple(steps), tuple(map(tuple, work.ids)))


def as_deep(net: Any, name: str) -> DeepNetwork:
    """A ``DeepNetwork`` from a ``DeepNetwork`` or ``ShallowNetwork`` (internal API)."""
    if isinstance(net, DeepNetwork):
        return net
    if isinstance(net, ShallowNetwork):
        return DeepNetwork.from_shallow(net)
    raise TypeError(f"{name} must be a DeepNetwork or ShallowNetwork, not {type(net).__name__}")
