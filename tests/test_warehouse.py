"""Warehouse: migrations, slices and the run recorder on a real DuckDB file."""

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from collector import http
from warehouse import db, load, migrate, paths, runs

DAY = dt.date(2026, 3, 1)


def test_migrations_apply_once_and_are_recorded(home):
    con = db.connect(paths.warehouse_file(home))
    versions = [v for (v,) in con.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()]
    assert versions == [v for v, _ in migrate.available()]
    assert migrate.migrate(con) == []
    con.close()


def test_replace_slice_replaces_and_never_duplicates(con):
    rows = pd.DataFrame({"as_of": [DAY, DAY], "run_id": ["r1", "r1"], "id": ["a/x", "b/y"], "downloads": [1, 2]})
    load.replace_slice(con, "raw_hf_models", DAY, [rows])
    load.replace_slice(con, "raw_hf_models", DAY, [rows.assign(run_id="r2")])
    got = con.execute("SELECT id, run_id FROM raw_hf_models ORDER BY id").fetchall()
    assert got == [("a/x", "r2"), ("b/y", "r2")]


def test_failed_slice_leaves_previous_rows(con):
    good = pd.DataFrame({"as_of": [DAY], "run_id": ["r1"], "id": ["a/x"], "downloads": [5]})
    load.replace_slice(con, "raw_hf_models", DAY, [good])

    def broken():
        yield pd.DataFrame({"as_of": [DAY], "run_id": ["r2"], "id": ["c/z"], "downloads": [7]})
        raise RuntimeError("page 2 was malformed")

    with pytest.raises(RuntimeError, match="malformed"):
        load.replace_slice(con, "raw_hf_models", DAY, broken())
    assert con.execute("SELECT id, run_id FROM raw_hf_models").fetchall() == [("a/x", "r1")]


def test_run_recorder_records_outcome(con):
    run_id = runs.start_run(con, "hf", "http://127.0.0.1:1", DAY, sandbox=True)
    runs.finish_run(con, run_id, requests=3, retries=1, rows=10, error="boom")
    row = con.execute("SELECT status, requests, retries, rows_written, error, sandbox FROM collection_runs").fetchone()
    assert row == ("failed", 3, 1, 10, "boom", True)


RUN_COLUMNS = "SELECT status, as_of, rows_written, requests, error, repairs, sandbox, finished_at IS NOT NULL"


def test_recorded_run_finishes_ok_with_its_counts(con):
    meter = http.Meter(http.RequestStats(requests=4, retries=1))
    meter.sandbox = True  # as when an answer carried the sandbox header
    with runs.recorded_run(con, "hf", "http://127.0.0.1:1", DAY, secrets=["tok_123"], meter=meter) as run:
        run.rows = 12
        run.repairs.append("page 3 asked with tok_123 was short")
    assert con.execute(f"{RUN_COLUMNS} FROM collection_runs").fetchone() == \
        ("ok", DAY, 12, 4, None, "page 3 asked with *** was short", True, True)
    assert run.run_id.startswith(f"hf-{DAY}-") and run.sandbox


@pytest.mark.parametrize("interrupt", [RuntimeError, KeyboardInterrupt, SystemExit])
def test_recorded_run_fails_on_any_exception_without_the_secrets(con, interrupt):
    secrets = ["ghp_A", None, "hf_B"]
    with pytest.raises(interrupt), runs.recorded_run(con, "github", "http://127.0.0.1:1", DAY, secrets=secrets) as run:
        run.rows = 3
        raise interrupt("sent ghp_A and hf_B to http://127.0.0.1:1")
    status, _, rows, _, error, *_ = con.execute(f"{RUN_COLUMNS} FROM collection_runs").fetchone()
    assert (status, rows) == ("failed", 3)
    assert error == f"{interrupt.__name__}: sent *** and *** to http://127.0.0.1:1"


def test_recorded_run_begun_late_records_the_date_found_or_the_one_given_on_failure(con):
    with runs.recorded_run(con, "hf", "http://127.0.0.1:1", DAY, begin=False) as run:
        assert con.execute("SELECT count(*) FROM collection_runs").fetchone() == (0,)
        run.begin(DAY + dt.timedelta(days=2), sandbox=True)
    with pytest.raises(OSError), runs.recorded_run(con, "hf", "http://127.0.0.1:1", DAY, begin=False):
        raise OSError("nothing answered")
    assert con.execute("SELECT status, as_of, sandbox FROM collection_runs ORDER BY started_at").fetchall() == \
        [("ok", DAY + dt.timedelta(days=2), True), ("failed", DAY, False)]


def test_recorded_run_with_a_problem_fails_without_raising(con):
    with runs.recorded_run(con, "livebench", "http://127.0.0.1:1", DAY) as run:
        run.problem = "2025-12-23: skipped"
    assert con.execute("SELECT status, error FROM collection_runs").fetchone() == ("failed", "2025-12-23: skipped")


def test_abandoned_runs_are_closed_as_failed(con):
    runs.start_run(con, "hf", "http://127.0.0.1:1", DAY)
    assert runs.close_abandoned(con) == 1
    assert con.execute("SELECT status FROM collection_runs").fetchone() == ("failed",)



@pytest.mark.parametrize("opener", ["connect", "connect_read_only"])
def test_no_duckdb_progress_bar_in_output(home, opener):
    db.connect(paths.warehouse_file(home)).close()
    con = getattr(db, opener)(paths.warehouse_file(home))
    try:  # when on, DuckDB draws its bar on stdout for any query over 2 s, even into a pipe or a log file
        assert con.execute("SELECT current_setting('enable_progress_bar')").fetchone()[0] is False
    finally:
        con.close()


def test_tables_are_written_in_row_groups_of_row_group_size(con):
    rows = 2 * db.ROW_GROUP_SIZE + 5
    con.execute(f"CREATE TABLE wide AS SELECT range AS i, 'model-' || range AS id FROM range({rows})")
    groups = con.execute("SELECT row_group_id, max(start + count) - min(start) FROM pragma_storage_info('wide') "
                         "WHERE column_name = 'i' GROUP BY 1 ORDER BY 1").fetchall()
    assert [n for _, n in groups] == [db.ROW_GROUP_SIZE, db.ROW_GROUP_SIZE, 5]


def test_connections_in_one_process_share_the_file_and_release_it_on_close(home):
    first, second = db.connect(paths.warehouse_file(home)), db.connect(paths.warehouse_file(home))
    first.execute("CREATE TABLE shared AS SELECT 42 AS answer")
    first.close()
    assert second.execute("SELECT answer FROM shared").fetchone() == (42,)
    warehouse = paths.warehouse_file(home)
    assert second.execute("SELECT current_setting('temp_directory')").fetchone()[0] == f"{warehouse}.tmp"
    second.close()
    reader = db.connect_read_only(warehouse)  # a second open of the file would be refused while the writer held it
    assert reader.execute("SELECT answer FROM shared").fetchone() == (42,)
    reader.close()
    assert not Path(f"{paths.warehouse_file(home)}.wal").exists()  # closing checkpointed it
