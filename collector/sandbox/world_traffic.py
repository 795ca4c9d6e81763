"""Daily download counts by formula: organic demand plus CI and automation, any day on its own."""

import numpy as np

from collector.sandbox.world_attrs import SCHEDULED
from collector.sandbox.world_hash import logistic, uniform

CELLS_PER_CHUNK = 2_000_000
POISSON_EXACT = 20  # organic counts are Poisson around the day's demand: exact below this mean, normal above
_S_ORGANIC, _S_ROUND, _S_AUTO, _S_AUTO_ROUND = 1, 2, 3, 4
_S_MISS, _S_RERUN, _S_SHIFT = 5, 6, 7


def _weekend(days: np.ndarray) -> np.ndarray:
    """True on Saturdays and Sundays (day ordinals: ordinal 1 is a Monday)."""
    return (days - 1) % 7 >= 5


def _round(x: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Unbiased stochastic rounding to whole downloads."""
    return np.floor(x + u).astype(np.int64)


def _poisson(lam: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Poisson counts with means lam, one per uniform u (inverse CDF below POISSON_EXACT, normal above)."""
    lam = np.maximum(lam, 0.0)
    z = np.log(u / (1.0 - u)) * 0.5513  # logistic with unit spread, close to a standard normal
    out = np.maximum(np.rint(lam + np.sqrt(lam) * z), 0).astype(np.int64)
    small = np.flatnonzero(lam < POISSON_EXACT)
    ls, us = lam.ravel()[small], u.ravel()[small]
    term = np.exp(-ls)
    cdf, count = term.copy(), np.zeros(len(small), dtype=np.int64)
    going = np.arange(len(small))  # cells whose count is still rising; most stop after a step or two
    for k in range(1, 400):  # the bound: rounding can hold the CDF a hair below 1
        going = going[cdf[going] < us[going]]
        if not len(going):
            break
        count[going] += 1
        term[going] *= ls[going] / k
        cdf[going] += term[going]
    out.ravel()[small] = count
    return out


def organic_block(t: dict, seed: int, idx: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Organic downloads for models idx over day ordinals days (int64, len(idx) x len(days))."""
    age = days[None, :] - t["created"][idx][:, None]
    a = np.maximum(age, 0).astype(np.float64)
    col = {k: t[k][idx][:, None] for k in ("level", "ramp", "hype", "tau_hype", "tau_decay", "growth", "weekend")}
    x = (col["level"] * -np.expm1(-(a + 1) / col["ramp"]) * (1 + col["hype"] * np.exp(-a / col["tau_hype"]))
         * np.exp(-a / col["tau_decay"]) * np.maximum(1 + col["growth"] * a / 365, 0.05))
    x = x * np.where(_weekend(days)[None, :], 1 - col["weekend"], 1.0)
    x = x * np.exp(t["sigma"][idx][:, None] * logistic(seed, _S_ORGANIC, idx, days))
    return np.where(age >= 0, _poisson(x, uniform(seed, _S_ROUND, idx, days)), 0)


def _runs(t: dict, seed: int, sub: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Nightly runs landing on each day: missed (0) or re-run (2), and a run past midnight moves to the next day."""

    def scheduled(d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        missed = uniform(seed, _S_MISS, sub, d) < t["p_miss"][sub][:, None]
        rerun = uniform(seed, _S_RERUN, sub, d) < t["p_rerun"][sub][:, None]
        shifted = uniform(seed, _S_SHIFT, sub, d) < t["p_shift"][sub][:, None]
        return np.where(missed, 0.0, np.where(rerun, 2.0, 1.0)), shifted

    today, shifted_today = scheduled(days)
    before, shifted_before = scheduled(days - 1)
    return np.where(shifted_today, 0.0, today) + np.where(shifted_before, before, 0.0)


def automation_block(t: dict, seed: int, idx: np.ndarray, days: np.ndarray) -> np.ndarray:
    """CI and automation downloads for models idx over day ordinals days (kinds: world_attrs.automation)."""
    out = np.zeros((len(idx), len(days)), dtype=np.int64)
    code = t["auto_code"][idx]
    rows = np.flatnonzero(code > 0)
    if not len(rows):
        return out
    sub = idx[rows]
    c = code[rows][:, None]
    amount = t["auto_amount"][sub][:, None]
    on = (days[None, :] >= t["auto_start"][sub][:, None]) & (days[None, :] < t["auto_end"][sub][:, None])
    noise = logistic(seed, _S_AUTO, sub, days)
    weekend = _weekend(days)[None, :]
    steady = amount * np.exp(0.15 * noise)
    step = 1 + t["step_gain"][sub][:, None] * (days[None, :] >= t["step_day"][sub][:, None])
    nightly = amount * step * _runs(t, seed, sub, days) * (1 + t["run_noise"][sub][:, None] * noise)
    weekday = np.where(weekend, 0.0, amount * np.exp(0.1 * noise))
    starts, lens = t["burst_start"][sub], t["burst_len"][sub]
    in_burst = np.zeros((len(sub), len(days)), dtype=bool)
    for k in range(starts.shape[1]):
        d = days[None, :] - starts[:, k:k + 1]
        in_burst |= (d >= 0) & (d < lens[:, k:k + 1])
    burst = np.where(in_burst, amount * np.exp(0.3 * noise), 0.0)
    x = np.select([c == 1, t["weekday_ci"][sub][:, None], np.isin(c, SCHEDULED), c == 3],
                  [steady, weekday, nightly, burst], weekday)
    x = np.where(on | (c == 3), x, 0.0)
    x = np.where(days[None, :] >= t["created"][sub][:, None], x, 0.0)
    out[rows] = _round(np.maximum(x, 0.0), uniform(seed, _S_AUTO_ROUND, sub, days))
    return out


def daily(t: dict, seed: int, idx: np.ndarray, days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(organic, automation) for models idx over day ordinals days, computed in bounded chunks."""
    organic = np.zeros((len(idx), len(days)), dtype=np.int64)
    automation = np.zeros_like(organic)
    step = max(1, CELLS_PER_CHUNK // max(1, len(days)))
    for lo in range(0, len(idx), step):
        part = idx[lo:lo + step]
        organic[lo:lo + step] = organic_block(t, seed, part, days)
        automation[lo:lo + step] = automation_block(t, seed, part, days)
    return organic, automation


def window_sums(t: dict, seed: int, idx: np.ndarray, first: int, last: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-model (organic, automation) totals over day ordinals first..last inclusive, without the n x days matrix."""
    organic = np.zeros(len(idx), dtype=np.int64)
    automation = np.zeros(len(idx), dtype=np.int64)
    if last < first or not len(idx):
        return organic, automation
    created = t["created"][idx]
    span = max(1, min(last - first + 1, CELLS_PER_CHUNK // max(1, min(len(idx), 200_000))))
    for lo in range(first, last + 1, span):
        days = np.arange(lo, min(lo + span, last + 1), dtype=np.int64)
        alive = np.flatnonzero(created <= days[-1])
        step = max(1, CELLS_PER_CHUNK // len(days))
        for a in range(0, len(alive), step):
            rows = alive[a:a + step]
            organic[rows] += organic_block(t, seed, idx[rows], days).sum(axis=1)
            automation[rows] += automation_block(t, seed, idx[rows], days).sum(axis=1)
    return organic, automation
