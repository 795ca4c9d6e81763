"""Daily download series from consecutive snapshots: gaps, decreases, first sightings, missing all-time."""

import datetime as dt

import pandas as pd

from pipelines.orchestration import build
from pipelines.steps import series as series_step

D = dt.date(2026, 3, 1)
OLD = dt.date(2025, 1, 1)


def load(con, snapshots: list[tuple[str, int, int | None, int | None, dt.date]]) -> None:
    """Insert (model, day offset, 30-day count, all-time count, created) snapshot rows."""
    frame = pd.DataFrame(
        [{"as_of": D + dt.timedelta(k), "run_id": "test", "id": m, "downloads": w, "downloads_all_time": at,
          "created_at": pd.Timestamp(created)} for m, k, w, at, created in snapshots]
    ).astype({"downloads_all_time": "Int64"})
    con.register("snapshots", frame)
    con.execute("INSERT INTO raw_hf_models (as_of, run_id, id, downloads, downloads_all_time, created_at) "
                "SELECT as_of, run_id, id, downloads, downloads_all_time, created_at FROM snapshots")
    con.unregister("snapshots")


def series(con, model: str) -> list[tuple]:
    """(day offset, raw, imputed, decreased) rows of one model."""
    build.run_build(con, build.steps_of(series_step.build))
    rows = con.execute("SELECT day, raw_downloads, imputed, decreased FROM int_model_daily_raw "
                       "WHERE model_id = ? ORDER BY day", [model]).fetchall()
    return [((day - D).days, raw, imputed, decreased) for day, raw, imputed, decreased in rows]


def test_consecutive_snapshots_give_one_exact_day_each(con):
    load(con, [("a/m", k, 300, at, OLD) for k, at in enumerate([100, 110, 125, 125, 140])])
    # the snapshot of day k counts downloads up to day k - 1, so the first difference is day 0
    assert series(con, "a/m") == [(0, 10, False, False), (1, 15, False, False), (2, 0, False, False),
                                  (3, 15, False, False)]


def test_gap_is_spread_over_the_missing_days_and_flagged_imputed(con):
    load(con, [("a/m", 0, 300, 100, OLD), ("a/m", 1, 300, 110, OLD), ("a/m", 5, 300, 141, OLD)])
    rows = series(con, "a/m")
    assert rows == [(0, 10, False, False), (1, 7, True, False), (2, 8, True, False), (3, 8, True, False),
                    (4, 8, True, False)]
    assert sum(r[1] for r in rows[1:]) == 31  # spreading keeps the exact total


def test_decrease_is_flagged_and_never_negative(con):
    load(con, [("a/m", k, 300, at, OLD) for k, at in enumerate([100, 110, 90, 95])])
    assert series(con, "a/m") == [(0, 10, False, False), (1, 0, False, True), (2, 5, False, False)]


def test_first_sighting_mid_series_is_history_not_one_days_demand(con):
    load(con, [("a/base", k, 10, 1000 + k, OLD) for k in range(4)]
         + [("a/late", 2, 5000, 90_000, OLD), ("a/late", 3, 5000, 90_010, OLD)])
    assert series(con, "a/late") == [(2, 10, False, False)]


def test_model_created_during_the_series_books_its_first_count_since_creation(con):
    load(con, [("a/base", k, 10, 1000 + k, OLD) for k in range(4)]
         + [("a/new", 2, 50, 50, D), ("a/new", 3, 60, 60, D)])
    assert series(con, "a/new") == [(0, 25, True, False), (1, 25, True, False), (2, 10, False, False)]


def test_missing_all_time_falls_back_to_the_30_day_count(con):
    load(con, [("a/m", k, 300, None, OLD) for k in range(3)])
    assert series(con, "a/m") == [(0, 10, True, False), (1, 10, True, False)]


def test_missing_all_time_between_known_counts_is_bridged_exactly(con):
    load(con, [("a/m", 0, 300, 100, OLD), ("a/m", 1, 300, None, OLD), ("a/m", 2, 300, None, OLD),
               ("a/m", 3, 300, 133, OLD), ("a/m", 4, 600, None, OLD)])
    # days 0-2 share the exact 33; day 3 (after the last all-time count) uses 600 / 30
    assert series(con, "a/m") == [(0, 11, True, False), (1, 11, True, False), (2, 11, True, False),
                                  (3, 20, True, False)]
