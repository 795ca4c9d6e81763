"""Build step: int_benchmark_scores (its SQL file) from the raw LiveBench and LiveCodeBench slices."""

from pathlib import Path

import duckdb
import pandas as pd

from pipelines.profiles import Config

SQL = Path(__file__).parent / "sql" / "int_benchmark_scores.sql"


def scores(con: duckdb.DuckDBPyConnection, min_items: int) -> pd.DataFrame:
    """The int_benchmark_scores rows, computed from the raw slices without writing anything.

    min_items: fewest post-release problems a contamination-free LiveCodeBench score rests on (lcb_min_problems)."""
    return con.execute(SQL.read_text(), {"min_problems": min_items}).df()


def build(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Replace int_benchmark_scores."""
    con.execute(f"CREATE OR REPLACE TABLE int_benchmark_scores AS\n{SQL.read_text()}",
                {"min_problems": config.settings.lcb_min_problems})


def livecodebench_comparison(con: duckdb.DuckDBPyConnection, min_items: int) -> pd.DataFrame:
    """Per LiveCodeBench model: release date, contamination-free and all-problems scores with their counts."""
    clean = f"clean (>={min_items} problems)"
    lcb = scores(con, min_items).query("source == 'livecodebench'")
    wide = lcb.pivot(index=["model", "model_date"], columns="category", values=["score", "n_items"])
    wide.columns = [f"{value}_{category}" for value, category in wide.columns]
    wide = wide.reset_index().rename(columns={
        "model_date": "released", "score_global": clean, "n_items_global": "n_clean",
        "score_all_problems": "all problems", "n_items_all_problems": "n_all"})
    wide["released"] = wide["released"].dt.strftime("%Y-%m-%d")
    wide = wide.astype({"n_clean": "Int64", "n_all": "Int64", clean: float, "all problems": float})
    return wide.round(2).sort_values(["n_clean", "model"], ascending=[False, True])[
        ["model", "released", clean, "n_clean", "all problems", "n_all"]]
