"""Irregular schedules: a likelihood-ratio test of k runs of a floor F a night (k = 0, 1 or 2) against organic demand.

A schedule day is F plus organic demand, a missed night organic demand alone, a re-run 2F plus organic demand. Its
off nights inflate every variance (the plain one) or cost the trimmed one most of its degrees of freedom, but they lie
where only a schedule puts them: F below or above a level the other days keep. The mixture allows outliers there and
nowhere else; organic demand's heavy tails are left to a negative binomial with a relative spread of its own (the
alternative and the null both profile it), so they are not read as a schedule. The test's null law has no closed form:
its critical value is a Monte Carlo quantile (tests/test_denoise_schedules.py). Method: docs/denoising.md.
"""

import numpy as np

from pipelines.steps.denoise_signals import nan_median

MIX_OFF = 0.1               # prior share of missed nights, and of re-runs: a tenth each (a third off hides a floor)
MIX_SHARES = np.linspace(0.5, 0.95, 8)  # floors tried, as shares of the level: a schedule carrying most of the traffic
MIX_SPREADS = 0.05 * 40.0 ** (np.arange(12) / 11)  # organic relative spreads profiled: 0.05 (about Poisson) to 2
MIX_EVERY = 3               # ... the schedule on every third of them (its runs carry the fit; the null keeps the rest)
MIX_MEAN = 0.5              # a day's organic mean is at least this: a rolling median of whole counts can be 0
MIX_CRIT = 8.0              # critical log-likelihood ratio: above the 3-sigma quantile of log-normal organic series
MIX_LEVEL = 2000.0          # tested below this level (downloads a day): keeps the counts, so the lgamma table, moderate
MIX_ROWS = 1024             # rows tested at a time: a block's arrays stay in the processor's cache


def nb_terms(spreads: np.ndarray, top: int) -> np.ndarray:
    """lgamma(y + r) - lgamma(r) - lgamma(y + 1) per spread s (r = 1 / s^2) and count y = 0..top, in float32; -inf at
    y = -1 (index -1: a count below 0 is impossible)."""
    out = np.full((len(spreads), top + 2), -np.inf, dtype=np.float32)
    steps = np.arange(top, dtype=np.float64)
    for i, s in enumerate(spreads):  # lgamma(y + r) - lgamma(r) = sum of log(r + j), j < y; lgamma(y + 1) likewise
        out[i, 0] = 0.0
        out[i, 1:-1] = np.cumsum(np.log(1 / s ** 2 + steps) - np.log1p(steps))
    return out


def schedule_test(y: np.ndarray, level: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the log-likelihood ratio of a schedule (each day organic demand plus 0, 1 or 2 runs of a floor F,
    the organic mean being the local level less F) against organic demand around the local level, each a negative
    binomial at its best relative spread; and the F that maximises it (0 where the row has no observed day)."""
    seen = ~np.isnan(y) & ~np.isnan(level)
    count = np.where(seen, y, 0.0).astype(np.intp)
    mean = np.where(seen, np.maximum(level, MIX_MEAN), 1.0).astype(np.float32)
    with np.errstate(invalid="ignore"):
        lvl = np.nan_to_num(nan_median(np.where(seen, level, np.nan), axis=1))
    terms = nb_terms(MIX_SPREADS, int(np.max(count, initial=0)))
    stat, size = np.empty(len(y)), np.empty(len(y))
    for lo in range(0, len(y), MIX_ROWS):  # each row's figures are its own: a block of rows gives the same ones
        rows = slice(lo, lo + MIX_ROWS)
        stat[rows], size[rows] = block_test(count[rows], mean[rows], lvl[rows], ~seen[rows], terms)
    return stat, size


def block_test(count: np.ndarray, mean: np.ndarray, lvl: np.ndarray, unseen: np.ndarray,
               terms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """schedule_test on a block of rows, in buffers reused over the floors and spreads tried."""
    organic = np.max([day_sum(t[count] + at + count * per, unseen)
                      for t, (at, per) in zip(terms, nb_coefficients(mean, np.log(mean), MIX_SPREADS), strict=True)],
                     axis=0)
    prior = np.log([MIX_OFF, 1 - 2 * MIX_OFF, MIX_OFF]).astype(np.float32)
    tried = terms[::MIX_EVERY]
    # prior + count terms as one lookup (the same float32 sum), the days as they are looked up once
    with_prior = [[t + p for t in tried] for p in prior]
    as_is = [t.take(count) for t in with_prior[0]]
    day, run, product = (np.empty(count.shape, dtype=np.float32) for _ in range(3))
    best, size = np.full(len(count), -np.inf), np.zeros(len(count))
    for share in MIX_SHARES:
        floor = np.rint(share * lvl).astype(np.intp)[:, None]
        organic_part = [np.maximum(count - k * floor, -1) for k in range(1, len(prior))]
        part_float = [count.astype(np.float32)] + [c.astype(np.float32) for c in organic_part]
        rest = np.maximum(mean - np.float32(share) * lvl[:, None].astype(np.float32), np.float32(MIX_MEAN))
        for i, (at, per) in enumerate(nb_coefficients(rest, np.log(rest), MIX_SPREADS[::MIX_EVERY])):
            # a day's best of 0, 1 or 2 runs, each (prior + count terms + a) + f b in float32
            np.add(as_is[i], at, out=day)
            day += np.multiply(part_float[0], per, out=product)
            for k in range(1, len(prior)):
                with_prior[k][i].take(organic_part[k - 1], out=run, mode="wrap")  # index -1 wraps to -inf
                run += at
                run += np.multiply(part_float[k], per, out=product)
                np.maximum(day, run, out=day)
            total = day_sum(day, unseen)
            size = np.where(total > best, share * lvl, size)
            best = np.maximum(best, total)
    return best - organic, size


def nb_coefficients(mean: np.ndarray, log_mean: np.ndarray, spreads: np.ndarray):
    """Per spread s (r = 1 / s^2), the negative binomial log probability less its count terms (nb_terms) as a + y b:
    a = r log(r / (r + mean)), b = log(mean / (r + mean)); a and b are overwritten by the next spread's."""
    at, per = np.empty_like(mean), np.empty_like(mean)
    for s in spreads:
        r = np.float32(1 / s ** 2)
        np.log(np.add(mean, r, out=per), out=per)
        np.multiply(np.subtract(np.log(r), per, out=at), r, out=at)
        yield at, np.subtract(log_mean, per, out=per)


def day_sum(day: np.ndarray, unseen: np.ndarray) -> np.ndarray:
    """Per row, the sum of the observed days' log probabilities (in float64); zeroes the unseen days of `day`."""
    np.copyto(day, 0, where=unseen)
    return day.sum(axis=1, dtype=np.float64)


def schedule_floor(y: np.ndarray, level: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Per row, the floor of an irregular schedule the mixture test proves on the `candidates` rows under MIX_LEVEL
    downloads a day (its best F where the ratio is above MIX_CRIT), else 0."""
    with np.errstate(invalid="ignore"):
        rows = np.flatnonzero(candidates & (nan_median(level, axis=1) < MIX_LEVEL))
    out = np.zeros(len(y))
    if len(rows):
        stat, size = schedule_test(y[rows], level[rows])
        out[rows] = np.where(stat > MIX_CRIT, size, 0.0)
    return out
