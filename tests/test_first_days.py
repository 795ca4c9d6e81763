"""A deployment's first 29 days: the 30-day count's days before the first snapshot are organic, never a burst."""

import csv
import datetime as dt

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app import cli
from app.web import STREAMLIT_APP
from collector.sandbox.world import World
from pipelines.checks import evaluate_first_days
from pipelines.checks.simulate import simulate
from pipelines.orchestration import build
from pipelines.serving import export_weekly
from pipelines.steps import denoise, series
from warehouse import paths, publish

APP = str(STREAMLIT_APP)

DAYS = [1, 3, 7, 29]


@pytest.fixture(scope="module")
def deep_world() -> World:
    """A fictional sandbox world with two years of history before its start."""
    return World(seed=7, n_models=800)


@pytest.mark.parametrize("end_day", [60, 35], ids=["today", "mid-history"])
def test_first_days_match_the_full_history(tmp_path, deep_world, end_day):
    end = deep_world.start + dt.timedelta(days=end_day)
    full, *first = evaluate_first_days.first_days(tmp_path, deep_world, DAYS, end, full_days=45, min_downloads=0)
    assert full.listed > 500 and full.derived >= 5 and full.spearman_organic >= 0.95
    for r in first:
        where = f"{r.days} days collected up to {r.as_of}: {r}"
        assert r.as_of == full.as_of, where
        assert r.spearman_organic >= 0.95 and r.spearman_organic > r.spearman_raw, where
        assert r.mdape_large <= 0.10, where
        assert r.false_bursts <= full.false_bursts, where
        assert r.losing_most == 0, where
        assert abs(r.unseen_share - (31 - r.days) / 30) < 0.1, where


def test_days_before_the_first_snapshot_are_organic_not_a_burst(con):
    # a model past its launch: 60,000 downloads in the 30 days before, 500 a day in the 3 days collected
    first = dt.date(2026, 3, 1)
    for day in range(4):
        rows = pd.DataFrame({"as_of": first + dt.timedelta(days=day), "run_id": "r1",
                             "id": ["org/past-launch-7B", "org/steady-7B"],
                             "downloads": [60_000 - 1_000 * day, 3_000],
                             "downloads_all_time": [90_000 + 500 * day, 50_000 + 100 * day]})
        con.register("rows", rows)
        con.execute("INSERT INTO raw_hf_models (as_of, run_id, id, downloads, downloads_all_time) "
                    "SELECT * FROM rows")
        con.unregister("rows")
    build.run_build(con, build.steps_of(series.build, denoise.build))
    noise = con.execute("SELECT model_id, organic_downloads_30d, automation_share, noise_reasons, unseen_share "
                        "FROM int_model_noise ORDER BY 1").fetchall()
    assert noise == [("org/past-launch-7B", 57_000, 0.0, "", pytest.approx(1 - 1_500 / 57_000)),
                     ("org/steady-7B", 3_000, 0.0, "", pytest.approx(0.9))]


def test_three_days_show_the_unseen_share_in_app_and_export(con, home, world):
    simulate(con, world, days=3, details=0)
    build.run_build(con)
    publish.publish(con, paths.serving_file(home))
    model_id, unseen = con.execute("SELECT model_id, unseen_share FROM mart_models WHERE noise_reasons = '' "
                                   "ORDER BY raw_downloads_30d DESC LIMIT 1").fetchone()
    con.close()
    assert 0.8 < unseen < 1  # 2 of the 30 days seen
    assert cli.main(["export", "weekly", "--out", str(home / "out")]) == 0
    with (home / "out" / f"models_{export_weekly.iso_week(world.today)}.csv").open() as handle:
        row = next(r for r in csv.DictReader(handle) if r["model_id"] == model_id)
    assert float(row["unseen_share"]) == pytest.approx(unseen, abs=1e-4)

    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("views/noise.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("of the 30-day downloads fall on days without a daily figure" in e.value for e in at.info)
    assert any("unseen_share" in df.value.columns for df in at.dataframe)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["model"] = model_id
    at.run()
    at.switch_page("views/model.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"{unseen * 100:.0f}% of the 30-day count falls on days without a daily figure" in e.value
               for e in at.caption)
