"""Backtest: how well one snapshot's signals predict the same models' downloads in a later one (docs/backtest.md)."""

import datetime as dt

import duckdb
import numpy as np
import pandas as pd

# Per model of the latest snapshot of a built home: raw and organic 30-day downloads, and the adoption signal
# RAM (organic over the cohort reference, uncapped: the 0-100 adoption score caps it and would tie the top).
SIGNALS = """
SELECT m.model_id, m.raw_downloads_30d AS raw_downloads, m.organic_downloads_30d AS organic_downloads,
       m.organic_downloads_30d / e.adoption_ref AS adoption_ram
FROM mart_models m
JOIN int_entity_inputs e ON e.entity_kind = 'model' AND e.entity_id = m.model_id
"""


def signals(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The predictors of every model of a built home, indexed by model id."""
    return con.execute(SIGNALS).df().set_index("model_id")


def later_ids(early_ids: pd.Index, late: pd.DataFrame, early_as_of: dt.date) -> pd.Series:
    """Each early id's id in the late snapshot: itself when listed, else for an id without a namespace (the Hub
    moved bert-base-uncased to google-bert/bert-base-uncased in 2024) the most-downloaded late `<org>/<id>`
    created before early_as_of; unmatched ids are dropped. `late` has columns id, downloads, created_at."""
    listed = early_ids[early_ids.isin(late["id"])]
    moved = late[late["id"].str.contains("/") & (late["created_at"] < pd.Timestamp(early_as_of))]
    moved = moved.assign(name=moved["id"].str.split("/", n=1).str[1]).sort_values("downloads", ascending=False)
    first = moved.drop_duplicates("name").set_index("name")["id"]
    bare = early_ids[~early_ids.isin(late["id"]) & ~early_ids.str.contains("/")]
    found = pd.Series(bare, index=bare).map(first).dropna()
    return pd.concat([pd.Series(listed, index=listed), found])


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's rank correlation, ties taking their average rank."""
    rx, ry = pd.Series(x).rank().to_numpy(), pd.Series(y).rank().to_numpy()
    return float(np.corrcoef(rx, ry)[0, 1])


def top(values: pd.Series, k: int) -> set:
    """The k ids with the highest values (ties broken by id)."""
    frame = values.rename("v").reset_index()
    return set(frame.sort_values(["v", frame.columns[0]], ascending=[False, True]).head(k).iloc[:, 0])


def score(predictors: pd.DataFrame, outcome: pd.Series, k: int = 100) -> pd.DataFrame:
    """Per predictor column: models in both, Spearman with the outcome, and precision of its top k.

    Only models with a value in both count; precision is |top k by predictor & top k by outcome| / k.
    """
    rows = []
    for name in predictors.columns:
        both = pd.concat([predictors[name], outcome.rename("outcome")], axis=1, join="inner").dropna()
        rows.append({"signal": name, "models": len(both),
                     "spearman": spearman(both[name].to_numpy(), both["outcome"].to_numpy()),
                     f"precision_top_{k}": len(top(both[name], k) & top(both["outcome"], k)) / k})
    return pd.DataFrame(rows).set_index("signal")
