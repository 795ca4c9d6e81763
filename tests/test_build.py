"""The build runs its steps in order in one transaction and publishes the serving copy atomically."""

import datetime as dt
import logging
import subprocess
import sys

import duckdb
import pandas as pd
import pytest
from hub_rows import hub_snapshot

from app import cli
from pipelines import profiles
from pipelines.checks.simulate import simulate
from pipelines.orchestration import build, up
from pipelines.steps import denoise, series
from warehouse import db, paths, publish

D = dt.date(2026, 3, 1)


def mart_from_raw(con, config) -> None:
    """A stand-in mart step: one row per model of the latest snapshot."""
    con.execute("CREATE OR REPLACE TABLE mart_models AS SELECT id AS model_id, downloads FROM raw_hf_models "
                "WHERE as_of = (SELECT max(as_of) FROM raw_hf_models)")


def broken(con, config) -> None:
    """A step that fails after writing."""
    con.execute("CREATE OR REPLACE TABLE mart_models AS SELECT 'half-built' AS model_id")
    raise ValueError("column 'x' is not numeric")


MART = build.Step(mart_from_raw, ("mart_models",))


def snapshot(con, day: dt.date, downloads: dict[str, int], run_id: str = "r1") -> None:
    """Insert one raw_hf_models slice."""
    frame = pd.DataFrame({"as_of": day, "run_id": run_id, "id": list(downloads),
                          "downloads": list(downloads.values()), "downloads_all_time": list(downloads.values())})
    con.register("frame", frame)
    con.execute("DELETE FROM raw_hf_models WHERE as_of = ?", [day])
    con.execute("INSERT INTO raw_hf_models (as_of, run_id, id, downloads, downloads_all_time) SELECT * FROM frame")
    con.unregister("frame")


def serving_rows(home) -> list[tuple]:
    """mart_models of the serving copy, read in a separate process as the app would."""
    code = ("import duckdb, sys; c = duckdb.connect(sys.argv[1], read_only=True); "
            "print(sorted(c.execute('SELECT * FROM mart_models').fetchall()))")
    out = subprocess.run([sys.executable, "-c", code, str(paths.serving_file(home))], capture_output=True, text=True,
                         check=True)
    return eval(out.stdout)


def test_steps_run_in_order_and_report_rows(con):
    snapshot(con, D, {"a/x": 5, "b/y": 7})
    snapshot(con, D + dt.timedelta(1), {"a/x": 8, "b/y": 7})
    report = build.run_build(con, [*build.steps_of(series.build), MART])
    assert [s.name.split(":")[-1] for s in report.steps] == ["build", "mart_from_raw"]
    assert report.steps[0].rows == {"int_model_daily_raw": 2}
    assert report.steps[1].rows == {"mart_models": 2}
    inputs = dict(con.execute("SELECT * FROM build_inputs").fetchall())
    assert inputs["inputs_hash"] == report.inputs_hash


def test_the_build_list_names_every_table_the_build_creates(con, world):
    simulate(con, world, days=3, start=world.today - dt.timedelta(3), details=0)
    before = build.table_names(con)
    first = build.run_build(con)  # every table recomputed
    simulate(con, world, days=1, start=world.today, details=0)
    daily = build.run_build(con)  # the daily path: kept state extended (its own scratch tables)
    for step, *reports in zip(build.STEPS, first.steps, daily.steps, strict=True):
        declared = {*step.tables, *step.state, *step.scratch}
        created = {t for done in reports for t in done.created}
        assert created <= declared, step.name  # each table under the step that makes it
        assert declared - created <= before, step.name  # all made, bar tables migrations create
        assert not set(step.scratch) & build.table_names(con), step.name  # scratch dropped after its step
    assert set(build.OWN_TABLES) <= build.table_names(con) - before
    listed = [t for step in build.STEPS for t in (*step.tables, *step.state, *step.scratch)]
    assert len(listed) == len(set(listed))  # made by one step only


def test_inputs_hash_changes_with_what_the_build_reads(con, tmp_path):
    config = profiles.load()
    snapshot(con, D, {"a/x": 5})
    first = build.inputs_hash(con, config)
    assert build.inputs_hash(con, profiles.load()) == first
    snapshot(con, D, {"a/x": 5}, run_id="r2")  # the same slice collected again
    second = build.inputs_hash(con, config)
    snapshot(con, D + dt.timedelta(1), {"a/x": 6}, run_id="r2")
    third = build.inputs_hash(con, config)
    reweighed = tmp_path / "profiles.toml"
    reweighed.write_text(profiles.DEFAULT_FILE.read_text().replace("capability = 0.70", "capability = 0.60")
                         .replace("[profiles.capability]\nadoption = 0.10", "[profiles.capability]\nadoption = 0.20"))
    assert len({first, second, third, build.inputs_hash(con, profiles.load(reweighed))}) == 4


def test_up_rebuilds_data_published_by_other_code(home, con):
    hub_snapshot(con, [{"id": "a/a"}, {"id": "a/b"}])
    said = []
    up._build(home, con, None, said.append, "[6/7]", "Building and publishing...")
    served = db.connect_serving(paths.serving_file(home))
    assert served.execute("SELECT value FROM meta WHERE key = 'code_hash'").fetchone() == (build.code_hash(),)
    served.close()
    served = duckdb.connect(str(paths.serving_file(home)))  # as published by an earlier version of the pipelines
    served.execute("UPDATE meta SET value = 'older-code' WHERE key = 'code_hash'")
    served.close()
    up._build(home, con, None, said.append, "[6/7]", "Building and publishing...")
    up._build(home, con, None, said.append, "[6/7]", "Building and publishing...")
    assert [s for s in said if s.startswith("[6/7]")] == [
        "[6/7] Building and publishing...", "[6/7] Building and publishing...",
        "[6/7] Build: the published data is up to date"]


def test_up_rebuilds_when_the_profiles_change_and_only_then(home, con, tmp_path):
    hub_snapshot(con, [{"id": "a/a"}, {"id": "a/b"}])
    reweighed = tmp_path / "profiles.toml"
    reweighed.write_text(profiles.DEFAULT_FILE.read_text().replace(
        "[profiles.balanced]\nadoption = 0.20\ncohort_adoption = 0.10\nmomentum = 0.15",
        "[profiles.balanced]\nadoption = 0.30\ncohort_adoption = 0.10\nmomentum = 0.05"))
    said = []
    for profiles_file in (None, None, reweighed, reweighed):
        up._build(home, con, profiles_file, said.append, "[6/7]", "Building and publishing...")
    assert [s for s in said if s.startswith("[6/7]")] == [
        "[6/7] Building and publishing...", "[6/7] Build: the published data is up to date",
        "[6/7] Building and publishing...", "[6/7] Build: the published data is up to date"]
    served = db.connect_serving(paths.serving_file(home))
    weight = served.execute("SELECT weight FROM mart_profile_weights WHERE profile = 'balanced' "
                            "AND component = 'adoption'").fetchone()
    served.close()
    assert weight == (0.30,)


def test_failing_step_keeps_warehouse_and_serving_copy(home, con):
    snapshot(con, D, {"a/x": 5})
    build.run_build(con, [MART])
    publish.publish(con, paths.serving_file(home))
    snapshot(con, D + dt.timedelta(1), {"a/x": 9, "c/z": 1})
    with pytest.raises(build.BuildError, match=r"test_build:broken' failed: column 'x' is not numeric"):
        build.run_build(con, [MART, build.Step(broken, ())])
    assert con.execute("SELECT * FROM mart_models").fetchall() == [("a/x", 5)]
    assert serving_rows(home) == [("a/x", 5)]


def test_a_daily_build_runs_under_its_memory_limit_which_is_restored_after(con):
    limit = "SELECT current_setting('memory_limit')"
    before = con.execute(limit).fetchall()[0][0]
    scratch = duckdb.connect()
    scratch.execute(f"SET memory_limit = '{build.DAILY_SETTINGS['memory_limit']}'")
    seen = []
    probe = build.Step(lambda con, config: seen.append(con.execute(limit).fetchall()[0][0]), ())
    snapshot(con, D, {"a/x": 5})
    steps = [*build.steps_of(series.build), MART, probe]
    build.run_build(con, steps)  # the first build: nothing kept yet, every snapshot read
    build.run_build(con, steps)
    build.run_build(con, steps, full=True)
    bounded = scratch.execute(limit).fetchall()[0][0]
    assert seen == [before, bounded, before] and bounded != before
    assert con.execute(limit).fetchall()[0][0] == before
    with pytest.raises(build.BuildError):
        build.run_build(con, [MART, build.Step(broken, ())])
    assert con.execute(limit).fetchall()[0][0] == before


def test_released_table_blocks_are_given_back_and_temporary_tables_stay_in_memory(con):
    def held(tag: str) -> tuple[int, int]:
        return con.execute("SELECT memory_usage_bytes, temporary_storage_bytes FROM duckdb_memory() WHERE tag = ?",
                           [tag]).fetchall()[0]

    con.execute(f"SET memory_limit = '{build.DAILY_SETTINGS['memory_limit']}'")
    con.execute("CREATE TABLE wide AS SELECT range AS i, md5(range::VARCHAR) AS s FROM range(3000000)")
    con.execute("CHECKPOINT")
    con.execute("CREATE TEMP TABLE kept AS SELECT range AS i, md5(range::VARCHAR) AS s FROM range(200000)")
    summed = con.execute("SELECT sum(i), count(DISTINCT s) FROM wide").fetchall()
    cached, temporary = held("BASE_TABLE"), held("IN_MEMORY_TABLE")
    assert cached[0] > 48 * 2**20 and temporary[0] > 5 * 2**20
    limit = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    build.release_table_blocks(con)
    assert held("BASE_TABLE")[0] < cached[0] / 4
    assert held("IN_MEMORY_TABLE") == temporary and temporary[1] == 0  # not spilled to disk
    assert con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0] == limit
    assert con.execute("SELECT sum(i), count(DISTINCT s) FROM wide").fetchall() == summed
    assert con.execute("SELECT count(*) FROM kept").fetchall() == [(200000,)]


def test_empty_warehouse_builds_typed_empty_tables(con):
    build.run_build(con, build.steps_through(denoise.build))
    types = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'int_model_noise'"
                             ).fetchall())
    assert types["model_id"] == "VARCHAR" and types["noise_reasons"] == "VARCHAR"
    assert con.execute("SELECT count(*) FROM int_model_daily").fetchall() == [(0,)]


def test_a_single_snapshot_builds_without_guessing_automation(con):
    snapshot(con, D, {"a/x": 300, "hf-internal-testing/tiny-random-X": 500})
    build.run_build(con, build.steps_through(denoise.build))
    rows = con.execute("SELECT model_id, organic_downloads_30d, noise_reasons FROM int_model_noise ORDER BY 1"
                       ).fetchall()
    assert rows == [("a/x", 300, ""), ("hf-internal-testing/tiny-random-X", 0, "test_fixture")]


def test_missing_sql_file_is_named(con):
    with pytest.raises(build.BuildError, match=r"'mart_nothing' has no SQL file; expected .*mart_nothing.sql"):
        build.run_build(con, [build.sql("mart_nothing")])


def test_reader_connected_during_a_build_keeps_working(home, con):
    snapshot(con, D, {"a/x": 5})
    build.run_build(con, [MART])
    publish.publish(con, paths.serving_file(home))
    reader = db.connect_serving(paths.serving_file(home))
    snapshot(con, D + dt.timedelta(1), {"a/x": 9, "c/z": 1})
    build.run_build(con, [MART])
    publish.publish(con, paths.serving_file(home))  # the open reader neither blocks the writer nor breaks
    assert reader.execute("SELECT * FROM mart_models").fetchall() == [("a/x", 5)]
    reader.close()
    assert serving_rows(home) == [("a/x", 9), ("c/z", 1)]


def test_publish_copies_marts_runs_and_meta_only(con, home):
    con.execute("CREATE TABLE mart_models AS SELECT 'a/x' AS model_id")
    con.execute("CREATE TABLE meta (key VARCHAR, value VARCHAR)")
    con.execute("CREATE TABLE int_scratch AS SELECT 1 AS n")
    publish.publish(con, paths.serving_file(home))
    served = duckdb.connect(str(paths.serving_file(home)), read_only=True)
    assert sorted(t for (t,) in served.execute("SHOW TABLES").fetchall()) == [
        "collection_runs", "mart_models", "meta", publish.STATE]
    served.close()
    assert sorted(p.name for p in home.iterdir() if "serving" in p.name) == ["serving.duckdb"]


def test_build_command_builds_and_publishes(home, capsys):
    con = db.connect(paths.warehouse_file(home))
    snapshot(con, D, {"a/x": 5})
    snapshot(con, D + dt.timedelta(1), {"a/x": 8})
    con.execute("INSERT INTO collection_runs (run_id, source, endpoint, as_of, started_at, status, sandbox) "
                "VALUES ('r1', 'hf', 'http://127.0.0.1:1', ?, now(), 'ok', true)", [D])
    con.close()
    assert cli.main(["build"]) == 0
    out = capsys.readouterr().out
    assert "int_model_daily_raw" in out and "published" in out and "SANDBOX" in out
    assert paths.serving_file(home).exists()


def test_build_command_reads_the_profiles_file_named_in_the_environment(home, tmp_path, monkeypatch):
    con = db.connect(paths.warehouse_file(home))
    snapshot(con, D, {"a/x": 5})
    snapshot(con, D + dt.timedelta(1), {"a/x": 8})
    con.close()
    custom = tmp_path / "mine.toml"
    custom.write_text(profiles.DEFAULT_FILE.read_text().replace('default_profile = "balanced"',
                                                                 'default_profile = "adoption"'))
    monkeypatch.setenv("REVEALED_PROFILES", str(custom))
    assert cli.main(["build"]) == 0
    served = duckdb.connect(str(paths.serving_file(home)), read_only=True)
    assert served.execute("SELECT value FROM meta WHERE key = 'default_profile'").fetchone() == ("adoption",)
    served.close()
    custom.write_text("default_profile = 3\n")
    assert cli.main(["build"]) == 1  # a bad file named in the environment stops the build, the copy is kept
    served = duckdb.connect(str(paths.serving_file(home)), read_only=True)
    assert served.execute("SELECT value FROM meta WHERE key = 'default_profile'").fetchone() == ("adoption",)
    served.close()


def test_build_command_extends_the_series_unless_full(home, caplog):
    con = db.connect(paths.warehouse_file(home))
    snapshot(con, D, {"a/x": 5})
    snapshot(con, D + dt.timedelta(1), {"a/x": 8})
    con.close()
    caplog.set_level(logging.INFO, logger="pipelines.steps.series")
    assert cli.main(["build"]) == 0
    con = db.connect(paths.warehouse_file(home))
    snapshot(con, D + dt.timedelta(2), {"a/x": 12})
    con.close()
    assert cli.main(["build"]) == 0
    assert f"series extended after {D + dt.timedelta(1)}" in caplog.text
    assert cli.main(["build", "--full"]) == 0
    assert "series recomputed from every snapshot: a full build" in caplog.text
    con = db.connect(paths.warehouse_file(home))
    assert con.execute("SELECT day, raw_downloads FROM int_model_daily ORDER BY day").fetchall() == [
        (D, 3), (D + dt.timedelta(1), 4)]
    con.close()


def test_build_of_an_empty_folder_is_refused_and_creates_nothing(home, capsys):
    assert cli.main(["build"]) == 1
    err = capsys.readouterr().err
    assert f"no warehouse at {paths.warehouse_file(home)}" in err and "revealed up" in err
    assert list(home.iterdir()) == []


def test_build_of_a_warehouse_without_snapshots_publishes_nothing(con, home, capsys):
    con.close()
    assert cli.main(["build"]) == 1
    err = capsys.readouterr().err
    assert "would publish nothing" in err and "nothing was published yet" in err and "revealed up" in err
    assert not paths.serving_file(home).exists()


def test_a_build_that_would_publish_nothing_keeps_the_last_good_copy(home, con):
    snapshot(con, D, {"a/x": 5})
    build.run_build(con, [MART])
    publish.publish(con, paths.serving_file(home))
    con.execute("DELETE FROM raw_hf_models")
    build.run_build(con, [MART])
    serving = paths.serving_file(home)
    with pytest.raises(publish.NothingToPublish, match=f"the last good serving copy {serving} is kept"):
        publish.publish(con, serving)
    assert serving_rows(home) == [("a/x", 5)]
