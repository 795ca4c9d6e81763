"""LiveCodeBench: contamination-free vs all-problems scores on the real results file, and bad files."""

import datetime as dt
import json

import pytest
from conftest import SHARED_DATA
from static_server import serve

from app.cli import main
from collector.benchmarks import livecodebench
from pipelines import profiles
from pipelines.steps import benchmark_scores
from warehouse.settings import Settings

LCB = SHARED_DATA / "livecodebench"
REAL_FILE = "performances_execution.json"
AS_OF = dt.date(2026, 3, 1)


@pytest.fixture
def collected(con):
    """The real results file collected over HTTP into the test warehouse."""
    with serve(LCB) as url:
        result = livecodebench.collect(con, Settings(livecodebench_url=f"{url}/{REAL_FILE}"), as_of=AS_OF)
        run_id, rows = result.run_id, result.rows
    return con, run_id, rows


def lcb_scores(con, min_items: int = 100) -> dict:
    """(model, category) -> (score, n_items, window_start, window_end) from int_benchmark_scores."""
    frame = benchmark_scores.scores(con, min_items)
    frame = frame[frame["source"] == "livecodebench"]
    return {(r.model, r.category): (None if r.score != r.score else round(r.score, 2), r.n_items,
                                    None if r.window_start is None or r.window_start != r.window_start
                                    else r.window_start.date(), r.window_end.date())
            for r in frame.itertuples()}


def test_clean_score_uses_only_problems_after_the_release(collected):
    con, run_id, rows = collected
    assert rows == 17_723
    assert con.execute("SELECT status FROM collection_runs WHERE run_id = ?", [run_id]).fetchone() == ("ok",)
    got = lcb_scores(con)
    end = dt.date(2023, 11, 27)
    # DeepSeek-Coder 33B Instruct: released 2023-08-30; 188 of 479 problems are newer.
    assert got[("DSCoder-33b-Ins", "global")] == (26.65, 188, dt.date(2023, 8, 31), end)
    assert got[("DSCoder-33b-Ins", "all_problems")] == (43.59, 479, dt.date(2023, 5, 8), end)
    assert got[("Dracarys-72B-Instruct", "global")] == (55.69, 255, dt.date(2023, 8, 7), end)
    # Released before every problem: both scores rest on the same 479 problems.
    assert got[("Claude-2", "global")][:2] == got[("Claude-2", "all_problems")][:2] == (42.76, 479)
    # 48 fresh problems are below the default minimum of 100: no score, not a noisy one.
    assert got[("GPT-4O-2024-05-13", "global")][:2] == (None, 48)
    # No release date in the model list: no window, no clean score.
    assert got[("StarCoder", "global")][:3] == (None, 0, None)
    assert got[("StarCoder", "all_problems")][:2] == (24.72, 479)


def test_minimum_is_configurable_and_checked(collected, tmp_path):
    con, _, _ = collected
    path = tmp_path / "profiles.toml"
    path.write_text(profiles.DEFAULT_FILE.read_text().replace("lcb_min_problems = 100", "lcb_min_problems = 40"))
    minimum = profiles.load(path).settings.lcb_min_problems
    assert lcb_scores(con, minimum)[("GPT-4O-2024-05-13", "global")][:2] == (41.67, 48)
    path.write_text(profiles.DEFAULT_FILE.read_text().replace("lcb_min_problems = 100", 'lcb_min_problems = "many"'))
    with pytest.raises(profiles.ProfileError, match="setting lcb_min_problems is 'many'; expected a whole number >= 1"):
        profiles.load(path)


def test_cli_prints_clean_next_to_all_problems(home, capsys):
    with serve(LCB) as url:
        assert main(["collect", "benchmarks", "--skip", "livebench", "--livecodebench-url", f"{url}/{REAL_FILE}"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "clean (>=100 problems)" in lines[1]
    assert next(line for line in lines if line.strip().startswith("DSCoder-33b-Ins")).split() == [
        "DSCoder-33b-Ins", "2023-08-30", "26.65", "188", "43.59", "479"]


def test_cli_takes_the_minimum_from_the_profiles_file_in_the_environment(home, capsys, monkeypatch, tmp_path):
    path = tmp_path / "profiles.toml"
    path.write_text(profiles.DEFAULT_FILE.read_text().replace("lcb_min_problems = 100", "lcb_min_problems = 40"))
    monkeypatch.setenv("REVEALED_PROFILES", str(path))
    with serve(LCB) as url:
        assert main(["collect", "benchmarks", "--skip", "livebench", "--livecodebench-url", f"{url}/{REAL_FILE}"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "clean (>=40 problems)" in lines[1]
    assert next(line for line in lines if line.strip().startswith("GPT-4O-2024-05-13")).split()[2:4] == ["41.67", "48"]


def generation_file(**changes) -> dict:
    """A small file in the generation format of api-contracts.md 3.4 (pass@1, difficulty, platform)."""
    day = 86_400_000
    data = {
        "performances": [{"question_id": f"q{i}", "model": m, "date": 1_700_000_000_000 + i * day,
                          "difficulty": "easy", "pass@1": 10.0 * (i % 11), "platform": "atcoder"}
                         for m in ("Alpha-7b", "Beta-2b") for i in range(6)],
        "models": [{"model_name": "acme/alpha-7b", "model_repr": "Alpha-7b", "model_style": "X",
                    "release_date": 1_700_000_000_000 + 2 * day, "link": "https://huggingface.co/acme/alpha-7b"}],
        "date_marks": [1_700_000_000_000],
    }
    data.update(changes)
    return data


def test_generation_format_parses_with_difficulty_and_platform():
    rows, repairs = livecodebench.parse_results(json.dumps(generation_file()), "performances_generation.json")
    assert repairs == []
    alpha = rows[rows["model"] == "Alpha-7b"]
    assert len(rows) == 12 and set(alpha["difficulty"]) == {"easy"} and set(alpha["platform"]) == {"atcoder"}
    assert alpha["model_release_date"].iloc[0] == dt.date(2023, 11, 16)
    assert rows[rows["model"] == "Beta-2b"]["model_release_date"].isna().all()


def _perf(**entry) -> list:
    return [{**generation_file()["performances"][0], **entry}]


def _damaged(at: int, **entry) -> str:
    """The small file with performances[at] changed (a key set to None is removed)."""
    data = generation_file()
    changed = {**data["performances"][at], **entry}
    data["performances"][at] = {k: v for k, v in changed.items() if v is not None}
    return json.dumps(data)


# case: (file body, a line of the run's repairs, results kept)
REPAIRED = {
    "non-numeric pass@1": (_damaged(3, **{"pass@1": "high"}),
                           "performances[3] (model 'Alpha-7b') has pass@1 'high'; expected a name, a question id, "
                           "epoch milliseconds and a number from 0 to 100; entry skipped", 11),
    "pass@1 renamed in one entry": (_damaged(2, **{"pass@1": None, "pass_at_1": 20.0}),
                                    "performances[2] (model 'Alpha-7b') has pass@1 None", 11),
    "missing model": (_damaged(7, model=None), "performances[7] (model None) has model None", 11),
    "date not epoch ms": (_damaged(0, date="2023-11-14"), "performances[0] (model 'Alpha-7b') has date "
                                                          "'2023-11-14'", 11),
    "duplicated result": (json.dumps(generation_file(performances=generation_file()["performances"] + _perf())),
                          "performances[12] (model 'Alpha-7b') repeats problem 'q0' (first at performances[0]); the "
                          "first result kept", 12),
    "not an object": (json.dumps(generation_file(performances=[*generation_file()["performances"], "oops"])),
                      "performances[12] is 'oops', not an object; entry skipped", 12),
    "duplicated model entry": (json.dumps(generation_file(models=generation_file()["models"] * 2)),
                               "models[1] lists 'Alpha-7b' again (first at models[0]); the first entry kept", 12),
    "model release date mistyped": (json.dumps(generation_file(models=[{**generation_file()["models"][0],
                                                                        "release_date": "soon"}])),
                                    "models[0] ('Alpha-7b') has release_date 'soon', not epoch milliseconds", 12),
}


def test_cli_prints_what_was_repaired(home, tmp_path, capsys):
    (tmp_path / livecodebench.DEFAULT_FILE).write_text(REPAIRED["non-numeric pass@1"][0])
    with serve(tmp_path) as url:
        assert main(["collect", "benchmarks", "--skip", "livebench", "--livecodebench-url", url]) == 0
    out = capsys.readouterr().out
    assert "ok, 11 results" in out and "  repaired: performances_generation.json: performances[3] (model " in out


@pytest.mark.parametrize("case", REPAIRED)
def test_a_bad_entry_is_skipped_recorded_and_the_rest_kept(con, tmp_path, case):
    body, repair, kept = REPAIRED[case]
    (tmp_path / livecodebench.DEFAULT_FILE).write_text(body)
    with serve(tmp_path) as url:
        result = livecodebench.collect(con, Settings(livecodebench_url=url), as_of=AS_OF)
        run_id, rows = result.run_id, result.rows
    status, repairs = con.execute("SELECT status, repairs FROM collection_runs WHERE run_id = ?", [run_id]).fetchone()
    assert status == "ok" and rows == kept and repair in repairs
    assert con.execute("SELECT count(*) FROM raw_livecodebench_results").fetchone() == (kept,)


UNREADABLE = {
    "malformed JSON": ('{"performances": [', "is not valid JSON"),
    "no performances key": (json.dumps({"models": []}), "expected an object with lists 'performances' and 'models'"),
    "empty performances": (json.dumps(generation_file(performances=[])), "has no performances"),
    "renamed pass@1": (json.dumps(generation_file(performances=[
        {k.replace("pass@1", "pass_at_1"): v for k, v in p.items()} for p in generation_file()["performances"]])),
        "no entry of performances has 'pass@1'; expected keys ['model', 'question_id', 'date', 'pass@1']; the file "
        "cannot be read"),
    "no usable entry": (json.dumps(generation_file(performances=_perf(**{"pass@1": "high"}))),
                        "has no usable performances (all 1 skipped: "),
}


@pytest.mark.parametrize("case", UNREADABLE)
def test_a_file_that_cannot_be_read_fails_the_run_and_keeps_the_slice(con, tmp_path, case):
    body, message = UNREADABLE[case]
    target = tmp_path / livecodebench.DEFAULT_FILE
    target.write_text(json.dumps(generation_file()))
    with serve(tmp_path) as url:
        livecodebench.collect(con, Settings(livecodebench_url=url), as_of=AS_OF)
        target.write_text(body)
        with pytest.raises(livecodebench.LiveCodeBenchError, match="performances_generation.json"):
            livecodebench.collect(con, Settings(livecodebench_url=url), as_of=AS_OF)
    status, error = con.execute("SELECT status, error FROM collection_runs ORDER BY started_at DESC").fetchone()
    assert status == "failed" and message in error
    assert con.execute("SELECT count(*), count(DISTINCT model) FROM raw_livecodebench_results WHERE as_of = ?",
                       [AS_OF]).fetchone() == (12, 2)


def test_url_names_a_folder_or_a_file():
    assert livecodebench.split_url("https://livecodebench.github.io/") == (
        "https://livecodebench.github.io", "performances_generation.json")
    assert livecodebench.split_url("http://127.0.0.1:9/x/performances_execution.json") == (
        "http://127.0.0.1:9/x", "performances_execution.json")
