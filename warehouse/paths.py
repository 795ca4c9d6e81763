"""Where the warehouse lives on disk."""

import os
from pathlib import Path


def home() -> Path:
    """The REVEALED_HOME folder (default ./data), created if missing."""
    path = Path(os.environ.get("REVEALED_HOME", "data")).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def warehouse_file() -> Path:
    """The writable DuckDB file that collectors and builds write to."""
    return home() / "revealed.duckdb"


def serving_file() -> Path:
    """The read-only published copy that the app and exports read."""
    return home() / "serving.duckdb"


def log_file() -> Path:
    """The full log of `revealed up` and `revealed schedule` (their terminal shows progress only)."""
    return home() / "logs" / "revealed.log"


def exports_dir() -> Path:
    """Where exports go unless told otherwise: `revealed up`, the scheduler and `revealed export`."""
    return home() / "exports"
