"""`revealed import hub-snapshot`: the real archived listings, JSON items, malformed files, months-apart builds."""

import collections
import csv
import datetime as dt
import json

import duckdb
import pytest
from conftest import SHARED_DATA
from streamlit.testing.v1 import AppTest
from test_series import load, series

from app import cli
from app.web import STREAMLIT_APP
from collector.hf import snapshot as hub_snapshot
from pipelines import profiles
from pipelines.serving import format as fmt
from pipelines.serving.export_parquet import export_parquet
from pipelines.steps.sql_step import run_sql_step
from warehouse import db, paths, status

HF = SHARED_DATA / "hf"
DATES = ("2022-07-02", "2022-10-01", "2024-07-11")


def csv_file(date: str):
    return HF / f"hub_models_{date}.csv"


def downloads_in(date: str, model: str) -> int:
    """The 30-day downloads of one model as the archived CSV has it (read with the csv module)."""
    with csv_file(date).open(newline="") as f:
        return next(int(r["downloads_30d"]) for r in csv.DictReader(f) if r["id"] == model)


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """A home with the three real snapshots imported through the CLI and built."""
    home = tmp_path_factory.mktemp("import-home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REVEALED_HOME", str(home))
        for date in DATES:
            assert cli.main(["import", "hub-snapshot", str(csv_file(date)), "--as-of", date]) == 0
        assert cli.main(["build"]) == 0
        con = db.connect(paths.warehouse_file(home))
        yield con
        con.close()


def test_each_archive_is_a_recorded_hf_run_naming_its_file(imported):
    runs = imported.execute("SELECT as_of::VARCHAR, source, endpoint, status, rows_written, sandbox "
                            "FROM collection_runs ORDER BY as_of").fetchall()
    rows = {d: sum(1 for _ in csv.DictReader(csv_file(d).open(newline=""))) for d in DATES}
    assert runs == [(d, "hf", csv_file(d).resolve().as_uri(), "ok", rows[d], False) for d in DATES]


def test_thirty_day_downloads_at_each_date_match_the_files_and_the_spot_checks(imported):
    got = dict(imported.execute("SELECT as_of::VARCHAR, downloads FROM raw_hf_models WHERE id IN "
                                "('bert-base-uncased', 'google-bert/bert-base-uncased')").fetchall())
    # the model moved to google-bert/ in 2024; ../shared/data/README.md's spot checks: 20.4M, 31.9M, 51.3M
    assert got == {"2022-07-02": downloads_in("2022-07-02", "bert-base-uncased"),
                   "2022-10-01": downloads_in("2022-10-01", "bert-base-uncased"),
                   "2024-07-11": downloads_in("2024-07-11", "google-bert/bert-base-uncased")}
    assert [round(got[d] / 1e6, 1) for d in DATES] == [20.4, 31.9, 51.3]


def filled(date: str, column: str) -> int:
    """How many rows of an archived CSV have a non-empty `column` (0 when the layout lacks it)."""
    with csv_file(date).open(newline="") as f:
        return sum(1 for r in csv.DictReader(f) if r.get(column))


def test_columns_an_archive_lacks_are_null_not_zero(imported):
    per_date = imported.execute("""
        SELECT as_of::VARCHAR, count(likes), count(downloads_all_time), count(created_at), count(library_name),
               count(tags) = count(*), count(base_models) = count(*)
        FROM raw_hf_models GROUP BY 1 ORDER BY 1""").fetchall()
    # 2022 has no likes; no archive has all-time downloads; the 2024 file's tags and base models are known
    assert per_date == [(d, filled(d, "likes"), 0, filled(d, "created_at"), filled(d, "library_name"),
                         d == "2024-07-11", d == "2024-07-11") for d in DATES]
    assert [row[1] for row in per_date] == [0, 0, filled("2024-07-11", "id")]


def test_months_apart_snapshots_give_no_daily_series_and_no_momentum(imported):
    assert imported.execute("SELECT count(*) FROM int_model_daily").fetchone() == (0,)
    assert imported.execute("SELECT count(*) FROM mart_model_daily").fetchone() == (0,)
    assert imported.execute("SELECT count(*), count(momentum), count(adoption) FROM mart_models").fetchone()[1] == 0
    assert imported.execute("SELECT as_of::VARCHAR, run_start::VARCHAR, run_end FROM hf_snapshot_runs").fetchall() \
        == [(d, d, True) for d in DATES]


def test_growth_between_snapshots_is_its_own_mart(imported):
    rows = imported.execute("""
        SELECT as_of::VARCHAR, downloads_30d, previous_as_of::VARCHAR, previous_downloads_30d, downloads_30d_ratio
        FROM mart_snapshot_growth WHERE model_id = 'gpt2' ORDER BY as_of""").fetchall()
    july, october = downloads_in("2022-07-02", "gpt2"), downloads_in("2022-10-01", "gpt2")
    assert rows == [("2022-07-02", july, None, None, None),
                    ("2022-10-01", october, "2022-07-02", july, round(october / july, 4))]


def test_declared_derivatives_without_relation_are_counted(imported):
    with csv_file("2024-07-11").open(newline="") as f:
        declaring = collections.Counter(p for r in csv.DictReader(f) for p in set(r["base_model"].split("|")) if p)
    listed = {m for (m,) in imported.execute("SELECT model_id FROM mart_models").fetchall()}
    top = [p for p, _ in declaring.most_common() if p in listed][:3]
    got = dict(imported.execute("SELECT model_id, derivatives_unknown FROM mart_models WHERE model_id IN (?, ?, ?)",
                                top).fetchall())
    assert got == {p: declaring[p] for p in top}
    assert got["stabilityai/stable-diffusion-xl-base-1.0"] > 1000
    # every 2024 edge has relation unknown: a family's unknown derivatives are all its members but the root,
    # when the root is listed (a parent named by its pre-2024 id, e.g. gpt2, is not)
    families = imported.execute("SELECT count(*), count(*) FILTER (WHERE derivatives_unknown = members - "
                                "(family IN (SELECT model_id FROM mart_models))::INTEGER) FROM mart_families"
                                ).fetchall()
    assert families[0][0] == families[0][1] > 0


def test_imported_data_is_labelled_archived_never_live_or_sandbox(imported, tmp_path, capsys):
    assert imported.execute("SELECT value FROM meta WHERE key = 'data_kind'").fetchone() == ("reference",)
    assert set(status.recent_runs(imported, 10)["data"]) == {"archived (imported file)"}
    assert cli.main(["export", "weekly", "--out", str(tmp_path)]) == 0
    assert (f"NOTE: {fmt.reference_note('2024-07-11')}; every row says data_kind=reference."
            in capsys.readouterr().out)
    with (tmp_path / "models_2024-W28.csv").open(newline="") as f:
        assert {r["data_kind"] for r in csv.DictReader(f)} == {"reference"}
    assert export_parquet(imported, tmp_path / "parquet")[1] == "reference"
    kinds = duckdb.sql(f"SELECT DISTINCT data_kind FROM read_parquet('{tmp_path}/parquet/raw_hf_models/*/*.parquet')")
    assert kinds.fetchall() == [("reference",)]
    answers = tmp_path / "answers.yaml"
    answers.write_text("open_weight: true\n")
    assert cli.main(["ask", "-q", "fine_tune_base", "--answers", str(answers), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["data_kind"] == "reference" and out["note"] == fmt.reference_note("2024-07-11") + "."
    page = AppTest.from_file(str(STREAMLIT_APP), default_timeout=120).run()
    assert not page.exception and not page.warning
    assert [i.value for i in page.info][:1] == [f"**Real public data, archived 2024-07-11: Hugging Face snapshots "
                                                 f"imported from archives, not live.** "
                                                 f"Methodology {profiles.METHODOLOGY_VERSION}"]


def model_page(model: str) -> AppTest:
    """The app's model page for one model of the imported home, run without exceptions."""
    page = AppTest.from_file(str(STREAMLIT_APP), default_timeout=120)
    page.query_params["model"] = model
    page.run()
    page.switch_page("views/model.py").run()
    assert not page.exception, [e.value for e in page.exception]
    return page


def test_model_page_shows_growth_between_snapshots_and_declared_derivatives(imported):
    model = "openai/clip-vit-large-patch14"
    page = model_page(model)
    assert any("not enough daily data" in i.value for i in page.info)
    shown = next(d.value for d in page.dataframe if "downloads_30d_ratio" in d.value.columns)
    assert shown["as_of"].tolist() == list(DATES)  # dates as dates
    assert shown["downloads_30d"].tolist() == [downloads_in(d, model) for d in DATES]
    sdxl = "stabilityai/stable-diffusion-xl-base-1.0"
    unknown = next(m.value for m in model_page(sdxl).metric if m.label == "unknown")
    declared = imported.execute("SELECT derivatives_unknown FROM mart_models WHERE model_id = ?", [sdxl]).fetchone()
    assert unknown == fmt.compact(declared[0]) == "3.2k"


def test_reimporting_a_date_replaces_its_slice(home):
    path = csv_file("2022-07-02")
    for _ in range(2):
        assert cli.main(["import", "hub-snapshot", str(path), "--as-of", "2022-07-02"]) == 0
    con = db.connect(paths.warehouse_file(home))
    try:
        slices = con.execute("SELECT count(*), count(DISTINCT id), count(DISTINCT run_id) "
                             "FROM raw_hf_models").fetchone()
        runs = con.execute("SELECT count(*) FROM collection_runs WHERE status = 'ok'").fetchone()[0]
    finally:
        con.close()
    n = sum(1 for _ in csv.DictReader(path.open(newline="")))
    assert slices == (n, n, 1) and runs == 2


def test_a_real_api_models_item_loads_like_the_collectors_rows(con, tmp_path):
    item = json.loads((HF / "model_info_bert-base-uncased_2025-01-22.json").read_text())
    hub_snapshot.import_snapshot(con, HF / "model_info_bert-base-uncased_2025-01-22.json", dt.date(2025, 1, 22))
    row = con.execute("SELECT id, author, downloads, downloads_all_time, likes, license, library_name, base_models, "
                      "last_modified FROM raw_hf_models").fetchone()
    assert row == ("google-bert/bert-base-uncased", "google-bert", item["downloads"], None, item["likes"],
                   "apache-2.0", "transformers", [], dt.datetime(2024, 2, 19, 11, 6, 12))


def test_json_lines_keep_untyped_base_model_tags_as_relation_unknown(con, tmp_path):
    items = [{"id": "a/child", "downloads": 50, "likes": 1,
              "tags": ["base_model:org/typed", "base_model:finetune:org/typed", "base_model:org/untyped"]},
             {"id": "org/typed", "downloads": 900, "tags": []}]
    path = tmp_path / "listing.jsonl"
    path.write_text("\n".join(json.dumps(i) for i in items) + "\n")
    hub_snapshot.import_snapshot(con, path, dt.date(2024, 7, 11))
    rows = con.execute("SELECT id, downloads, likes, base_models FROM raw_hf_models ORDER BY id").fetchall()
    assert rows == [("a/child", 50, 1, [{"relation": "finetune", "parent": "org/typed"},
                                         {"relation": None, "parent": "org/untyped"}]),
                    ("org/typed", 900, None, [])]


MALFORMED = [
    ("bad.csv", "id,downloads_30d,likes\na/ok,10,1\na/bad,ten,1\n", "line 3: expected 'downloads_30d' to be a "
     "whole number of at least 0, got 'ten'"),
    ("bad.csv", "id,downloads_30d\na/ok,10\na/bad,-4\n", "line 3: expected 'downloads_30d'"),
    ("bad.csv", "id,likes\na/ok,1\n", "line 1: expected a header with columns id, downloads_30d; missing "
     "downloads_30d"),
    ("bad.csv", "id,downloads_30d,likes\na/ok,10,1\na/short,10\n", "line 3: expected 3 fields as in the header, got 2"),
    ("bad.csv", "id,downloads_30d,created_at\na/ok,10,yesterday\n", "line 2: expected 'created_at' to be an ISO 8601"),
    ("bad.jsonl", '{"id": "a/ok", "downloads": 1}\n{"id": "a/bad", "downloads": "many"}\n',
     "line 2: expected 'downloads' to be a whole number of at least 0, got 'many'"),
    ("bad.jsonl", '{"id": "a/ok", "downloads": 1}\n\n{"id": "a/cut", "downl\n', "line 3: expected JSON"),
    ("bad.json", '[\n  {"id": "a/ok", "downloads": 1},\n  {"downloads": 2}\n]\n',
     "line 3: expected an /api/models item, a JSON object with a string 'id'"),
    ("bad.json", '[\n  {"id": "a/ok", "downloads": 1},\n  {"id": "a/x", "downloads": 2, "tags": "x"}\n]\n',
     "line 3: expected 'tags' to be a list of strings"),
    ("bad.csv", "id,downloads_30d\n", "no models; expected at least one listing entry"),
    ("bad.json", "[]", "no models; expected at least one listing entry"),
    ("bad.parquet", "", "unknown file type '.parquet'; expected one of .csv, .csv.gz, .json, .jsonl, .ndjson"),
]


@pytest.mark.parametrize(("name", "text", "expected"), MALFORMED)
def test_a_malformed_file_names_file_and_line_and_changes_nothing(con, tmp_path, name, text, expected):
    day = dt.date(2022, 7, 2)
    good = tmp_path / "good.csv"
    good.write_text("id,downloads_30d\na/kept,7\n")
    hub_snapshot.import_snapshot(con, good, day)
    bad = tmp_path / name
    bad.write_text(text)
    with pytest.raises(hub_snapshot.SnapshotError) as caught:
        hub_snapshot.import_snapshot(con, bad, day)
    assert str(bad) in str(caught.value) and expected in str(caught.value)
    assert con.execute("SELECT id, downloads FROM raw_hf_models").fetchall() == [("a/kept", 7)]
    assert con.execute("SELECT status, error IS NOT NULL FROM collection_runs ORDER BY started_at").fetchall() \
        == [("ok", False), ("failed", True)]


def test_the_cli_reports_a_malformed_file_in_one_line(home, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("id,downloads_30d\na/x,lots\n")
    assert cli.main(["import", "hub-snapshot", str(bad), "--as-of", "2022-07-02"]) == 1
    assert f"revealed: error: {bad}, line 2: expected 'downloads_30d'" in capsys.readouterr().err


def test_an_archive_is_refused_in_a_home_holding_sandbox_data(home, tmp_path, capsys):
    assert cli.main(["sandbox", "simulate", "--days", "1", "--models", "50", "--details", "0"]) == 0
    con = db.connect(paths.warehouse_file(home))
    before = con.execute("SELECT count(*), count(DISTINCT as_of) FROM raw_hf_models").fetchone()
    runs = con.execute("SELECT count(*) FROM collection_runs").fetchone()
    con.close()
    capsys.readouterr()
    archive = tmp_path / "archive.csv"
    archive.write_text("id,downloads_30d\nreal/model,7\n")
    assert cli.main(["import", "hub-snapshot", str(archive), "--as-of", "2030-01-01"]) == 1
    assert capsys.readouterr().err == (f"revealed: error: {archive}: this warehouse holds sandbox (fictional) data, "
                                       "which a build would rank and label as archived real data with it; expected a "
                                       "REVEALED_HOME without sandbox runs (nothing was imported)\n")
    con = db.connect(paths.warehouse_file(home))
    assert con.execute("SELECT count(*), count(DISTINCT as_of) FROM raw_hf_models").fetchone() == before
    assert con.execute("SELECT count(*) FROM collection_runs").fetchone() == runs
    con.close()


def test_the_parquet_export_of_archived_data_names_the_first_and_last_day_of_its_history(home, tmp_path, capsys):
    for day in ("2024-07-11", "2022-07-02", "2022-10-01"):
        archive = tmp_path / f"{day}.csv"
        archive.write_text("id,downloads_30d\nreal/model,7\n")
        assert cli.main(["import", "hub-snapshot", str(archive), "--as-of", day]) == 0
    capsys.readouterr()
    assert cli.main(["export", "parquet", "--out", str(tmp_path / "parquet")]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == (
        "NOTE: Real public data, archived 2022-07-02 to 2024-07-11: Hugging Face snapshots imported from archives, "
        "not live; every row says data_kind=reference.")


def test_a_gap_longer_than_a_week_is_not_spread_into_days(con):
    # days 0, 1, then 10, 11: the 9-day gap starts a new run; only the spans inside each run are days
    old = dt.date(2020, 1, 1)
    load(con, [("a/m", k, 300, at, old) for k, at in [(0, 100), (1, 110), (10, 200), (11, 230)]])
    assert series(con, "a/m") == [(0, 10, False, False), (10, 30, False, False)]


def test_snapshots_months_apart_without_all_time_counts_give_no_days(con):
    load(con, [("a/m", k, 3000, None, dt.date(2020, 1, 1)) for k in (0, 91, 374)])
    assert series(con, "a/m") == []


def test_a_model_created_inside_a_later_run_is_first_sighted_there(con):
    # a new run starts on day 30; the model appears on day 31, created on day 30: its launch is booked
    load(con, [("a/old", 0, 10, 5, dt.date(2020, 1, 1)), ("a/old", 30, 10, 9, dt.date(2020, 1, 1)),
               ("a/new", 31, 40, 40, dt.date(2026, 3, 31))])
    assert series(con, "a/new") == [(30, 40, False, False)]


def test_a_csv_saved_with_a_byte_order_mark_loads(con, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text("id,downloads_30d,likes\na/m,12,\n", encoding="utf-8-sig")
    hub_snapshot.import_snapshot(con, path, dt.date(2024, 7, 11))
    assert con.execute("SELECT id, author, downloads, likes FROM raw_hf_models").fetchall() == [("a/m", "a", 12, None)]


def test_growth_mart_compares_runs_and_is_empty_for_one_daily_run(con):
    old = dt.date(2020, 1, 1)
    load(con, [("a/m", k, w, None, old) for k, w in [(0, 100), (1, 120)]])
    run_sql_step(con, "mart_snapshot_growth")
    assert con.execute("SELECT count(*) FROM mart_snapshot_growth").fetchall() == [(0,)]
    load(con, [("a/m", 40, 360, None, old)])
    run_sql_step(con, "mart_snapshot_growth")
    assert con.execute("SELECT as_of - DATE '2026-03-01', downloads_30d, previous_downloads_30d, downloads_30d_ratio "
                       "FROM mart_snapshot_growth").fetchall() == [(1, 120, None, None), (40, 360, 120, 3.0)]
