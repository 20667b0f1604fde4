"""The fast path is honest: it never says "equivalent" when the exact canonical forms differ by
more than 100 times the tolerance, and it reports the tolerance it used.

Found by CI: relu(x3 + 3) against relu(x3 + 3.000000001), whose hyperplanes lie a third of a
tolerance apart, was merged and called equivalent; merges that close are now uncertain."""

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from shallowsym import canonical_form, fast
from shallowsym.hyperplanes import hyperplane_normal_offset
from shallowsym.strategies import inequivalent_pairs
from shallowsym.witness import kink_differences


def exact_discrepancy(a, b, rtol, atol):
    """Largest exact difference of kinks, W2 W1 entries and delta entries, where hyperplanes
    whose keys (u, c) agree within 100 tolerances count as one (a position shift that small is
    not a difference of more than 100 tolerances)."""
    ca, cb = canonical_form(a), canonical_form(b)
    clusters = []  # [key, kink difference]
    for key, kink in kink_differences(ca, cb).items():
        normal, offset = hyperplane_normal_offset(key)
        vec = (*normal, offset)
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
