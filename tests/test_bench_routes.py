"""The sandbox's LiveBench and LiveCodeBench over real HTTP, faults, and collect -> build -> export end to end."""

import csv
import datetime as dt

import duckdb
import numpy as np
import pytest
import requests

from app.cli import main
from collector import http
from collector.benchmarks import livebench, livecodebench
from collector.sandbox import routes_bench
from pipelines.serving.export_benchmarks import export_benchmarks
from pipelines.steps import benchmark_scores
from warehouse import db, paths
from warehouse.settings import Settings

LATEST = dt.date(2025, 12, 23)


def get(sandbox, path: str) -> requests.Response:
    return requests.get(f"{sandbox.url}{path}", timeout=10)


def test_releases_follow_the_sandbox_clock_and_change_their_tasks(sandbox, world):
    sandbox.set_date(LATEST - dt.timedelta(days=1))
    assert get(sandbox, "/livebench/table_2025_12_23.csv").status_code == 404
    assert get(sandbox, "/livebench/categories_2025_12_23.json").status_code == 404
    assert get(sandbox, "/livebench/table_2025_11_25.csv").status_code == 200
    sandbox.set_date(world.today)
    table = get(sandbox, "/livebench/table_2025_12_23.csv")
    cats = get(sandbox, "/livebench/categories_2025_12_23.json").json()
    assert table.status_code == 200 and table.headers["X-Revealed-Sandbox"] == "fictional-data"
    header = table.text.splitlines()[0].split(",")
    assert header == ["model", *sorted(t for tasks in cats.values() for t in tasks)]
    assert "logic_with_navigation" in cats["Reasoning"]
    assert "logic_with_navigation" not in get(sandbox, "/livebench/categories_2025_11_25.json").json()["Reasoning"]
    assert "web_of_lies_v2" in routes_bench.categories(dt.date(2024, 11, 25))["Reasoning"]
    assert get(sandbox, "/livebench/table_2025_12_24.csv").status_code == 404


def test_names_are_spelled_as_a_benchmark_would(sandbox, world):
    truth = routes_bench.covered(world)
    capable = world.models[world.models["capability"].notna()]
    assert len(truth) == len(capable) >= 10
    rows = list(csv.DictReader(get(sandbox, "/livebench/model_metadata.csv").text.splitlines()))
    for row in rows:
        hf_id = truth.set_index("model").loc[row["model"], "hf_id"]
        repo = hf_id.split("/")[1].lower()
        assert row["model"] == row["model"].lower() and "/" not in row["model"]
        assert row["model"].startswith(repo.replace("-instruct", "-it") if row["model"].endswith("-it") else repo)
        if row["url"].startswith("https://huggingface.co/"):
            assert row["url"] == f"https://huggingface.co/{hf_id}"
    assert any(r["url"].startswith("https://huggingface.co/") for r in rows)
    assert any(r["model"] != r["model"].split("-2")[0] or r["model"].endswith(("-it", "-turbo")) for r in rows)


@pytest.fixture
def collected(con, sandbox, world):
    """Both benchmarks collected from the sandbox into the test warehouse."""
    day = world.today
    livebench.collect(con, Settings(livebench_url=f"{sandbox.url}/livebench"), as_of=day)
    livecodebench.collect(con, Settings(livecodebench_url=f"{sandbox.url}/livecodebench"), as_of=day)
    return con


def test_scores_come_from_capability_and_old_problems_flatter(collected, world):
    scores = benchmark_scores.scores(collected, min_items=1)
    truth = routes_bench.covered(world).set_index("model")["capability"]
    lb = scores[scores["source"] == "livebench"]
    glob = lb[(lb["category"] == "global") & (lb["release"] == lb["release"].max())]
    assert len(glob) >= 10
    assert np.corrcoef(glob["score"], truth[glob["model"]])[0, 1] > 0.9
    lcb = scores[scores["source"] == "livecodebench"].pivot(index="model", columns="category",
                                                             values=["score", "n_items"])
    leaked = lcb[lcb[("n_items", "global")] < lcb[("n_items", "all_problems")]]
    assert len(leaked) >= 3
    assert (leaked[("score", "all_problems")] - leaked[("score", "global")]).mean() > 3
    assert collected.execute("SELECT bool_and(sandbox), count(*) FROM collection_runs").fetchone() == (True, 2)


def test_faults_are_retried_or_recorded_and_lose_nothing(collected, sandbox, monkeypatch):
    monkeypatch.setattr(http, "sleep", lambda s: None)
    con, day = collected, sandbox.date
    stored = "SELECT release, model, task, score FROM raw_livebench_scores ORDER BY ALL"
    before = con.execute(stored).fetchall()
    sandbox.faults.add("503", 2, path_prefix="/livebench/table_2025_12_23")
    sandbox.faults.add("truncated", 1, path_prefix="/livebench/table_2025_11_25")
    sandbox.faults.add("malformed", 1, path_prefix="/livebench/categories_2025_05_30")
    result = livebench.collect(con, Settings(livebench_url=f"{sandbox.url}/livebench"), as_of=day)
    run_id, outcomes = result.run_id, result.extra["outcomes"]
    status = {o.item: o.status for o in outcomes}
    assert status["2025-12-23"] == "saved"
    assert status["2025-11-25"] == status["2025-05-30"] == "failed"
    state, retries, error = con.execute("SELECT status, retries, error FROM collection_runs WHERE run_id = ?",
                                        [run_id]).fetchone()
    assert state == "failed" and retries == 2
    assert "table_2025_11_25.csv: line" in error and "the file looks cut off or malformed" in error
    assert "categories_2025_05_30.json is not valid JSON" in error
    assert con.execute(stored).fetchall() == before

    results = "SELECT model, problem, pass_at_1 FROM raw_livecodebench_results ORDER BY ALL"
    kept = con.execute(results).fetchall()
    sandbox.faults.add("truncated", 1, path_prefix="/livecodebench")
    with pytest.raises(livecodebench.LiveCodeBenchError, match="is not valid JSON"):
        livecodebench.collect(con, Settings(livecodebench_url=f"{sandbox.url}/livecodebench"), as_of=day)
    assert con.execute(results).fetchall() == kept


def test_collect_build_export_end_to_end(home, sandbox, world, tmp_path, capsys):
    assert main(["sandbox", "simulate", "--days", "8", "--models", str(world.n_models), "--details", "0",
                 "--min-downloads", "0"]) == 0
    assert main(["collect", "benchmarks", "--livebench-url", f"{sandbox.url}/livebench",
                 "--livecodebench-url", f"{sandbox.url}/livecodebench"]) == 0
    assert "(SANDBOX: fictional data)" in capsys.readouterr().out
    assert main(["build"]) == 0
    assert main(["export", "benchmarks", "--out", str(tmp_path / "out")]) == 0
    lines = (tmp_path / "out" / "benchmarks.csv").read_text().splitlines()
    assert lines[0] == "source,release,model,hf_id,family,category,score,n_items,data_kind"  # a plain CSV
    rows = list(csv.DictReader(lines))
    assert {r["data_kind"] for r in rows} == {"sandbox"}
    assert {r["source"] for r in rows} == {"livebench", "livecodebench"}
    assert any(r["category"] == "global" for r in rows)
    truth = routes_bench.covered(world).set_index("model")["hf_id"]
    matched = {(r["model"], r["hf_id"]) for r in rows if r["hf_id"]}
    assert len(matched) >= 0.8 * len({r["model"] for r in rows})
    assert all(truth[model] == hf_id for model, hf_id in matched)
    lcb = [r for r in rows if r["source"] == "livecodebench"]
    assert lcb and all(int(r["n_items"]) >= 1 for r in lcb)
    con = db.connect(paths.warehouse_file(home))
    assert con.execute("SELECT DISTINCT as_of FROM collection_runs WHERE source LIKE 'live%'").fetchall() == [
        (world.today,)]
    con.close()


def test_the_export_says_sandbox_or_archived_data_in_the_terminal(home, capsys):
    path = benchmark_copy(paths.serving_file(home))
    for kind, note in (("reference", "NOTE: Real public data, archived 2026-11-20: Hugging Face snapshots imported "
                                     "from archives, not live; every row says data_kind=reference."),
                       ("sandbox", "NOTE: SANDBOX data: fictional models; every row says data_kind=sandbox.")):
        con = duckdb.connect(str(path))
        con.execute("UPDATE meta SET value = ? WHERE key = 'data_kind'", [kind])
        con.close()
        assert main(["export", "benchmarks", "--out", str(home / kind)]) == 0
        assert capsys.readouterr().out.splitlines() == [f"wrote {home / kind / 'benchmarks.csv'} "
                                                        f"({len(csv_rows(home / kind))} rows)", note]


def benchmark_copy(path):
    """A fictional serving copy of what the benchmark export reads: meta, 2 clean rows (1 unmatched), a legacy row."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE meta AS SELECT * FROM (VALUES ('data_kind', 'sandbox'), ('as_of_hf', '2026-11-20')) "
                "t(key, value)")
    con.execute("""CREATE TABLE mart_benchmarks AS SELECT * FROM (VALUES
        ('livebench', '2026-10-30', 'base-1', 'acme/base-1', 'acme/base-1', 'global', 61.25, 120, 'clean'),
        ('livebench', '2026-10-30', 'Mystery-Model-9B', NULL, NULL, 'global', 41.5, 120, 'clean'),
        ('livebench', '2026-10-30', 'base-1', 'acme/base-1', 'acme/base-1', 'coding', 58.0, 40, 'legacy'))
        t(source, release, model, hf_id, family, category, score, n_items, kind)""")
    con.close()
    return path


def csv_rows(out) -> list[dict]:
    with (out / "benchmarks.csv").open(newline="") as f:
        return list(csv.DictReader(f))


def test_live_export_says_live_and_bad_meta_is_refused(tmp_path):
    path = benchmark_copy(tmp_path / "serving.duckdb")
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = 'live' WHERE key = 'data_kind'")
    written, rows, kind = export_benchmarks(con, tmp_path / "out")
    assert kind == "live" and rows == 2  # the clean rows, the unmatched one with them; not the legacy one
    lines = written.read_text().splitlines()
    assert lines[0] == "source,release,model,hf_id,family,category,score,n_items,data_kind"
    assert "livebench,2026-10-30,Mystery-Model-9B,,,global,41.5,120,live" in lines
    assert {line.rsplit(",", 1)[1] for line in lines[1:]} == {"live"}
    con.execute("DELETE FROM meta WHERE key = 'data_kind'")
    with pytest.raises(ValueError, match="meta.data_kind is None; expected 'sandbox', 'live' or 'reference'"):
        export_benchmarks(con, tmp_path / "again")
    con.close()
    assert not (tmp_path / "again" / "benchmarks.csv").exists()
