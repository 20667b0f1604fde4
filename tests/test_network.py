"""ShallowNetwork: exact input conversion, validation messages, immutability, evaluation, I/O."""

import decimal
import json
import pickle
from fractions import Fraction

import numpy as np
import pytest
import sympy
from flint import fmpq, fmpz
from hypothesis import given
from netgen import networks
from oracles import reference_eval

from shallowsym import InvalidNetworkError, ShallowNetwork


def simple(**override):
    params = {"W1": [[1, 2], [3, 4]], "b1": [0, 1], "W2": [[1, -1]], "b2": [0]}
    params.update(override)
    return ShallowNetwork(params["W1"], params["b1"], params["W2"], params["b2"])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3, Fraction(3)),
        (Fraction(-3, 4), Fraction(-3, 4)),
        (fmpz(7), Fraction(7)),
        (fmpq(-2, 9), Fraction(-2, 9)),
        (sympy.Integer(5), Fraction(5)),
        (sympy.Rational(-7, 3), Fraction(-7, 3)),
        ("-3/4", Fraction(-3, 4)),
        ("0.1", Fraction(1, 10)),
        (" 2.5e-3 ", Fraction(1, 400)),
        (0.1, Fraction(3602879701896397, 36028797018963968)),
        (np.float32(0.1), Fraction(13421773, 134217728)),
        (np.int64(-9), Fraction(-9)),
        (decimal.Decimal("1.25"), Fraction(5, 4)),
        (-0.0, Fraction(0)),
        (5e-324, Fraction(1, 2**1074)),
    ],
)
def test_every_supported_number_type_is_converted_exactly(value, expected):
    net = simple(b2=[value])
    assert net.b2 == (expected,)
    assert isinstance(net.b2[0], Fraction)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"W1": [[1, 2], [float("nan"), 4]]}, "W1[1, 0] is nan"),
        ({"b1": [0, float("inf")]}, "b1[1] is infinite"),
        ({"b1": [0, float("-inf")]}, "b1[1] is -infinite"),
        ({"W2": [[1, 1j]]}, "W2[0, 1] is the complex number 1j"),
        ({"b2": [True]}, "b2[0] is the boolean True"),
        ({"b2": [np.bool_(False)]}, "b2[0] is the boolean False"),
        ({"b1": [0, "abc"]}, "b1[1] is the string 'abc', which is not a rational number"),
        ({"b1": [0, "nan"]}, "b1[1] is the string 'nan'"),
        ({"b1": [0, "1e999999999"]}, "exponent is too large"),
        ({"b1": [0, None]}, "b1[1] has type NoneType"),
        ({"W1": [[1, 2], [3]]}, "W1 is ragged: row 0 has 2 entries but row 1 has 1"),
        ({"W1": [1, 2]}, "W1 must be 2-d, but W1[0] is not a sequence"),
        ({"W1": np.zeros(3)}, "W1 must be a 2-d array but is 1-d"),
        ({"b1": [[0], [1]]}, "b1 must be 1-d, but b1[0] is a sequence"),
        ({"W1": "12"}, "W1 must be a 2-d array or nested sequence, not a string"),
        ({"W2": [[1, 2, 3]]}, "W2 has 3 columns but W1 has 2 rows"),
        ({"b1": [1]}, "b1 has 1 entries but W1 has 2 rows"),
        ({"b2": [1, 2]}, "b2 has 2 entries but W2 has 1 rows"),
        ({"W1": np.zeros((2, 0)), "W2": [[1, 1]]}, "input dimension d must be at least 1"),
        ({"W2": np.zeros((0, 2)), "b2": []}, "output dimension k must be at least 1"),
        ({"W1": [], "b1": [], "W2": [[]]}, "W1 has no rows, so its number of columns is unknown"),
    ],
)
def test_bad_input_names_the_array_and_entry(override, message):
    with pytest.raises(InvalidNetworkError) as err:
        simple(**override)
    assert message in str(err.value)
    assert isinstance(err.value, ValueError)


def test_numpy_arrays_numeric_and_object_dtype():
    W1 = np.array([[0.5, -1.0]])
    obj = np.array([[Fraction(1, 3), "2/7"]], dtype=object)
    a = ShallowNetwork(W1, np.array([1.0]), np.array([[2.0]]), np.array([0.0]))
    b = ShallowNetwork(obj, [0], [[1]], [0])
    assert a.W1 == ((Fraction(1, 2), Fraction(-1)),)
    assert b.W1 == ((Fraction(1, 3), Fraction(2, 7)),)


def test_width_zero_from_arrays_and_rows():
    net = ShallowNetwork(np.zeros((0, 3)), [], np.zeros((2, 0)), [1, 2])
    assert (net.d, net.h, net.k, net.num_parameters) == (3, 0, 2, 2)
    assert net([1, 2, 3]) == (1, 2)
    assert ShallowNetwork.from_rows([], [], [[], []], [1, 2], d=3) == net


def test_inputs_are_copied_not_aliased():
    W1 = [[1, 2]]
    arr = np.array([[1.0, 2.0]])
    a = ShallowNetwork(W1, [0], [[1]], [0])
    b = ShallowNetwork(arr, [0], [[1]], [0])
    W1[0][0] = 99
    arr[0, 0] = 99
    assert a.W1[0][0] == 1 and b.W1[0][0] == 1


def test_immutable():
    net = simple()
    with pytest.raises(AttributeError):
        net.W1 = ()
    with pytest.raises(AttributeError):
        net._A1 = None
    with pytest.raises(AttributeError):
        del net._A1


def test_equality_and_hash_compare_parameters_not_functions():
    a = ShallowNetwork([[1]], [0], [[2]], [0])
    b = ShallowNetwork([[2]], [0], [[1]], [0])  # same function, other parameters
    assert a != b
    assert a == ShallowNetwork([["1"]], [0.0], [[Fraction(2)]], ["0"])
    assert hash(a) == hash(ShallowNetwork([["1"]], [0.0], [[Fraction(2)]], ["0"]))
    assert len({a, b, ShallowNetwork([[1]], [0], [[2]], [0])}) == 2
    assert a != "network"


def test_accessors_and_neurons():
    net = simple()
    assert net.W1 == ((1, 2), (3, 4)) and net.b1 == (0, 1) and net.W2 == ((1, -1),)
    assert net.neuron(1) == ((3, 4), 1, (-1,))
    assert net.neuron(-1) == net.neuron(1)
    with pytest.raises(IndexError):
        net.neuron(2)


@given(networks(max_d=3, max_h=5, max_k=2))
def test_evaluation_matches_a_plain_fraction_reference(net):
    points = [[Fraction(i - j, 1 + j) for j in range(net.d)] for i in range(-2, 3)]
    assert net.evaluate(points) == [reference_eval(net, p) for p in points]
    assert net(points[0]) == reference_eval(net, points[0])


def test_evaluate_point_errors():
    net = simple()
    with pytest.raises(InvalidNetworkError, match="x has 3 coordinates but the network has d = 2"):
        net([1, 2, 3])
    with pytest.raises(InvalidNetworkError, match=r"points\[1\]\[0\] is nan"):
        net.evaluate([[0, 0], [float("nan"), 0]])
    assert net.evaluate([]) == []


def test_floats_stay_exact_in_evaluation():
    net = ShallowNetwork([[0.1]], [0], [[1]], [0])
    assert net([10]) == (Fraction(0.1) * 10,)
    assert net([10]) != (Fraction(1),)


@given(networks(max_d=3, max_h=5, max_k=2))
def test_json_round_trip_is_exact(net):
    text = net.to_json()
    assert ShallowNetwork.from_json(text) == net
    data = json.loads(text)
    assert all(isinstance(x, str) for row in data["W2"] for x in row)


@given(networks(max_d=2, max_h=3, max_k=2, big=True))
def test_forty_digit_numbers_round_trip(net):
    assert ShallowNetwork.from_json(net.to_json()) == net
    assert pickle.loads(pickle.dumps(net)) == net


def test_save_and_load(tmp_path):
    net = ShallowNetwork([["1/3", "0.1"]], [-2], [[5], [6]], [1, 2])
    path = tmp_path / "net.json"
    net.save(path)
    assert ShallowNetwork.load(path) == net


def test_json_numbers_are_read_as_exact_decimals():
    text = '{"W1": [[0.1]], "b1": [1e-2], "W2": [[2]], "b2": [0]}'
    net = ShallowNetwork.from_json(text)
    assert net.W1[0][0] == Fraction(1, 10) and net.b1[0] == Fraction(1, 100)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not valid JSON"),
        ("[1, 2]", "a network must be a JSON object, not list"),
        ('{"W1": [[1]], "b1": [0], "W2": [[1]]}', "the network has no b2"),
        ('{"W1": [[NaN]], "b1": [0], "W2": [[1]], "b2": [0]}', "holds NaN"),
        ('{"format": "other", "W1": [], "b1": [], "W2": [[]], "b2": [0]}', "format is 'other'"),
        ('{"d": 0, "W1": [], "b1": [], "W2": [[]], "b2": [0]}', "d must be a positive integer"),
        ('{"d": 1, "h": 2, "W1": [[1]], "b1": [0], "W2": [[1]], "b2": [0]}', "h is 2 but"),
        ('{"d": 2, "W1": [[1]], "b1": [0], "W2": [[1]], "b2": [0]}', "W1 has 1 columns but d is 2"),
    ],
)
def test_bad_json(text, message):
    with pytest.raises(InvalidNetworkError, match=message):
        ShallowNetwork.from_json(text)


def test_load_errors_name_the_file(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"W1": [[1]], "b1": ["x"], "W2": [[1]], "b2": [0]}')
    with pytest.raises(InvalidNetworkError, match=r"bad.json: b1\[0\] is the string 'x'"):
        ShallowNetwork.load(path)
    binary = tmp_path / "bin.json"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(InvalidNetworkError, match="not UTF-8"):
        ShallowNetwork.load(binary)


def test_to_numpy():
    net = ShallowNetwork([["1/3", 2]], [0.5], [[4], [5]], [6, 7])
    W1, b1, W2, b2 = net.to_numpy()
    assert W1.shape == (1, 2) and b1.shape == (1,) and W2.shape == (2, 1) and b2.shape == (2,)
    assert W1[0, 0] == 1 / 3 and b2.tolist() == [6.0, 7.0]
    assert ShallowNetwork(*net.to_numpy()).b1 == net.b1


def test_repr_is_readable():
    assert repr(ShallowNetwork([["1/2"]], [0], [[1]], [0])) == (
        "ShallowNetwork(W1=[[1/2]], b1=[0], W2=[[1]], b2=[0])"
    )
    big = ShallowNetwork(np.ones((30, 4)), np.ones(30), np.ones((1, 30)), [0])
    assert repr(big) == "ShallowNetwork(d=4, h=30, k=1)"


@pytest.mark.parametrize("value", [fmpq(0), fmpq(-6, 4), fmpq(10**50 + 1, 3 * 10**49), fmpq(7)])
def test_internal_fractions_are_normalized_like_public_ones(value):
    from shallowsym.rationals import to_fraction

    frac = to_fraction(value)
    reference = Fraction(int(value.p), int(value.q))
    assert frac == reference and hash(frac) == hash(reference)
    assert (frac.numerator, frac.denominator) == (reference.numerator, reference.denominator)
