"""Build step: int_benchmark_scores (its SQL file) from the raw LiveBench and LiveCodeBench slices."""

from pathlib import Path

import duckdb
import pandas as pd

from pipelines import profiles
from pipelines.profiles import Config

SQL = Path(__file__).parent / "sql" / "int_benchmark_scores.sql"


def min_problems() -> int:
    """Fewest post-release problems a contamination-free LiveCodeBench score rests on (profiles.toml setting)."""
    return profiles.load().settings.lcb_min_problems


def scores(con: duckdb.DuckDBPyConnection, min_items: int | None = None) -> pd.DataFrame:
    """The int_benchmark_scores rows, computed from the raw slices without writing anything."""
    return con.execute(SQL.read_text(), {"min_problems": min_items or min_problems()}).df()


def build(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Replace int_benchmark_scores."""
    con.execute(f"CREATE OR REPLACE TABLE int_benchmark_scores AS\n{SQL.read_text()}",
                {"min_problems": config.settings.lcb_min_problems})
