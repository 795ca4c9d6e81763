"""Bootstrap rank intervals: resample what is uncertain, recompute the composite, re-rank, take quantiles.

Resampled per replicate (docs/methodology.md, "Rank intervals"): the days of the daily organic series, jointly
for all entities (a day bootstrap, so market-wide days move everyone together), which moves adoption and
momentum; and the clean benchmark score, by Gaussian noise. Ecosystem and community are counts and stay fixed.
"""

import numpy as np
import pandas as pd

from pipelines.components import Series, adoption, momentum, numbers
from pipelines.profiles import COMPONENTS, Settings

ADOPTION, MOMENTUM, CAPABILITY = (COMPONENTS.index(c) for c in ("adoption", "momentum", "capability"))


CHUNK = 32  # replicates drawn together: one matrix product per window and chunk


def resample_days(rng: np.random.Generator, values: np.ndarray, count: int) -> np.ndarray:
    """Rows x count: each column the row means over days drawn with replacement (one draw shared by all rows)."""
    days = values.shape[1]
    return values @ (rng.multinomial(days, np.full(days, 1 / days), size=count).T / days)


def replicates(inputs: pd.DataFrame, series: Series, point: np.ndarray, settings: Settings, seed_key: int):
    """Yield settings.bootstrap_samples component matrices shaped like `point`, with NaN as 0 (coverage is fixed)."""
    rng = np.random.default_rng([settings.bootstrap_seed, seed_key])
    organic, reference = numbers(inputs, "organic_downloads_30d")[:, None], numbers(inputs, "adoption_ref")[:, None]
    clean = numbers(inputs, "clean_score")[:, None]
    window = np.ascontiguousarray(series.last_30())
    recent, baseline = np.ascontiguousarray(series.recent()), np.ascontiguousarray(series.baseline())
    observed = window.mean(axis=1)[:, None] if window.shape[1] else None
    missing = np.isnan(point)
    base = np.where(missing, 0.0, point)
    for start in range(0, settings.bootstrap_samples, CHUNK):
        count = min(CHUNK, settings.bootstrap_samples - start)
        parts = {CAPABILITY: np.clip(clean + rng.normal(0, settings.benchmark_noise_sd, (len(point), count)), 0, 100)}
        if observed is not None:
            with np.errstate(invalid="ignore", divide="ignore"):
                factor = np.where(observed > 0, resample_days(rng, window, count) / observed, 1.0)
            parts[ADOPTION] = adoption(organic * factor, reference, settings.adoption_cap)
        if series.baseline_days:
            parts[MOMENTUM] = momentum(resample_days(rng, recent, count), resample_days(rng, baseline, count),
                                       settings.momentum_prior_daily)
        for column, values in parts.items():
            # where resampling left nothing to compute, keep the point value; where the point is missing, stay out
            values[:] = np.where(np.isnan(values), base[:, column, None], values)
            values[missing[:, column]] = 0.0
        for j in range(count):
            scores = base.copy()
            for column, values in parts.items():
                scores[:, column] = values[:, j]
            yield scores


def rank_intervals(inputs: pd.DataFrame, series: Series, point: np.ndarray, settings: Settings, seed_key: int,
                   profiles: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]) -> dict[str, np.ndarray]:
    """Per profile (weights, ranked mask, point ranks): low and high rank (entities x 2, NaN when not computed)."""
    # Only the best rank_interval_top_n ranks get intervals; a replicate ranks them among every ranked entity
    # (ties within a replicate fall in sort order); intervals are widened to include the point rank.
    ranked_ids = {name: np.flatnonzero(ranked) for name, (_, ranked, _) in profiles.items()}
    covered = {name: (~np.isnan(point[ranked_ids[name]])).astype(float) @ w for name, (w, _, _) in profiles.items()}
    places = {name: np.arange(1, len(ids) + 1, dtype=np.int32) for name, ids in ranked_ids.items()}
    # positions, within the ranked entities, of those that get an interval
    tops = {name: np.flatnonzero(rank[ranked_ids[name]] <= settings.rank_interval_top_n)
            for name, (_, _, rank) in profiles.items()}
    ranks = {name: np.empty((len(top), settings.bootstrap_samples), dtype=np.int32) for name, top in tops.items()}
    weights = np.column_stack([w for w, _, _ in profiles.values()])
    for b, scores in enumerate(replicates(inputs, series, point, settings, seed_key)):
        weighted = scores @ weights
        for p, name in enumerate(profiles):
            order = np.argsort(-weighted[ranked_ids[name], p] / covered[name])
            replicate_rank = np.empty(len(order), dtype=np.int32)
            replicate_rank[order] = places[name]
            ranks[name][:, b] = replicate_rank[tops[name]]
    tail = (1 - settings.rank_interval) / 2
    out = {}
    for name, (_, _, rank) in profiles.items():
        interval = np.full((len(point), 2), np.nan)
        chosen = ranked_ids[name][tops[name]]
        if len(chosen):
            low = np.quantile(ranks[name], tail, axis=1, method="lower")
            high = np.quantile(ranks[name], 1 - tail, axis=1, method="higher")
            interval[chosen, 0] = np.minimum(low, rank[chosen])
            interval[chosen, 1] = np.maximum(high, rank[chosen])
        out[name] = interval
    return out
