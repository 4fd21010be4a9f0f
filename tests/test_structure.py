"""The structure the design promises, checked from the source (ast), so that it stays true.

budapest_kg on top; graph_builder and endpoint side by side below it with no arrow between them;
no import cycle anywhere (an import inside a function or under TYPE_CHECKING counts); no module
over 400 lines. Module names come from pyproject.toml's package-dir table, as installed.
"""

from __future__ import annotations

import ast
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOP = "budapest_kg"
BUILDER = f"{TOP}.graph_builder"
ENDPOINT = f"{TOP}.endpoint"
# The one place where builder and endpoint meet: the command line (its lifecycle commands in their own module).
CLI = (f"{TOP}.cli", f"{TOP}.cli_lifecycle", f"{TOP}.__main__")
CODE_PACKAGES = (TOP, BUILDER, ENDPOINT)
MAX_LINES = 400


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    is_package: bool
    tree: ast.Module
    lines: int


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int
    bare: bool = False  # written as `endpoint...` / `graph_builder...`, names that are not installed

    def __str__(self) -> str:
        written = ", written without the budapest_kg prefix" if self.bare else ""
        return f"{self.source} -> {self.target} (line {self.line}{written})"


def package_dirs() -> dict[str, Path]:
    """Installed package name -> folder in the checkout, from pyproject.toml."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {name: ROOT / folder for name, folder in config["tool"]["setuptools"]["package-dir"].items()}


def read_modules() -> dict[str, Module]:
    """Every module of the code packages, sub-packages (folders with an __init__.py) included."""
    modules = {}
    for package in CODE_PACKAGES:
        folder = package_dirs()[package]
        for path in sorted(folder.rglob("*.py")):
            parts = path.relative_to(folder).with_suffix("").parts
            if not all((folder.joinpath(*parts[:i]) / "__init__.py").is_file() for i in range(1, len(parts))):
                continue  # a folder that is not a package (data/curation scripts, templates)
            name = ".".join([package, *(p for p in parts if p != "__init__")])
            text = path.read_text(encoding="utf-8")
            tree = ast.parse(text, filename=str(path))
            modules[name] = Module(name, path, path.stem == "__init__", tree, len(text.splitlines()))
    return modules


def canonical(name: str) -> str:
    """The installed name: the repository's folders `graph_builder`, `endpoint` live under budapest_kg."""
    for bare, installed in (("graph_builder", BUILDER), ("endpoint", ENDPOINT)):
        if name == bare or name.startswith(bare + "."):
            return installed + name[len(bare) :]
    return name


def imports_of(module: Module, known: set[str]) -> list[Edge]:
    """Every project module this module imports, from every Import/ImportFrom node in its tree."""
    edges = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            written = [alias.name for alias in node.names]
            targets = [canonical(name) for name in written]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = module.name if module.is_package else module.name.rpartition(".")[0]
                for _ in range(node.level - 1):
                    package = package.rpartition(".")[0]
                base = f"{package}.{node.module}" if node.module else package
            else:
                base = canonical(node.module or "")
            written = [node.module or ""] * len(node.names) if not node.level else [base] * len(node.names)
            # `from pkg import sub` imports the submodule; `from mod import name` imports mod.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        for name, target in zip(written, targets, strict=True):
            if target == TOP or target.startswith(TOP + "."):
                edges.append(Edge(module.name, target, node.lineno, bare=canonical(name) != name))
    return sorted(set(edges), key=lambda e: (e.target, e.line))


@pytest.fixture(scope="module")
def modules() -> dict[str, Module]:
    found = read_modules()
    assert {BUILDER, ENDPOINT, f"{TOP}.cli", f"{TOP}.namespaces"} <= set(found), sorted(found)
    return found


@pytest.fixture(scope="module")
def edges(modules) -> list[Edge]:
    return [edge for module in modules.values() for edge in imports_of(module, set(modules))]


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_every_project_import_names_a_module_of_the_project(modules, edges):
    unknown = [str(e) for e in edges if e.target not in modules or e.bare]
    assert not unknown, "imports of modules that do not exist as installed:\n" + "\n".join(unknown)


def test_graph_builder_imports_neither_the_endpoint_nor_the_cli(edges):
    wrong = [str(e) for e in edges if within(e.source, BUILDER) and (within(e.target, ENDPOINT) or e.target in CLI)]
    assert not wrong, "graph_builder must know only budapest_kg's core:\n" + "\n".join(wrong)


def test_endpoint_imports_neither_the_graph_builder_nor_the_cli(edges):
    wrong = [str(e) for e in edges if within(e.source, ENDPOINT) and (within(e.target, BUILDER) or e.target in CLI)]
    assert not wrong, "the endpoint reads build/ artefacts and must not import the builder:\n" + "\n".join(wrong)


def test_core_modules_import_neither_side(modules, edges):
    core = {name for name in modules if not within(name, BUILDER) and not within(name, ENDPOINT)} - set(CLI)
    assert f"{TOP}.namespaces" in core
    wrong = [
        str(e)
        for e in edges
        if e.source in core and (within(e.target, BUILDER) or within(e.target, ENDPOINT) or e.target in CLI)
    ]
    assert not wrong, "budapest_kg's core is shared by both sides and depends on neither:\n" + "\n".join(wrong)


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; components of more than one module, or with a self-import."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    found.append(sorted(component))
    return found


def test_strongly_connected_finds_cycles_and_only_cycles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a", "e"}, "e": set(), "f": {"f"}}
    assert sorted(strongly_connected(graph)) == [["a", "b", "c"], ["f"]]
    assert strongly_connected({"a": {"b"}, "b": set()}) == []


def test_a_function_level_import_is_an_edge_too():
    source = "def late():\n    from .worker import Pool\n"
    module = Module(f"{ENDPOINT}.engine", Path("engine.py"), False, ast.parse(source), 2)
    assert [e.target for e in imports_of(module, {f"{ENDPOINT}.worker"})] == [f"{ENDPOINT}.worker"]


def test_no_import_cycles(modules, edges):
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for edge in edges:
        if edge.target in graph:
            graph[edge.source].add(edge.target)
    cycles = strongly_connected(graph)
    described = []
    for component in cycles:
        inside = [str(e) for e in edges if e.source in component and e.target in component]
        described.append(" <-> ".join(component) + "\n    " + "\n    ".join(inside))
    assert not cycles, "import cycles (an import inside a function counts):\n" + "\n".join(described)


def test_no_module_over_400_lines(modules):
    long = [f"{m.path.relative_to(ROOT)}: {m.lines} lines" for m in modules.values() if m.lines > MAX_LINES]
    assert not long, f"modules over {MAX_LINES} lines:\n" + "\n".join(long)
