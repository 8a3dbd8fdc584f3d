"""Layering of the library package: core/ never imports apps/, and its modules form no import
cycle, counting imports made lazily inside functions (an import cycle is one, whenever it runs)."""

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "core"


def imports_of(path: Path, package: str = "core") -> set[str]:
    """Return every module `path` imports, at any depth of its code, as dotted names."""
    module = ".".join(path.relative_to(CORE.parent).with_suffix("").parts)
    parent = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = parent.rsplit(".", node.level - 1)[0] if node.level > 1 else parent
                base = f"{anchor}.{base}" if base else anchor
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in (package, "apps")}


def graph(root: Path = CORE) -> dict[str, set[str]]:
    """Return core's import graph: module → the core modules it imports."""
    modules = {
        ".".join(path.relative_to(root.parent).with_suffix("").parts): path
        for path in root.rglob("*.py")
        if "migrations" not in path.parts
    }
    return {name: imports_of(path) & modules.keys() for name, path in modules.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Return one path per import cycle found by a depth-first walk."""
    found: list[list[str]] = []
    state: dict[str, int] = {}

    def walk(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                found.append([*path[path.index(target) :], target])
            elif target not in state:
                walk(target, [*path, target])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            walk(node, [node])
    return found


def test_core_never_imports_apps() -> None:
    offenders = {
        str(path): sorted(name for name in imports_of(path) if name.startswith("apps"))
        for path in CORE.rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_core_modules_form_no_import_cycle_even_lazily() -> None:
    assert cycles(graph()) == []


def reaches(path: Path, collaborator: str) -> set[str]:
    """Return the attributes `path` reads of `self.<collaborator>`."""
    return {
        node.attr
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == collaborator
        and isinstance(node.value.value, ast.Name)
        and node.value.value.id == "self"
    }


def test_the_verifier_uses_the_cache_only_through_its_methods() -> None:
    from core.cache import VerificationCache

    used = reaches(CORE / "verifier.py", "cache")
    methods = {
        name
        for name in dir(VerificationCache)
        if not name.startswith("_") and callable(getattr(VerificationCache, name))
    }
    assert used - methods == set()  # no `cache.local`, `cache.shared`, `cache.marks`


def test_the_revocation_key_scheme_lives_in_one_module() -> None:
    writers = {
        str(path.relative_to(CORE))
        for path in CORE.rglob("*.py")
        if '"nbf"' in path.read_text() or '"nbfseq"' in path.read_text()
    }
    assert writers == {"marks.py"}
