"""The mixture test for irregular schedules at low counts: calibrated on organic series, blind to launches."""

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


@pytest.mark.parametrize(("level", "sigma"), [(6, 0.1), (24, 0.2), (50, 0.3)])
def test_schedule_test_is_calibrated_on_organic_series(level, sigma):
    # MIX_CRIT is a 3-sigma critical value on organic demand of any relative spread: of 6,000 series at most 0.135%
    # (8) above it; a critical value of 6 lets 10 through at 24 a day
    rng = np.random.default_rng(level)
    assert (ratio(organic(rng, level, sigma, 6000)) > sch.MIX_CRIT).sum() <= 8


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
