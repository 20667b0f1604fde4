"""Every public function's docstring has the five numpy-style sections (issue 17, Deliver 5).

For each function named in ``__all__`` of the package and of its public subpackages and
modules, the docstring must have the headings Parameters, Returns, Raises, Examples and
References (each underlined with dashes), its Examples must hold at least one doctest
(``>>>``), and its References must point inside the repository (docs/theory.md or proofs/).
The doctests themselves run under ``pytest --doctest-modules``.
"""

from __future__ import annotations

import importlib
import inspect
import re

import pytest

MODULES = (
    "shallowsym",
    "shallowsym.moves",
    "shallowsym.fibre",
    "shallowsym.fast",
    "shallowsym.deep",
    "shallowsym.deep.fast",
    "shallowsym.deep.io",
    "shallowsym.domain",
    "shallowsym.io",
    "shallowsym.strategies",
    "shallowsym.zoo",
    "shallowsym.keys",
    "shallowsym.plot",
)

SECTIONS = ("Parameters", "Returns", "Raises", "Examples", "References")

# Functions allowed to lack a section while their docstrings are written; empty, keep it so.
PENDING: set[str] = set()


def public_functions() -> dict[str, object]:
    """Every function in ``__all__`` of MODULES, by the qualified name of its definition."""
    found: dict[str, object] = {}
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj):
                found[f"{obj.__module__}.{obj.__name__}"] = obj
    return found


FUNCTIONS = public_functions()


def section(doc: str, title: str) -> str | None:
    """The body of numpy-style section ``title`` of ``doc`` (None when it has none)."""
    match = re.search(rf"^{title}\n-{{3,}}\n(.*?)(?=^\w[\w ]*\n-{{3,}}\n|\Z)", doc, re.M | re.S)
    return None if match is None else match.group(1)


def problems(doc: str) -> list[str]:
    """What the docstring ``doc`` lacks; empty when it is complete."""
    out = [f"no {title} section" for title in SECTIONS if section(doc, title) is None]
    for title in SECTIONS:
        body = section(doc, title)
        if body is not None and not body.strip():
            out.append(f"empty {title} section")
    examples = section(doc, "Examples")
    if examples is not None and ">>>" not in examples:
        out.append("no doctest in Examples")
    references = section(doc, "References")
    if references is not None and not re.search(r"docs/theory\.md|proofs/\w+\.md", references):
        out.append("References cite neither docs/theory.md nor proofs/*.md")
    if "THEORY.md" in doc:
        out.append("cites THEORY.md, which is not in the repository")
    return out


def test_the_checker_fails_on_incomplete_docstrings():
    complete = inspect.getdoc(FUNCTIONS["shallowsym.moves.elementary.permute"])
    assert problems(complete) == []
    assert "no Raises section" in problems(complete.replace("Raises\n------\n", ""))
    no_doctest = re.sub(r">>>.*\n", "", complete)
    assert "no doctest in Examples" in problems(no_doctest)
    outside = complete.replace("docs/theory.md", "THEORY.md")
    assert "References cite neither docs/theory.md nor proofs/*.md" in problems(outside)
    assert "cites THEORY.md, which is not in the repository" in problems(outside)
    assert problems("One line.") == [f"no {title} section" for title in SECTIONS]


def test_pending_names_public_functions():
    assert PENDING <= set(FUNCTIONS), sorted(PENDING - set(FUNCTIONS))


@pytest.mark.parametrize("name", sorted(set(FUNCTIONS) - PENDING))
def test_docstring_has_every_section(name):
    doc = inspect.getdoc(FUNCTIONS[name]) or ""
    assert problems(doc) == [], f"{name}: {'; '.join(problems(doc))}"
