"""Exports: weekly CSV columns, order, week checks and data_kind; Parquet history round trip."""

import csv
import datetime as dt
import shutil

import duckdb
import pyarrow.dataset as ds
import pytest
import sandbox_built
from hub_rows import AS_OF, hub_snapshot, upstream_noise

from app import cli
from pipelines.checks import simulate
from pipelines.orchestration import build
from pipelines.serving import export_weekly
from pipelines.steps import lineage, marts, scoring
from warehouse import paths, publish

WEEK = "2026-W44"  # AS_OF 2026-11-01 is the Sunday of ISO week 44


def published(home, con, sandbox: bool = True) -> None:
    """Two snapshots, upstream tables, a build and a published serving copy; the warehouse is closed after."""
    for day in (AS_OF - dt.timedelta(days=1), AS_OF):
        hub_snapshot(con, [{"id": "b/base"}, {"id": "u/ft", "parents": [("finetune", "b/base")]},
                           {"id": "u/q", "parents": [("quantized", "u/ft")], "params": None}], as_of=day,
                     sandbox=sandbox)
    upstream_noise(con, {"b/base": 3000, "u/ft": 400, "u/q": 2})
    build.run_build(con, build.steps_of(lineage.build, scoring.build, marts.build))
    publish.publish(con, paths.serving_file(home))
    con.close()


def read_csv(path):
    """Header and rows of a CSV file."""
    with path.open() as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def test_weekly_columns_order_and_sandbox_flag(con, home, capsys):
    published(home, con)
    assert cli.main(["export", "weekly", "--out", str(home / "out")]) == 0
    header, rows = read_csv(home / "out" / f"models_{WEEK}.csv")
    assert header == [*export_weekly.MODEL_COLUMNS, "data_kind"]
    required = ("model_id,family,rank,rank_low,rank_high,composite,raw_downloads_30d,organic_downloads_30d,"
                "automation_share,noise_reasons,derivatives_finetune,derivatives_quantized,derivatives_adapter,"
                "derivatives_merge,active_derivatives,github_stars,clean_score,clean_source,legacy_score,"
                "contamination_gap,license,params_b,as_of_hf,as_of_github,as_of_benchmarks,methodology_version,"
                "inputs_hash")
    assert ",".join(header).startswith(required + ",")
    assert len(rows) == 3 and {r[-1] for r in rows} == {"sandbox"}
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in rows}
    assert by_id["b/base"]["as_of_hf"] == "2026-11-01" and by_id["b/base"]["organic_downloads_30d"] == "3000"
    assert by_id["b/base"]["derivatives_finetune"] == "1" and by_id["u/q"]["params_b"] == ""
    assert by_id["b/base"]["params_b"] == "7.0" and by_id["b/base"]["automation_share"] == "0.2"
    assert by_id["b/base"]["pipeline_tag"] == "text-generation" and by_id["b/base"]["open_weight"] == "true"
    assert all(len(r["composite"].partition(".")[2]) <= 2 for r in by_id.values())
    fam_header, fam_rows = read_csv(home / "out" / f"families_{WEEK}.csv")
    assert fam_header == [*export_weekly.FAMILY_COLUMNS, "data_kind"]
    assert [r[0] for r in fam_rows] == ["b/base"] and fam_rows[0][-1] == "sandbox"
    assert "SANDBOX" in capsys.readouterr().out
    assert not list((home / "out").glob(".*"))  # no temporary files left


def test_weekly_live_and_explicit_week(con, home):
    published(home, con, sandbox=False)
    assert cli.main(["export", "weekly", "--out", str(home / "out"), "--week", WEEK]) == 0
    _, rows = read_csv(home / "out" / f"models_{WEEK}.csv")
    assert {r[-1] for r in rows} == {"live"}


def test_weekly_week_without_data_is_a_clear_error(con, home, capsys):
    published(home, con)
    assert cli.main(["export", "weekly", "--out", str(home / "out"), "--week", "2026-W01"]) == 1
    err = capsys.readouterr().err
    assert f"no data for week 2026-W01: the weeks with data are {WEEK}" in err
    assert not (home / "out").exists() or not list((home / "out").iterdir())


def test_weekly_default_folder_is_the_homes_exports(con, home, tmp_path, monkeypatch):
    published(home, con)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert cli.main(["export", "weekly"]) == 0
    assert (home / "exports" / f"models_{WEEK}.csv").exists() and not (elsewhere / "exports").exists()


def test_weekly_any_stored_week_is_rebuilt_as_of_its_last_day(tmp_path, monkeypatch, capsys):
    built = sandbox_built.built_home()
    for name in ("revealed.duckdb", "serving.duckdb"):
        shutil.copy(built / name, tmp_path / name)
    monkeypatch.setenv("REVEALED_HOME", str(tmp_path))
    warehouse = duckdb.connect(str(tmp_path / "revealed.duckdb"), read_only=True)
    days = [d for (d,) in warehouse.execute("SELECT DISTINCT as_of FROM raw_hf_models ORDER BY 1").fetchall()]
    before = warehouse.execute("SELECT count(*), max(as_of) FROM raw_hf_models").fetchall()
    warehouse.close()
    week = export_weekly.iso_week(days[-1] - dt.timedelta(days=7))
    last = max(d for d in days if export_weekly.iso_week(d) == week)
    assert cli.main(["export", "weekly", "--week", week]) == 0
    header, rows = read_csv(tmp_path / "exports" / f"models_{week}.csv")
    assert header == [*export_weekly.MODEL_COLUMNS, "data_kind"] and len(rows) > 100
    column = dict(zip(header, zip(*rows, strict=True), strict=True))
    assert set(column["as_of_hf"]) == {str(last)} and set(column["data_kind"]) == {"sandbox"}
    assert column["rank"][0] == "1"
    _, families = read_csv(tmp_path / "exports" / f"families_{week}.csv")
    assert families and "SANDBOX" in capsys.readouterr().out
    warehouse = duckdb.connect(str(tmp_path / "revealed.duckdb"), read_only=True)
    assert warehouse.execute("SELECT count(*), max(as_of) FROM raw_hf_models").fetchall() == before  # untouched
    warehouse.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exports", "revealed.duckdb", "revealed.lock",
                                                           "serving.duckdb"]  # no scratch copy left


@pytest.mark.parametrize("week", ["2026-47", "2026-W60", "26-W01", "2026-W1"])
def test_weekly_bad_week_format(home, capsys, week):
    with pytest.raises(SystemExit) as stop:
        cli.main(["export", "weekly", "--week", week])
    assert stop.value.code == 2
    assert f"{week!r} is not an ISO week; expected YYYY-Www" in capsys.readouterr().err


def test_weekly_without_a_build(home, capsys):
    assert cli.main(["export", "weekly", "--out", str(home / "out")]) == 1
    assert "run 'revealed up' first" in capsys.readouterr().err


def test_parquet_round_trip(con, home, capsys):
    published(home, con)
    out = home / "pq"
    for _ in range(2):  # a second export replaces the first, never duplicates
        assert cli.main(["export", "parquet", "--out", str(out)]) == 0
    assert "NOTE: SANDBOX data" in capsys.readouterr().out
    warehouse = duckdb.connect(str(home / "revealed.duckdb"), read_only=True)
    for folder, table, key in (("raw_hf_models", "raw_hf_models", "as_of"), ("model_daily", "int_model_daily", "day"),
                               ("model_noise", "int_model_noise", "as_of")):
        back = f"read_parquet('{out}/{folder}/*/*.parquet', hive_partitioning = true)"
        columns = [c for (c,) in warehouse.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND column_name <> 'payload' "
            "ORDER BY column_index", [table]).fetchall()]
        cols = ", ".join(columns)
        diff = warehouse.execute(f"SELECT count(*) FROM ((SELECT {cols} FROM {table} EXCEPT ALL SELECT {cols} FROM "
                                 f"{back}) UNION ALL (SELECT {cols} FROM {back} EXCEPT ALL SELECT {cols} FROM "
                                 f"{table}))").fetchall()[0][0]
        assert diff == 0, table
        kinds = warehouse.execute(f"SELECT DISTINCT data_kind FROM {back}").fetchall()
        assert kinds == [("sandbox",)]
        dataset = ds.dataset(out / folder, format="parquet", partitioning="hive")
        assert dataset.count_rows() == warehouse.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        assert "as_of" in dataset.schema.names and "payload" not in dataset.schema.names
        assert key in dataset.schema.names
    partitions = sorted(p.name for p in (out / "raw_hf_models").iterdir())
    assert partitions == ["as_of=2026-10-31", "as_of=2026-11-01"]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_parquet_with_nothing_collected(con, home, capsys):
    con.close()
    assert cli.main(["export", "parquet", "--out", str(home / "pq")]) == 1
    assert "raw_hf_models is empty" in capsys.readouterr().err


def test_sandbox_end_to_end(con, home, world):
    simulate.simulate(con, world, days=16, min_downloads=0, details=0)
    build.run_build(con)  # the whole build as `revealed build` runs it
    publish.publish(con, paths.serving_file(home))
    week = export_weekly.iso_week(world.today)
    con.close()
    assert cli.main(["export", "weekly", "--out", str(home / "out")]) == 0
    header, rows = read_csv(home / "out" / f"models_{week}.csv")
    models = [dict(zip(header, r, strict=True)) for r in rows]
    assert {m["data_kind"] for m in models} == {"sandbox"}
    ranked = [m for m in models if m["rank"]]
    assert len(ranked) > 100 and [int(m["rank"]) for m in ranked] == list(range(1, len(ranked) + 1))
    assert all(int(m["rank_low"]) <= int(m["rank"]) <= int(m["rank_high"]) for m in ranked)
    assert all(int(m["organic_downloads_30d"]) <= int(m["raw_downloads_30d"]) for m in models)
    truth = world.models.set_index("id")["family"]
    assert all(m["family"] == truth[m["model_id"]] for m in models)
    _, families = read_csv(home / "out" / f"families_{week}.csv")
    assert len(families) == len({m["family"] for m in models})
