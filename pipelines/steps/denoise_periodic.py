"""Periodic schedules: jobs that run every 2, 3 or 7 days, found by the phase of the days they land on.

A job every k days adds its pulls to one day in k. Such a series is no flatter than organic demand (half its days
carry the job, half do not), nor a mixture of missed and doubled nights around a level (the mixture test's), but its
days split by phase (day number modulo k) into a high phase and the rest, which organic demand, weekly rhythm
included (the log deviations are read from the local level of the same kind of day), does not do. The test is
a one-sided Mann-Whitney test of each phase's log deviations against the other days' (ranks: missed runs and heavy
tails do not weigh), the highest of every phase of every period, Bonferroni over the phases tried,
Benjamini-Hochberg across rows. The method is described in docs/denoising.md.
"""

import math

import numpy as np

from pipelines.steps.denoise_signals import LOG_OFFSET, discovery_level, nan_median

PERIODS = (2, 3, 7)          # every other day, every third day, weekly
PERIODIC_FDR = 0.05          # false discovery rate across the rows tested (the precision goal)
Z_GATE = 2.5                 # rows ranked: a phase's mean log deviation this many standard errors above the rest
Z_READ = 2.5                 # p-values are computed above this z only (below, p > 0.07 after Bonferroni)
PERIODIC_DAYS = 20           # fewest observed days to test a row (three weeks: a weekly job's phase seen three times)


def ranks(r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the mid-ranks of its values (0 where NaN) and the tie term sum(t^3 - t) over groups of ties."""
    n_days = r.shape[1]
    days = np.arange(n_days, dtype=np.int16)
    order = np.argsort(r, axis=1)  # NaN last, each its own group (NaN != NaN)
    s = np.take_along_axis(r, order, axis=1)
    starts, ends = np.ones(r.shape, dtype=bool), np.ones(r.shape, dtype=bool)
    np.not_equal(s[:, 1:], s[:, :-1], out=starts[:, 1:])
    ends[:, :-1] = starts[:, 1:]
    first = np.maximum.accumulate(np.where(starts, days, np.int16(0)), axis=1)
    last = np.minimum.accumulate(np.where(ends, days, np.int16(n_days - 1))[:, ::-1], axis=1)[:, ::-1]
    seen = ~np.isnan(s)
    size = (last - first + 1).astype(np.float32)
    ties = np.einsum("ij,ij->i", size, size * seen, dtype=np.float64) - seen.sum(axis=1)
    mid = ((first + last).astype(np.float32) / 2 + 1) * seen
    rank = np.empty(r.shape, dtype=np.float32)
    np.put_along_axis(rank, order, mid, axis=1)
    return rank, ties


def phases(n_days: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The phases tried (their period and phase) and which of `n_days` days each holds (days x phases, float32)."""
    period = np.repeat(PERIODS, PERIODS)
    phase = np.concatenate([np.arange(k) for k in PERIODS])
    return period, phase, (np.arange(n_days)[:, None] % period[None, :] == phase[None, :]).astype(np.float32)


def mean_z(r: np.ndarray, onehot: np.ndarray) -> np.ndarray:
    """Per row, the largest t of one phase's mean log deviation against the other days' (NaN days left out; float32:
    it only chooses the rows to rank)."""
    seen = ~np.isnan(r)
    lr = np.log(np.where(seen, r, 1.0).astype(np.float32))
    n = seen.sum(axis=1, keepdims=True).astype(np.float32)
    n1, s1 = seen.astype(np.float32) @ onehot, lr @ onehot
    total = lr.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(np.maximum(np.einsum("ij,ij->i", lr, lr)[:, None] / n - (total / n) ** 2, 0) * n / (n - 1))
        t = (s1 / n1 - (total - s1) / (n - n1)) / (sd * np.sqrt(1 / n1 + 1 / (n - n1)))
    return np.nan_to_num(t, nan=-np.inf).max(axis=1)


def periodic_p(y: np.ndarray, level: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row, the p-value of its highest phase over every period (the largest one-sided Mann-Whitney z of one
    phase's ranks against the other days', tie-corrected; Bonferroni over the phases tried), that period and phase.
    The ranks are those of the log deviations from the local level, read as ratios (the same order). Only rows where
    a phase's mean already stands out (mean_z above Z_GATE) are ranked; the others have p = 1."""
    with np.errstate(invalid="ignore", divide="ignore"):
        r = (np.maximum(y, 0) + LOG_OFFSET) / (level + LOG_OFFSET)
    period, phase, onehot = phases(r.shape[1])
    p, best = np.ones(len(r)), np.zeros(len(r), dtype=np.int64)
    rows = np.flatnonzero(mean_z(r, onehot) > Z_GATE)
    if not len(rows):
        return p, period[best], phase[best]
    r = r[rows]
    rank, ties = ranks(r)
    seen = ~np.isnan(r)
    n = seen.sum(axis=1, keepdims=True).astype(np.float64)
    n1 = (seen.astype(np.float32) @ onehot).astype(np.float64)  # whole numbers and halves: float32 sums are exact
    with np.errstate(invalid="ignore", divide="ignore"):
        var = n1 * (n - n1) / 12 * ((n + 1) - ties[:, None] / (n * (n - 1)))
        z = ((rank @ onehot).astype(np.float64) - n1 * (n + 1) / 2) / np.sqrt(var)
    z = np.where(np.isfinite(z), z, -np.inf)
    best[rows] = np.argmax(z, axis=1)
    top = z[np.arange(len(z)), best[rows]]
    tail = np.flatnonzero(top > Z_READ)  # below, p is above PERIODIC_FDR after Bonferroni: never a discovery
    p[rows[tail]] = [min(0.5 * math.erfc(v / math.sqrt(2)) * len(phase), 1.0) for v in top[tail]]
    return p, period[best], phase[best]


def periodic(y: np.ndarray, level: np.ndarray, weekend: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Automation per day of the periodic schedules found on `rows` (0 elsewhere): on a schedule's high phase, each
    day's downloads above the median of the other phases' days of its kind (weekday or weekend), its organic level."""
    auto = np.zeros(y.shape)
    rows = np.flatnonzero(rows & ((~np.isnan(y) & ~np.isnan(level)).sum(axis=1) >= PERIODIC_DAYS))
    if not len(rows):
        return auto
    p, period, high_of = periodic_p(y[rows], level[rows])
    hit = p <= discovery_level(p, PERIODIC_FDR)
    day = np.arange(y.shape[1])
    for i in np.flatnonzero(hit):
        phase, high, row = day % period[i], high_of[i], y[rows[i]]
        for kind in (weekend, ~weekend):
            organic = nan_median(np.where(kind & (phase != high), row, np.nan)[None, :], axis=1)[0]
            on = kind & (phase == high) & ~np.isnan(row)
            if np.isfinite(organic):
                auto[rows[i], on] = np.maximum(row[on] - organic, 0.0)
    return auto
