"""De-noising signals over a models x days matrix of daily downloads (NaN where a day is not observed).

Each signal returns the automation it explains per model and day, plus a per-model flag. The method and
its thresholds are described in docs/denoising.md.
"""

import re

import numpy as np
import pandas as pd

# Test and CI fixture repositories: known test orgs and fixture names (field notes: hf-internal-testing,
# trl-internal-testing, `tiny-random-*`), only when the model is small; or tiny with no engagement at all.
TEST_ORG = re.compile(r"(?:^|[-_])(?:test|testing|ci|fixtures?)(?:[-_]|$)", re.IGNORECASE)
TEST_NAME = re.compile(r"^tiny-random|^dummy[-_]|[-_](?:testing|ci|test)$", re.IGNORECASE)
FIXTURE_MAX_PARAMS = 100_000_000
TINY_PARAMS = 10_000_000

BURST_WINDOW = 15            # days in the centred rolling median that is a burst's baseline
BURST_FACTOR = 3.0           # a burst day is above FACTOR x baseline + SCALES x robust scale + MIN
BURST_SCALES = 4.0
BURST_MIN = 5.0
LAUNCH_DAYS = 2              # a launch's ramp-up is demand: no bursts on a model's first days
WEEKDAY_RATIO = 0.5          # weekend level below this share of the weekday level ...
Z = 2.5                      # flags need the evidence this many standard errors beyond organic noise
OUTLIER_MADS = 4.0           # engagement outlier: log downloads this many robust spreads above the cohort line
OUTLIER_MIN_MAD = 0.25
FLOOR_Z = 3.0                # floors: spreads below the population's centre
FLOOR_PAIRS = 12             # floors: fewest same-kind consecutive day pairs in a block
MIN_DAYS = 10                # fewer observed days in a block: no weekday or floor estimate


def fixture_flags(author, name, params, likes, children) -> np.ndarray:
    """Test and fixture repositories: named like fixtures and small, or tiny with no likes and no children."""
    author = np.asarray(author, dtype=object)
    name = np.asarray(name, dtype=object)
    params = np.asarray(params, dtype=np.float64)
    params = np.where(params > 0, params, np.nan)  # 0 means the Hub did not say
    small = np.isnan(params) | (params < FIXTURE_MAX_PARAMS)
    named = (pd.Series(author, dtype=object).fillna("").str.contains(TEST_ORG).to_numpy(bool)
             | pd.Series(name, dtype=object).fillna("").str.contains(TEST_NAME).to_numpy(bool))
    tiny = (params < TINY_PARAMS) & (np.asarray(likes) == 0) & (np.asarray(children) == 0)
    return (named & small) | tiny


def nan_median(a: np.ndarray, axis: int = -1) -> np.ndarray:
    """Median ignoring NaN along an axis (NaN when all are NaN or none), by sorting: fast for many short rows."""
    if a.shape[axis] == 0:
        return np.full(np.delete(a.shape, axis), np.nan)
    s = np.sort(a, axis=axis)
    n = np.sum(~np.isnan(a), axis=axis, keepdims=True)
    lo = np.take_along_axis(s, np.maximum((n - 1) // 2, 0), axis=axis)
    hi = np.take_along_axis(s, np.maximum(n // 2, 0), axis=axis)
    return np.squeeze(np.where(n > 0, (lo + hi) / 2, np.nan), axis=axis)


def rolling_median(x: np.ndarray, window: int) -> np.ndarray:
    """Centred rolling median along days, ignoring NaN (shorter windows at the edges)."""
    half = window // 2
    padded = np.pad(x, ((0, 0), (half, half)), constant_values=np.nan)
    return nan_median(np.lib.stride_tricks.sliding_window_view(padded, window, axis=1), axis=-1)


def bursts(x: np.ndarray, age: np.ndarray) -> np.ndarray:
    """Automation on burst days: the excess over a rolling median far beyond the model's robust spread."""
    base = rolling_median(x, BURST_WINDOW)
    scale = 1.4826 * nan_median(np.abs(x - base), axis=1)[:, None]
    hit = (x > BURST_FACTOR * base + BURST_SCALES * scale + BURST_MIN) & (age >= LAUNCH_DAYS)
    return np.where(hit, x - base, 0.0)


def unseen_bursts(unseen: np.ndarray, n_unseen: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """Downloads on days the listing missed, beyond what the model's usual daily rate explains (same rule)."""
    expected = n_unseen * np.nan_to_num(rate)
    # with no day seen there is no usual rate to compare with
    hit = np.isfinite(rate) & (unseen > BURST_FACTOR * expected + BURST_SCALES * np.sqrt(expected) + BURST_MIN)
    return np.where(hit, unseen - expected, 0.0)


def fit_noise(mean: np.ndarray, var: np.ndarray) -> tuple[float, float]:
    """Day-to-day variance of demand as a*m^2 + c*m, fitted robustly over the population (medians)."""
    ok = np.isfinite(mean) & np.isfinite(var) & (mean > 0)
    big = ok & (mean >= 20)
    a = float(np.median(var[big] / mean[big] ** 2)) if big.sum() >= 20 else 0.13
    small = ok & (mean >= 3) & (mean < 30)
    c = float(np.median((var[small] - a * mean[small] ** 2) / mean[small])) if small.sum() >= 20 else 0.5
    return a, max(c, 0.05)


def noise_var(m: np.ndarray, a: float, c: float) -> np.ndarray:
    """Expected day-to-day variance of organic demand at level m."""
    return a * m ** 2 + c * m


def level_for_var(v: np.ndarray, a: float, c: float) -> np.ndarray:
    """The organic level whose expected variance is v (inverse of noise_var)."""
    return (-c + np.sqrt(c * c + 4 * a * np.maximum(v, 0))) / (2 * a)


def block_stats(y: np.ndarray, weekend: np.ndarray) -> dict[str, np.ndarray]:
    """Per row: mean, weekday and weekend means and counts, and the day-to-day variance of same-kind days."""
    wd, we = ~weekend[None, :] & ~np.isnan(y), weekend[None, :] & ~np.isnan(y)
    pair = ~np.isnan(y[:, 1:]) & ~np.isnan(y[:, :-1]) & (weekend[1:] == weekend[:-1])[None, :]
    diff2 = np.where(pair, (y[:, 1:] - y[:, :-1]) ** 2, 0.0)
    n_pairs = pair.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "n": (~np.isnan(y)).sum(axis=1), "mean": np.nansum(y, axis=1) / (~np.isnan(y)).sum(axis=1),
            "n_wd": wd.sum(axis=1), "n_we": we.sum(axis=1),
            "m_wd": np.where(wd, y, 0).sum(axis=1) / wd.sum(axis=1),
            "m_we": np.where(we, y, 0).sum(axis=1) / we.sum(axis=1),
            "var": diff2.sum(axis=1) / (2 * n_pairs), "n_pairs": n_pairs,
        }


def weekday_only(y: np.ndarray, weekend: np.ndarray, s: dict, dip: float, a: float, c: float):
    """Automation on weekdays only: weekday level far above the weekend level scaled by the usual weekend dip."""
    organic_wd = s["m_we"] / (1 - dip)
    excess = s["m_wd"] - organic_wd
    se = np.sqrt(noise_var(s["m_wd"], a, c) / np.maximum(s["n_wd"], 1)
                 + noise_var(s["m_we"], a, c) / np.maximum(s["n_we"], 1) / (1 - dip) ** 2)
    flag = ((s["m_we"] < WEEKDAY_RATIO * s["m_wd"]) & (excess > Z * se)
            & (s["n_wd"] >= MIN_DAYS // 2) & (s["n_we"] >= 2))
    auto = np.where(flag[:, None] & ~weekend[None, :], np.minimum(excess[:, None], y), 0.0)
    return np.nan_to_num(auto), flag


def empirical_null(stat: np.ndarray, level: np.ndarray, ok: np.ndarray, scale: np.ndarray):
    """Per row, the population's centre and robust spread of `stat` among rows of similar level (bins).

    Deviations from the centre are multiplied by `scale` (sqrt of the row's sample size over a reference)
    before the spread is taken, so rows with more days get a proportionally narrower null.
    """
    centre, spread = np.zeros(len(stat)), np.ones(len(stat))
    rows = np.flatnonzero(ok)
    if len(rows) < 20:
        return centre, spread
    n_bins = int(np.clip(len(rows) // 100, 1, 10))
    edges = np.quantile(np.log(level[rows]), np.linspace(0, 1, n_bins + 1)[1:-1])
    bins = np.digitize(np.log(np.maximum(level, 1e-9)), edges)
    for b in range(n_bins):
        members = rows[bins[rows] == b]
        centre[bins == b] = np.median(stat[members])
        deviation = (stat[members] - centre[members]) * scale[members]
        spread[bins == b] = max(1.4826 * np.median(np.abs(deviation)), 0.02)
    return centre, spread


def low_quantile(y: np.ndarray, q: float) -> np.ndarray:
    """Per row, the q-quantile (lower order statistic) of the non-NaN values."""
    s = np.sort(y, axis=1)
    n = (~np.isnan(y)).sum(axis=1)
    k = np.floor(np.maximum(n - 1, 0) * q).astype(np.int64)
    return np.where(n > 0, np.take_along_axis(s, k[:, None], axis=1)[:, 0], np.nan)


def floors(y: np.ndarray, y_obs: np.ndarray, s: dict, a: float, c: float):
    """A flat floor under organic demand, by two tests against the population (empirical nulls per level).

    - flatness: the day-to-day variance is far below what organic demand at that level shows; the organic
      level is read off the variance (after the population's bias at that level) and the floor is the rest;
    - never drops: the low days (10th percentile) sit far closer to the median than organic demand's do;
      organic median = (median - low) / (1 - the population's usual low/median ratio), floor = the rest.
    A row is flagged when either statistic lies FLOOR_Z robust spreads beyond its population's centre.
    """
    scale = np.sqrt(np.maximum(s["n_pairs"], 1) / 20)
    ok = (s["n_pairs"] >= FLOOR_PAIRS) & (s["mean"] > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        log_q = np.log(s["var"] / noise_var(s["mean"], a, c))
        med, low = low_quantile(y_obs, 0.5), low_quantile(y_obs, 0.1)
        ratio = low / med
    flat_ok, low_ok = ok & np.isfinite(log_q), ok & np.isfinite(ratio) & (med >= 5)
    centre, spread = empirical_null(log_q, s["mean"], flat_ok, scale)
    r_centre, r_spread = empirical_null(ratio, s["mean"], low_ok, scale)
    with np.errstate(invalid="ignore", divide="ignore"):
        flat = flat_ok & ((log_q - centre) * scale / spread < -FLOOR_Z)
        steady = low_ok & ((ratio - r_centre) * scale / r_spread > FLOOR_Z) & (r_centre < 1)
        floor_flat = s["mean"] - level_for_var(s["var"] * np.exp(-centre), a, c)
        floor_low = med - (med - low) / (1 - r_centre)
    floor = np.where(flat, floor_flat, np.where(steady, floor_low, 0.0))
    flag = (flat | steady) & np.isfinite(floor) & (floor > 0)
    auto = np.where(flag[:, None], np.minimum(np.nan_to_num(floor)[:, None], y), 0.0)
    return np.nan_to_num(auto), flag


def resistant_line(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Tukey's resistant line: slope through the medians of the outer thirds by x, median intercept."""
    order = np.argsort(x, kind="stable")
    third = max(1, len(x) // 3)
    left, right = order[:third], order[-third:]
    run = np.median(x[right]) - np.median(x[left])
    slope = (np.median(y[right]) - np.median(y[left])) / run if run > 0 else 0.0
    return float(slope), float(np.median(y - slope * x))


def engagement_outliers(raw_30d, likes, children, cohort) -> np.ndarray:
    """Downloads far above what likes and derivatives predict within the cohort (robust line and spread)."""
    x = np.log1p(np.asarray(likes, dtype=np.float64) + np.asarray(children, dtype=np.float64))
    y = np.log1p(np.asarray(raw_30d, dtype=np.float64))
    out = np.zeros(len(y), dtype=bool)
    cohort = np.asarray(cohort)
    for key in np.unique(cohort):
        rows = np.flatnonzero(cohort == key)
        if len(rows) < 30:
            continue
        slope, icept = resistant_line(x[rows], y[rows])
        resid = y[rows] - (slope * x[rows] + icept)
        mad = max(1.4826 * np.median(np.abs(resid)), OUTLIER_MIN_MAD)
        out[rows] = resid > OUTLIER_MADS * mad
    return out
