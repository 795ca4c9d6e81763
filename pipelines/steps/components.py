"""Score components 0-100 and the composite, as vectorised formulas (docs/methodology.md gives each source)."""

import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from pipelines.profiles import COMPONENTS, Settings

ADOPTION_WINDOW_DAYS = 30  # the Hub's downloads field is a rolling 30-day count
CELLS_PER_BATCH = 1_000_000


@dataclass
class Series:
    """Daily organic downloads as a dense matrix: one row per entity, one column per day, oldest first."""

    matrix: np.ndarray       # entities x days; days before the series began are excluded
    window: int              # momentum window in days
    baseline_days: int       # covered days of the baseline windows (0: momentum cannot be computed)

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection, kind: str, n: int, settings: Settings) -> "Series":
        """Read int_entity_daily for one entity kind; rows follow int_entity_inputs ordered by entity_id."""
        window = settings.momentum_window_days
        span = max(ADOPTION_WINDOW_DAYS, window * (settings.momentum_baseline_windows + 1))
        [(first, last)] = con.execute("SELECT min(day), max(day) FROM opt_int_model_daily").fetchall()
        if last is None:
            return cls(np.zeros((n, 0)), window, 0)
        start = max(first, last - dt.timedelta(days=span - 1))
        days = (last - start).days + 1
        cells = con.sql("""
            SELECT i.row, (d.day - ?::DATE)::INTEGER AS col, d.organic_downloads
            FROM int_entity_daily d
            JOIN (SELECT entity_id, row_number() OVER (ORDER BY entity_id) - 1 AS row
                  FROM int_entity_inputs WHERE entity_kind = ?) i USING (entity_id)
            WHERE d.entity_kind = ? AND d.day >= ?::DATE""", params=[start, kind, kind, start])
        matrix = np.zeros((n, days))
        for batch in cells.to_arrow_reader(CELLS_PER_BATCH):  # not every cell at once: 25M at 1M models
            matrix[batch["row"].to_numpy(), batch["col"].to_numpy()] = batch["organic_downloads"].to_numpy()
        baseline = min(days - window, window * settings.momentum_baseline_windows)
        return cls(matrix, window, baseline if baseline >= window else 0)

    def recent(self) -> np.ndarray:
        """The last `window` days."""
        return self.matrix[:, self.matrix.shape[1] - self.window:]

    def baseline(self) -> np.ndarray:
        """The covered days of the baseline windows just before the recent window."""
        end = self.matrix.shape[1] - self.window
        return self.matrix[:, end - self.baseline_days:end]

    def last_30(self) -> np.ndarray:
        """The adoption window: the last 30 covered days."""
        return self.matrix[:, -ADOPTION_WINDOW_DAYS:]


def adoption(organic: np.ndarray, decades: float) -> np.ndarray:
    """Absolute adoption: 100 for the most downloaded entity (per row), minus 100 / decades per tenfold fewer
    organic downloads, at least 0."""
    if not organic.shape[-1]:
        return organic.astype(float)
    top = np.fmax.reduce(organic, axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        score = 100 * np.clip(1 - np.log10(top / organic) / decades, 0, 1)
    return np.where(np.isnan(organic), np.nan, np.where(organic > 0, score, 0.0))


def cohort_adoption(organic: np.ndarray, reference: np.ndarray, cap: float) -> np.ndarray:
    """RAM = organic / cohort reference, log-scaled so that RAM = cap scores 100 (capped)."""
    return 100 * np.minimum(1.0, np.log1p(organic / reference) / np.log1p(cap))


def momentum(recent_daily: np.ndarray, baseline_daily: np.ndarray, prior: float) -> np.ndarray:
    """100 * (recent + prior) / (recent + baseline + 2 prior) daily means: 50 flat; NaN with no downloads at all."""
    total = recent_daily + baseline_daily
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, 100 * (recent_daily + prior) / (total + 2 * prior), np.nan)


def log_share(values: np.ndarray) -> np.ndarray:
    """100 * log(1 + x) / log(1 + max x): heavy-tailed counts on 0-100 (NaN stays NaN)."""
    top = np.nanmax(values) if np.isfinite(values).any() else 0.0
    if top <= 0:
        return np.where(np.isnan(values), np.nan, 0.0)
    return 100 * np.log1p(np.maximum(values, 0)) / np.log1p(top)


def community(stars: np.ndarray, growth: np.ndarray) -> np.ndarray:
    """Mean of the log-shares of stars and of 30-day star growth (growth missing: stars alone)."""
    star_part, growth_part = log_share(stars), log_share(growth)
    return np.where(np.isnan(growth_part), star_part, (star_part + growth_part) / 2)


def point_components(inputs: pd.DataFrame, series: Series, settings: Settings) -> np.ndarray:
    """Entities x COMPONENTS matrix of point scores, NaN where the input is missing."""
    out = np.full((len(inputs), len(COMPONENTS)), np.nan)
    col = {name: i for i, name in enumerate(COMPONENTS)}
    organic, reference = numbers(inputs, "organic_downloads_30d"), numbers(inputs, "adoption_ref")
    out[:, col["adoption"]] = adoption(organic, settings.adoption_decades)
    out[:, col["cohort_adoption"]] = cohort_adoption(organic, reference, settings.adoption_cap)
    if series.baseline_days:
        out[:, col["momentum"]] = momentum(series.recent().mean(axis=1), series.baseline().mean(axis=1),
                                           settings.momentum_prior_daily)
    out[:, col["ecosystem"]] = log_share(numbers(inputs, "active_derivatives"))
    out[:, col["community"]] = community(numbers(inputs, "stars"), numbers(inputs, "stars_growth_30d"))
    out[:, col["capability"]] = np.clip(numbers(inputs, "clean_score"), 0, 100)
    # the channels' cohort is the entities of the kind that a channel entry matched (the others stay NaN)
    out[:, col["local_use"]] = adoption(numbers(inputs, "local_pulls_30d"), settings.adoption_decades)
    out[:, col["api_use"]] = adoption(numbers(inputs, "api_tokens_30d"), settings.adoption_decades)
    return out


def numbers(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A column as floats, NULL as NaN."""
    return frame[column].to_numpy(dtype=float, na_value=np.nan)


def composite(scores: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean over the covered components, and coverage = covered weight / total weight."""
    present = ~np.isnan(scores)
    covered = present.astype(float) @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(present, scores, 0.0) @ weights / covered
    return np.where(covered > 0, value, np.nan), covered / weights.sum()
