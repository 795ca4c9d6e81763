"""Build step: int_benchmark_scores (its SQL file) from the raw LiveBench and LiveCodeBench slices."""

import os
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.profiles import Config

SQL = Path(__file__).parent / "sql" / "int_benchmark_scores.sql"
MIN_PROBLEMS_ENV = "REVEALED_LCB_MIN_PROBLEMS"
# Per-problem pass@1 is nearly all-or-nothing (sd about 46 points in the real file), so a mean over n problems
# has a standard error of about 46/sqrt(n): 100 problems give +-9 points (95%), 50 would give +-13.
MIN_PROBLEMS = 100


def min_problems() -> int:
    """Fewest post-release problems a contamination-free LiveCodeBench score rests on (env override)."""
    value = os.environ.get(MIN_PROBLEMS_ENV, "").strip()
    if not value:
        return MIN_PROBLEMS
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{MIN_PROBLEMS_ENV}={value!r} is not a whole number of at least 1")
    return int(value)


def scores(con: duckdb.DuckDBPyConnection, min_items: int | None = None) -> pd.DataFrame:
    """The int_benchmark_scores rows, computed from the raw slices without writing anything."""
    return con.execute(SQL.read_text(), {"min_problems": min_items or min_problems()}).df()


def build(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Replace int_benchmark_scores."""
    con.execute(f"CREATE OR REPLACE TABLE int_benchmark_scores AS\n{SQL.read_text()}", {"min_problems": min_problems()})
