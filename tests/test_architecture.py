"""The package's shape, as docs/architecture.md draws it: stages that import one way, down.

Every ``import`` of every module is read from its syntax tree, including imports inside
functions, so a lazy import up the stages fails here as surely as one at the top.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "validator"

#: The stages from the ground up; a module may import its own stage and those below.
STAGES = ("findings", "read", "model", "check", "edit", "publish", "cli")

#: The consumer side stands apart: claims systems install it to read bundles. It imports
#: nothing of the stages. The model imports its coverage evaluator (answers from the
#: repository and from a bundle come from one function), and every stage above it may.
CONSUME = "consume"
IMPORTS_CONSUME = {"model", "check", "publish", "cli", CONSUME}

#: What the consumer side may import beyond the standard library and itself.
CONSUME_THIRD_PARTY = {"cryptography"}

#: Old public paths kept as thin re-exports, and the package's entry points: each may
#: import only the stage it stands for.
SHIMS = {
    "validator": set(),
    "validator.__main__": {"cli"},
    "validator.consumer": {CONSUME},
    "validator.bundle_schema": {"publish"},
}

MAX_LINES = 400


def _modules() -> dict[str, Path]:
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _imports(name: str, path: Path) -> Iterator[tuple[str, int]]:
    """Every module ``name`` imports, absolute, with the line it is imported on."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                target = f"{base}.{alias.name}"
                yield (target if target in MODULES else base), node.lineno


def _stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _internal(target: str) -> str | None:
    """The validator module an import names, or None for a third-party or stdlib one."""
    while target and target not in MODULES:
        target = target.rpartition(".")[0]
    return target or None


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for name, path in MODULES.items():
        for target, _ in _imports(name, path):
            internal = _internal(target)
            if internal is not None and internal != name:
                graph[name].add(internal)
    return graph


def test_the_stages_are_the_package_folders() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert folders == {*STAGES[1:], CONSUME}
    assert (PACKAGE / "findings.py").is_file()


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_go_down_the_stages(name: str) -> None:
    own = _stage(name)
    wrong = []
    for target, line in _imports(name, MODULES[name]):
        internal = _internal(target)
        if internal is None or internal == "validator":
            continue  # a library, or the package's version
        stage = _stage(internal)
        if name in SHIMS:
            allowed = stage in SHIMS[name]
        elif own == CONSUME:
            allowed = stage == CONSUME
        elif stage == CONSUME:
            allowed = own in IMPORTS_CONSUME
        else:
            allowed = STAGES.index(stage) <= STAGES.index(own)
        if not allowed:
            wrong.append(f"line {line}: {name} ({own}) imports {internal} ({stage})")
    assert not wrong, "imports up the stages:\n" + "\n".join(wrong)


@pytest.mark.parametrize("name", sorted(n for n in MODULES if _stage(n) == CONSUME))
def test_the_consumer_side_needs_only_the_standard_library_and_cryptography(name: str) -> None:
    foreign = {
        target
        for target, _ in _imports(name, MODULES[name])
        if _internal(target) is None
        and target.split(".")[0] not in sys.stdlib_module_names | CONSUME_THIRD_PARTY
    }
    assert not foreign, f"{name} imports {sorted(foreign)}"


def test_no_import_circle() -> None:
    """Tarjan's strongly connected components: every one must be a single module."""
    graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert not circles, f"import circles: {circles}"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_stay_small(name: str) -> None:
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines; split it where it has a seam"


def test_every_package_is_installed() -> None:
    """A package missing from pyproject.toml imports from a checkout but not when built."""
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    packages = {name for name, path in MODULES.items() if path.name == "__init__.py"}
    assert listed == packages | {"validator.schemas"}


def test_the_checker_sees_a_lazy_import_up_the_stages(tmp_path: Path) -> None:
    """The import reader itself: an import inside a function is still an import."""
    source = tmp_path / "lazy.py"
    source.write_text("def f():\n    from validator.cli import main\n    return main\n")
    assert list(_imports("validator.read.lazy", source)) == [("validator.cli.main", 2)]
