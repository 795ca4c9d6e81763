"""LiveBench: the real release files parse, averages agree with Epoch's copy, and bad files lose nothing."""

import csv
import datetime as dt
import json
import shutil
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest
from conftest import SHARED_DATA
from static_server import serve

from app.cli import main
from collector import http
from collector.benchmarks import livebench, livebench_files
from pipelines import profiles
from pipelines.steps import benchmark_scores
from warehouse import db, paths
from warehouse.settings import Settings

LB = SHARED_DATA / "livebench"
RELEASES = sorted(dt.datetime.strptime(p.stem, "table_%Y_%m_%d").date() for p in LB.glob("table_*.csv"))
AS_OF = dt.date(2026, 3, 1)
LCB_MIN = profiles.load().settings.lcb_min_problems  # the packaged setting (LiveBench rows do not use it)
EPOCH = SHARED_DATA / "releases" / "epoch_external_benchmark_livebench.csv"
EPOCH_COLUMNS = {"Global average": "global", "Reasoning average": "Reasoning", "Coding average": "Coding",
                 "Mathematics average": "Mathematics", "Data analysis average": "Data Analysis",
                 "Language average": "Language", "IF Average": "IF"}
EPOCH_TOLERANCE = 0.0051  # Epoch publishes two decimals: rounding alone moves a value by up to 0.005


def read(release: dt.date) -> pd.DataFrame:
    """A real release parsed straight from the shared files."""
    cats, _ = livebench_files.parse_categories((LB / livebench.categories_file(release)).read_text(), "cats")
    return livebench_files.parse_table((LB / livebench.table_file(release)).read_text(), "table", cats)[0]


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
        result = livebench.collect(con, Settings(livebench_url=url), as_of=AS_OF)
        run_id, outcomes = result.run_id, result.extra["outcomes"]
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
    ours = benchmark_scores.scores(con, LCB_MIN)
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
    scores = benchmark_scores.scores(con, LCB_MIN).set_index(["release", "model", "category"])["score"]
    key = (pd.Timestamp("2024-11-25"), "phi-3-small-8k-instruct")
    tasks = read(dt.date(2024, 11, 25)).query("model == @key[1] and category == 'Language'")["score"]
    assert scores[(*key, "Language")] == pytest.approx(tasks.dropna().mean())
    categories = [scores[(*key, c)] for c in ("Reasoning", "Coding", "Mathematics", "Data Analysis", "Language", "IF")]
    assert scores[(*key, "global")] == pytest.approx(sum(categories) / 6)


def site_figures(table: str, categories: str) -> dict[tuple[str, str], str]:
    """What livebench.ai shows per (model, category or 'global'), computed as its reader does.

    CSVTable.jsx parses with PapaParse (header row, cells by position: a short row lacks its trailing tasks);
    Averaging.js: a category is the mean of the task cells that parse as numbers, the global the mean of the
    category means (a category without any score makes it NaN); both shown with toFixed(2).
    """
    cats = json.loads(categories)
    rows = [r for r in csv.reader(table.splitlines()) if r]
    shown = {}
    for fields in rows[1:]:
        row = dict(zip(rows[0], fields, strict=False))
        means = {}
        for category, tasks in cats.items():
            values = [float(row[t]) for t in tasks if row.get(t, "") != ""]
            means[category] = sum(values) / len(values) if values else None
        if None not in means.values():
            means["global"] = sum(means.values()) / len(means)
        shown |= {(row["model"], c): _to_fixed(v) for c, v in means.items() if v is not None}
    return shown


def _to_fixed(value: float) -> str:
    """JavaScript's Number.prototype.toFixed(2) for a non-negative number: the exact value, ties rounded up."""
    return str(Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def ours(con, release: dt.date) -> dict[tuple[str, str], str]:
    """Our LiveBench figures of a release, shown as the site shows them; NULLs left out."""
    rows = con.execute("SELECT model, category, score FROM (" + benchmark_scores.SQL.read_text() + ") "
                       "WHERE source = 'livebench' AND release = $release AND score IS NOT NULL",
                       {"min_problems": 1, "release": release}).fetchall()
    return {(model, category): _to_fixed(score) for model, category, score in rows}


def test_averages_equal_what_the_livebench_site_shows_for_every_real_release(collected):
    con, _, _ = collected
    compared = 0
    for release in RELEASES:
        site = site_figures((LB / livebench.table_file(release)).read_text(),
                            (LB / livebench.categories_file(release)).read_text())
        assert ours(con, release) == site, release
        compared += len(site)
    assert compared == 4330  # the category figures of 590 model rows, and the global where every category has one


def _ragged_release(folder, model: str, cut: int) -> dt.date:
    """The real 2025-12-23 files published as 2026-01-08, with `model`'s row cut `cut` fields short."""
    real, release = dt.date(2025, 12, 23), dt.date(2026, 1, 8)
    lines = (LB / livebench.table_file(real)).read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(model + ","))
    lines[at] = ",".join(lines[at].split(",")[:-cut])
    folder.mkdir(exist_ok=True)
    (folder / livebench.table_file(release)).write_text("\n".join(lines) + "\n")
    shutil.copy(LB / livebench.categories_file(real), folder / livebench.categories_file(release))
    return release


def test_a_release_with_a_short_row_is_collected_as_the_site_shows_it(home, tmp_path, capsys):
    site = tmp_path / "site"
    model = "gpt-5.1-codex-max-high"
    release = _ragged_release(site, model, 3)
    with serve(site) as url:
        code = main(["collect", "benchmarks", "--skip", "livecodebench", "--livebench-url", url,
                     "--release", "2026-01-08", "--as-of", "2026-03-01"])
    out = capsys.readouterr().out
    header = "22-field header; the last 3 (typescript, typos, zebra_puzzle) read as empty"
    assert code == 0 and "2026-01-08   saved" in out and "repaired: table_2026_01_08.csv line" in out and header in out
    con = db.connect(paths.warehouse_file(home))
    status, repairs = con.execute("SELECT status, repairs FROM collection_runs").fetchone()
    assert status == "ok" and f"({model!r}): 19 fields under a {header}" in repairs
    empty = con.execute("SELECT task FROM raw_livebench_scores WHERE model = ? AND score IS NULL ORDER BY task",
                        [model]).fetchall()
    assert empty == [("typescript",), ("typos",), ("zebra_puzzle",)]
    assert con.execute("SELECT count(DISTINCT model) FROM raw_livebench_scores").fetchone() == (65,)
    shown = site_figures((site / livebench.table_file(release)).read_text(),
                         (site / livebench.categories_file(release)).read_text())
    assert ours(con, release) == shown and (model, "global") in shown
    con.close()


def _rename_column(text: str) -> str:
    return text.replace("zebra_puzzle", "zebra_puzzles", 1)


def _drop_column(text: str) -> str:
    rows = [line.split(",") for line in text.splitlines()]
    at = rows[0].index("spatial")
    return "\n".join(",".join(r[:at] + r[at + 1:]) for r in rows) + "\n"


def _edit_line(number: int, edit) -> callable:
    """A corruption that rewrites one line (1 = the header) of a table."""
    def corrupt(text: str) -> str:
        lines = text.splitlines()
        lines[number - 1] = edit(lines[number - 1])
        return "\n".join(lines) + "\n"
    return corrupt


def _duplicate_line(number: int) -> callable:
    def corrupt(text: str) -> str:
        lines = text.splitlines()
        return "\n".join([*lines, lines[number - 1].replace(",", ",1", 1)]) + "\n"
    return corrupt


def _unknown_task(text: str) -> str:
    cats = json.loads(text)
    cats["Reasoning"].append("time_travel")
    return json.dumps(cats)


# case: (file, corruption, a line of the run's repairs, (model, task, expected score or None for empty))
REPAIRED = {
    "short row": ("table", _edit_line(5, lambda line: ",".join(line.split(",")[:-3])),
                  "table_2025_12_23.csv line 5 ('claude-4-sonnet-20250514-thinking-64k'): 19 fields under a 22-field "
                  "header; the last 3 (typescript, typos, zebra_puzzle) read as empty",
                  ("claude-4-sonnet-20250514-thinking-64k", "typos", None)),
    "short last row": ("table", _edit_line(66, lambda line: ",".join(line.split(",")[:-2])),
                       "table_2025_12_23.csv line 66 ('qwen3-next-80b-a3b-thinking'): 20 fields under a 22-field "
                       "header; the last 2 (typos, zebra_puzzle) read as empty",
                       ("qwen3-next-80b-a3b-thinking", "zebra_puzzle", None)),
    "long row": ("table", _edit_line(5, lambda line: line + ",77.0,88.0"),
                 "22-field header; the 2 extra value(s) ['77.0', '88.0'] belong to no column and were left out",
                 ("claude-4-sonnet-20250514-thinking-64k", "zebra_puzzle", "same")),
    "renamed column": ("table", _rename_column,
                       "has no column for task(s) ['zebra_puzzle'] that the categories list; read as empty",
                       ("claude-4-sonnet-20250514-thinking-64k", "zebra_puzzles", "same raw")),
    "missing column": ("table", _drop_column, "has no column for task(s) ['spatial']",
                       ("claude-4-sonnet-20250514-thinking-64k", "spatial", None)),
    "non-numeric score": ("table", _edit_line(4, lambda line: ",".join(line.split(",")[:-1] + ["n/a"])),
                          "score 'n/a' for model 'claude-4-sonnet-20250514-base', task 'zebra_puzzle' is not a number "
                          "from 0 to 100; read as empty", ("claude-4-sonnet-20250514-base", "zebra_puzzle", None)),
    "duplicated model": ("table", _duplicate_line(5),
                         "line 67: model 'claude-4-sonnet-20250514-thinking-64k' again (first on line 5); the first "
                         "row kept, this one skipped", ("claude-4-sonnet-20250514-thinking-64k", "AMPS_Hard", "same")),
    "unknown task in categories": ("categories", _unknown_task,
                                   "has no column for task(s) ['time_travel'] that the categories list",
                                   ("claude-4-sonnet-20250514-thinking-64k", "time_travel", None)),
}

UNREADABLE = {
    "missing model column": ("table", lambda t: t.replace("model,", "name,", 1),
                             "table_2025_12_23.csv has no 'model' column"),
    "cut-off file": ("table", lambda t: t[: t.index("\n", len(t) // 2) - 12],
                     "fields but the header has 22, and the file ends inside it; the file looks cut off or malformed"),
    "empty release": ("table", lambda t: "", "table_2025_12_23.csv is empty"),
    "header only": ("table", lambda t: t.splitlines()[0] + "\n", "has a header but no model rows"),
    "malformed JSON": ("categories", lambda t: t[: len(t) // 2], "categories_2025_12_23.json is not valid JSON"),
    "categories not a mapping": ("categories", lambda t: "[1, 2]", "expected a non-empty object"),
}
SNAPSHOT = "SELECT release, model, task, category, score FROM raw_livebench_scores ORDER BY ALL"
RELEASE_PAIR = [dt.date(2025, 11, 25), dt.date(2025, 12, 23)]


def _recollect_corrupted(con, tmp_path, kind, corrupt):
    """Collect two real releases, corrupt the second's file, collect again; (stored before, run id, outcomes)."""
    site = tmp_path / "site"
    site.mkdir()
    for release in RELEASE_PAIR:
        for name in (livebench.table_file(release), livebench.categories_file(release)):
            shutil.copy(LB / name, site / name)
    with serve(site) as url:
        livebench.collect(con, Settings(livebench_url=url), as_of=AS_OF, releases=RELEASE_PAIR)
        before = con.execute(SNAPSHOT).fetchall()
        bad = site / (livebench.table_file if kind == "table" else livebench.categories_file)(RELEASE_PAIR[1])
        bad.write_text(corrupt(bad.read_text()))
        result = livebench.collect(con, Settings(livebench_url=url), as_of=AS_OF + dt.timedelta(days=1),
                                   releases=RELEASE_PAIR)
        run_id, outcomes = result.run_id, result.extra["outcomes"]
    return before, run_id, outcomes


@pytest.mark.parametrize("case", REPAIRED)
def test_a_bad_row_or_column_is_repaired_recorded_and_the_release_kept(con, tmp_path, case):
    kind, corrupt, repair, (model, task, expected) = REPAIRED[case]
    before, run_id, outcomes = _recollect_corrupted(con, tmp_path, kind, corrupt)
    assert [(o.item, o.status) for o in outcomes] == [("2025-11-25", "saved"), ("2025-12-23", "saved")]
    status, error, repairs = con.execute("SELECT status, error, repairs FROM collection_runs WHERE run_id = ?",
                                         [run_id]).fetchone()
    assert status == "ok" and error is None and repair in repairs and repairs.startswith("2025-12-23: ")
    stored = con.execute("SELECT as_of, score FROM raw_livebench_scores WHERE release = ? AND model = ? AND task = ?",
                         [RELEASE_PAIR[1], model, task]).fetchone()
    original = {(m, t): s for r, m, t, _, s in before if r == RELEASE_PAIR[1]}
    assert stored[0] == AS_OF + dt.timedelta(days=1)
    if expected is None:
        assert stored[1] is None
    else:
        assert stored[1] == original[(model, task.removesuffix("s") if expected == "same raw" else task)]
    models = {m for r, m, *_ in before if r == RELEASE_PAIR[1]}
    assert {m for (m,) in con.execute("SELECT DISTINCT model FROM raw_livebench_scores WHERE release = ?",
                                      [RELEASE_PAIR[1]]).fetchall()} == models


@pytest.mark.parametrize("case", UNREADABLE)
def test_a_release_that_cannot_be_read_is_skipped_and_its_earlier_data_kept(con, tmp_path, case):
    kind, corrupt, message = UNREADABLE[case]
    before, run_id, outcomes = _recollect_corrupted(con, tmp_path, kind, corrupt)
    assert [(o.item, o.status) for o in outcomes] == [("2025-11-25", "saved"), ("2025-12-23", "failed")]
    status, error = con.execute("SELECT status, error FROM collection_runs WHERE run_id = ?", [run_id]).fetchone()
    assert status == "failed" and message in error and "earlier data kept" in error
    assert con.execute(SNAPSHOT).fetchall() == before
    assert con.execute("SELECT DISTINCT as_of FROM raw_livebench_scores WHERE release = ?",
                       [RELEASE_PAIR[1]]).fetchall() == [(AS_OF,)]


def _metadata_site(tmp_path, edit) -> tuple:
    site = tmp_path / "site"
    site.mkdir()
    release = dt.date(2025, 12, 23)
    for name in (livebench.table_file(release), livebench.categories_file(release), livebench.METADATA_FILE):
        shutil.copy(LB / name, site / name)
    meta = site / livebench.METADATA_FILE
    meta.write_text(edit(meta.read_text()))
    return site, release


def test_a_bad_metadata_cell_is_read_as_unknown_and_recorded(con, tmp_path):
    site, release = _metadata_site(tmp_path, lambda t: t.replace(",true,true,", ",yes,true,", 1))
    with serve(site) as url:
        result = livebench.collect(con, Settings(livebench_url=url), as_of=AS_OF, releases=[release])
        run_id, outcomes = result.run_id, result.extra["outcomes"]
    assert [(o.item, o.status) for o in outcomes] == [("metadata", "saved"), ("2025-12-23", "saved")]
    status, repairs = con.execute("SELECT status, repairs FROM collection_runs WHERE run_id = ?", [run_id]).fetchone()
    assert status == "ok" and repairs == ("metadata: model_metadata.csv: openweight 'yes' of model "
                                          "'arcee-trinity-large-preview' is not true/false; read as unknown")
    assert con.execute("SELECT openweight, reasoner FROM raw_livebench_models WHERE model = "
                       "'arcee-trinity-large-preview'").fetchone() == (None, True)


def test_metadata_without_a_model_column_is_a_recorded_failure_and_keeps_the_releases(con, tmp_path):
    site, release = _metadata_site(tmp_path, lambda t: t.replace("model,", "key,", 1))
    with serve(site) as url:
        result = livebench.collect(con, Settings(livebench_url=url), as_of=AS_OF, releases=[release])
        run_id, outcomes = result.run_id, result.extra["outcomes"]
    assert [(o.item, o.status) for o in outcomes] == [("metadata", "failed"), ("2025-12-23", "saved")]
    error = con.execute("SELECT error FROM collection_runs WHERE run_id = ?", [run_id]).fetchone()[0]
    assert "model_metadata.csv has no 'model' column" in error
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
    con = db.connect(paths.warehouse_file(home))
    assert con.execute("SELECT status, rows_written FROM collection_runs").fetchall() == [("failed", 0)]
    assert con.execute("SELECT count(*) FROM raw_livebench_scores").fetchone() == (0,)
    con.close()


def test_unnamed_and_repeated_columns_and_nameless_rows_are_left_out_and_recorded():
    cats = {"Reasoning": ["a", "b"], "Coding": ["c"]}
    table = "model,a,b,,a,c\nm1,10,20,99,98,30\n,1,2,3,4,5\nm2,40,,97,96,x\n"
    rows, repairs = livebench_files.parse_table(table, "t.csv", cats)
    assert rows.set_index(["model", "task"])["score"].dropna().to_dict() == {
        ("m1", "a"): 10.0, ("m1", "b"): 20.0, ("m1", "c"): 30.0, ("m2", "a"): 40.0}
    assert repairs == ["t.csv: column 4 is unnamed; its cells were left out",
                       "t.csv: column 5 is a second 'a'; its cells were left out",
                       "t.csv line 3: no model name; row skipped",
                       "t.csv line 4: score 'x' for model 'm2', task 'c' is not a number from 0 to 100; read as empty"]


def test_bad_category_entries_are_skipped_and_recorded():
    cats, repairs = livebench_files.parse_categories('{"A": ["a", "b"], "B": "c", "C": ["b", 3], "D": []}', "c.json")
    assert cats == {"A": ["a", "b"]}
    assert repairs == ["c.json: category 'B' maps to 'c', not a list of tasks; skipped",
                       "c.json: task 'b' is listed in both 'A' and 'C'; kept in 'A'",
                       "c.json: category 'C' lists 3, not a task name; skipped",
                       "c.json: category 'C' has no usable task; skipped",
                       "c.json: category 'D' has no usable task; skipped"]
