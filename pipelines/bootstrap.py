"""Bootstrap rank intervals: resample what is uncertain, recompute the composite, re-rank, take quantiles.

Resampled per replicate (docs/methodology.md, "Rank intervals"): the days of the daily organic series, jointly
for all entities (a day bootstrap, so market-wide days move everyone together), which moves adoption and
momentum; and the clean benchmark score, by Gaussian noise. Ecosystem and community are counts and stay fixed.
"""

import numpy as np
import pandas as pd

from pipelines.components import Series, adoption, composite, momentum, numbers
from pipelines.profiles import COMPONENTS, Settings

ADOPTION, MOMENTUM, CAPABILITY = (COMPONENTS.index(c) for c in ("adoption", "momentum", "capability"))


def resample_days(rng: np.random.Generator, values: np.ndarray) -> np.ndarray:
    """Mean per row over the columns drawn with replacement (the same draw for every row)."""
    days = values.shape[1]
    return values @ rng.multinomial(days, np.full(days, 1 / days)) / days


def replicates(inputs: pd.DataFrame, series: Series, point: np.ndarray, settings: Settings, seed_key: int):
    """Yield settings.bootstrap_samples component matrices shaped like `point` (same NaN pattern)."""
    rng = np.random.default_rng([settings.bootstrap_seed, seed_key])
    organic, reference = numbers(inputs, "organic_downloads_30d"), numbers(inputs, "adoption_ref")
    clean = numbers(inputs, "clean_score")
    window = series.last_30()
    observed = window.mean(axis=1) if window.shape[1] else None
    for _ in range(settings.bootstrap_samples):
        scores = point.copy()
        if observed is not None:
            with np.errstate(invalid="ignore", divide="ignore"):
                factor = np.where(observed > 0, resample_days(rng, window) / observed, 1.0)
            scores[:, ADOPTION] = adoption(organic * factor, reference, settings.adoption_cap)
        if series.baseline_days:
            scores[:, MOMENTUM] = momentum(resample_days(rng, series.recent()), resample_days(rng, series.baseline()))
        scores[:, CAPABILITY] = np.clip(clean + rng.normal(0, settings.benchmark_noise_sd, len(clean)), 0, 100)
        # a replicate never changes coverage: where resampling left nothing to compute, keep the point value
        scores = np.where(np.isnan(scores), point, scores)
        yield np.where(np.isnan(point), np.nan, scores)


def rank_intervals(inputs: pd.DataFrame, series: Series, point: np.ndarray, settings: Settings, seed_key: int,
                   profiles: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]) -> dict[str, np.ndarray]:
    """Per profile (weights, ranked mask, point ranks): low and high rank (entities x 2, NaN when not computed).

    Intervals are computed for the best settings.rank_interval_top_n ranks of each profile; a replicate ranks
    each of them against every ranked entity. The interval is widened to include the point rank.
    """
    tops = {name: np.flatnonzero(rank <= settings.rank_interval_top_n) for name, (_, _, rank) in profiles.items()}
    ranks = {name: np.empty((len(top), settings.bootstrap_samples), dtype=np.int32) for name, top in tops.items()}
    for b, scores in enumerate(replicates(inputs, series, point, settings, seed_key)):
        for name, (weights, ranked, _) in profiles.items():
            value, _ = composite(scores, weights)
            ordered = np.sort(-value[ranked])
            ranks[name][:, b] = np.searchsorted(ordered, -value[tops[name]], side="left") + 1
    tail = (1 - settings.rank_interval) / 2
    out = {}
    for name, (_, _, rank) in profiles.items():
        interval = np.full((len(point), 2), np.nan)
        if len(tops[name]):
            low = np.quantile(ranks[name], tail, axis=1, method="lower")
            high = np.quantile(ranks[name], 1 - tail, axis=1, method="higher")
            interval[tops[name], 0] = np.minimum(low, rank[tops[name]])
            interval[tops[name], 1] = np.maximum(high, rank[tops[name]])
        out[name] = interval
    return out
