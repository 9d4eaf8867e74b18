"""Imports in courses run one way, selectors do not write, and the site layer
does not import the apps built on it. Read from the source (no import)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Lower layers first; a module may import only from layers below its own.
COURSES_LAYERS = [
    {"blocks"},
    {"models"},
    {"completion"},
    {"selectors"},
    {"services"},
    {"forms", "signals"},
    {"views", "templatetags"},
]
WRITES = {
    "create",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "bulk_update",
    "update",
    "save",
    "delete",
}
UPPER_APPS = {"courses", "assessments", "trainers", "certificates", "reporting"}


def layer_of(name: str) -> int | None:
    for number, modules in enumerate(COURSES_LAYERS):
        if name in modules:
            return number
    return None


def source(relative: str) -> ast.Module:
    return ast.parse((ROOT / relative).read_text(encoding="utf-8"))


def imported_modules(tree: ast.Module, package: str) -> set[str]:
    """Absolute dotted names of the modules a file imports."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0]
                module = f"{base}.{node.module}" if node.module else base
                if node.module is None:
                    names.update(f"{module}.{alias.name}" for alias in node.names)
                    continue
            else:
                module = node.module
            names.add(module)
    return names


def courses_module(relative: str) -> tuple[str, int | None]:
    """('selectors', its layer) for courses/selectors.py; templatetags count
    as one module."""
    parts = Path(relative).with_suffix("").parts[1:]
    name = parts[0]
    return name, layer_of(name)


def courses_files() -> list[str]:
    files = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "courses").rglob("*.py")
        if "migrations" not in path.parts and "management" not in path.parts
    ]
    return sorted(f for f in files if courses_module(f)[1] is not None)


@pytest.mark.parametrize("relative", courses_files())
def test_courses_imports_run_one_way(relative):
    name, layer = courses_module(relative)
    package = ".".join(Path(relative).with_suffix("").parts[:-1])
    upward = []
    for module in imported_modules(source(relative), package):
        parts = module.split(".")
        if parts[0] != "courses" or len(parts) < 2:
            continue
        target_layer = layer_of(parts[1])
        if parts[1] != name and target_layer is not None and target_layer >= layer:
            upward.append(module)
    assert not upward, f"{relative} imports {upward}"


@pytest.mark.parametrize("relative", courses_files())
def test_no_imports_inside_functions(relative):
    """Imports inside functions used to hold a circle of imports together."""
    tree = source(relative)
    inside = [
        f"line {inner.lineno}"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for inner in ast.walk(node)
        if isinstance(inner, ast.Import | ast.ImportFrom)
    ]
    assert not inside, f"{relative}: {inside}"


def test_the_app_config_imports_what_registers_itself():
    """The one exception: ``ready()`` imports the modules that register
    receivers and page views, as Django intends."""
    imports = imported_modules(source("courses/apps.py"), "courses")
    assert {"courses.signals", "courses.views"} <= imports


@pytest.mark.parametrize(
    "relative",
    ["courses/selectors.py", "courses/completion.py", "assessments/selectors.py"],
)
def test_selectors_do_not_write(relative):
    tree = source(relative)
    package = relative.split("/")[0]
    calls = [
        f"line {node.lineno}: .{node.func.attr}()"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in WRITES
    ]
    assert not calls, f"{relative} writes: {calls}"
    services = [m for m in imported_modules(tree, package) if m.endswith(".services")]
    assert not services, f"{relative} imports {services}"


@pytest.mark.parametrize(
    "relative",
    sorted(
        str(path.relative_to(ROOT))
        for folder in ("kalanso/home", "kalanso/search")
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts
    ),
)
def test_the_site_layer_does_not_reach_up(relative):
    package = ".".join(Path(relative).with_suffix("").parts[:-1])
    upward = [
        module
        for module in imported_modules(source(relative), package)
        if module.split(".")[0] in UPPER_APPS
    ]
    assert not upward, f"{relative} imports {upward}"
