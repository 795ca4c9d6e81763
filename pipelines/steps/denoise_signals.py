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
MIRROR_LIKES = 2
MIRROR_ALPHA = 0.05          # a source's lead in likes over its copy is beyond chance at this level

BURST_WINDOW = 15            # days in the centred rolling median that is a burst's baseline
BURST_FACTOR = 3.0           # a burst day is above FACTOR x baseline + SCALES x robust scale + MIN
BURST_SCALES = 4.0
BURST_MIN = 5.0
LAUNCH_DAYS = 2              # a launch's ramp-up is demand: no bursts on a model's first days
WEEKDAY_RATIO = 0.5          # weekend level below this share of the weekday level ...
WEEKDAY_Z = 3.0              # ... and the combined evidence this many standard errors beyond organic demand
OUTLIER_MADS = 4.0           # engagement outlier: log downloads this many robust spreads above the cohort line
OUTLIER_MIN_MAD = 0.25
OUTLIER_PRIOR_MADS = 2.0     # ... for a likely mirror (a re-upload by its metadata)
OUTLIER_KEEP_MADS = 2.0      # an outlier without daily data keeps downloads up to this many spreads above the line
LOG_OFFSET = 0.5             # log(y + offset): days with no download stay finite
LEVEL_WEEKDAYS = 11          # a day's local level: rolling median of about two weeks of the same kind of day
LEVEL_WEEKEND_DAYS = 5
MIN_LEVEL = 1.0              # dispersion tests read rows averaging at least a download a day
DISPERSION_KEEP = 0.8        # flatness: the mean of the smallest 80% of the days' log deviations ...
REJECT_SPREADS = 3.0  # ... or, when more, of every day within this many robust spreads (1.4826 x median)
MIN_DAYS = 10                # fewer observed days in a block: no weekday or floor estimate


def fixture_flags(author, name, params, likes, children) -> np.ndarray:
    """Test and fixture repositories: named like fixtures and small, or tiny with no likes and no children."""
    author = np.asarray(author, dtype=object)
    name = np.asarray(name, dtype=object)
    params = np.asarray(params, dtype=np.float64)
    params = np.where(params > 0, params, np.nan)  # 0 means the Hub did not say
    small = np.isnan(params) | (params < FIXTURE_MAX_PARAMS)
    named = matches(TEST_ORG, author) | matches(TEST_NAME, name)
    tiny = (params < TINY_PARAMS) & (np.asarray(likes) == 0) & (np.asarray(children) == 0)
    return (named & small) | tiny


def matches(pattern: re.Pattern, values: np.ndarray) -> np.ndarray:
    """Whether `pattern` is found in each value (never in a missing one), each distinct value searched once."""
    codes, distinct = pd.factorize(values)
    hit = np.array([pattern.search(v) is not None for v in distinct], dtype=bool)
    return np.append(hit, False)[codes]


def mirror_pairs(author, kept, formats, created, likes, children) -> pd.DataFrame:
    """Likely bot mirrors and their sources: (row, row_source) pairs where what the row kept of a source (the
    de-noising's `MODELS` query: the name up to case, separators and a re-upload word, and the library) is an earlier
    model's of another owner that leads it in likes beyond chance (like_lead_p) and every format tag of the row's is the
    source's too, and the row has no more than MIRROR_LIKES likes and no derivatives of its own (what the Hub shows of a
    re-upload).

    A copy keeps what it copied while its source may gain exports later, so the source may have more formats, never
    fewer: a model with a format its namesake lacks is a conversion. The caller leaves out derivatives (a declared base
    model, or a build's format in the name): they share names by convention (`<base>-GGUF`, `<base>-lora`), a
    re-upload declares nothing. A like or two between namesakes is no sign of a popular source: a course's hundreds of
    exercises share a name and a like or two each.
    """
    frame = pd.DataFrame({"author": np.asarray(author, dtype=object), "kept": np.asarray(kept, dtype=object),
                          "formats": np.asarray(formats, dtype=object), "created": pd.to_datetime(pd.Series(created)),
                          "likes": np.asarray(likes, dtype=np.int64), "children": np.asarray(children, dtype=np.int64)})
    frame["row"] = np.arange(len(frame))
    suspects = frame[(frame["likes"] <= MIRROR_LIKES) & (frame["children"] == 0)]
    pairs = suspects.merge(frame, on="kept", suffixes=("", "_source"))
    pairs = pairs[(pairs["author"] != pairs["author_source"]) & (pairs["created_source"] < pairs["created"])
                  & (pairs["likes_source"] > pairs["likes"])]  # what a lead needs, cheaply, before its test
    pairs = pairs[like_lead_p(pairs["likes"].to_numpy(), pairs["likes_source"].to_numpy()) < MIRROR_ALPHA]
    copied, source = pairs["formats"].to_numpy(), pairs["formats_source"].to_numpy()
    within = (copied == "") | (copied == source)
    within[~within] = [set(a.split(",")) <= set(b.split(",")) for a, b in zip(copied[~within], source[~within],
                                                                            strict=True)]
    return pairs.loc[within, ["row", "row_source"]]


def like_lead_p(copy_likes: np.ndarray, source_likes: np.ndarray) -> np.ndarray:
    """P(Binomial(copy + source likes, 1/2) <= copy likes): how often a copy liked as its source has no more likes."""
    copy_likes = np.asarray(copy_likes, dtype=np.int64)
    n = copy_likes + np.asarray(source_likes, dtype=np.int64)
    total, log_choose = np.zeros(len(n)), np.zeros(len(n))
    for j in range(int(copy_likes.max(initial=0)) + 1):
        if j:
            log_choose += np.log(np.maximum(n - j + 1, 1)) - np.log(j)
        total += np.where(j <= copy_likes, np.exp(log_choose - n * np.log(2)), 0.0)
    return total


def busier_copies(pairs: pd.DataFrame, downloads: np.ndarray) -> np.ndarray:
    """Likely mirrors downloaded at least as much as a source they are paired with: demand that large would leave likes,
    and the copy has almost none while its source has clearly more."""
    downloads = np.asarray(downloads, dtype=np.float64)
    rows = pairs["row"].to_numpy()
    out = np.zeros(len(downloads), dtype=bool)
    out[rows[downloads[rows] >= downloads[pairs["row_source"].to_numpy()]]] = True
    return out


def mirror_sources(pairs: pd.DataFrame, likes: np.ndarray, listed: np.ndarray) -> np.ndarray:
    """Per model, the row of the source mirror_pairs pairs it with that is the original: in the latest snapshot (so
    its page exists) first, then the most liked; -1 for none."""
    likes = np.asarray(likes, dtype=np.int64)
    source = pairs["row_source"].to_numpy()
    best = pairs.assign(listed=np.asarray(listed, dtype=bool)[source], likes=likes[source]).sort_values(
        ["row", "listed", "likes", "row_source"], ascending=[True, False, False, True]).drop_duplicates("row")
    out = np.full(len(likes), -1, dtype=np.int64)
    out[best["row"].to_numpy()] = best["row_source"].to_numpy()
    return out


def nan_median(a: np.ndarray, axis: int = -1) -> np.ndarray:
    """Median ignoring NaN along an axis (NaN when all are NaN or none), by sorting: fast for many short rows."""
    if a.shape[axis] == 0:
        return np.full(np.delete(a.shape, axis), np.nan)
    s = np.sort(a, axis=axis)
    n = np.sum(~np.isnan(a), axis=axis, keepdims=True)
    lo = np.take_along_axis(s, np.maximum((n - 1) // 2, 0), axis=axis)
    hi = np.take_along_axis(s, np.maximum(n // 2, 0), axis=axis)
    return np.squeeze(np.where(n > 0, (lo + hi) / 2, np.nan), axis=axis)


def nan_quantile(a: np.ndarray, q: float) -> np.ndarray:
    """np.nanquantile(a, q, axis=1), the same values: rows with the same count of values are read together (sorted,
    NaN last) instead of one at a time."""
    s = np.sort(a, axis=1)
    n = (~np.isnan(a)).sum(axis=1)
    out = np.full(len(a), np.nan)
    for k in np.unique(n[n > 0]):
        rows = n == k
        out[rows] = np.quantile(s[rows, :k], q, axis=1)
    return out


def rolling_median(x: np.ndarray, window: int) -> np.ndarray:
    """Centred rolling median along days, ignoring NaN (shorter windows at the edges).

    One sort of the sliding windows; the non-NaN count of each window comes from a running count of the
    row (NaN sorts last, so the middle of the first n sorted values is the median). The sort runs in
    float32 when that holds every value exactly (whole counts below 2^24): half the memory, same result.
    """
    if x.shape[1] == 0:
        return x.astype(np.float64)
    narrow = x.astype(np.float32)
    if np.array_equal(narrow, x, equal_nan=True):
        x = narrow
    half = window // 2
    padded = np.pad(x, ((0, 0), (half, half)), constant_values=np.nan)
    s = np.sort(np.lib.stride_tricks.sliding_window_view(padded, window, axis=1), axis=-1)
    seen = np.pad(np.cumsum(~np.isnan(x), axis=1), ((0, 0), (half + 1, half)), mode="edge")
    seen[:, :half + 1] = 0
    n = (seen[:, window:] - seen[:, :-window])[..., None]
    lo = np.take_along_axis(s, np.maximum((n - 1) // 2, 0), axis=-1)
    hi = np.take_along_axis(s, np.maximum(n // 2, 0), axis=-1)
    return np.where(n > 0, (lo.astype(np.float64) + hi) / 2, np.nan)[..., 0]


def bursts(x: np.ndarray, age: np.ndarray) -> np.ndarray:
    """Automation on burst days: the excess over a rolling median far beyond the model's robust spread.

    Only rows with a day above BURST_MIN can hold a burst (the threshold is never lower), so only they are read.
    """
    out = np.zeros_like(x)
    with np.errstate(invalid="ignore"):
        rows = np.flatnonzero((x > BURST_MIN).any(axis=1))
    x, age = x[rows], age[rows]
    base = rolling_median(x, BURST_WINDOW)
    scale = 1.4826 * nan_median(np.abs(x - base), axis=1)[:, None]
    hit = (x > BURST_FACTOR * base + BURST_SCALES * scale + BURST_MIN) & (age >= LAUNCH_DAYS)
    out[rows] = np.where(hit, x - base, 0.0)
    return out


def gap_bursts(x: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Automation on listing gaps: a run of imputed days (a span's total spread evenly) far above the usual rate.

    The run is tested in aggregate by the unseen-burst rule against the model's median observed day; the
    excess is automation, spread like the run. A launch booked over several days (a model first listed some
    days after its creation) is tested the same way, against the days that follow it.
    """
    burst = np.zeros_like(x)
    imputed = ~np.isnan(x) & np.isnan(observed)
    rows = np.flatnonzero(imputed.any(axis=1))
    if not len(rows):
        return burst
    sub, obs = imputed[rows], observed[rows]
    rate = nan_median(obs, axis=1)
    starts = sub & ~np.pad(sub, ((0, 0), (1, 0)))[:, :-1]
    run = np.where(sub, np.cumsum(starts, axis=1), 0)
    key = (np.arange(len(rows))[:, None] * (x.shape[1] + 1) + run)[sub]
    total = np.bincount(key, weights=x[rows][sub], minlength=len(rows) * (x.shape[1] + 1))
    days = np.bincount(key, minlength=len(total)).astype(np.float64)
    excess = unseen_bursts(total, days, np.repeat(rate, x.shape[1] + 1))
    share = np.divide(excess, total, out=np.zeros_like(total), where=total > 0)
    burst[rows] = np.where(sub, share[np.arange(len(rows))[:, None] * (x.shape[1] + 1) + run] * x[rows], 0.0)
    return burst


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


def weekday_only(y: np.ndarray, y_obs: np.ndarray, weekend: np.ndarray, level: np.ndarray, s: dict,
                 dip: tuple[float, float], a: float, c: float, known: np.ndarray):
    """Automation on weekdays only: two pieces of evidence, combined as Stouffer's sum of z scores.

    - Level: the weekday level far above the weekend level scaled by the usual weekend dip (dip = the
      population's median and robust spread); the standard error counts the day-to-day noise of both means
      and the spread of weekend dips across models, so a model with a deep organic dip is not automation.
    - Flatness: the weekdays' log dispersion around their local level (as for floors) below the population's:
      traffic added on every weekday compresses the weekdays' day-to-day changes, a weekly cycle does not.
    Flagged when the weekend level is below WEEKDAY_RATIO of the weekday level and the combined z exceeds
    WEEKDAY_Z; the excess over (weekend level / (1 - dip)) on each weekday is automation.
    """
    usual, spread_dip = dip
    organic_wd = s["m_we"] / (1 - usual)
    excess = s["m_wd"] - organic_wd
    se = np.sqrt(noise_var(s["m_wd"], a, c) / np.maximum(s["n_wd"], 1)
                 + noise_var(s["m_we"], a, c) / np.maximum(s["n_we"], 1) / (1 - usual) ** 2
                 + (s["m_we"] * spread_dip / (1 - usual) ** 2) ** 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        z_level = excess / se
    z_flat = flatness(np.where(weekend[None, :], np.nan, y_obs), level, MIN_DAYS, known)["z"]
    with np.errstate(invalid="ignore"):
        flag = ((s["m_we"] < WEEKDAY_RATIO * s["m_wd"]) & ((z_level + z_flat) / np.sqrt(2) > WEEKDAY_Z)
                & (s["n_wd"] >= MIN_DAYS // 2) & (s["n_we"] >= 2))
    auto = np.where(flag[:, None] & ~weekend[None, :], np.minimum(excess[:, None], y), 0.0)
    return np.nan_to_num(auto), flag


def empirical_null(stat: np.ndarray, level: np.ndarray, ok: np.ndarray, scale: np.ndarray, at=None):
    """Per row, the population's centre and robust spread (upper_spread: automation crowds only the low side) of
    `stat` among rows of similar level (bins).

    Deviations from the centre are multiplied by `scale` (sqrt of the row's sample size over a reference)
    before the spread is taken, so rows with more days get a proportionally narrower null. The bins are
    read at the levels `at` (default: `level` itself).
    """
    at = level if at is None else at
    rows = np.flatnonzero(ok)
    if len(rows) < 20:
        return np.zeros(len(at)), np.ones(len(at))
    edges, bins = level_bins(level[rows])
    centre, spread = np.zeros(len(edges) + 1), np.ones(len(edges) + 1)
    for b in range(len(edges) + 1):
        members = rows[bins == b]
        centre[b] = np.median(stat[members])
        spread[b] = max(upper_spread((stat[members] - centre[b]) * scale[members]), 0.02)
    where = bin_of(edges, at)
    return centre[where], spread[where]


def level_bins(level: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inner edges of up to ten bins of similar log level (quantiles, about 100 rows a bin or more), and each bin."""
    n_bins = int(np.clip(len(level) // 100, 1, 10))
    edges = np.quantile(np.log(level), np.linspace(0, 1, n_bins + 1)[1:-1])
    return edges, np.digitize(np.log(level), edges)


def bin_of(edges: np.ndarray, level: np.ndarray) -> np.ndarray:
    """The level bin (level_bins' edges) of each level; NaN and 0 fall in the lowest."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.digitize(np.log(np.maximum(np.nan_to_num(level), 1e-9)), edges)


def upper_spread(deviation: np.ndarray) -> float:
    """A robust spread (1.4826 x MAD) read from the deviations above the centre only.

    Automation only ever flattens a series, so rows carrying it crowd the low side of a dispersion statistic;
    the high side is organic demand's alone (a one-sided MAD: the median of the positive deviations).
    """
    above = deviation[deviation > 0]
    return float(1.4826 * np.median(above)) if len(above) else 0.0


def local_level(y: np.ndarray, weekend: np.ndarray) -> np.ndarray:
    """Each day's local level: the rolling median of the nearby days of the same kind (weekday or weekend).

    About two weeks of each kind (LEVEL_WEEKDAYS weekdays, LEVEL_WEEKEND_DAYS weekend days), so a weekly
    cycle or a slow trend is level, not noise.
    Rows averaging under MIN_LEVEL downloads a day are left NaN: whole-number counts that small hide any
    flatness, so the dispersion tests (weekday flatness, floors) skip them.
    """
    level = np.full(y.shape, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        rows = np.flatnonzero(np.nansum(y, axis=1) / (~np.isnan(y)).sum(axis=1) >= MIN_LEVEL)
    sub = y[rows]
    level[np.ix_(rows, np.flatnonzero(~weekend))] = rolling_median(sub[:, ~weekend], LEVEL_WEEKDAYS)
    level[np.ix_(rows, np.flatnonzero(weekend))] = rolling_median(sub[:, weekend], LEVEL_WEEKEND_DAYS)
    return level


def log_dispersion(y: np.ndarray, level: np.ndarray, floor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the trimmed mean absolute deviation of log(y - floor + LOG_OFFSET) from log(level - floor +
    LOG_OFFSET): the mean of the smallest DISPERSION_KEEP of the days' deviations.

    A median commutes with subtracting a constant and with the log, so the local level of the days without
    the floor is level - floor: one rolling median serves every candidate floor. Trimming the largest
    deviations lets weeks of flat days outweigh the nights a schedule missed, repeated or shifted (a plain
    mean let one missed night hide a floor); keeping most of them keeps the mean's precision.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        deviation = np.abs(np.log(np.maximum(y - floor[:, None], 0) + LOG_OFFSET)
                           - np.log(np.maximum(level - floor[:, None], 0) + LOG_OFFSET))
    dev = np.sort(deviation, axis=1)  # NaN last
    n = (~np.isnan(dev)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        organic = np.maximum(np.where(np.isnan(deviation), 0.0, level).sum(axis=1) / n - floor, 0)
    keep = inliers(dev, n, np.sqrt(organic) / (organic + LOG_OFFSET))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(keep, dev, 0.0).sum(axis=1) / keep.sum(axis=1), n


def inliers(dev: np.ndarray, n: np.ndarray, poisson: np.ndarray, share: float = DISPERSION_KEEP) -> np.ndarray:
    """Which of each row's sorted absolute deviations (NaN last, n of them) a dispersion statistic reads.

    Days beyond REJECT_SPREADS robust spreads (1.4826 x the median deviation: a 50% breakdown point) are
    schedule outliers (missed nights, re-runs, shifted runs) however many there are, up to half the days,
    unless within REJECT_SPREADS of the row's Poisson spread in log space (`poisson`, sqrt(L) / (L + 0.5) at
    level L: whole counts of a few downloads are that noisy whatever the median says); otherwise the smallest
    `share` of them, as before (organic demand rarely has a day that far out).
    """
    median = np.take_along_axis(dev, np.maximum((n - 1) // 2, 0)[:, None], axis=1)[:, 0]
    with np.errstate(invalid="ignore"):
        near = (dev <= (REJECT_SPREADS * np.maximum(1.4826 * median, poisson))[:, None]).sum(axis=1)
    kept = np.minimum(np.ceil(share * n), np.maximum(np.ceil(n / 2), near))
    return np.arange(dev.shape[1])[None, :] < kept[:, None]


def flatness(y: np.ndarray, level: np.ndarray, min_days: int, known: np.ndarray) -> dict[str, np.ndarray]:
    """Per row, how much flatter than organic demand y is around its local level.

    `stat` is the log of log_dispersion, `mean` the row's mean, `ok` whether it has min_days observed days and
    downloads; `centre` and `spread` are the population's (empirical_null over similar levels, rows of `known`
    automation left out), `scale` the row's sample-size factor, and `z` = (centre - stat) x scale / spread
    (0 where not ok): robust spreads flatter than organic demand.
    """
    disp, n = log_dispersion(y, level, np.zeros(len(y)))
    with np.errstate(invalid="ignore", divide="ignore"):
        stat, mean = np.log(disp), np.nansum(y, axis=1) / n
    ok = (n >= min_days) & (mean > 0) & np.isfinite(stat)
    scale = np.sqrt(np.maximum(n, 1) / 20)
    centre, spread = empirical_null(stat, mean, ok & ~known, scale)
    with np.errstate(invalid="ignore"):
        z = np.where(ok, (centre - stat) * scale / spread, 0.0)
    return {"stat": stat, "mean": mean, "ok": ok, "scale": scale, "centre": centre, "spread": spread, "z": z}


def resistant_line(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Tukey's resistant line: slope through the medians of the outer thirds by x, median intercept."""
    order = np.argsort(x, kind="stable")
    third = max(1, len(x) // 3)
    left, right = order[:third], order[-third:]
    run = np.median(x[right]) - np.median(x[left])
    slope = (np.median(y[right]) - np.median(y[left])) / run if run > 0 else 0.0
    return float(slope), float(np.median(y - slope * x))


def engagement_line(raw_30d, likes, children, cohort, fit) -> tuple[np.ndarray, np.ndarray]:
    """Per model, the log 30-day downloads its likes and derivatives predict within its cohort, and the spread.

    The robust line is fitted on the `fit` rows with some engagement (the many models without any would pin it
    to the floor); both are NaN for cohorts with fewer than 30 such rows.
    """
    engagement = np.asarray(likes, dtype=np.float64) + np.asarray(children, dtype=np.float64)
    x, y = np.log1p(engagement), np.log1p(np.asarray(raw_30d, dtype=np.float64))
    fitted, spread = np.full(len(y), np.nan), np.full(len(y), np.nan)
    cohort = np.asarray(cohort)
    for key in np.unique(cohort):
        rows = np.flatnonzero(cohort == key)
        used = rows[np.asarray(fit)[rows] & (engagement[rows] > 0)]
        if len(used) < 30:
            continue
        slope, icept = resistant_line(x[used], y[used])
        fitted[rows] = slope * x[rows] + icept
        spread[rows] = max(1.4826 * np.median(np.abs(y[used] - fitted[used])), OUTLIER_MIN_MAD)
    return fitted, spread
