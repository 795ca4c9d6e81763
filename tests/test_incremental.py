"""The daily build keeps the series between builds: built day by day it gives the marts a full rebuild gives."""

import datetime as dt
import logging

from collector.sandbox.raw_seed import seed_raw
from collector.sandbox.world import World
from pipelines.orchestration import build

DAYS = 50
FIRST_BUILD = 31      # days in the first build; the next days are added one build at a time
BREAK = range(38, 46)  # days never collected: day 46 starts a new run


def tables(con) -> dict[str, list]:
    """Every built table the app and the exports read, as sorted rows (meta without its build time)."""
    names = [n for (n,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary "
        "AND (table_name LIKE 'mart\\_%' ESCAPE '\\' OR table_name IN ('int_model_daily', 'int_model_noise', 'meta'))"
    ).fetchall()]
    out = {}
    for name in names:
        rows = con.execute(f'SELECT * FROM "{name}"').fetchall()
        if name == "meta":
            rows = [r for r in rows if r[0] != "built_at"]
        out[name] = sorted(rows, key=repr)
    return out


def seed_history(con) -> list[dt.date]:
    """A 300-model world's snapshots with gaps, missing all-time counts and a run break, held back in `held`."""
    seed_raw(con, World(seed=11, n_models=300), DAYS)
    days = [d for (d,) in con.execute("SELECT DISTINCT as_of FROM raw_hf_models ORDER BY 1").fetchall()]
    gone = [days[k] for k in BREAK]
    con.execute("DELETE FROM raw_hf_models WHERE list_contains(?, as_of)", [gone])
    # models missing from some snapshots (gaps crossing the first build's end) and without all-time counts
    con.execute("DELETE FROM raw_hf_models WHERE hash(id) % 9 = 0 AND as_of BETWEEN ? AND ?", [days[28], days[33]])
    con.execute("UPDATE raw_hf_models SET downloads_all_time = NULL WHERE hash(id) % 13 = 0 AND hash(as_of) % 3 = 0")
    con.execute("UPDATE raw_hf_models SET downloads_all_time = NULL WHERE hash(id) % 17 = 1 AND as_of = ?", [days[-1]])
    con.execute("CREATE TABLE held AS SELECT * FROM raw_hf_models")
    con.execute("DELETE FROM raw_hf_models WHERE as_of >= ?", [days[FIRST_BUILD]])
    return [d for d in days[FIRST_BUILD:] if d not in gone]


def add_day(con, day: dt.date) -> None:
    """Collect one held-back snapshot."""
    con.execute("INSERT INTO raw_hf_models SELECT * FROM held WHERE as_of = ?", [day])


def test_day_by_day_builds_equal_a_full_rebuild(con, caplog):
    later = seed_history(con)
    first_missing = "SELECT min(as_of) FROM held WHERE downloads_all_time IS NULL GROUP BY id"
    missing_from = {d for (d,) in con.execute(first_missing).fetchall()}
    assert min(missing_from) < later[0] <= max(missing_from)  # stored and newly patchy series
    build.run_build(con)
    caplog.set_level(logging.INFO, logger="pipelines.steps.series")
    for day in later:
        add_day(con, day)
        build.run_build(con)
    extended = [r.getMessage() for r in caplog.records if r.getMessage().startswith("series extended")]
    assert len(extended) == len(later)
    daily = tables(con)
    assert daily["int_model_daily"] and daily["mart_models"]
    build.run_build(con, full=True)
    assert "series recomputed from every snapshot: a full build" in caplog.text
    full = tables(con)
    assert daily.keys() == full.keys()
    for name in full:
        assert daily[name] == full[name], name


def test_a_replaced_old_snapshot_recomputes_the_series(con, caplog):
    later = seed_history(con)
    build.run_build(con)
    add_day(con, later[0])
    first = con.execute("SELECT min(as_of) FROM raw_hf_models").fetchone()[0]
    con.execute("UPDATE raw_hf_models SET downloads_all_time = downloads_all_time + 1000, run_id = 'again' "
                "WHERE as_of = ?", [first + dt.timedelta(3)])
    caplog.set_level(logging.INFO, logger="pipelines.steps.series")
    build.run_build(con)
    assert "series recomputed from every snapshot: a snapshot it read changed" in caplog.text
    daily = tables(con)
    build.run_build(con, full=True)
    assert tables(con) == daily
