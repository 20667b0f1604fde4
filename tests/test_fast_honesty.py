"""The fast path is honest: it never says "equivalent" when the exact canonical forms differ by
more than 100 times the tolerance, and it reports the tolerance it used.

Found by CI: relu(x3 + 3) against relu(x3 + 3.000000001), whose hyperplanes lie a third of a
tolerance apart, was merged and called equivalent; merges that close are now uncertain.
Found by CI later: relu(1e-9 y + 1) against relu(1) (a hyperplane at y = -1e9, whose exact
form moves delta by 1/2) was called equivalent, rightly by the fast path's entrywise
tolerance; the oracle now treats input weights that small as zero, as it treats hyperplanes
that close as one.
Found in the tenth session: relu(x2) against relu(1e-9 x1 + x2), called equivalent, rightly:
the oracle compared hyperplanes scaled by their first non-zero entry (1e-9 here), which puts
near hyperplanes far apart; it now scales them by their largest entry."""

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from shallowsym import ShallowNetwork, canonical_form, fast
from shallowsym.hyperplanes import hyperplane_normal_offset
from shallowsym.strategies import inequivalent_pairs
from shallowsym.witness import kink_differences


def _flatten(net, rtol, atol):
    """The limit of a hyperplane moving away: a neuron whose every input weight is within 100
    tolerances of 0 counts as zero-input (w = 0), as the fast path compares entries. In the
    exact form relu(eps y + 1) = (eps y + 1 + eps |y + 1/eps|) / 2 puts a kink eps at
    y = -1/eps and moves delta by 1/2, although it is within eps |y| of the constant 1."""
    rows = []
    for w in net.W1:
        width = 100 * (Fraction(atol) + Fraction(rtol) * max(map(abs, w), default=0))
        rows.append([0] * len(w) if all(abs(x) <= width for x in w) else list(w))
    return ShallowNetwork.from_rows(rows, net.b1, net.W2, net.b2, d=net.d)


def exact_discrepancy(a, b, rtol, atol):
    """Largest exact difference of kinks, W2 W1 entries and delta entries, where hyperplanes
    whose keys (u, c) agree within 100 tolerances count as one (a position shift that small is
    not a difference of more than 100 tolerances)."""
    a, b = _flatten(a, rtol, atol), _flatten(b, rtol, atol)
    ca, cb = canonical_form(a), canonical_form(b)
    clusters = []  # [key, kink difference]
    for key, kink in kink_differences(ca, cb).items():
        # (u, c) scaled so that its largest entry is 1 (a first-entry scaling is not
        # continuous: (1e-9, 1, 0) and (0, 1, 0) would be far apart), the kink with it
        normal, offset = hyperplane_normal_offset(key)
        largest = max((*normal, offset), key=abs)
        vec = tuple(x / largest for x in (*normal, offset))
        kink = [x * abs(largest) for x in kink]
        width = 100 * (Fraction(atol) + Fraction(rtol) * max(map(abs, vec)))
        for cluster in clusters:
            if max(abs(x - y) for x, y in zip(cluster[0], vec)) <= width:
                cluster[1] = [x + y for x, y in zip(cluster[1], kink)]
                break
        else:
            clusters.append([vec, list(kink)])
    diffs = [abs(x) for _, kink in clusters for x in kink]
    diffs += [abs(x - y) for ra, rb in zip(ca.linear, cb.linear) for x, y in zip(ra, rb)]
    diffs += [abs(x - y) for x, y in zip(ca.constant, cb.constant)]
    return max(diffs, default=Fraction(0))


def scale_bound(a, b):
    """An upper bound on every magnitude the fast path scales its tolerance by."""
    total = Fraction(0)
    for net in (a, b):
        for i in range(net.h):
            w, beta, out = net.neuron(i)
            size = sum(map(abs, w)) + abs(beta)
            total += sum(abs(x) for x in out) * size
        total += sum(map(abs, net.b2))
    return total


@given(
    inequivalent_pairs(max_h=5, epsilon=Fraction(1, 10**6)) | inequivalent_pairs(max_h=5),
    st.sampled_from([(1e-9, 1e-12), (1e-6, 1e-9), (1e-12, 1e-15)]),
)
def test_never_equivalent_beyond_100_tolerances(pair, tolerances):
    a, b = pair
    rtol, atol = tolerances
    verdict = fast.equivalent(a, b, rtol=rtol, atol=atol)
    assert (verdict.rtol, verdict.atol) == (rtol, atol)
    tolerance = Fraction(atol) + Fraction(rtol) * scale_bound(a, b)
    if exact_discrepancy(a, b, rtol, atol) > 100 * tolerance:
        assert verdict.equivalent is not True, (str(verdict), a, b)
