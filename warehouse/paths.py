"""The files of one home folder (Settings.home): the warehouse, its serving copy, the log and the exports."""

from pathlib import Path


def warehouse_file(home: Path) -> Path:
    """The writable DuckDB file that collectors and builds write to."""
    return home / "revealed.duckdb"


def serving_file(home: Path) -> Path:
    """The read-only published copy that the app and exports read."""
    return home / "serving.duckdb"


def log_file(home: Path) -> Path:
    """The full log of `revealed up` and `revealed schedule` (their terminal shows progress only)."""
    return home / "logs" / "revealed.log"


def exports_dir(home: Path) -> Path:
    """Where exports go unless told otherwise: `revealed up`, the scheduler and `revealed export`."""
    return home / "exports"
