"""Who imports whom among the project's own packages, read from the source
(for the layering tests)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {".git", ".venv", "node_modules", "tests", "bench", "migrations", "var"}


def source_files():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if not SKIPPED.intersection(relative.parts[:-1]):
            yield relative


def imports(relative: Path) -> set[str]:
    """The absolute names of the modules a file imports, wherever the import
    statement is (inside functions too)."""
    package = list(relative.parts[:-1])  # the package the file belongs to
    names = set()
    for node in ast.walk(ast.parse((ROOT / relative).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def importers_of(package: str) -> list[str]:
    """The files outside ``package`` that import it."""
    return [
        str(path)
        for path in source_files()
        if path.parts[0] != package
        and any(
            name == package or name.startswith(package + ".") for name in imports(path)
        )
    ]


def imported_by(package: str) -> set[str]:
    """The top-level packages that ``package``'s files import."""
    return {
        name.split(".")[0]
        for path in source_files()
        if path.parts[0] == package
        for name in imports(path)
    }
