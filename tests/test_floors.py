"""The floors: warehouse < collector < pipelines < app; no module imports from a floor above its own."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOORS = ["warehouse", "collector", "pipelines", "app"]


def imported_modules(path: Path) -> set[str]:
    """The modules a file imports, anywhere in it (functions included); `from a import b` gives a and a.b."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def imported_packages(path: Path) -> set[str]:
    """The top-level packages a module imports, anywhere in it (functions included)."""
    return {module.split(".")[0] for module in imported_modules(path)}


def importers(paths: list[Path], prefix: str) -> list[str]:
    """The files among `paths` that import the module `prefix` or one below it."""
    return [str(p.relative_to(ROOT)) for p in paths
            if any(m == prefix or m.startswith(prefix + ".") for m in imported_modules(p))]


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
    module.write_text("def f():\n    from app.web import queries\n    import pipelines.orchestration.build\n")
    assert imported_packages(module) == {"app", "pipelines"}


def test_only_the_checks_import_the_sandbox():
    checks, sandbox = ROOT / "pipelines" / "checks", ROOT / "collector" / "sandbox"
    production = [p for floor in FLOORS for p in sorted((ROOT / floor).rglob("*.py"))
                  if checks not in p.parents and sandbox not in p.parents]
    assert len(production) > 50
    assert importers(production, "collector.sandbox") == []
    assert importers(sorted(checks.rglob("*.py")), "collector.sandbox")  # the seam is where it should be


def test_build_steps_import_no_higher_role():
    steps = sorted((ROOT / "pipelines" / "steps").rglob("*.py"))
    for higher in ("pipelines.serving", "pipelines.orchestration", "pipelines.checks"):
        assert importers(steps, higher) == [], higher


def test_serving_readers_import_neither_the_build_runner_nor_the_checks():
    serving = sorted((ROOT / "pipelines" / "serving").rglob("*.py"))
    for higher in ("pipelines.orchestration", "pipelines.checks"):
        assert importers(serving, higher) == [], higher


def test_the_walk_sees_a_sandbox_import(tmp_path):
    module = tmp_path / "leaky.py"
    module.write_text("def f():\n    from collector import sandbox\n    from collector.sandbox.world import World\n")
    assert {"collector.sandbox", "collector.sandbox.world"} <= imported_modules(module)
