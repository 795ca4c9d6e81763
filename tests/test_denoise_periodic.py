"""The periodic-schedule test on hand-made series: jobs every 2, 3 or 7 days found and sized, organic demand left."""

import numpy as np
import pytest

from pipelines.steps import denoise_floors as fl
from pipelines.steps import denoise_periodic as pp
from pipelines.steps import denoise_signals as sig

DAYS = 45
WEEKEND = (np.arange(DAYS) % 7) >= 5  # day 0 is a Monday
RNG = np.random.default_rng(23)


def organic(n: int) -> np.ndarray:
    """n organic series: levels 3-3,000 a day, log-normal day-to-day spreads 0.05-0.4, weekend dips 0-50%."""
    level = np.exp(RNG.uniform(np.log(3), np.log(3000), n))[:, None]
    demand = level * np.exp(RNG.uniform(0.05, 0.4, n)[:, None] * RNG.standard_normal((n, DAYS)))
    return RNG.poisson(demand * np.where(WEEKEND, 1 - RNG.uniform(0, 0.5, n)[:, None], 1.0)).astype(np.float64)


def job(period: int, phase: int, rate: float) -> np.ndarray:
    """Pulls of a job every `period` days (Poisson, a run missed now and then)."""
    runs = (np.arange(DAYS) % period == phase) & (RNG.random(DAYS) > 0.05)
    return np.where(runs, RNG.poisson(rate, DAYS), 0).astype(np.float64)


def test_organic_demand_has_no_high_phase():
    # p-values of organic series, weekly rhythm included, are valid (Bonferroni makes them conservative), and
    # Benjamini-Hochberg across 3,000 of them rejects none
    y = organic(3000)
    p, _, _ = pp.periodic_p(y, sig.local_level(y, WEEKEND))
    assert (p < 0.05).mean() <= 0.05
    assert (p <= sig.discovery_level(p, pp.PERIODIC_FDR)).sum() == 0


@pytest.mark.parametrize(("period", "rate"), [(2, 40), (3, 150), (7, 600)])
def test_a_job_every_few_days_is_found_and_sized(period, rate):
    # such a job makes a series noisier, not flatter: only the phase of its days shows it
    pulls = job(period, 1, rate)
    y = np.vstack([organic(300), RNG.poisson(30 * np.where(WEEKEND, 0.7, 1.0)) + pulls])
    auto, flag = fl.floors(y, y, WEEKEND, sig.local_level(y, WEEKEND), np.zeros(len(y), bool), np.zeros(len(y), bool))
    assert flag[-1]
    assert auto[-1].sum() == pytest.approx(pulls.sum(), rel=0.15)
    assert (auto[-1][np.arange(DAYS) % period != 1] == 0).all()
