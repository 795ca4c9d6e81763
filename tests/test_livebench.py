"""LiveBench: the real release files parse, averages agree with Epoch's copy, and bad files lose nothing."""

import datetime as dt
import shutil

import pandas as pd
import pytest
from conftest import SHARED_DATA
from static_server import serve

from app.cli import main
from collector import http, livebench
from pipelines import benchmark_scores
from warehouse import db

LB = SHARED_DATA / "livebench"
RELEASES = sorted(dt.datetime.strptime(p.stem, "table_%Y_%m_%d").date() for p in LB.glob("table_*.csv"))
AS_OF = dt.date(2026, 3, 1)
EPOCH = SHARED_DATA / "releases" / "epoch_external_benchmark_livebench.csv"
EPOCH_COLUMNS = {"Global average": "global", "Reasoning average": "Reasoning", "Coding average": "Coding",
                 "Mathematics average": "Mathematics", "Data analysis average": "Data Analysis",
                 "Language average": "Language", "IF Average": "IF"}
EPOCH_TOLERANCE = 0.0051  # Epoch publishes two decimals: rounding alone moves a value by up to 0.005


def read(release: dt.date) -> pd.DataFrame:
    """A real release parsed straight from the shared files."""
    cats = livebench.parse_categories((LB / livebench.categories_file(release)).read_text(), "cats")
    return livebench.parse_table((LB / livebench.table_file(release)).read_text(), "table", cats)


def test_every_real_release_parses_with_its_own_task_set():
    assert len(RELEASES) == 9
    tasks = {r: set(read(r)["task"]) for r in RELEASES}
    for release, frame in ((r, read(r)) for r in RELEASES):
        header = (LB / livebench.table_file(release)).read_text().splitlines()[0].split(",")
        assert set(frame["task"]) == set(header[1:])
        assert frame["category"].notna().all()
        assert frame["score"].dropna().between(0, 100).all()
    assert "web_of_lies_v2" in tasks[RELEASES[0]] and "web_of_lies_v2" not in tasks[RELEASES[-1]]
    assert {"javascript", "typescript", "python"} <= tasks[dt.date(2025, 5, 30)]
    assert "logic_with_navigation" in tasks[dt.date(2025, 12, 23)] - tasks[dt.date(2025, 11, 25)]
    missing = read(dt.date(2024, 11, 25))
    assert missing[missing["score"].isna()][["model", "task"]].values.tolist() == [
        ["phi-3-small-8k-instruct", "connections"]]


@pytest.fixture
def collected(con):
    """Every shared release collected over HTTP into the test warehouse."""
    with serve(LB) as url:
        run_id, outcomes = livebench.collect(con, url, AS_OF)
    return con, run_id, outcomes


def test_collect_saves_each_release_and_the_metadata(collected):
    con, run_id, outcomes = collected
    status = {o.item: o.status for o in outcomes}
    assert status == {"metadata": "saved", **{r.isoformat(): "saved" for r in RELEASES}, "2026-01-08": "not published"}
    assert con.execute("SELECT status, error, rows_written FROM collection_runs WHERE run_id = ?",
                       [run_id]).fetchone() == ("ok", None, sum(o.rows for o in outcomes))
    per_release = dict(con.execute("SELECT release, count(DISTINCT model) FROM raw_livebench_scores GROUP BY 1")
                       .fetchall())
    assert per_release[dt.date(2024, 6, 24)] == 73 and per_release[dt.date(2025, 12, 23)] == 65
    meta = con.execute("SELECT openweight, reasoner, url, api_names FROM raw_livebench_models "
                       "WHERE model = 'deepseek-r1-distill-llama-70b'").fetchone()
    assert meta[:3] == (True, True, "https://huggingface.co/deepseek-ai/DeepSeek-R1-Distill-Llama-70B")
    assert "deepseek-ai/DeepSeek-R1-Distill-Llama-70B" in meta[3]
    assert con.execute("SELECT version, version_date FROM raw_livebench_models "
                       "WHERE model = 'claude-3-5-sonnet-20240620'").fetchone() == ("2024-06-20", dt.date(2024, 6, 20))
    assert con.execute("SELECT version, version_date FROM raw_livebench_models "
                       "WHERE model = 'command-r-08-2024'").fetchone() == ("2024-08", None)


def test_averages_agree_with_epochs_copy_of_the_leaderboard(collected):
    con, _, _ = collected
    ours = benchmark_scores.scores(con)
    ours = ours[ours["source"] == "livebench"].assign(release=lambda d: d["release"].dt.date)
    epoch = pd.read_csv(EPOCH, encoding="utf-8-sig")
    epoch["release"] = pd.to_datetime(epoch["LiveBench Version"].str.removeprefix("LiveBench-")).dt.date
    epoch = epoch.melt(id_vars=["id", "release"], value_vars=list(EPOCH_COLUMNS), var_name="column",
                       value_name="epoch").assign(category=lambda d: d["column"].map(EPOCH_COLUMNS))
    both = epoch.merge(ours, left_on=["id", "release", "category"], right_on=["model", "release", "category"])
    assert len(both) == 63 * 7  # every Epoch row but gpt-5.1_high, which no shared release lists
    worst = (both["score"] - both["epoch"]).abs().max()
    assert worst <= EPOCH_TOLERANCE, both.loc[(both["score"] - both["epoch"]).abs().idxmax()].to_dict()


def test_global_needs_every_category_and_categories_skip_empty_cells(collected):
    con, _, _ = collected
    scores = benchmark_scores.scores(con).set_index(["release", "model", "category"])["score"]
    key = (pd.Timestamp("2024-11-25"), "phi-3-small-8k-instruct")
    tasks = read(dt.date(2024, 11, 25)).query("model == @key[1] and category == 'Language'")["score"]
    assert scores[(*key, "Language")] == pytest.approx(tasks.dropna().mean())
    categories = [scores[(*key, c)] for c in ("Reasoning", "Coding", "Mathematics", "Data Analysis", "Language", "IF")]
    assert scores[(*key, "global")] == pytest.approx(sum(categories) / 6)


def _rename_column(text: str) -> str:
    return text.replace("zebra_puzzle", "zebra_puzzles", 1)


def _drop_column(text: str) -> str:
    rows = [line.split(",") for line in text.splitlines()]
    at = rows[0].index("spatial")
    return "\n".join(",".join(r[:at] + r[at + 1:]) for r in rows) + "\n"


def _bad_score(text: str) -> str:
    lines = text.splitlines()
    lines[3] = ",".join(lines[3].split(",")[:-1] + ["n/a"])
    return "\n".join(lines) + "\n"


BAD_FILES = {
    "renamed column": ("table", _rename_column, "lacks task column(s) ['zebra_puzzle']"),
    "missing column": ("table", _drop_column, "lacks task column(s) ['spatial']"),
    "missing model column": ("table", lambda t: t.replace("model,", "name,", 1), "has no 'model' column"),
    "non-numeric score": ("table", _bad_score, "score 'n/a' for model 'claude-4-sonnet-20250514-base', "
                                               "task 'zebra_puzzle' is not a number from 0 to 100"),
    "cut-off file": ("table", lambda t: t[: t.index("\n", len(t) // 2) - 12],
                     "fields but the header has 22; the file looks cut off or malformed"),
    "empty release": ("table", lambda t: "", "table_2025_12_23.csv is empty"),
    "header only": ("table", lambda t: t.splitlines()[0] + "\n", "has a header but no model rows"),
    "malformed JSON": ("categories", lambda t: t[: len(t) // 2], "categories_2025_12_23.json is not valid JSON"),
    "categories not a mapping": ("categories", lambda t: "[1, 2]", "expected a non-empty object"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_release_is_skipped_and_its_earlier_data_kept(con, tmp_path, case):
    kind, corrupt, message = BAD_FILES[case]
    site = tmp_path / "site"
    site.mkdir()
    releases = [dt.date(2025, 11, 25), dt.date(2025, 12, 23)]
    for release in releases:
        for name in (livebench.table_file(release), livebench.categories_file(release)):
            shutil.copy(LB / name, site / name)
    snapshot = "SELECT release, model, task, category, score FROM raw_livebench_scores ORDER BY ALL"
    with serve(site) as url:
        livebench.collect(con, url, AS_OF, releases)
        before = con.execute(snapshot).fetchall()
        bad = site / (livebench.table_file if kind == "table" else livebench.categories_file)(releases[1])
        bad.write_text(corrupt(bad.read_text()))
        run_id, outcomes = livebench.collect(con, url, AS_OF + dt.timedelta(days=1), releases)
    assert [(o.item, o.status) for o in outcomes] == [("2025-11-25", "saved"), ("2025-12-23", "failed")]
    status, error = con.execute("SELECT status, error FROM collection_runs WHERE run_id = ?", [run_id]).fetchone()
    assert status == "failed" and message in error and "earlier data kept" in error
    assert con.execute(snapshot).fetchall() == before
    assert con.execute("SELECT DISTINCT as_of FROM raw_livebench_scores WHERE release = ?",
                       [releases[1]]).fetchall() == [(AS_OF,)]


def test_bad_metadata_is_a_recorded_failure_and_keeps_the_releases(con, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    release = dt.date(2025, 12, 23)
    for name in (livebench.table_file(release), livebench.categories_file(release), livebench.METADATA_FILE):
        shutil.copy(LB / name, site / name)
    meta = site / livebench.METADATA_FILE
    meta.write_text(meta.read_text().replace(",true,true,", ",yes,true,", 1))
    with serve(site) as url:
        run_id, outcomes = livebench.collect(con, url, AS_OF, [release])
    assert [(o.item, o.status) for o in outcomes] == [("metadata", "failed"), ("2025-12-23", "saved")]
    error = con.execute("SELECT error FROM collection_runs WHERE run_id = ?", [run_id]).fetchone()[0]
    assert "model_metadata.csv: openweight 'yes' of model 'arcee-trinity-large-preview' is not true/false" in error
    assert con.execute("SELECT count(*) FROM raw_livebench_models").fetchone() == (0,)


def test_cli_collects_one_release_and_fails_on_one_not_published(home, capsys):
    with serve(LB) as url:
        ok = main(["collect", "benchmarks", "--skip", "livecodebench", "--livebench-url", url,
                   "--release", "2024-11-25", "--as-of", "2026-03-01"])
        out = capsys.readouterr().out
        missing = main(["collect", "benchmarks", "--skip", "livecodebench", "--livebench-url", url,
                        "--release", "2026-01-08"])
    assert ok == 0 and "2024-11-25   saved" in out and "1,170 rows" in out
    assert missing == 1 and "table_2026_01_08.csv answered 404" in capsys.readouterr().out


def test_cli_rejects_a_bad_release_date(home, capsys):
    with pytest.raises(SystemExit):
        main(["collect", "benchmarks", "--release", "2025-13-01"])
    assert "'2025-13-01' is not a date; expected YYYY-MM-DD" in capsys.readouterr().err


def test_an_unreachable_site_fails_the_run_and_writes_nothing(home, monkeypatch, capsys):
    monkeypatch.setattr(http, "sleep", lambda s: None)
    with serve(LB) as url:
        pass  # the port is free again: nothing listens there
    assert main(["collect", "benchmarks", "--skip", "livecodebench", "--livebench-url", url,
                 "--as-of", "2026-03-01"]) == 1
    assert "FAILED" in capsys.readouterr().out
    con = db.connect()
    assert con.execute("SELECT status, rows_written FROM collection_runs").fetchall() == [("failed", 0)]
    assert con.execute("SELECT count(*) FROM raw_livebench_scores").fetchone() == (0,)
    con.close()
