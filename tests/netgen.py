"""Hypothesis strategies for the tests: networks (the library's, with planted degeneracies),
equivalent partners built by moves (permute, scale, twins, zero neurons, cancelling pairs,
planted flips), and near misses."""

from fractions import Fraction
from itertools import combinations

from hypothesis import strategies as st

from shallowsym import ShallowNetwork, moves, strategies

small_rationals = st.builds(Fraction, st.integers(-4, 4), st.sampled_from([1, 1, 1, 2, 3]))
positive_rationals = st.builds(Fraction, st.integers(1, 5), st.sampled_from([1, 2, 3]))
nonzero_rationals = small_rationals.filter(bool)


def networks(max_d=3, max_h=6, max_k=2, min_h=0, big=False):
    """Small networks with planted degeneracies (the library's strategy; 40-digit entries
    when ``big``)."""
    return strategies.networks(
        max_d=max_d,
        max_h=max_h,
        max_k=max_k,
        min_h=min_h,
        elements=big_rationals if big else small_rationals,
    )


big_rationals = st.builds(
    Fraction,
    st.integers(-(10**40), 10**40),
    st.integers(1, 10**40),
)


def admissible_flips(net):
    """Every non-empty T with sum_T a_i w_i^T = 0 (brute force, for small h)."""
    out = []
    for size in range(1, net.h + 1):
        for subset in combinations(range(net.h), size):
            total = [
                [sum(net.W2[j][i] * net.W1[i][c] for i in subset) for c in range(net.d)]
                for j in range(net.k)
            ]
            if not any(any(row) for row in total):
                out.append(subset)
    return out


@st.composite
def moved(draw, net, max_moves=4):
    """A network equivalent to ``net``, built by a random sequence of moves."""
    for _ in range(draw(st.integers(1, max_moves))):
        move = draw(
            st.sampled_from(
                ["permute", "scale", "split", "zero_out", "zero_in", "cancel", "flip", "flip_pair"]
            )
        )
        if move == "permute" and net.h:
            net = moves.permute(net, draw(st.permutations(range(net.h))))
        elif move == "scale" and net.h:
            net = moves.rescale(net, [draw(positive_rationals) for _ in range(net.h)])
        elif move == "split" and net.h:
            net = moves.split_twin(
                net,
                draw(st.integers(0, net.h - 1)),
                draw(small_rationals),
                scale=draw(positive_rationals),
            )
        elif move == "zero_out":
            net = moves.add_zero_output_neuron(
                net, [draw(small_rationals) for _ in range(net.d)], draw(small_rationals)
            )
        elif move == "zero_in":
            net = moves.add_zero_input_neuron(
                net, draw(small_rationals), [draw(small_rationals) for _ in range(net.k)]
            )
        elif move == "cancel":
            net = moves.add_cancelling_pair(
                net,
                [draw(small_rationals) for _ in range(net.d)],
                draw(small_rationals),
                [draw(small_rationals) for _ in range(net.k)],
                scale=draw(positive_rationals),
            )
        elif move == "flip" and 0 < net.h <= 10:
            flips = admissible_flips(net)
            if flips:
                net = moves.flip(net, draw(st.sampled_from(flips)))
        elif move == "flip_pair" and net.h and net.h <= 10:
            net = moves.flip_with_cancelling_pair(
                net, draw(st.integers(0, net.h - 1)), draw(small_rationals)
            )
    return net


@st.composite
def nudged(draw, net):
    """``net`` with one parameter moved by 1/10^9 (may or may not change the function)."""
    W1, b1, W2, b2 = (
        [list(r) for r in net.W1],
        list(net.b1),
        [list(r) for r in net.W2],
        list(net.b2),
    )
    eps = Fraction(draw(st.sampled_from([1, -1])), 10**9)
    slots = [("b2", j) for j in range(net.k)]
    slots += [("b1", i) for i in range(net.h)]
    slots += [("W1", i, c) for i in range(net.h) for c in range(net.d)]
    slots += [("W2", j, i) for j in range(net.k) for i in range(net.h)]
    slot = draw(st.sampled_from(slots))
    if slot[0] == "b2":
        b2[slot[1]] += eps
    elif slot[0] == "b1":
        b1[slot[1]] += eps
    elif slot[0] == "W1":
        W1[slot[1]][slot[2]] += eps
    else:
        W2[slot[1]][slot[2]] += eps
    return ShallowNetwork.from_rows(W1, b1, W2, b2, d=net.d)
