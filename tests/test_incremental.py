"""The daily build keeps the series between builds: built day by day it gives the marts a full rebuild gives."""

import datetime as dt
import logging

import pytest

from collector.sandbox.raw_seed import seed_raw
from collector.sandbox.world import World
from pipelines.orchestration import build, compact
from pipelines.steps import denoise, marts

DAYS = 50
FIRST_BUILD = 31      # days in the first build; the next days are added one build at a time
BREAK = range(38, 46)  # days never collected: day 46 starts a new run


def tables(con) -> dict[str, list]:
    """Every built table the app and the exports read, and the marts' kept first days, as sorted rows (meta without its
    build time)."""
    names = [n for (n,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary "
        "AND (table_name LIKE 'mart\\_%' ESCAPE '\\' OR table_name IN ('int_model_daily', 'int_model_noise', 'meta', "
        "'int_model_first_day'))"
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


def test_day_by_day_builds_across_denoising_blocks_equal_a_full_rebuild(con, caplog):
    seed_raw(con, World(seed=5, n_models=200), 160)
    days = [d for (d,) in con.execute("SELECT DISTINCT as_of FROM raw_hf_models ORDER BY 1").fetchall()]
    # the daily builds cross a calendar block boundary (as_of - 1 is the last day of the series)
    boundary = next(k for k in range(120, len(days)) if denoise.block_of(days[k] - dt.timedelta(1))
                    != denoise.block_of(days[k - 1] - dt.timedelta(1)))
    first_build = boundary - 3
    # models unlisted for 50 days up to a daily build: their span reaches back two blocks; others lack all-time counts
    con.execute("DELETE FROM raw_hf_models WHERE hash(id) % 11 = 0 AND as_of > ? AND as_of < ?",
                [days[boundary - 50], days[boundary + 1]])
    con.execute("UPDATE raw_hf_models SET downloads_all_time = NULL WHERE hash(id) % 13 = 0 AND hash(as_of) % 5 = 0")
    con.execute("CREATE TABLE held AS SELECT * FROM raw_hf_models")
    con.execute("DELETE FROM raw_hf_models WHERE as_of >= ?", [days[first_build]])
    build.run_build(con)
    caplog.set_level(logging.INFO, logger="pipelines.steps.denoise")
    caplog.set_level(logging.INFO, logger="pipelines.steps.marts")
    for day in days[first_build:boundary + 4]:
        add_day(con, day)
        build.run_build(con)
    starts = [r.getMessage() for r in caplog.records if r.getMessage().startswith("de-noising blocks from")]
    assert len(starts) == 7 and all("recomputing the changed ones" in m for m in starts)
    kept_from = {dt.date.fromisoformat(m.split()[3].rstrip(":")) for m in starts}
    assert max(kept_from) >= denoise.block_start(denoise.block_of(days[0]) + 2)  # the two oldest blocks were kept
    # the long gap's span, or a model's series recomputed for a missing all-time count, reopened older blocks
    assert min(kept_from) <= days[boundary - 50]
    assert sum(r.getMessage().startswith("per-day marts kept before") for r in caplog.records) == 7
    daily = tables(con)
    build.run_build(con, full=True)
    full = tables(con)
    for name in full:
        assert daily[name] == full[name], name


def test_kept_first_days_are_reread_from_the_rewritten_days_only(con):
    seed_history(con)
    build.run_build(con)
    first_day = "SELECT model_id, min(day) FROM int_model_daily GROUP BY 1"
    assert sorted(con.execute("SELECT * FROM int_model_first_day").fetchall()) == sorted(
        con.execute(first_day).fetchall())
    since = con.execute("SELECT max(day) - 10 FROM int_model_daily").fetchone()[0]
    old, moved, gone = [m for (m,) in con.execute(
        "(SELECT model_id FROM int_model_first_day WHERE first_day < ? ORDER BY model_id LIMIT 1) UNION ALL "
        "(SELECT model_id FROM int_model_first_day WHERE first_day >= ? AND model_id IN "
        " (SELECT model_id FROM int_model_daily WHERE day > ? GROUP BY 1 HAVING count(*) > 1) "
        " ORDER BY model_id LIMIT 2)",
        [since, since, since]).fetchall()]
    # as the de-noising step rewrites the days from `since` on: one model's first row and another's rows are gone
    con.execute("DELETE FROM int_model_daily WHERE model_id = ? AND day = (SELECT min(day) FROM int_model_daily "
                "WHERE model_id = ?)", [moved, moved])
    con.execute("DELETE FROM int_model_daily WHERE model_id = ?", [gone])
    # a kept first day before `since` is not read again (made wrong here to show it)
    con.execute("UPDATE int_model_first_day SET first_day = first_day - 5 WHERE model_id = ?", [old])
    marts.first_days(con, since)
    kept = dict(con.execute("SELECT * FROM int_model_first_day").fetchall())
    expected = dict(con.execute(first_day).fetchall())
    assert gone not in kept and kept[moved] == expected[moved] > since
    assert kept[old] == expected[old] - dt.timedelta(5)
    assert {m: d for m, d in kept.items() if m != old} == {m: d for m, d in expected.items() if m != old}


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


def test_compacting_old_snapshots_to_parquet_changes_no_result(con, caplog, tmp_path):
    later = seed_history(con)
    build.run_build(con)
    add_day(con, later[0])
    before = con.execute("SELECT count(*) FROM raw_hf_models").fetchone()[0]
    moved = compact.compact(con, tmp_path / "history", keep_days=15)
    assert moved and con.execute("SELECT count(*) FROM raw_hf_models").fetchone()[0] < before
    assert sorted(p.parent.name for p in (tmp_path / "history" / "raw_hf_models").glob("*/data.parquet")) == [
        f"as_of={d}" for d in moved]
    caplog.set_level(logging.INFO, logger="pipelines.steps.series")
    build.run_build(con)
    assert "series extended after" in caplog.text  # the kept series still holds: same slices as before
    for day in later[1:4]:
        add_day(con, day)
        build.run_build(con)
    daily = tables(con)
    build.run_build(con, full=True)
    assert tables(con) == daily
    # the same history never compacted gives the same marts
    con.execute("DROP TABLE compacted_slices")
    con.execute("INSERT INTO raw_hf_models SELECT * FROM held WHERE list_contains(?, as_of)", [moved])
    build.run_build(con, full=True)
    assert tables(con) == daily


def test_a_missing_compacted_file_stops_the_build(con, tmp_path):
    seed_history(con)
    build.run_build(con)
    [first] = compact.compact(con, tmp_path, keep_days=10)[:1]
    (tmp_path / "raw_hf_models" / f"as_of={first}" / "data.parquet").unlink()
    with pytest.raises(FileNotFoundError, match=f"as_of={first}"):
        build.run_build(con)
