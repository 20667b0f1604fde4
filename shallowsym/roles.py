"""How a network's neurons realize its function: roles, hyperplane groups, combinatorial type.

(docs/theory.md sections 1 and 5.) Every neuron is one of

* **zero-output** (a_i = 0): contributes nothing, (w_i, beta_i) free (S3);
* **zero-input** (w_i = 0, a_i != 0): adds the constant a_i relu(beta_i), *active* when
  beta_i > 0 and *inactive* when beta_i <= 0 (S4);
* **live**, on the hyperplane of its key, oriented by eps_i. Live neurons on one hyperplane form
  a *group*; the group is *bent* when its kinks sum to a non-zero kappa_H (H is a bent
  hyperplane of f) and *cancelling* otherwise (S7).

The **combinatorial type** records, modulo the standard group, what the fibre strata are made
of: the signature (p, q) = (number of positively, negatively oriented neurons) of the group on
each bent hyperplane of f (in the canonical form's order), the signatures of the cancelling
groups, and the numbers of zero-output and active/inactive zero-input neurons.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .canonical import canonical_form
from .hyperplanes import Key, format_hyperplane, neuron_keys
from .network import ShallowNetwork, check_network
from .rationals import to_fraction

__all__ = [
    "CombinatorialType",
    "HyperplaneGroup",
    "NeuronRole",
    "Structure",
    "combinatorial_type",
    "structure",
]

Vector = tuple[Fraction, ...]


@dataclass(frozen=True)
class HyperplaneGroup:
    """The live neurons on one hyperplane (docs/theory.md section 5: P_H, Q_H)."""

    key: Key
    bent_index: int | None  # position among f's bent hyperplanes; None when cancelling
    positive: tuple[int, ...]
    negative: tuple[int, ...]
    P: Vector  # sum of s_i a_i over positively oriented neurons
    Q: Vector  # sum of s_i a_i over negatively oriented neurons

    @property
    def neurons(self) -> tuple[int, ...]:
        return tuple(sorted(self.positive + self.negative))

    @property
    def signature(self) -> tuple[int, int]:
        return (len(self.positive), len(self.negative))

    @property
    def mixed(self) -> bool:
        return bool(self.positive) and bool(self.negative)

    @property
    def bent(self) -> bool:
        return self.bent_index is not None

    @property
    def v(self) -> Vector:
        """P - Q: the group's contribution to W2 W1 is v u_H^T."""
        return tuple(p - q for p, q in zip(self.P, self.Q, strict=True))

    @property
    def equation(self) -> str:
        return format_hyperplane(self.key)


@dataclass(frozen=True)
class NeuronRole:
    """A neuron's role, hyperplane id (into ``Structure.groups``) and orientation."""

    neuron: int
    role: str  # zero-output | zero-input-active | zero-input-inactive | bent | cancelling
    hyperplane: int | None
    orientation: int

    def __str__(self) -> str:
        """``neuron 3: bent on hyperplane 1 (+)``."""
        where = "" if self.hyperplane is None else f" on hyperplane {self.hyperplane}"
        sign = {1: " (+)", -1: " (-)"}.get(self.orientation, "")
        return f"neuron {self.neuron}: {self.role}{where}{sign}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "neuron": self.neuron,
            "role": self.role,
            "hyperplane": self.hyperplane,
            "orientation": self.orientation,
        }


@dataclass(frozen=True, order=True)
class CombinatorialType:
    """A stratum of the fibre, modulo the standard group (hashable, ordered).

    >>> from shallowsym import ShallowNetwork
    >>> print(combinatorial_type(ShallowNetwork([[1], [-1]], [-1, 3], [[1, 1]], [0])))
    bent (0+,1-) (1+,0-)
    """

    bent: tuple[tuple[int, int], ...]
    cancelling: tuple[tuple[int, int], ...] = ()
    zero_output: int = 0
    zero_input_active: int = 0
    zero_input_inactive: int = 0

    @property
    def width(self) -> int:
        return (
            sum(p + q for p, q in self.bent)
            + sum(p + q for p, q in self.cancelling)
            + self.zero_output
            + self.zero_input_active
            + self.zero_input_inactive
        )

    def __str__(self) -> str:
        def sig(pq: tuple[int, int]) -> str:
            return f"({pq[0]}+,{pq[1]}-)"

        parts = ["bent " + " ".join(map(sig, self.bent)) if self.bent else "no bent hyperplane"]
        if self.cancelling:
            parts.append("cancelling " + " ".join(map(sig, self.cancelling)))
        for name, count in (
            ("zero-output", self.zero_output),
            ("zero-input active", self.zero_input_active),
            ("zero-input inactive", self.zero_input_inactive),
        ):
            if count:
                parts.append(f"{count} {name}")
        return ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "bent": [list(s) for s in self.bent],
            "cancelling": [list(s) for s in self.cancelling],
            "zero_output": self.zero_output,
            "zero_input_active": self.zero_input_active,
            "zero_input_inactive": self.zero_input_inactive,
            "description": str(self),
        }


@dataclass(frozen=True)
class Structure:
    """Roles and hyperplane groups of one network (see the module docstring)."""

    net: ShallowNetwork
    groups: tuple[HyperplaneGroup, ...]  # sorted by key
    zero_output: tuple[int, ...]
    zero_input_active: tuple[int, ...]
    zero_input_inactive: tuple[int, ...]

    @property
    def all_zero(self) -> tuple[int, ...]:
        """Neurons with w = 0, beta = 0 and a = 0: fixed by every scaling."""
        W1, b1 = self.net.exact.W1, self.net.exact.b1  # no Fraction copy of the whole network
        d = self.net.d
        return tuple(
            i for i in self.zero_output if b1[i, 0] == 0 and not any(W1[i, j] for j in range(d))
        )

    @property
    def roles(self) -> tuple[NeuronRole, ...]:
        roles: dict[int, NeuronRole] = {}
        keys = neuron_keys(self.net)
        for i in self.zero_output:
            roles[i] = NeuronRole(i, "zero-output", None, keys.orientations[i])
        for i in self.zero_input_active:
            roles[i] = NeuronRole(i, "zero-input-active", None, 0)
        for i in self.zero_input_inactive:
            roles[i] = NeuronRole(i, "zero-input-inactive", None, 0)
        for g_id, group in enumerate(self.groups):
            role = "bent" if group.bent else "cancelling"
            for i in group.positive:
                roles[i] = NeuronRole(i, role, g_id, 1)
            for i in group.negative:
                roles[i] = NeuronRole(i, role, g_id, -1)
        return tuple(roles[i] for i in range(self.net.h))

    @property
    def type(self) -> CombinatorialType:
        cf = canonical_form(self.net)
        bent = [(0, 0)] * cf.num_bent
        for group in self.groups:
            if group.bent_index is not None:
                bent[group.bent_index] = group.signature
        return CombinatorialType(
            bent=tuple(bent),
            cancelling=tuple(sorted(g.signature for g in self.groups if not g.bent)),
            zero_output=len(self.zero_output),
            zero_input_active=len(self.zero_input_active),
            zero_input_inactive=len(self.zero_input_inactive),
        )


def structure(net: ShallowNetwork) -> Structure:
    """The roles and hyperplane groups of ``net`` (cached on the network).

    Parameters
    ----------
    net : ShallowNetwork
        The network to analyse.

    Returns
    -------
    Structure
        ``roles`` (one :class:`NeuronRole` per neuron: its role, hyperplane group and
        orientation), ``groups`` (one :class:`HyperplaneGroup` per hyperplane carrying live
        neurons, bent or cancelling), the indices of the ``zero_output``, ``zero_input_active``
        and ``zero_input_inactive`` neurons, and ``type``, the combinatorial type.

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`ShallowNetwork`.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> s = structure(ShallowNetwork([[1], [2], [0], [3]], [1, 2, 1, 0], [[2, -1, 5, 0]], [0]))
    >>> [(r.role, r.hyperplane, r.orientation) for r in s.roles]  # doctest: +NORMALIZE_WHITESPACE
    [('cancelling', 0, 1), ('cancelling', 0, 1),
     ('zero-input-active', None, 0), ('zero-output', None, 1)]

    References
    ----------
    * docs/theory.md sections 1 (neuron kinds), 3 (hyperplane keys and orientations) and 5
      (mechanisms S3-S7, strata); proofs/fibre_mechanisms.md.
    * H. Petzka, M. Trimmel, C. Sminchisescu, "Notes on the symmetries of 2-layer
      ReLU-networks", NLDL 2020.
    """
    check_network(net, "structure", "net")
    return net.cached("structure", lambda: _compute_structure(net))


def _compute_structure(net: ShallowNetwork) -> Structure:
    keys = neuron_keys(net)
    cf = canonical_form(net)
    bent_index = {key: n for n, key in enumerate(cf.keys)}
    h, k = net.h, net.k
    a = net.exact.W2.entries()
    members: dict[Key, list[int]] = {}
    zero_output, active, inactive = [], [], []
    for i in range(h):
        if keys.zero_output[i]:
            zero_output.append(i)
        elif keys.keys[i] is None:
            (active if net.exact.b1.entries()[i] > 0 else inactive).append(i)
        else:
            members.setdefault(keys.keys[i], []).append(i)
    groups = []
    for key in sorted(members):
        pos = tuple(i for i in members[key] if keys.orientations[i] > 0)
        neg = tuple(i for i in members[key] if keys.orientations[i] < 0)

        def total(indices: tuple[int, ...]) -> Vector:
            return tuple(
                sum((to_fraction(a[j * h + i] * keys.scales[i]) for i in indices), Fraction(0))
                for j in range(k)
            )

        groups.append(HyperplaneGroup(key, bent_index.get(key), pos, neg, total(pos), total(neg)))
    return Structure(net, tuple(groups), tuple(zero_output), tuple(active), tuple(inactive))


def combinatorial_type(net: ShallowNetwork) -> CombinatorialType:
    """The combinatorial type (fibre stratum, modulo the standard group) of ``net``.

    Two networks realizing the same function can be compared by type; every type in
    :func:`shallowsym.fibre_types` of f is the type of its representative.

    Parameters
    ----------
    net : ShallowNetwork
        The network to classify.

    Returns
    -------
    CombinatorialType
        The signatures (p, q) of the groups on the bent hyperplanes (in the canonical form's
        order) and of the cancelling groups, and the numbers of zero-output and active /
        inactive zero-input neurons.

    Raises
    ------
    TypeError
        If ``net`` is not a :class:`ShallowNetwork`.

    Examples
    --------
    >>> from shallowsym import ShallowNetwork
    >>> print(combinatorial_type(ShallowNetwork([[1], [2], [0]], [1, 2, 1], [[1, 1, 3]], [0])))
    bent (2+,0-), 1 zero-input active

    References
    ----------
    * docs/theory.md section 5, "Strata and the fibre's dimension at theta";
      proofs/fibre_dimension.md.
    * J. E. Grigsby, K. Lindsey, D. Rolnick, "Hidden symmetries of ReLU networks", ICML 2023.
    """
    if not isinstance(net, ShallowNetwork):
        raise TypeError(f"combinatorial_type expects a ShallowNetwork, not {type(net).__name__}")
    return structure(net).type
