"""Floors: scheduled traffic (nightly CI, mirrors' pulls) under organic demand, found by how little it varies.

Two lower bounds on organic variability, each read so that a missed, doubled or shifted night does not hide a
floor:
- relative: organic demand varies by a roughly constant factor from day to day at any level, so the trimmed
  mean absolute deviation of log downloads around their local level is compared with the population's (an
  empirical null per level bin); a floor adds a constant and compresses it;
- absolute: count data cannot be less dispersed than Poisson, so the organic part of a series has a mean of
  at most its variance; a series whose variance (the robust one, or the plain one by kind of day, which such a
  night only raises) is below its level by more than a chi-square test allows carries a deterministic part.
A third test reads the nights a schedule missed: days far below their level, more of them than organic demand at
that level shows (a binomial test, Benjamini-Hochberg across rows).
A step in level (a floor that starts, stops or grows when a second pipeline starts) splits the block in two
segments that are tested and sized on their own; a step up to at least twice the level that holds on both sides is a
schedule that started (a held rise), however noisy its runs. The method is described in docs/denoising.md.
"""

import math
from statistics import NormalDist

import numpy as np

from pipelines.steps.denoise_schedules import schedule_floor
from pipelines.steps.denoise_signals import (
    LOG_OFFSET,
    REJECT_SPREADS,
    bin_of,
    empirical_null,
    flatness,
    level_bins,
    log_dispersion,
    nan_median,
    nan_quantile,
    upper_spread,
)

FLOOR_Z = 3.0                # relative test: robust spreads below the population's centre
PRIOR_Z = 1.0                # ... for models whose metadata already says automation (mirrors)
COUNT_LEVEL = 15.0           # ... below this level also the count test (a Poisson variance m above s^2 m^2, s ~ 0.25)
FLOOR_DAYS = 20              # fewest observed days in a block for the relative test's null
SEGMENT_DAYS = 10            # fewest observed days in a segment to test it
FLOOR_BISECTIONS = 12        # bisection steps for the floor's size
FLOOR_TOP_QUANTILE = 0.25    # the floor is below this quantile of the segment's days (not its lowest: missed nights)
STEP_DAYS = 7                # a step needs a week of observed days on each side ...
STEP_Z = 5.0                 # ... and its |t| above this (the best of many splits, heavy tails)
BOUND_ALPHA = 0.05          # dispersion bound: organic demand alone shows so little variance with this probability
BOUND_MIN = 1.0              # ... a floor it proves of at least this many downloads a day
RV_BIAS = 0.8                # robust_variance / variance of independent days, on average (Monte Carlo: tests)
RV_DF = 0.38                 # ... distributed as RV_BIAS x chi2(k) / k with k = RV_DF x observed days (same)
BOUND_SPREADS = 1.5          # ... organic relative spread at least this many robust spreads below the centre
BUSY = 100.0                 # ... read on rows with at least this many downloads a day
TRIM = 0.25                  # ... its variance leaves out this share of the largest deviations
TRIM_FACTOR = 0.3686         # ... E[Z^2; |Z| < 1.150] / 0.75: the trimmed mean square of a standard normal
DEFAULT_S_MIN = 0.1          # ... when too few rows are busy (real Hub models vary by 0.1-0.3 in log space)
RISE = 2.0                   # held rise: the level after a step up at least this many times the level before ...
RISE_HELD = 1.5              # ... each side's first and last week within this factor (not a trend, a launch or a decay)
RISE_DAYS = 14               # ... over two weeks of observed days on each side
MISS_FDR = 0.05              # missed nights: false discovery rate of the low-day count tests (Benjamini-Hochberg)
MAX_RUNS = 2                 # a night carries 0, 1 or 2 runs of the schedule (missed, on time, re-run or shifted)


def robust_variance(y: np.ndarray, level: np.ndarray) -> np.ndarray:
    """Per row, the day-to-day variance around the local level, trimmed: the mean square of the smallest
    1 - TRIM of the deviations, scaled to a normal variance (TRIM_FACTOR).

    Deviations from the local level (a rolling median of same-kind days) leave out a weekly rhythm and a slow
    trend; trimming leaves out the few days a schedule misses, repeats or shifts. A mean of squares, unlike a
    median, stays informative on whole counts of a few downloads.
    """
    dev = np.sort(np.abs(y - level), axis=1)  # NaN last
    n = (~np.isnan(dev)).sum(axis=1)
    keep = np.arange(y.shape[1])[None, :] < np.ceil((1 - TRIM) * n)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(keep, dev, 0.0) ** 2 @ np.ones(y.shape[1]) / keep.sum(axis=1) / TRIM_FACTOR


def chi2_ratio(k: np.ndarray, alpha: float) -> np.ndarray:
    """The alpha quantile of chi2(k) / k (Wilson-Hilferty: the cube root of chi2 / k is nearly normal)."""
    k = np.maximum(k, 1.0)
    return np.maximum(1 - 2 / (9 * k) + NormalDist().inv_cdf(alpha) * np.sqrt(2 / (9 * k)), 0.0) ** 3


def kind_variance(y: np.ndarray, weekend: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the plain sample variance of the days around the mean of their kind (weekday or weekend), and its
    degrees of freedom (the days less one per kind).

    Of Poisson days, variance x df / mean is chi-square with df degrees (Fisher's index of dispersion). Nothing is
    trimmed: on a regular schedule it reads every day, and a missed night, a step or a trend only adds to it.
    """
    total, df = np.zeros(len(y)), np.zeros(len(y))
    for kind in (weekend, ~weekend):
        days = np.where(kind[None, :], y, np.nan)
        n = (~np.isnan(days)).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            total += np.nansum((days - (np.nansum(days, axis=1) / n)[:, None]) ** 2, axis=1)
        df += np.maximum(n - 1, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / df, df


def organic_bound(var: np.ndarray, df: np.ndarray, s_min: float) -> np.ndarray:
    """The largest organic mean O whose variance, at least Poisson's O plus a relative spread s_min (O + s^2 O^2),
    leaves the observed variance `var` (unbiased, df degrees of freedom) at or above its BOUND_ALPHA quantile
    (a chi-square test)."""
    v = var / chi2_ratio(df, BOUND_ALPHA)
    return (np.sqrt(1 + 4 * s_min ** 2 * v) - 1) / (2 * s_min ** 2)


def proven_floor(y: np.ndarray, level: np.ndarray, weekend: np.ndarray, s_min: float) -> np.ndarray:
    """Per row, the level above the largest organic mean its variance allows (organic_bound): positive when the
    series is less dispersed than count data with organic demand's least relative spread s_min can be.

    Two variances, each tested on its own: the robust one (a missed, doubled or shifted night does not hide the
    floor) and the plain one by kind of day (kind_variance: more degrees of freedom, so a regular schedule is
    proven at a smaller size); the smaller organic bound holds.
    """
    lvl, n = nan_median(level, axis=1), (~np.isnan(y)).sum(axis=1)
    plain = organic_bound(*kind_variance(y, weekend), s_min)
    robust = organic_bound(robust_variance(y, level) / RV_BIAS, RV_DF * n, s_min)
    return lvl - np.fmin(robust, plain)


def bound_floor(y: np.ndarray, level: np.ndarray, weekend: np.ndarray, s_min: float) -> np.ndarray:
    """Per row, the floor the dispersion bound proves: the level above the largest organic mean its variance allows.

    Count data is never less dispersed than Poisson, and organic demand adds a relative spread of at least
    s_min; a floor's own spread only adds to the total's, so proven_floor is a lower bound of the deterministic
    part. 0 where the bound leaves less than BOUND_MIN downloads a day, or with fewer than FLOOR_DAYS observed days
    (whole counts of a few days can tie at the level).
    """
    return usable_bound(proven_floor(y, level, weekend, s_min), (~np.isnan(y)).sum(axis=1))


def usable_bound(proven: np.ndarray, n: np.ndarray) -> np.ndarray:
    """The proven floor where it is at least BOUND_MIN downloads a day over FLOOR_DAYS observed days or more, else 0."""
    with np.errstate(invalid="ignore"):
        hit = (proven >= BOUND_MIN) & (n >= FLOOR_DAYS)
    return np.where(hit, proven, 0.0)


def flattest_organic(f: dict, null: np.ndarray) -> float:
    """The population's lower bound of organic demand's relative day-to-day spread: BOUND_SPREADS robust spreads
    (read on the high side: upper_spread) below the centre of the log dispersion statistic, among rows busy enough
    (BUSY a day) that Poisson noise is small beside it."""
    stat = f["stat"][null & (f["mean"] >= BUSY)]
    if len(stat) < 20:
        return DEFAULT_S_MIN
    centre = np.median(stat)
    return float(1.4826 * np.exp(centre - BOUND_SPREADS * upper_spread(stat - centre)))


def floor_level(y: np.ndarray, level: np.ndarray, target) -> np.ndarray:
    """Per row, the floor F at which log(y - F) around its local level is as dispersed as target(mean - F), the
    typical organic dispersion at the level of what is left (whole counts of a few downloads are noisier).

    Subtracting a constant from y stretches the relative day-to-day changes, so the dispersion rises with F:
    F is found by bisection between 0 and a low quantile of the days (a missed night is not the floor's size).
    """
    lo = np.zeros(len(y))
    hi = np.nan_to_num(nan_quantile(y, FLOOR_TOP_QUANTILE))
    mean = np.nanmean(y, axis=1) if len(y) else lo
    for _ in range(FLOOR_BISECTIONS):
        mid = (lo + hi) / 2
        below = log_dispersion(y, level, mid)[0] < target(mean - mid)
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return (lo + hi) / 2


def low_days(y: np.ndarray, level: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Days far below their local level (beyond REJECT_SPREADS robust spreads of the row's log deviations, never
    less than its Poisson spread: a missed or shifted night), and per row the chance that a Poisson day at the row's
    median level falls that low (whole counts of a few downloads reach 0 or 1 often)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        dev = np.log(np.maximum(y, 0) + LOG_OFFSET) - np.log(level + LOG_OFFSET)
        lvl = nan_median(level, axis=1)
        spread = np.maximum(1.4826 * nan_median(np.abs(dev), axis=1), np.sqrt(lvl) / (lvl + LOG_OFFSET))
        cut = np.minimum(np.log(level + LOG_OFFSET) - REJECT_SPREADS * spread[:, None], np.log(level / 2 + LOG_OFFSET))
        low = np.log(np.maximum(y, 0) + LOG_OFFSET) < cut
        deepest = np.minimum(np.exp(np.log(lvl + LOG_OFFSET) - REJECT_SPREADS * spread) - LOG_OFFSET, lvl / 2)
        below = np.ceil(deepest) - 1
    return low, poisson_cdf(np.nan_to_num(below, nan=-1.0), np.nan_to_num(lvl))


def null_rate(low: np.ndarray, n: np.ndarray, mean: np.ndarray, ok: np.ndarray) -> np.ndarray:
    """Per row, the share of low days among the population's rows (`ok`) of similar level (ten bins by quantile of
    the log mean): quiet series fall far below their level more often than busy ones."""
    rows = np.flatnonzero(ok)
    if len(rows) < 20:
        return np.full(len(low), low[rows].sum() / max(int(n[rows].sum()), 1))
    edges, bins = level_bins(mean[rows])
    rate = np.array([low[rows[bins == b]].sum() / max(int(n[rows[bins == b]].sum()), 1)
                     for b in range(len(edges) + 1)])
    return rate[bin_of(edges, mean)]


def poisson_cdf(k: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """P(Poisson(mean) <= k) per row (0 where k < 0, and where exp(-mean) underflows: a mean above about 745)."""
    total, rows = np.zeros(len(k)), np.flatnonzero((k >= 0) & (np.exp(-mean) > 0))
    term, k, mean = np.exp(-mean[rows]), k[rows], mean[rows]
    for j in range(int(np.max(k, initial=-1)) + 1):
        total[rows] += np.where(j <= k, term, 0.0)
        term = term * mean / (j + 1)
    return total


def binomial_tail(hits: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """P(Binomial(n, p) >= hits) per row (1 without hits: only rows with some are computed)."""
    tail, rows = np.ones(len(hits)), np.flatnonzero(hits > 0)
    top = int(np.max(n[rows], initial=0))
    lg = np.array([math.lgamma(j + 1) for j in range(top + 1)])
    j = np.arange(top + 1)[None, :]
    n_, p_ = n[rows, None].astype(np.int64), np.clip(p[rows], 1e-12, 1 - 1e-12)[:, None]
    with np.errstate(invalid="ignore"):
        log_pmf = lg[n_] - lg[j] - lg[np.maximum(n_ - j, 0)] + j * np.log(p_) + (n_ - j) * np.log1p(-p_)
    tail[rows] = np.where((j >= hits[rows, None]) & (j <= n_), np.exp(log_pmf), 0.0).sum(axis=1)
    return tail


def discovery_level(p: np.ndarray, q: float) -> float:
    """The largest p-value the Benjamini-Hochberg procedure rejects at false discovery rate q (below q / m if none)."""
    p = np.sort(p)
    hit = np.flatnonzero(p <= q * np.arange(1, len(p) + 1) / max(len(p), 1))
    return float(np.nextafter(p[hit[-1]], 1.0)) if len(hit) else q / max(len(p), 1)


def missed_nights(y: np.ndarray, level: np.ndarray, low: np.ndarray, p_null: np.ndarray, alpha: float) -> np.ndarray:
    """Per row, the floor its missed nights show: a schedule that skips or shifts a night leaves that day at its
    organic part alone, far below a level it otherwise keeps. Flagged when the row has more such days than its null
    rate `p_null` allows (a binomial test at `alpha`); the floor is the median drop of those days below their level."""
    n = (~np.isnan(y) & ~np.isnan(level)).sum(axis=1)
    hits = low.sum(axis=1)
    significant = (n >= SEGMENT_DAYS) & (binomial_tail(hits, n, p_null) < alpha)
    drop = night_drop(y, level, low)
    return np.where(significant & (drop >= BOUND_MIN), drop, 0.0)


def night_drop(y: np.ndarray, level: np.ndarray, low: np.ndarray) -> np.ndarray:
    """Per row, the median drop of its low days below their local level (0 without low days): on a night the schedule
    missed, the day keeps its organic part alone, so the drop is the floor's size."""
    with np.errstate(invalid="ignore"):
        return np.nan_to_num(nan_median(np.where(low, level - y, np.nan), axis=1))


def change_point(y: np.ndarray, weekend: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """Per row, the first day after a step in level (up or down), else 0.

    The split maximises |t| of the two segments' mean log(y + LOG_OFFSET), weekend days moved to the weekday
    level by the row's median offset and each day held within 3 organic spreads (`sd`) of the row's median
    (a missed night is not a step); it needs STEP_DAYS observed days on each side and |t| above STEP_Z.
    """
    if y.shape[1] < 2:
        return np.zeros(len(y), dtype=np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.log(np.maximum(y, 0) + LOG_OFFSET)
    offset = nan_median(np.where(weekend, z, np.nan), axis=1) - nan_median(np.where(~weekend, z, np.nan), axis=1)
    z = z - np.where(weekend[None, :], np.nan_to_num(offset)[:, None], 0.0)
    centre = nan_median(z, axis=1)[:, None]
    z = np.clip(z, centre - 3 * sd[:, None], centre + 3 * sd[:, None])
    seen = ~np.isnan(z)
    total, count = np.cumsum(np.nan_to_num(z), axis=1), np.cumsum(seen, axis=1)
    n1, n2 = count[:, :-1], count[:, -1:] - count[:, :-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        diff = (total[:, -1:] - total[:, :-1]) / n2 - total[:, :-1] / n1
        step = np.abs(diff) / (sd[:, None] * np.sqrt(1 / n1 + 1 / n2))
    step = np.where(seen[:, 1:] & (n1 >= STEP_DAYS) & (n2 >= STEP_DAYS), step, -np.inf)
    best = np.argmax(step, axis=1)
    return np.where(step[np.arange(len(y)), best] > STEP_Z, best + 1, 0)


def held_rise(y: np.ndarray, split: np.ndarray) -> np.ndarray:
    """Per row, the increment of a step up that a new schedule explains (else 0): the level after the step (`split`)
    at least RISE times the level before, reached at once (the week after at least RISE times the week before) and
    held on both sides (each side's first and last week within RISE_HELD), over RISE_DAYS observed days on each
    side and by at least COUNT_LEVEL downloads a day. Organic demand rises gradually (a trend) or surges and decays
    (a launch, a viral spike); a level that doubles from one week to the next and stays is a new consumer."""
    rise = np.zeros(len(y))
    day = np.arange(y.shape[1])[None, :]
    rows = np.flatnonzero(split > 0)
    if not len(rows):
        return rise
    weeks = []
    for side in (day < split[rows, None], day >= split[rows, None]):
        z = np.where(side, y[rows], np.nan)
        order = np.cumsum(~np.isnan(z), axis=1)
        n = order[:, -1:]
        first, last = np.where(order <= 7, z, np.nan), np.where(order > n - 7, z, np.nan)
        weeks.append((nan_median(z, axis=1), nan_median(first, axis=1), nan_median(last, axis=1), n[:, 0]))
    (before, b_first, b_last, n_b), (after, a_first, a_last, n_a) = weeks
    with np.errstate(invalid="ignore", divide="ignore"):
        held = [np.abs(np.log((a + LOG_OFFSET) / (b + LOG_OFFSET))) <= np.log(RISE_HELD)
                for a, b in ((b_last, b_first), (a_last, a_first))]
        hit = ((after + LOG_OFFSET >= RISE * (before + LOG_OFFSET)) & (a_first + LOG_OFFSET >= RISE * (
            b_last + LOG_OFFSET)) & held[0] & held[1] & (n_b >= RISE_DAYS) & (n_a >= RISE_DAYS)
            & (after - before >= COUNT_LEVEL))
    rise[rows] = np.where(hit, after - before, 0.0)
    return rise


def runs(y: np.ndarray, level: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """Per day, how many runs of the day's floor F (> 0) it carries, 0 to MAX_RUNS: the count that leaves y nearest
    the organic local level (level - F). A missed night keeps its organic demand; a re-run is removed twice."""
    with np.errstate(invalid="ignore", divide="ignore"):
        k = np.rint((y - (level - floor)) / floor)
    return np.clip(np.nan_to_num(k, nan=1.0), 0, MAX_RUNS)


def _segment_floors(y_obs, level, days, weekend, f, null, prior, s_min, miss):
    """Flag and size the floor of each row on its observed days in `days` (a mask); the null is the population's
    (flatness `f` over the rows of `null`). Under COUNT_LEVEL downloads a day the relative test needs the count
    test too: its variance must be below what count data with organic demand's least spread allows (proven_floor
    > 0, any size; the empirical null of whole counts that small has a long low tail). A floor either test proves
    is sized to leave the population's typical organic dispersion (the bound is only its lower limit)."""
    ys, ls = np.where(days, y_obs, np.nan), np.where(days, level, np.nan)
    disp, n = log_dispersion(ys, ls, np.zeros(len(ys)))
    with np.errstate(invalid="ignore", divide="ignore"):
        stat, mean = np.log(disp), np.nansum(ys, axis=1) / n
    centre, spread = empirical_null(f["stat"], f["mean"], null, f["scale"], at=mean)
    with np.errstate(invalid="ignore"):
        z = np.where(np.isfinite(stat) & (n >= SEGMENT_DAYS), (centre - stat) * np.sqrt(n / 20) / spread, 0.0)
    proven = proven_floor(ys, ls, weekend, s_min)
    bound = usable_bound(proven, n)
    with np.errstate(invalid="ignore"):
        counted = (mean >= COUNT_LEVEL) | (proven > 0) | prior
    floor = np.zeros(len(ys))
    rows = np.flatnonzero(((z > np.where(prior, PRIOR_Z, FLOOR_Z)) & counted) | (bound > 0))
    if len(rows):
        def typical(rest):
            return np.exp(empirical_null(f["stat"], f["mean"], null, f["scale"], at=rest)[0])

        floor[rows] = floor_level(ys[rows], ls[rows], typical)
    low, p_null, alpha = miss
    low = low & days
    found = np.maximum(floor, bound)
    # the mixture test for irregular schedules, on the rows no other test found (SEGMENT_DAYS or more, as the z test)
    found += schedule_floor(ys, ls, (found == 0) & (n >= SEGMENT_DAYS))
    # a floor above half the level carries most of the traffic: its low days are missed nights and measure it
    most = np.flatnonzero(found > nan_median(ls, axis=1) / 2)
    found[most] = np.maximum(found[most], night_drop(ys[most], ls[most], low[most]))
    return np.maximum(found, missed_nights(ys, ls, low, p_null, alpha))


def floors(y: np.ndarray, y_obs: np.ndarray, weekend: np.ndarray, level: np.ndarray, known: np.ndarray,
           prior: np.ndarray):
    """Automation per day of a floor under organic demand, and the per-row flag.

    `level` is the local level (NaN for rows too small to read), `known` rows (fixtures) stay out of the
    population's null, `prior` rows (mirrors) are flagged on weaker relative evidence. A row with a step in
    level is tested and sized on each side of it; a side's floor applies only to its days, and each day
    carries the whole runs of its floor that bring it nearest the organic level.
    """
    f = flatness(y_obs, level, FLOOR_DAYS, known)
    s_min = flattest_organic(f, f["ok"] & ~known)
    readable = np.isfinite(nan_median(level, axis=1))
    split = np.zeros(len(y), dtype=np.int64)
    rows = np.flatnonzero(readable)
    sd = np.exp(f["centre"][rows]) * 1.4826
    split[rows] = change_point(y_obs[rows], weekend, sd)
    low, p_poisson = low_days(y_obs, level)
    n_seen = (~np.isnan(y_obs) & ~np.isnan(level)).sum(axis=1)
    p_null = np.maximum(null_rate(low, n_seen, f["mean"], f["ok"] & ~known), p_poisson)
    alpha = discovery_level(binomial_tail(low.sum(axis=1), n_seen, p_null)[readable], MISS_FDR)
    day = np.arange(y.shape[1])[None, :]
    floor = np.zeros(y.shape)
    for side in (day < split[:, None], day >= split[:, None]):
        active = np.flatnonzero(readable & side.any(axis=1))
        if len(active):
            miss = (low[active], p_null[active], alpha)
            size = _segment_floors(y_obs[active], level[active], side[active], weekend, f, f["ok"] & ~known,
                                   prior[active], s_min, miss)
            floor[active] += np.where(side[active], size[:, None], 0.0)
    rise = held_rise(y_obs, split)
    up = np.flatnonzero(rise)  # the few rows with a held rise, not the whole matrix
    floor[up] = np.where(day >= split[up, None], np.maximum(floor[up], rise[up, None]), floor[up])
    flag = (floor > 0).any(axis=1)
    k, rows = np.zeros(y.shape), np.flatnonzero(flag)  # runs of a floor: 0 on the rows without one
    fy, fl, ff = y[rows], level[rows], floor[rows]
    k[rows] = np.where(ff > 0, runs(fy, np.where(np.isnan(fl), fy, fl), np.where(ff > 0, ff, 1.0)), 0.0)
    auto = np.minimum(floor * k, y)
    return np.nan_to_num(auto), flag
