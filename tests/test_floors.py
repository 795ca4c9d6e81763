"""The floors: warehouse < collector < pipelines < app; no module imports from a floor above its own."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOORS = ["warehouse", "collector", "pipelines", "app"]


def imported_packages(path: Path) -> set[str]:
    """The top-level packages a module imports, anywhere in it (functions included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def upward_imports() -> list[str]:
    """'<file> imports <package>' for every import from a higher floor."""
    leaks = []
    for level, floor in enumerate(FLOORS):
        for path in sorted((ROOT / floor).rglob("*.py")):
            for package in imported_packages(path) & set(FLOORS[level + 1:]):
                leaks.append(f"{path.relative_to(ROOT)} imports {package}")
    return leaks


def test_no_floor_imports_from_a_higher_one():
    assert upward_imports() == []


def test_the_walk_sees_an_upward_import(tmp_path):
    module = tmp_path / "leaky.py"
    module.write_text("def f():\n    from app.web import queries\n    import pipelines.build\n")
    assert imported_packages(module) == {"app", "pipelines"}
