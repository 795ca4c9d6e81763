"""A deployment's first 29 days: the 30-day count's days before the first snapshot are organic, never a burst."""

import datetime as dt

import pytest

from collector.sandbox.world import World
from pipelines import evaluate_first_days

DAYS = [1, 3, 7, 29]


@pytest.fixture(scope="module")
def world() -> World:
    """A fictional sandbox world with two years of history before its start."""
    return World(seed=7, n_models=800)


@pytest.mark.parametrize("end_day", [60, 35], ids=["today", "mid-history"])
def test_first_days_match_the_full_history(tmp_path, world, end_day):
    end = world.start + dt.timedelta(days=end_day)
    full, *first = evaluate_first_days.first_days(tmp_path, world, DAYS, end, full_days=45, min_downloads=0)
    assert full.listed > 500 and full.derived >= 5 and full.spearman_organic >= 0.95
    for r in first:
        where = f"{r.days} days collected up to {r.as_of}: {r}"
        assert r.as_of == full.as_of, where
        assert r.spearman_organic >= 0.95 and r.spearman_organic > r.spearman_raw, where
        assert r.mdape_large <= 0.10, where
        assert r.false_bursts <= full.false_bursts, where
        assert r.losing_most == 0, where
        assert abs(r.unseen_share - (31 - r.days) / 30) < 0.1, where
