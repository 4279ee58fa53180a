"""The package's shape: layers that import only downwards, no import circles, packages only
at the top of ``pipeline/``. Imports inside functions count as much as those at the top:
a late import hides a circle, it does not remove it."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"

# Lower numbers sit lower; a module may import its own layer (without a circle) or below.
LAYERS = {
    "cli": 6,
    "engines": 5,
    "stages": 4,
    **dict.fromkeys(("checks", "original", "translate", "report", "io", "review"), 3),
    "core": 2,
    "util": 1,
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = ["pipeline", *path.relative_to(PACKAGE).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imports(path: Path, name: str, modules: dict[str, Path]) -> set[str]:
    """The ``pipeline`` modules ``path`` imports, anywhere in it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("pipeline"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            if not base.startswith("pipeline"):
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in modules else base)
    return {m for m in found if m in modules and m != name}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, name, modules) for name, path in modules.items()}


def _layer(module: str) -> int:
    parts = module.split(".")
    return LAYERS.get(parts[1], 0) if len(parts) > 1 else 0


def test_the_top_of_the_package_holds_only_packages() -> None:
    loose = sorted(
        p.name
        for p in PACKAGE.iterdir()
        if p.name not in ("__init__.py", "__main__.py", "__pycache__")
        and not (p.is_dir() and (p / "__init__.py").is_file())
    )
    assert loose == []
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"} == set(LAYERS)


def test_imports_point_down_the_layers() -> None:
    upward = sorted(f"{a} -> {b}" for a, targets in _graph().items() for b in targets if _layer(b) > _layer(a))
    assert upward == []


def test_no_import_circles() -> None:
    graph = _graph()
    circles, state = [], dict.fromkeys(graph, 0)  # 0 new, 1 on the path, 2 done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state[nxt] == 1:
                circles.append(
                    " -> ".join(path[path.index(nxt) :] + [node, nxt]) if nxt in path else f"{node} -> {nxt}"
                )
            elif state[nxt] == 0:
                visit(nxt, path + [node])
        state[node] = 2

    for node in sorted(graph):
        if state[node] == 0:
            visit(node, [])
    assert circles == []


def test_long_modules_say_why() -> None:
    """A module over 400 lines is harder to hold in one's head: it says in its docstring why
    it is one module ("Over 400 lines because ...")."""
    unexplained = []
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 400 and "400 lines" not in (ast.get_docstring(ast.parse(text)) or ""):
            unexplained.append(f"{path.relative_to(PACKAGE)}: {text.count(chr(10))} lines")
    assert sorted(unexplained) == []


def test_the_circle_finder_finds_a_circle(tmp_path: Path) -> None:
    """The walk above would pass on an empty graph; it must see a real circle."""
    modules = {"pipeline.a": tmp_path / "a.py", "pipeline.b": tmp_path / "b.py"}
    modules["pipeline.a"].write_text("def f():\n    from pipeline.b import g\n")
    modules["pipeline.b"].write_text("from pipeline import a\n")
    assert _imports(modules["pipeline.a"], "pipeline.a", modules) == {"pipeline.b"}
    assert _imports(modules["pipeline.b"], "pipeline.b", modules) == {"pipeline.a"}
