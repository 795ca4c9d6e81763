"""Bootstrap rank intervals: resample what is uncertain, recompute the composite, re-rank, take quantiles.

Resampled per replicate (docs/methodology.md, "Rank intervals"): the days of the daily organic series, jointly
for all entities (a day bootstrap, so market-wide days move everyone together), which moves both adoption
components and momentum; and the clean benchmark score, by Gaussian noise. Ecosystem and community are counts
and stay fixed.
"""

import numpy as np
import pandas as pd

from pipelines.profiles import COMPONENTS, Settings
from pipelines.steps.components import Series, adoption, cohort_adoption, momentum, numbers

ADOPTION, COHORT, MOMENTUM, CAPABILITY = (COMPONENTS.index(c) for c in ("adoption", "cohort_adoption", "momentum",
                                                                          "capability"))


CHUNK = 32  # replicates drawn together (the random stream depends on it)
SUB_CHUNK = 8  # replicates computed together: their components are SUB_CHUNK x entities matrices


def day_weights(rng: np.random.Generator, days: int, count: int) -> np.ndarray:
    """Count x days: each row the share of a draw of `days` days with replacement that fell on each day."""
    return rng.multinomial(days, np.full(days, 1 / days), size=count) / days


def replicates(inputs: pd.DataFrame, series: Series, point: np.ndarray, settings: Settings, seed_key: int):
    """Yield chunks of replicates: (count, {component column: count x entities values}, NaN-free); others keep
    the point (so does a component nobody has). Each CHUNK's random draws are made at once, its components
    SUB_CHUNK replicates at a time."""
    rng = np.random.default_rng([settings.bootstrap_seed, seed_key])
    organic, reference = numbers(inputs, "organic_downloads_30d"), numbers(inputs, "adoption_ref")
    clean = numbers(inputs, "clean_score")
    window = np.ascontiguousarray(series.last_30())
    recent, baseline = np.ascontiguousarray(series.recent()), np.ascontiguousarray(series.baseline())
    observed = window.mean(axis=1) if window.shape[1] else None
    missing = np.isnan(point)
    base = np.where(missing, 0.0, point)
    for start in range(0, settings.bootstrap_samples, CHUNK):
        count = min(CHUNK, settings.bootstrap_samples - start)
        capability = None
        if not missing[:, CAPABILITY].all():
            capability = rng.normal(0, settings.benchmark_noise_sd, (count, len(point)))
            np.clip(np.add(capability, clean, out=capability), 0, 100, out=capability)
        drawn = day_weights(rng, window.shape[1], count) if observed is not None else None
        if series.baseline_days:
            drawn_recent, drawn_baseline = day_weights(rng, recent.shape[1], count), \
                day_weights(rng, baseline.shape[1], count)
        for lo in range(0, count, SUB_CHUNK):
            rows = slice(lo, min(lo + SUB_CHUNK, count))
            parts = {}
            if capability is not None:
                parts[CAPABILITY] = capability[rows]
            if drawn is not None:
                with np.errstate(invalid="ignore", divide="ignore"):
                    factor = np.where(observed > 0, drawn[rows] @ window.T / observed, 1.0)
                parts[ADOPTION] = adoption(organic * factor, settings.adoption_decades)
                parts[COHORT] = cohort_adoption(organic * factor, reference, settings.adoption_cap)
                del factor
            if series.baseline_days:
                parts[MOMENTUM] = momentum(drawn_recent[rows] @ recent.T, drawn_baseline[rows] @ baseline.T,
                                           settings.momentum_prior_daily)
            for column, values in parts.items():
                # where resampling left nothing to compute, keep the point value; where the point is missing, stay out
                values[:] = np.where(np.isnan(values), base[:, column], values)
                values[:, missing[:, column]] = 0.0
            yield rows.stop - rows.start, parts


def ranks_among(scores: np.ndarray, top: np.ndarray) -> np.ndarray:
    """1 + how many of `scores` are higher than each of scores[top] (ties share the better rank; NaN never counts)."""
    values = scores[top]
    contenders = np.sort(scores[scores >= values.min()])  # only these can outrank a top entity
    order = np.argsort(values)
    ranks = np.empty(len(values), dtype=np.int32)
    ranks[order] = len(contenders) - np.searchsorted(contenders, values[order], side="right") + 1
    return ranks


def rank_intervals(inputs: pd.DataFrame, series: Series, point: np.ndarray, settings: Settings, seed_key: int,
                   profiles: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]) -> dict[str, np.ndarray]:
    """Per profile (weights, ranked mask, point ranks): low and high rank (entities x 2, NaN when not computed)."""
    # Only the best rank_interval_top_n ranks get intervals; a replicate ranks them among every ranked entity;
    # intervals are widened to include the point rank.
    fixed = np.where(np.isnan(point), 0.0, point)
    base, scale, tops = {}, {}, {}
    for name, (w, ranked, rank) in profiles.items():
        base[name] = fixed @ w
        with np.errstate(divide="ignore"):  # unranked entities get NaN: they are never counted
            scale[name] = np.where(ranked, 1 / ((~np.isnan(point)).astype(float) @ w), np.nan)
        tops[name] = np.flatnonzero(ranked & (rank <= settings.rank_interval_top_n))
    ranks = {name: np.empty((len(top), settings.bootstrap_samples), dtype=np.int32) for name, top in tops.items()}
    done = 0
    for count, parts in replicates(inputs, series, point, settings, seed_key):
        columns = list(parts)
        # the resampled components' change from the point, one replicate per row (each sort reads contiguous memory)
        change = np.empty((len(columns), count, len(point))) if columns else None
        for i, c in enumerate(columns):
            np.subtract(parts.pop(c), fixed[:, c], out=change[i])
        change = change.reshape(len(columns), -1) if columns else None
        for name, (w, _, _) in profiles.items():
            if len(tops[name]):
                weighted = np.empty((count, len(point)))
                weighted[:] = base[name]
                if columns:
                    weighted += (w[columns] @ change).reshape(count, -1)
                weighted *= scale[name]
                for j in range(count):
                    ranks[name][:, done + j] = ranks_among(weighted[j], tops[name])
        done += count
    tail = (1 - settings.rank_interval) / 2
    out = {}
    for name, (_, _, rank) in profiles.items():
        interval = np.full((len(point), 2), np.nan)
        chosen = tops[name]
        if len(chosen):
            low = np.quantile(ranks[name], tail, axis=1, method="lower")
            high = np.quantile(ranks[name], 1 - tail, axis=1, method="higher")
            interval[chosen, 0] = np.minimum(low, rank[chosen])
            interval[chosen, 1] = np.maximum(high, rank[chosen])
        out[name] = interval
    return out
