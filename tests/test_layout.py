"""The package's layout rules (issue 17): no import circles between modules, no private name
imported from another module, the network's exact arrays read only through its accessor, and
every exception class in ``errors.py``.

The checks read the source with :mod:`ast`; they share no code with the package."""

from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent / "shallowsym"
NETWORK_PRIVATE = {"_A1", "_A2", "_a1", "_c1", "_c2", "_cache", "_d", "_h", "_k"}


def _modules() -> dict[str, pathlib.Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _target(module: str, path: pathlib.Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if path.name != "__init__.py":
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(module: str) -> list[tuple[str, str]]:
    """(imported module, imported name) for every ``from ... import`` of the package."""
    path = MODULES[module]
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            target = _target(module, path, node)
            if target.split(".")[0] != "shallowsym":
                continue
            out += [(target, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            out += [(a.name, "") for a in node.names if a.name.startswith("shallowsym")]
    return out


def _edges() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {m: set() for m in MODULES}
    for module in MODULES:
        for target, name in _imports(module):
            sub = f"{target}.{name}"
            edges[module].add(sub if sub in MODULES else target)
    return edges


def test_the_module_graph_has_no_circles():
    edges = _edges()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for n in sorted(edges[m]):
            if n not in MODULES or n == m:
                continue
            if state.get(n) == 1:
                cycle = [*stack[stack.index(n) :], n]
                pytest.fail("import circle: " + " -> ".join(cycle))
            if n not in state:
                visit(n)
        stack.pop()
        state[m] = 2

    for m in sorted(MODULES):
        if m not in state:
            visit(m)


def test_no_private_name_is_imported_from_another_module():
    crossings = [
        f"{module} imports {name} from {target}"
        for module in MODULES
        for target, name in _imports(module)
        if name.startswith("_") and not name.startswith("__") and f"{target}.{name}" not in MODULES
    ]
    assert crossings == []


def test_the_exact_arrays_are_read_only_through_the_accessor():
    readers = []
    for module, path in MODULES.items():
        if module == "shallowsym.network":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in NETWORK_PRIVATE:
                if not (isinstance(node.value, ast.Name) and node.value.id == "self"):
                    readers.append(f"{module}: .{node.attr} (line {node.lineno})")
    assert readers == []


def test_every_exception_class_lives_in_errors():
    public = []
    for module, path in MODULES.items():
        if module == "shallowsym.errors":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                bases = {getattr(b, "id", getattr(b, "attr", "")) for b in node.bases}
                if any(b.endswith(("Error", "Exception", "Warning", "Exceeded")) for b in bases):
                    public.append(f"{module}.{node.name}")
    assert public == []


def test_a_relative_import_resolves_to_its_module():
    # the resolution every check above relies on: "from .b import _hidden" in shallowsym/a.py
    # names shallowsym.b (and a private name), from a package's __init__ its own submodule
    node = ast.parse("from .b import _hidden\n").body[0]
    assert isinstance(node, ast.ImportFrom) and node.names[0].name.startswith("_")
    assert _target("shallowsym.a", ROOT / "a.py", node) == "shallowsym.b"
    assert _target("shallowsym.fibre", ROOT / "fibre" / "__init__.py", node) == (
        "shallowsym.fibre.b"
    )
    up = ast.parse("from ..network import x\n").body[0]
    assert _target("shallowsym.fibre.flips", ROOT / "fibre" / "flips.py", up) == (
        "shallowsym.network"
    )
