"""One public API style: every public function of the package that takes networks refuses
anything else with a TypeError naming itself, never an AttributeError from deep inside."""

import importlib
import inspect

import pytest

import shallowsym
import shallowsym.fibre
import shallowsym.moves

MODULES = (shallowsym, shallowsym.moves, shallowsym.fibre)
FUNCTIONS = sorted(
    {
        (module.__name__, name)
        for module in MODULES
        for name in module.__all__
        if inspect.isfunction(getattr(module, name)) and not name.startswith("_")
    }
)


@pytest.mark.parametrize(("module", "name"), FUNCTIONS)
@pytest.mark.parametrize("wrong", [[[1], [2]], None, "net.json"])
def test_a_wrong_type_is_named(module, name, wrong):
    function = getattr(importlib.import_module(module), name)
    required = [
        p
        for p in inspect.signature(function).parameters.values()
        if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    with pytest.raises(TypeError) as err:
        function(*[wrong] * len(required))
    message = str(err.value)
    assert type(wrong).__name__ in message or name in message, message


@pytest.mark.parametrize("limit", [0, -5, 1.5, "7", True])
def test_bad_limits_are_refused(limit):
    net = shallowsym.ShallowNetwork([[1], [-1]], [-1, 3], [[1, 1]], [0])
    for function in (shallowsym.flip_sets, shallowsym.fibre_types, shallowsym.minimal_width):
        with pytest.raises(ValueError):
            function(net, limit=limit)


def _limited():
    """(module, name, keyword) for every public function with a search bound."""
    out = []
    for module_name, name in FUNCTIONS:
        function = getattr(importlib.import_module(module_name), name)
        for keyword in inspect.signature(function).parameters:
            if keyword == "limit" or (keyword.endswith("_limit") and keyword != "time_limit"):
                out.append((module_name, name, keyword))
    return out


@pytest.mark.parametrize(("module", "name", "keyword"), _limited())
@pytest.mark.parametrize("limit", [0, -5, 2.5, True])
def test_every_bound_is_checked(module, name, keyword, limit):
    net = shallowsym.ShallowNetwork([[1], [-1]], [-1, 3], [[1, 1]], [0])
    function = getattr(importlib.import_module(module), name)
    parameters = inspect.signature(function).parameters.values()
    required = [
        p
        for p in parameters
        if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    names = {p.name for p in parameters}
    extra = {"domain": shallowsym.Box(0, 1, d=1)} if "domain" in names else {}
    with pytest.raises(ValueError, match=r"limit|positive"):
        function(*[net] * len(required), **extra, **{keyword: limit})
