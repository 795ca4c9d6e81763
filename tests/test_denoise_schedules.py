"""The mixture test for irregular schedules: calibrated on organic series, blind to launches."""

import numpy as np
import pytest

from pipelines.steps import denoise_floors as fl
from pipelines.steps import denoise_schedules as sch
from pipelines.steps import denoise_signals as sig

DAYS = 44
WEEKEND = (np.arange(DAYS) % 7) >= 5  # day 0 is a Monday


def organic(rng, level, sigma: float, rows: int) -> np.ndarray:
    """Count data: Poisson around a demand (`level` per day or per row and day) with a log-normal day-to-day spread."""
    return rng.poisson(level * np.exp(sigma * rng.standard_normal((rows, DAYS)) - sigma ** 2 / 2)).astype(np.float64)


def irregular(rng, runs: float, rows: int) -> np.ndarray:
    """Nightly schedules of `runs` pulls that miss about a tenth of their nights and run twice on about a tenth."""
    k = rng.choice([0, 1, 2], size=(rows, DAYS), p=[0.1, 0.8, 0.1])
    return k * np.rint(runs * np.exp(0.05 * rng.standard_normal((rows, DAYS))))


def ratio(y: np.ndarray) -> np.ndarray:
    return sch.schedule_test(y, sig.local_level(y, WEEKEND))[0]


@pytest.mark.parametrize(("level", "sigma"), [(6, 0.1), (24, 0.2), (50, 0.3), (300, 0.2), (1500, 0.3)])
def test_schedule_test_is_calibrated_on_organic_series(level, sigma):
    # MIX_CRIT is a 3-sigma critical value on log-normal organic demand of any relative spread: of 6,000 series at
    # most 0.135% (8) above it; a critical value of 6 lets 10 through at 24 a day
    rng = np.random.default_rng(level)
    assert (ratio(organic(rng, level, sigma, 6000)) > sch.MIX_CRIT).sum() <= 8


@pytest.mark.parametrize(("level", "sigma"), [(24, 0.2), (300, 0.2), (1500, 0.3)])
def test_schedule_test_is_calibrated_on_the_shortest_segments_it_reads(level, sigma):
    # the floors run it on segments of SEGMENT_DAYS observed days or more (a model's first weeks, a side of a step).
    # Organic series seen on their last 10 days cross MIX_CRIT a little more often than whole blocks: 0.12-0.18% at
    # 300-1,500 a day (round 17: 18,000 series per cell, and these 12,000), against 0.135% at 3 sigma; at most 0.2%
    rng = np.random.default_rng([level, fl.SEGMENT_DAYS])
    y = organic(rng, level, sigma, 12000)
    y[:, :DAYS - fl.SEGMENT_DAYS] = np.nan
    assert (ratio(y) > sch.MIX_CRIT).sum() <= 24


def test_a_launch_seen_from_its_first_day_is_not_a_schedule():
    # a new model's first SEGMENT_DAYS days are a surge decaying to its level: no runs of a floor (0 of 2,000 in the
    # round 17 Monte Carlo, at most 2 at 12-19 days)
    rng = np.random.default_rng(3)
    age = np.arange(DAYS) - (DAYS - fl.SEGMENT_DAYS)
    y = organic(rng, (5 + 100 * np.exp(-np.maximum(age, 0) / 3.0))[None, :], 0.3, 2000)
    y[:, age < 0] = np.nan
    assert (ratio(y) > sch.MIX_CRIT).sum() <= 2


def test_launch_decay_and_heavy_tails_are_not_schedules():
    rng = np.random.default_rng(5)
    launch = organic(rng, 8 + 40 * np.exp(-np.arange(DAYS) / 8.0)[None, :], 0.3, 500)
    wild = organic(rng, 10, 0.8, 500)
    assert (ratio(launch) > sch.MIX_CRIT).sum() <= 2
    assert (ratio(wild) > sch.MIX_CRIT).sum() <= 2


def test_small_irregular_schedules_are_found_only_by_the_mixture(monkeypatch):
    # 9 pulls a night under 3 organic downloads, a tenth of the nights missed and a tenth run twice: the off nights
    # inflate the plain variance and cost the robust one its degrees of freedom, so no variance proves the floor
    rng = np.random.default_rng(11)
    quiet = organic(rng, rng.uniform(3, 30, (1000, 1)), 0.35, 1000)
    schedules = organic(rng, 3, 0.35, 30) + irregular(rng, 9, 30)
    y = np.vstack([quiet, schedules])
    level = sig.local_level(y, WEEKEND)
    none = np.zeros(len(y), dtype=bool)
    auto, flag = fl.floors(y, y, WEEKEND, level, none, none)
    found = flag[1000:]
    assert found.sum() >= 20
    assert np.median(auto[1000:][found].sum(axis=1) / y[1000:][found].sum(axis=1)) == pytest.approx(0.75, abs=0.1)
    monkeypatch.setattr(sch, "MIX_CRIT", np.inf)  # v8: the variances alone
    without = fl.floors(y, y, WEEKEND, level, none, none)[1]
    assert without[1000:].sum() <= 10
    assert (flag[:1000] & ~without[:1000]).sum() <= 1  # organic rows the mixture adds (v8's own false floors: 4)


@pytest.mark.parametrize(("seen", "at_least", "at_most"), [(19, 20, 30), (fl.SEGMENT_DAYS - 1, 0, 0)])
def test_schedules_of_models_listed_for_under_20_days_are_read_by_the_mixture(seen, at_least, at_most):
    # 20 pulls a night under 5 organic downloads on models seen for 19 days: the mixture test reads segments of
    # SEGMENT_DAYS observed days or more (v18), and finds 24 of 30 where the relative and missed-nights tests
    # alone (v15: 20 days or more) found 10; under SEGMENT_DAYS no test reads the days
    rng = np.random.default_rng(17)
    quiet = organic(rng, rng.uniform(3, 30, (1000, 1)), 0.35, 1000)
    y = np.vstack([quiet, organic(rng, 5, 0.35, 30) + irregular(rng, 20, 30)])
    y[1000:, :DAYS - seen] = np.nan
    level = sig.local_level(y, WEEKEND)
    none = np.zeros(len(y), dtype=bool)
    found = fl.floors(y, y, WEEKEND, level, none, none)[1][1000:].sum()
    assert at_least <= found <= at_most


def test_busy_irregular_schedules_are_read_by_the_mixture():
    # 400 pulls a night under 100 organic downloads as noisy as busy Hub models (0.25), a tenth of nights missed and a
    # tenth run twice: the mixture reads and sizes them (v12 ran it under 60 downloads a day only)
    rng = np.random.default_rng(13)
    y = organic(rng, 100, 0.25, 30) + irregular(rng, 400, 30)
    found = sch.schedule_floor(y, sig.local_level(y, WEEKEND), np.ones(len(y), dtype=bool))
    assert (found > 0).sum() >= 25
    assert np.median(found[found > 0]) == pytest.approx(400, rel=0.15)


def straightforward(y: np.ndarray, level: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """v11's schedule_test as merged (42246aa): every row at once, a fresh array per operation."""
    seen = ~np.isnan(y) & ~np.isnan(level)
    count = np.where(seen, y, 0.0).astype(np.int32)
    mean = np.where(seen, np.maximum(level, sch.MIX_MEAN), 1.0).astype(np.float32)
    with np.errstate(invalid="ignore"):
        lvl = np.nan_to_num(sig.nan_median(np.where(seen, level, np.nan), axis=1))
    terms = sch.nb_terms(sch.MIX_SPREADS, int(np.max(count, initial=0)))

    def coefficients(m, spreads):
        for s in spreads:
            r = np.float32(1 / s ** 2)
            denom = np.log(r + m)
            yield r * (np.log(r) - denom), np.log(m) - denom

    def day_sum(day):
        return np.where(seen, day, 0.0).sum(axis=1, dtype=np.float64)

    as_is = [t[count] for t in terms]
    organic = np.max([day_sum(c + at + count * per)
                      for c, (at, per) in zip(as_is, coefficients(mean, sch.MIX_SPREADS), strict=True)], axis=0)
    prior = np.log([sch.MIX_OFF, 1 - 2 * sch.MIX_OFF, sch.MIX_OFF]).astype(np.float32)
    best, size = np.full(len(y), -np.inf), np.zeros(len(y))
    for share in sch.MIX_SHARES:
        floor = np.rint(share * lvl).astype(np.int32)[:, None]
        organic_part = [np.maximum(count - k * floor, -1) for k in range(len(prior))]
        as_float = [c.astype(np.float32) for c in organic_part]
        rest = np.maximum(mean - np.float32(share) * lvl[:, None].astype(np.float32), np.float32(sch.MIX_MEAN))
        every = sch.MIX_EVERY
        for t, missed, (at, per) in zip(terms[::every], as_is[::every],
                                        coefficients(rest, sch.MIX_SPREADS[::every]), strict=True):
            looked_up = [missed] + [t[c] for c in organic_part[1:]]
            day = np.max([p + c + at + f * per for c, f, p in zip(looked_up, as_float, prior, strict=True)], axis=0)
            total = day_sum(day)
            size = np.where(total > best, share * lvl, size)
            best = np.maximum(best, total)
    return best - organic, size


@pytest.mark.parametrize("block", [1, 37, sch.MIX_ROWS])
def test_schedule_test_in_blocks_matches_the_straightforward_computation(monkeypatch, block):
    # bit for bit, ratio and floor, on organic series, launches, wild ones, irregular schedules and unseen days
    rng = np.random.default_rng(block)
    y = np.vstack([organic(rng, rng.uniform(0.2, 60, (300, 1)), 0.35, 300),
                   organic(rng, 8 + 40 * np.exp(-np.arange(DAYS) / 8.0)[None, :], 0.3, 50),
                   organic(rng, 10, 0.8, 50),
                   organic(rng, rng.uniform(1, 6, (100, 1)), 0.35, 100) + irregular(rng, 9, 100)])
    y[rng.random(y.shape) < 0.05] = np.nan
    y[-1] = np.nan
    level = sig.local_level(y, WEEKEND)
    monkeypatch.setattr(sch, "MIX_ROWS", block)
    stat, size = sch.schedule_test(y, level)
    want_stat, want_size = straightforward(y, level)
    assert (want_stat > sch.MIX_CRIT).sum() >= 20  # schedules the test proves are among the rows compared
    np.testing.assert_array_equal(stat, want_stat)
    np.testing.assert_array_equal(size, want_size)
