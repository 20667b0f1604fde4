"""Issue 15: every limit bounds the work, no hash can be made to collide, the realizability
decision is exact, and the command line's exit codes are 0/1/2/3/4/130.

Oracles share no code with what they test: subset sums by brute force over all subsets with
plain Fractions, functions compared by plain-Fraction evaluation at every breakpoint (d = 1),
and the coloops of a matrix from the rank of the matrix without each column (flint's rank of
the full matrix is not used). The long campaigns are ``benchmarks/fuzz_cli.py`` and
``benchmarks/bench_adversarial.py``.
"""

import itertools
import json
import random
import signal
import subprocess
import sys
import time
from fractions import Fraction

import pytest
from bruteforce import same_function_1d
from hypothesis import given, settings
from hypothesis import strategies as st
from netgen import networks
from oracles import reference_eval

from shallowsym import (
    ShallowNetwork,
    canonical_form,
    fibre_types,
    flip_sets,
    is_irreducible,
    minimal_width,
    realize,
    reduce,
    structure,
    symmetries,
)
from shallowsym import cli as cli_module
from shallowsym.errors import SearchLimitExceeded
from shallowsym.fibre import strata as fibre
from shallowsym.fibre.flips import CHECK_COST, _span_prune, subset_sums
from shallowsym.fibre.strata import F2Dimension, realizable, w_dimension
from shallowsym.moves import random_equivalent
from shallowsym.moves.certificates import explain
from shallowsym.roles import CombinatorialType

P61 = (1 << 61) - 1


def brute_subset_sums(vectors, target=None):
    dim = len(vectors[0])
    goal = [Fraction(0)] * dim if target is None else [Fraction(x) for x in target]
    out = []
    for size in range(len(vectors) + 1):
        for T in itertools.combinations(range(len(vectors)), size):
            if target is None and not T:
                continue
            total = [sum((Fraction(vectors[i][c]) for i in T), Fraction(0)) for c in range(dim)]
            if total == goal:
                out.append(T)
    return sorted(out, key=lambda t: (len(t), t))


small = st.integers(-3, 3)
# entries a multiple of a huge number, plus a small part: the keys cannot be exact 64-bit
# integers, so the seeded modular hash is used (and the old fixed modulus 2^61 - 1 sent all
# the multiples of it to 0)
huge = st.builds(lambda m, e: m * P61 + e, st.integers(-2, 2), st.integers(-1, 1))
entries = st.one_of(small, huge, st.builds(Fraction, st.integers(-7, 7), st.integers(1, 4)))


@given(
    st.integers(1, 3).flatmap(
        lambda dim: st.lists(st.lists(entries, min_size=dim, max_size=dim), min_size=1, max_size=9)
    )
)
def test_subset_sums_match_brute_force(vectors):
    assert subset_sums(vectors) == brute_subset_sums(vectors)


@given(st.lists(st.lists(small, min_size=2, max_size=2), min_size=1, max_size=8), st.data())
def test_subset_sums_with_a_target_match_brute_force(vectors, data):
    target = data.draw(st.lists(small, min_size=2, max_size=2))
    assert subset_sums(vectors, target) == brute_subset_sums(vectors, target)


def test_multiples_of_the_old_prime_do_not_collide():
    # every item is a multiple of 2^61 - 1 (the old hash sent all 2^11 half-sums to 0): with
    # positive signs only, no set sums to 0, and nothing costs more than listing the sums
    vectors = [[P61 * (i + 1)] for i in range(22)]
    assert subset_sums(vectors, limit=2 * 2**11 + CHECK_COST) == []
    # denominators 2^61 - 1 raised "base is not invertible" before
    assert subset_sums([[Fraction(1, P61)], [Fraction(-1, P61)], [1]]) == [(0, 1)]


def test_matching_pairs_count_against_the_limit():
    vectors = [[1], [-1]] * 6  # C(12, 6) - 1 zero sums: the matches dominate the work
    listing = 2 * 2**6
    with pytest.raises(SearchLimitExceeded, match="matching pairs"):
        subset_sums(vectors, limit=listing + CHECK_COST)
    found = subset_sums(vectors, limit=2**22, max_solutions=10**5)
    assert found == brute_subset_sums(vectors)  # C(12, 6) - 1 of them


@pytest.mark.parametrize("limit", [0, -5, True, 1.5, "7", None])
def test_limits_are_validated(limit):
    net = ShallowNetwork([[1], [-1]], [-1, 3], [[1, 1]], [0])
    # minimal_width's None is its default: 2^22 steps on R^d, 1024 flip sets on a domain
    searches = (flip_sets, fibre_types, symmetries) + (() if limit is None else (minimal_width,))
    for search in searches:
        with pytest.raises(ValueError, match="limit must be a positive integer"):
            search(net, limit=limit)
    with pytest.raises(ValueError, match="limit must be a positive integer"):
        explain(net, net, limit=limit)
    with pytest.raises(ValueError, match="limit must be a positive integer"):
        subset_sums([[1]], limit=limit)


def test_flip_sets_rejects_what_is_not_a_network():
    with pytest.raises(TypeError, match="ShallowNetwork"):
        flip_sets([[1]])
    with pytest.raises(TypeError, match="ShallowNetwork"):
        fibre_types(None)


def _coloops_by_rank(matrix, n):
    """Columns whose removal lowers the rank (plain-Fraction elimination)."""

    def rank(rows):
        rows = [list(map(Fraction, r)) for r in rows if r]
        if not rows or not rows[0]:
            return 0
        r = 0
        for c in range(len(rows[0])):
            pivot = next((i for i in range(r, len(rows)) if rows[i][c]), None)
            if pivot is None:
                continue
            rows[r], rows[pivot] = rows[pivot], rows[r]
            for i in range(len(rows)):
                if i != r and rows[i][c]:
                    f = rows[i][c] / rows[r][c]
                    rows[i] = [x - f * y for x, y in zip(rows[i], rows[r])]
            r += 1
        return r

    full = rank(matrix)
    return {j for j in range(n) if rank([row[:j] + row[j + 1 :] for row in matrix]) < full}


@given(
    st.integers(1, 3).flatmap(
        lambda dim: st.lists(st.lists(small, min_size=dim, max_size=dim), min_size=1, max_size=7)
    )
)
def test_span_prune_drops_exactly_the_coloops(vectors):
    dim, n = len(vectors[0]), len(vectors)
    matrix = [[vectors[i][c] for i in range(n)] for c in range(dim)]
    kept = set(_span_prune([list(map(Fraction, v)) for v in vectors], list(range(n)), dim))
    assert kept == set(range(n)) - _coloops_by_rank(matrix, n)


def test_a_denominator_divisible_by_the_old_prime_is_no_error():
    a = [[Fraction((-1) ** i, P61) for i in range(6)]]
    net = ShallowNetwork([[1]] * 6, list(range(6)), a, [0])
    assert flip_sets(net)  # neurons 0 and 1 have vectors 1/p and -1/p
    assert minimal_width(net) == 6 and is_irreducible(net)
    assert reduce(net).h == 6
    assert "hidden symmetries: yes" in str(symmetries(net))


def alternating(n):
    """Issue 15 item 5: d = k = 1, two mixed bent groups on x = 1, 2 and n - 2 mixed
    cancelling pairs on x = 3, ..., n."""
    b1 = [v for i in range(1, n + 1) for v in (-i, i)]
    return ShallowNetwork([[1], [-1]] * n, b1, [[1, 2, 1, 2] + [1, -1] * (n - 2)], [0])


@pytest.mark.parametrize("n", [11, 14])
def test_realize_decides_the_alternating_family(n):
    # many cancelling groups: their random small offsets used to collide, merging groups
    net = alternating(n)
    cf, ctype = canonical_form(net), structure(net).type
    for seed in range(3):
        other = realize(cf, ctype, seed=seed)
        assert other is not None and structure(other).type == ctype
        assert same_function_1d(net, other)
    report = symmetries(net)
    assert report.has_hidden_symmetries
    assert same_function_1d(net, report.hidden_witness)
    if n == 11:
        assert same_function_1d(net, random_equivalent(net, seed=2))


def plain_type(net):
    """The combinatorial type from the public parameters in plain Fractions, by this file's
    own rule: bent hyperplanes keyed by their equation (normal scaled to a leading 1), each
    with its signature; cancelling signatures sorted; the counts of zero neurons."""
    groups = {}
    zero_output = active = inactive = 0
    for i in range(net.h):
        w = [Fraction(x) for x in net.W1[i]]
        beta = Fraction(net.b1[i])
        a = [Fraction(net.W2[r][i]) for r in range(net.k)]
        if not any(a):
            zero_output += 1
        elif not any(w):
            active, inactive = (active + 1, inactive) if beta > 0 else (active, inactive + 1)
        else:
            lead = next(x for x in w if x)
            key = (tuple(x / lead for x in w), beta / lead)
            pos, neg, kink = groups.get(key, (0, 0, [Fraction(0)] * net.k))
            kink = [x + abs(lead) * y for x, y in zip(kink, a)]
            groups[key] = (pos + (lead > 0), neg + (lead < 0), kink)
    bent = {key: (p, q) for key, (p, q, kink) in groups.items() if any(kink)}
    cancelling = sorted((p, q) for p, q, kink in groups.values() if not any(kink))
    return bent, cancelling, zero_output, active, inactive


def same_function(a, b, seed=0):
    """Plain-Fraction evaluation: exact on every breakpoint for d = 1, else at 60 random
    rational points (an independent check; the library also compares canonical forms)."""
    if a.d == 1:
        return same_function_1d(a, b)
    rng = random.Random(seed)
    points = [[Fraction(rng.randint(-40, 40), rng.randint(1, 7)) for _ in range(a.d)]]
    points += [
        [Fraction(rng.randint(-40, 40), rng.randint(1, 7)) for _ in range(a.d)] for _ in range(59)
    ]
    return all(reference_eval(a, x) == reference_eval(b, x) for x in points)


@pytest.mark.parametrize("n", [11, 14, 30, 100])
def test_the_exact_construction_realizes_the_alternating_family(n, monkeypatch):
    # issue 15 item 5 at h = 22, 28, 60, 200, with the random draws switched off: the exact
    # construction alone realizes the network's own type
    monkeypatch.setattr(fibre, "_TRIES", 0)
    net = alternating(n)
    cf, ctype = canonical_form(net), structure(net).type
    assert realizable(cf, ctype)
    other = realize(cf, ctype, seed=5)
    assert plain_type(other) == plain_type(net) and same_function_1d(net, other)


@settings(max_examples=60, deadline=None)
@given(networks(max_d=3, max_h=6, max_k=2), st.booleans(), st.data())
def test_realize_decides_every_type_exactly(net, exact_only, data):
    """The network's own type is realizable and is realized; so is every type the decision
    accepts (checked in plain Fractions), with or without the random draws."""
    from unittest import mock

    cf = canonical_form(net)
    own = structure(net).type
    with mock.patch.object(fibre, "_TRIES", 0 if exact_only else fibre._TRIES):
        assert realizable(cf, own)
        other = realize(cf, own, seed=data.draw(st.integers(0, 9)))
        assert other is not None
        assert plain_type(other) == plain_type(net)
        assert same_function(net, other)
        types = list(itertools.islice(fibre.candidate_types(cf, net.h), 40))
        ctype = data.draw(st.sampled_from(types))
        found = realize(cf, ctype, seed=1)
        assert (found is not None) == realizable(cf, ctype)
        if found is not None:
            assert same_function(net, found)
            bent, cancelling, zero_output, active, inactive = plain_type(found)
            assert sorted(bent.values()) == sorted(ctype.bent)
            assert cancelling == sorted(ctype.cancelling)
            assert (zero_output, active, inactive) == (
                ctype.zero_output,
                ctype.zero_input_active,
                ctype.zero_input_inactive,
            )


def test_the_determined_v_obstruction_is_decided_without_draws(monkeypatch):
    # two mixed bent pairs on independent hyperplanes (d = 2): F2 fixes each v_H, so the
    # open conditions of single neurons decide; every candidate type of width 4 is decided
    # and, when realizable, realized by the exact construction alone
    monkeypatch.setattr(fibre, "_TRIES", 0)
    net = ShallowNetwork([[1, 0], [-1, 0], [0, 1], [0, -1]], [-1, 1, -2, 2], [[1, 2, 1, 2]], [0])
    cf = canonical_form(net)
    own = structure(net).type
    assert realizable(cf, own) and plain_type(realize(cf, own)) == plain_type(net)
    refused = 0
    for ctype in fibre.candidate_types(cf, 4):
        found = realize(cf, ctype)
        assert (found is not None) == realizable(cf, ctype)
        refused += found is None
        if found is not None:
            assert same_function(net, found)
    assert refused  # e.g. the pure orientations, which would change M
    # relu(x1 - 1) + relu(x2 - 2): M = kappa_H u_H^T on each hyperplane, so without a
    # cancelling group F2 gives v_H = kappa_H, i.e. Q_H = 0: a group with a single negative
    # neuron cannot have it, two negative neurons can (a, -a)
    two = ShallowNetwork([[1, 0], [0, 1]], [-1, -2], [[1, 1]], [0])
    cf = canonical_form(two)
    assert not realizable(cf, CombinatorialType(bent=((1, 1), (1, 0))))
    assert not realizable(cf, CombinatorialType(bent=((1, 0), (2, 1))))
    for bent in (((1, 2), (1, 0)), ((1, 0), (2, 2))):
        found = realize(cf, CombinatorialType(bent=bent))
        assert found is not None and same_function(two, found)
        assert sorted(plain_type(found)[0].values()) == sorted(bent)


def test_fibre_types_counts_its_work():
    net = ShallowNetwork([[(-1) ** i] for i in range(60)], list(range(60)), [[1] * 60], [0])
    with pytest.raises(SearchLimitExceeded, match="16 steps"):  # 1 + 60 // 4 per candidate
        fibre_types(net, limit=100, progress=False)


def test_the_move_search_is_bounded_and_the_verdict_stands():
    net = alternating(11)
    other = random_equivalent(net, seed=1)
    with pytest.raises(SearchLimitExceeded, match="move search"):
        explain(net, other, limit=10)


# -- the command line's exit codes ------------------------------------------------------------
@pytest.fixture
def network_file(tmp_path):
    path = tmp_path / "net.json"
    ShallowNetwork([[1], [-1], [2]], [-1, 3, 0], [[1, 1, 1]], [0]).save(path)
    return str(path)


def test_exit_3_for_a_search_limit(network_file, capsys):
    assert cli_module.main(["symmetries", network_file, "--types", "--type-limit", "1"]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("shallowsym: error:") and "limit" in err[0]


@pytest.mark.parametrize("command", ["canon", "equiv"])
def test_exit_4_for_an_internal_error_one_line(network_file, capsys, monkeypatch, command):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(cli_module, "canonical_form", broken)
    monkeypatch.setattr(cli_module, "equivalent", broken)
    argv = [command, network_file] + ([network_file] if command == "equiv" else [])
    assert cli_module.main(argv) == 4  # never 1 ("not equivalent") for equiv
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "please report" in err and "Traceback" not in err
    assert cli_module.main([*argv, "--debug"]) == 4
    err = capsys.readouterr().err
    assert "Traceback" in err and "ZeroDivisionError: boom" in err


def test_exit_130_on_ctrl_c_one_line(network_file, capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_module, "functional_dimension", interrupted)
    assert cli_module.main(["fundim", network_file]) == 130
    assert capsys.readouterr().err == "shallowsym: error: interrupted\n"


def test_version_and_empty_output_name(network_file, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli_module.main(["--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out.startswith("shallowsym ")
    assert cli_module.main(["reduce", network_file, "-o", ""]) == 2  # not silently ignored
    assert "cannot write" in capsys.readouterr().err


def test_equiv_exits_1_only_when_not_equivalent(tmp_path, network_file):
    net = alternating(11)
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    net.save(a)
    random_equivalent(net, seed=1).save(b)  # its move search reaches the limit
    assert same_function_1d(net, random_equivalent(net, seed=1))
    assert cli_module.main(["equiv", str(a), str(b)]) == 0  # the verdict stands
    assert cli_module.main(["equiv", str(a), network_file]) == 1


def test_ctrl_c_in_a_real_process(tmp_path):
    # a real SIGINT during a long search: exit 130 and one line, no traceback
    path = tmp_path / "slow.json"
    n = 16  # about 10^5 candidate types, each realized: minutes (60 has too many to start)
    ShallowNetwork([[(-1) ** i] for i in range(n)], list(range(n)), [[1] * n], [0]).save(path)
    code = (
        "import signal, sys\n"
        # as in a terminal: a job started in the background of a script inherits SIGINT
        # ignored, and Python then installs no KeyboardInterrupt handler
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
        "from shallowsym.cli import main\n"
        "print('ready', flush=True)\n"
        f"sys.exit(main(['symmetries', {str(path)!r}, '--types', '--type-limit', '10000000']))\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout.readline() == "ready\n"
        time.sleep(0.5)
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=300)
    finally:
        child.kill()
    assert child.returncode == 130, err
    assert err == "shallowsym: error: interrupted\n"


vectors3 = st.lists(small, min_size=3, max_size=3)


@given(st.lists(vectors3.filter(any), max_size=4), st.lists(st.tuples(vectors3, vectors3)))
def test_f2_dimension_grown_group_by_group_matches_the_ranks_at_once(bent, cancelling):
    # F2Dimension extends echelon bases one group at a time; w_dimension takes flint ranks
    # of all groups at once (d = 3, k = 3)
    f2 = F2Dimension(3, 3)
    for n, normal in enumerate(bent, start=1):
        assert f2.add_bent(list(map(Fraction, normal))) == w_dimension(3, 3, bent[:n], [])
    terms = [(list(map(Fraction, v)), list(map(Fraction, u))) for v, u in cancelling if any(u)]
    for n, (v, u) in enumerate(terms, start=1):
        assert f2.add_cancelling(v, u) == w_dimension(3, 3, bent, terms[:n])


def test_ten_thousand_digit_denominators_are_hashed_by_their_bytes():
    # the README promises 10^4-digit numbers; the hash seed must not go through decimal text
    big = 10**9999 + 7
    a = [[Fraction(1, big), Fraction(-1, big), Fraction(1, big + 2), Fraction(2, big + 2)]]
    net = ShallowNetwork([[1], [1], [1], [-1]], [0, 1, 2, 3], a, [0])
    assert flip_sets(net) == ((0, 1),)  # a_i w_i: 1/big, -1/big, 1/(big+2), -2/(big+2)
    vectors = [[x] for x in (Fraction(1, big), Fraction(-1, big), Fraction(3, big + 2))]
    assert subset_sums(vectors) == brute_subset_sums(vectors)


@pytest.mark.parametrize("d", [10**8, 10**30])
def test_an_empty_network_declaring_a_huge_d_is_refused_by_name(tmp_path, capsys, d):
    # found by the CLI fuzz campaign: d = 10^30 overflowed FLINT's C long (exit 4)
    path = tmp_path / "huge.json"
    path.write_text(json.dumps({"d": d, "W1": [], "b1": [], "W2": [[]], "b2": ["0"]}))
    assert cli_module.main(["symmetries", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "columns" in err and "max_entries" in err


def test_a_huge_bias_does_not_hang_the_symmetry_report(tmp_path):
    # found by the CLI fuzz campaign: the unfolding steps are past H^2 = 10^800 here, and
    # choosing them must not search for primes of 800 digits
    net = ShallowNetwork(
        [[1, -1], [2, 1], [1, -1], [2, 1]], [-1, "1e400", 0, 1], [[0, -1, 1, 2]], [-1]
    )
    start = time.process_time()
    assert "fibre dimension: 6" in str(symmetries(net))
    assert time.process_time() - start < 60  # a guard against a hang, not a speed test


def test_random_equivalent_on_many_mixed_groups():
    # h = 200 with 98 mixed cancelling pairs: each move checked every pair of movable neurons
    # by building a network (over 60 s); the candidates are now bounded per move
    net = alternating(100)
    other = random_equivalent(net, seed=1)
    assert other.h == net.h and same_function_1d(net, other)


def test_realize_with_a_large_input_dimension():
    # d = 400, J empty: the annihilator Q_J (d^2 entries) is no longer built
    d = 400
    w = [[Fraction((i * c) % 5 - 2) for c in range(d)] for i in range(1, 4)]
    net = ShallowNetwork([*w, [-x for x in w[0]]], [0, 1, 2, 0], [[1, 2, 3, 1]], [0])
    cf, ctype = canonical_form(net), structure(net).type
    other = realize(cf, ctype, seed=3)
    assert plain_type(other) == plain_type(net) and same_function(net, other)


def test_fibre_types_with_thousands_of_bent_hyperplanes_and_long_numbers():
    # 2000 bent hyperplanes: the signature enumeration recursed once per hyperplane
    # (RecursionError); 1400-digit entries: each step now costs 1 + bits // 64
    wide = ShallowNetwork([[(-1) ** i] for i in range(2000)], list(range(2000)), [[1] * 2000], [0])
    with pytest.raises(SearchLimitExceeded):
        fibre_types(wide, progress=False)
    big = 7**1700
    net = ShallowNetwork([[big], [-big], [1]], [1, 2, 3], [[big, 1, 1]], [0])
    with pytest.raises(SearchLimitExceeded, match="limit=40 "):
        fibre_types(net, limit=40, progress=False)
    assert len(fibre_types(net, limit=10**6, progress=False)) >= 1


def test_explain_counts_the_moves_of_the_normal_form(monkeypatch):
    # 200 twins on x = 1: the normal form merges them one move (one network built) at a
    # time; those moves were not counted (1500 twins: minutes), now each costs a candidate
    from shallowsym import moves
    from shallowsym.moves import certificates

    net = ShallowNetwork(
        [[i + 1] for i in range(200)], [-(i + 1) for i in range(200)], [[1] * 200], [0]
    )
    other = moves.transfer_twin(net, 0, 1, [Fraction(1, 3)])
    assert same_function_1d(net, other)

    def unreachable(*args):
        raise AssertionError("the bridge search was reached")

    monkeypatch.setattr(certificates, "_bridge", unreachable)
    with pytest.raises(SearchLimitExceeded, match="move search"):
        explain(net, other, limit=1000)
