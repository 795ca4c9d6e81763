"""The shipped reference world: its extract, `revealed up --source reference`, and face validity on real data."""

import csv
import gzip
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import duckdb
import pytest
from conftest import SHARED_DATA
from streamlit.testing.v1 import AppTest

from app.web import STREAMLIT_APP
from collector import reference
from collector.reference_extract import extract
from pipelines.checks import matching_report
from pipelines.orchestration import up
from pipelines.serving import questionnaire as qn
from pipelines.steps import denoise
from warehouse.settings import Settings

pytestmark = pytest.mark.slow
AST = "MIT/ast-finetuned-audioset-10-10-0.4593"  # 680M downloads in 30 days, 195 likes, on 2024-07-11


def revealed(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "REVEALED_HOME": str(home), "HF_ENDPOINT": "http://127.0.0.1:9"}
    return subprocess.run([sys.executable, "-m", "app.cli", *args], env=env, capture_output=True, text=True,
                          timeout=600)


@pytest.fixture(scope="module")
def brought_up(tmp_path_factory):
    """A home brought up on the reference world (no serving), with the command's output."""
    home = tmp_path_factory.mktemp("reference")
    done = revealed(home, "up", "--source", "reference", "--no-serve")
    assert done.returncode == 0, done.stdout + done.stderr
    return home, done.stdout


@pytest.fixture(scope="module")
def serving(brought_up):
    con = duckdb.connect(str(brought_up[0] / "serving.duckdb"), read_only=True)
    yield con
    con.close()


def raw_2024() -> list[dict]:
    with (SHARED_DATA / "hf" / "hub_models_2024-07-11.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.mark.skipif(not SHARED_DATA.exists(), reason="reference data not available")
def test_the_extract_regenerates_byte_for_byte_from_the_public_files(tmp_path):
    counts = extract(SHARED_DATA, tmp_path)
    shipped = sorted(p.relative_to(reference.EXTRACT) for p in reference.EXTRACT.rglob("*")
                     if p.is_file() and p.name != "SOURCES.md")
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()) == shipped
    for name in shipped:
        assert (tmp_path / name).read_bytes() == (reference.EXTRACT / name).read_bytes(), name
    assert counts["hub_models_2024-07-11.csv.gz"] == len(raw_2024())
    size = sum((reference.EXTRACT / name).stat().st_size for name in shipped)
    assert size < 6_000_000
    sources = (reference.EXTRACT / "SOURCES.md").read_text()
    for name in shipped:
        assert f"`{name.as_posix()}" in sources, f"SOURCES.md does not name {name}"


def test_up_builds_the_leaderboard_as_of_the_archived_day(brought_up, serving):
    home, out = brought_up
    assert "reference data in" in out and "live" not in out.replace("never live", "")
    assert "again to serve" in out and "schedule" not in out
    assert out.count("real public data, archived") >= len(reference.steps())
    meta = dict(serving.execute("SELECT key, value FROM meta").fetchall())
    assert (meta["data_kind"], meta["as_of_hf"], meta["as_of_github"]) == ("reference", "2024-07-11", "2024-07-08")
    con = duckdb.connect(str(home / "revealed.duckdb"), read_only=True)
    try:
        releases = con.execute("SELECT DISTINCT release FROM raw_livebench_scores").fetchall()
        history = con.execute("SELECT DISTINCT as_of FROM raw_hf_models ORDER BY 1").fetchall()
        runs = con.execute("SELECT DISTINCT source, endpoint LIKE 'file:%', status FROM collection_runs").fetchall()
    finally:
        con.close()
    assert [r[0].isoformat() for r in releases] == ["2024-07-26"]
    assert [d[0] for d in history] == list(reference.SNAPSHOTS)
    assert {(s, f, st) for s, f, st in runs} == {(s, True, "ok") for s in ("hf", "github", "livebench", "legacy")}
    growth = serving.execute("SELECT count(*) FROM mart_snapshot_growth WHERE as_of = DATE '2022-10-01'").fetchone()
    assert growth[0] > 10_000  # the 2022 snapshots are history


@pytest.mark.skipif(not SHARED_DATA.exists(), reason="reference data not available")
def test_legacy_claims_are_epochs_mmlu_and_the_gap_is_legacy_minus_clean(serving):
    with (SHARED_DATA / "releases" / "epoch_external_benchmark_mmlu.csv").open(encoding="utf-8-sig") as f:
        epoch = {r["Model version"]: float(r["EM"].rstrip("%")) for r in csv.DictReader(f) if r["EM"]}
    row = serving.execute("SELECT legacy_score, clean_score, contamination_gap FROM mart_models "
                          "WHERE model_id = 'meta-llama/Meta-Llama-3-70B-Instruct'").fetchone()
    assert row[0] == pytest.approx(epoch["Meta-Llama-3-70B-Instruct"])
    both = serving.execute("SELECT legacy_score, clean_score, contamination_gap FROM mart_models "
                           "WHERE legacy_score IS NOT NULL AND clean_score IS NOT NULL").fetchall()
    assert len(both) >= 5
    for legacy, clean, gap in both:
        assert gap == pytest.approx(legacy - clean)


@pytest.mark.skipif(not SHARED_DATA.exists(), reason="reference data not available")
def test_derivative_counts_equal_the_models_declaring_each_base(brought_up, serving):
    con = duckdb.connect(str(brought_up[0] / "revealed.duckdb"), read_only=True)
    try:  # a declared cycle (A names B, B names A) loses one edge, and the issue says which
        broken = {(child, detail.split("edge to ")[1].split(" ")[0]) for child, detail in con.execute(
            "SELECT model_id, detail FROM int_lineage_issues WHERE issue = 'cycle_broken'").fetchall()}
    finally:
        con.close()
    declared = Counter(parent for r in raw_2024() for parent in set(filter(None, r["base_model"].split("|")))
                       if parent != r["id"] and (r["id"], parent) not in broken)
    counted = dict(serving.execute(
        "SELECT model_id, coalesce(derivatives_finetune, 0) + coalesce(derivatives_quantized, 0) + "
        "coalesce(derivatives_adapter, 0) + coalesce(derivatives_merge, 0) + coalesce(derivatives_unknown, 0) "
        "FROM mart_models").fetchall())
    listed = {parent: n for parent, n in declared.items() if parent in counted}
    assert len(listed) > 1_000
    wrong = {p: (n, counted[p]) for p, n in listed.items() if counted[p] != n}
    assert not wrong, list(wrong.items())[:10]
    unknown = serving.execute("SELECT derivatives_unknown, derivatives_finetune FROM mart_models "
                              "WHERE model_id = 'meta-llama/Meta-Llama-3-8B'").fetchone()
    assert unknown == (declared["meta-llama/Meta-Llama-3-8B"], 0)  # 2024 tags carried no relation


def test_downloads_far_out_of_line_with_engagement_do_not_top_a_single_snapshot_board(serving):
    raw, organic, reasons, rank = serving.execute(
        "SELECT raw_downloads_30d, organic_downloads_30d, noise_reasons, rank FROM mart_models WHERE model_id = ?",
        [AST]).fetchone()
    assert "engagement_outlier" in reasons and organic < raw / 100 and rank is None  # mostly automation: not ranked
    top = [m for (m,) in serving.execute(
        "SELECT model_id FROM mart_models WHERE pipeline_tag = 'text-generation' ORDER BY rank LIMIT 25").fetchall()]
    assert {"meta-llama/Meta-Llama-3-8B-Instruct", "meta-llama/Meta-Llama-3-8B"} <= set(top)
    flagged = serving.execute("SELECT count(*) FILTER (WHERE noise_reasons LIKE '%engagement_outlier%'), count(*) "
                              "FROM mart_models").fetchone()
    assert 0 < flagged[0] < flagged[1] / 100  # far out of line: a few in a thousand, not a cut for everyone


@pytest.mark.parametrize(("model", "source"), [
    ("DevaMalla/llama7b", "huggyllama/llama-7b"), ("Yntec/EpicDiffusion", "johnslegers/epic-diffusion"),
    ("autogluon/chronos-t5-base", "amazon/chronos-t5-base"),  # re-uploads, re-spelled or not
    # a re-upload with no sign of a bot's traffic: less downloaded than its source, busier only than a namesake that
    # does not lead it (`CLARA-MeD/flan-t5-large`, 1 like, 24 downloads); a repository moved to a new owner, whose old
    # one has 5 likes to its 2, no lead (the library's default: its users' demand); and course exercises, one of 345
    # and one of 1,316 owners'
    ("mhemetfaik/flan-t5-large-copy", None), ("Systran/faster-whisper-tiny", None),
    ("NikosKokkini/poca-SoccerTwos", None), ("XKirsh/ppo-Huggy", None),
    ("SanctumAI/Codestral-22B-v0.1-GGUF", None),  # one of 13 owners' builds under the conventional name
    ("Xenova/jina-embeddings-v2-small-en", None), ("FL33TW00D-HF/whisper-tiny", None),  # conversions
    # a build named with its source's owner in front, beside an earlier, liked build of the same library
    # (`bartowski/Meta-Llama-3-70B-Instruct-GGUF`): its stem reads as theirs since v19, its name says it is a build
    ("RichardErkhov/meta-llama_-_Meta-Llama-3-70B-Instruct-gguf", None),
])
def test_re_uploads_are_bot_mirrors_of_their_source_and_builds_are_not(serving, model, source):
    raw, organic, reasons, mirror_of = serving.execute(
        "SELECT raw_downloads_30d, organic_downloads_30d, noise_reasons, mirror_of FROM mart_models "
        "WHERE model_id = ?", [model]).fetchone()
    assert mirror_of == source and ("mirror" in reasons.split(";")) is (source is not None)
    assert organic == (0 if source else raw)


def test_the_app_says_real_public_data_archived_on_the_day(brought_up, monkeypatch):
    monkeypatch.setenv("REVEALED_HOME", str(brought_up[0]))
    page = AppTest.from_file(str(STREAMLIT_APP), default_timeout=120).run()
    assert not page.exception and not page.warning
    assert page.info[0].value.startswith("**Real public data, archived 2024-07-11: ")
    assert page.caption[0].value == ("Reference world: real public data, archived 2024-07-11; nothing is collected, "
                                     "no job is scheduled · Archived data as of 2024-07-11")  # no pipeline to show
    log = (brought_up[0] / "logs" / "revealed.log").read_text()
    assert "real public data, archived 2024-07-11" in log
    assert not re.search(r"(?<!not )(?<!never )\blive\b", log, re.IGNORECASE)


def test_the_leaderboard_says_why_its_trends_are_blank(brought_up, monkeypatch):
    monkeypatch.setenv("REVEALED_HOME", str(brought_up[0]))
    page = AppTest.from_file(str(STREAMLIT_APP), default_timeout=120).run()
    assert not page.exception
    assert any(c.value.startswith("No daily series in the published data, so the last 30 days are blank")
               for c in page.caption)


def test_the_families_page_lists_the_largest_families_without_daily_series(brought_up, serving, monkeypatch):
    # snapshots a year apart give no daily series: the page says so and still lists the latest snapshot's families
    monkeypatch.setenv("REVEALED_HOME", str(brought_up[0]))
    page = AppTest.from_file(str(STREAMLIT_APP), default_timeout=120).run()
    page.switch_page("views/families.py").run()
    assert not page.exception
    assert any(i.value.startswith("No daily family series in the published data") for i in page.info)
    assert not page.slider  # it would only size the daily charts
    listed = next(df.value for df in page.dataframe if "family" in df.value.columns)
    top = serving.execute("SELECT family FROM mart_families ORDER BY organic_downloads_30d DESC NULLS LAST, family "
                          "LIMIT 1").fetchone()[0]
    assert len(listed) == 50 and listed["family"].iloc[0] == f"family?family={quote(top, safe='')}"


def test_gating_the_archive_does_not_carry_is_unknown_not_open(brought_up, serving, monkeypatch):
    # the 2024 listing has no `gated`: Meta-Llama-3-8B (gated on the Hub) was shown as "open weight"
    assert serving.execute("SELECT count(open_weight) FROM mart_models").fetchone() == (0,)
    monkeypatch.setenv("REVEALED_HOME", str(brought_up[0]))
    page = AppTest.from_file(str(STREAMLIT_APP), default_timeout=120)
    page.query_params["model"] = "meta-llama/Meta-Llama-3-8B"
    page.run().switch_page("views/model.py").run()
    assert not page.exception and any("· size unknown · text-generation · gating unknown ·" in c.value
                                      for c in page.caption)  # no "unknown (-B params)" either
    board = AppTest.from_file(str(STREAMLIT_APP), default_timeout=120)
    board.query_params["open_only"] = "1"
    board.run()
    assert not board.exception and any("No rows match" in i.value for i in board.info)
    assert any("archived listings do not carry gating" in h.value for h in board.html)


def test_the_model_page_and_data_health_date_livebench_alike(brought_up, serving, monkeypatch):
    # the scores are LiveBench's 2024-07-26 release, read into the archive dated 2024-07-11: both pages say both
    monkeypatch.setenv("REVEALED_HOME", str(brought_up[0]))
    model_id = serving.execute("SELECT model_id FROM mart_models WHERE clean_source = 'livebench:2024-07-26' "
                               "ORDER BY rank NULLS LAST, model_id LIMIT 1").fetchone()[0]
    page = AppTest.from_file(str(STREAMLIT_APP), default_timeout=120)
    page.query_params["model"] = model_id
    page.run().switch_page("views/model.py").run()
    assert not page.exception
    inputs = page.table[0].value.set_index("Component")
    paired = "release 2024-07-26, paired with the 2024-07-11 archive"  # the release is later than the Hub snapshot
    assert inputs.loc["capability", "Source, as of"] == f"livebench, {paired}"
    page.switch_page("views/data_health.py").run()
    assert not page.exception
    freshness = next(df.value for df in page.dataframe if "last_ok_as_of" in df.value.columns).set_index("source")
    assert freshness.loc["livebench", "last_ok_as_of"] == "release 2024-07-26, paired with the 2024-07-11 archive"
    assert freshness.loc["hf", "last_ok_as_of"] == "2024-07-11"


def test_the_export_says_reference_and_the_archived_day(brought_up, tmp_path):
    home, _ = brought_up
    done = revealed(home, "export", "weekly", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "Real public data, archived 2024-07-11" in done.stdout
    models = next(tmp_path.glob("models_*.csv"))
    with models.open(newline="") as f:
        rows = list(csv.DictReader(f))
    with next((home / "exports").glob("models_*.csv")).open(newline="") as f:
        assert next(csv.reader(f)) == list(rows[0])  # the same columns as the export `up` wrote
    assert {r["data_kind"] for r in rows} == {"reference"} and {r["as_of_hf"] for r in rows} == {"2024-07-11"}


def test_status_says_archived_and_nothing_is_scheduled(brought_up):
    home, _ = brought_up
    status = revealed(home, "status")
    assert status.returncode == 0 and "real public data, archived 2024-07-11" in status.stdout
    assert status.stdout.splitlines()[1].startswith("Reference world: real public data, archived 2024-07-11; nothing")
    schedule = revealed(home, "schedule")
    assert schedule.returncode == 2 and "nothing to collect" in schedule.stderr


def test_ask_answers_every_builtin_and_names_the_limits_the_archive_cannot_check(brought_up, tmp_path):
    # no parameter counts, derivative relations, gating or daily history for momentum in the 2024 listing: those answers
    # are not applied, said in a note and in every pick's caveats (before, each built-in's defaults picked nothing, and
    # every model passed for open weight)
    home, _ = brought_up
    unchecked = {"fine_tune_base": ["max_params_b", "min_params_b", "open_weight"],
                 "run_locally": ["vram_gb", "need_quantized", "open_weight"],
                 "procurement": ["stability", "open_weight"]}
    matched = {"fine_tune_base": 5298, "run_locally": 44, "procurement": 18}
    for name, stability in (*((n, None) for n in unchecked), ("procurement", "any")):
        answers = tmp_path / f"{name}-{stability}.yaml"
        answers.write_text(f"stability: {stability}\n" if stability else "{}\n")
        done = revealed(home, "ask", "-q", name, "--answers", str(answers), "--format", "json", "--top", "25")
        assert done.returncode == 0, done.stderr
        out = json.loads(done.stdout)
        named = [q for n in out["notes"] for q in re.findall(r'" to "(.+)" is not applied: this build has no', n)]
        prompts = [qn.load(name).question(qid)["prompt"] for qid in (["open_weight"] if stability else unchecked[name])]
        assert (out["matched"], named) == (matched[name], prompts)
        assert out["picks"] and all(sum(c.startswith("not checked against your answer") for c in pick["caveats"])
                                    == len(prompts) for pick in out["picks"])


def test_procurement_says_its_automation_figure_was_not_seen_day_by_day(brought_up, tmp_path):
    # one archived snapshot: the share of automation is read from a 30-day count, not from daily series
    answers = tmp_path / "defaults.yaml"
    answers.write_text("{}\n")
    done = revealed(brought_up[0], "ask", "-q", "procurement", "--answers", str(answers), "--format", "json")
    assert done.returncode == 0, done.stderr
    reasons = [r for pick in json.loads(done.stdout)["picks"] for r in pick["reasons"] if "CI or automation" in r]
    assert reasons and all(r.endswith("of it was not seen day by day)") for r in reasons)


def test_ask_picks_no_build_as_a_base_and_puts_first_what_it_could_not_check(brought_up, tmp_path):
    # builds such as `unsloth/llama-3-8b-Instruct-bnb-4bit` name no parent on the 2024 Hub: one was the second base
    home, _ = brought_up
    answers = tmp_path / "defaults.yaml"
    answers.write_text("{}\n")
    out = {}
    for name in ("fine_tune_base", "run_locally"):
        done = revealed(home, "ask", "-q", name, "--answers", str(answers), "--format", "json", "--top", "200")
        assert done.returncode == 0, done.stderr
        out[name] = json.loads(done.stdout)["picks"]
    names = [p["model_id"].split("/")[-1] for p in out["fine_tune_base"]]
    builds = [n for n in names if re.search(denoise.BUILD_NAME, n, re.I)]
    assert len(out["fine_tune_base"]) == 200 and builds == []
    # relations are unknown, so "no quantised derivative yet" would be a guess beside the unchecked quantised limit
    for pick in out["run_locally"]:
        unchecked = [c.startswith("not checked against your answer") for c in pick["caveats"]]
        assert unchecked[:4] == [True, True, True, False]
        assert not any(c.startswith("no quantised derivative yet") for c in pick["caveats"])


def test_fine_tune_base_calls_no_pick_a_base_model_where_the_archive_says_no_relation(brought_up, tmp_path):
    # the 2024 listing names parents without a relation: microsoft/Phi-3-mini-4k-instruct names none, and was
    # "a base model"
    answers = tmp_path / "defaults.yaml"
    answers.write_text("{}\n")
    done = revealed(brought_up[0], "ask", "-q", "fine_tune_base", "--answers", str(answers), "--format", "json",
                    "--top", "50")
    assert done.returncode == 0, done.stderr
    picks = json.loads(done.stdout)["picks"]
    assert "microsoft/Phi-3-mini-4k-instruct" in [p["model_id"] for p in picks]
    assert all([r for r in p["reasons"] if "parent" in r] == [
        "no declared parent: its Hub listing names no model it derives from"] for p in picks)
    assert not any("base model" in r for p in picks for r in p["reasons"])


def test_the_questionnaire_page_says_its_order_and_unranked_pages_say_why(brought_up, monkeypatch):
    # local use, the pulled priority, has no value in the archive: it orders nothing, and the line says the score does
    monkeypatch.setenv("REVEALED_HOME", str(brought_up[0]))
    page = AppTest.from_file(str(STREAMLIT_APP), default_timeout=120).run()
    page.switch_page("views/questionnaire.py").run()
    page.selectbox(key="questionnaire").set_value("run_locally").run()
    page.radio(key="run_locally.priority").set_value("pulled")
    page.button[0].click().run()
    assert not page.exception
    assert "Order: highest questionnaire score first." in [c.value for c in page.caption]
    page = AppTest.from_file(str(STREAMLIT_APP), default_timeout=120)
    page.query_params["model"] = AST
    page.run()
    page.switch_page("views/model.py").run()
    said = [i.value for i in page.info]
    assert "Not ranked: most of its downloads are CI or automation (see the Noise page)." in said
    assert [m.value for m in page.metric if m.label == "Rank"] == ["not ranked"]


def test_the_questionnaire_page_warns_of_the_limits_it_could_not_check(brought_up, monkeypatch):
    monkeypatch.setenv("REVEALED_HOME", str(brought_up[0]))
    page = AppTest.from_file(str(STREAMLIT_APP), default_timeout=120).run()
    page.switch_page("views/questionnaire.py").run()
    page.selectbox(key="questionnaire").set_value("run_locally").run()
    page.button[0].click().run()
    assert not page.exception
    warned = [w.value for w in page.warning if "is not applied" in w.value]
    assert len(warned) == 3 and warned[0].startswith('the answer "24" to "How much GPU memory')
    assert "no gating data" in warned[2]
    assert any(c.value.startswith("Models meeting every applied constraint: 44 ") for c in page.caption)


def test_up_again_resumes_without_reloading(brought_up):
    home, _ = brought_up
    again = revealed(home, "up", "--source", "reference", "--no-serve")
    assert again.returncode == 0, again.stderr
    assert "Loading" not in again.stdout and "already loaded" in again.stdout
    assert "the published data is up to date" in again.stdout
    mixed = revealed(home, "up", "--source", "sandbox", "--no-serve")
    assert mixed.returncode == 2 and "already holds reference data" in mixed.stderr


def test_auto_falls_back_to_the_reference_world_when_the_hub_does_not_answer(home, monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")
    said = []
    settings = up.choose(Settings.from_env(), "auto", up.Choice("auto"), set(), said.append)
    assert settings.source == "reference"
    assert "real public data, archived 2024-07-11" in said[0] and "cannot be reached" in said[0]


@pytest.mark.skipif(not SHARED_DATA.exists(), reason="reference data not available")
def test_livebench_2024_names_match_the_2024_hub_precisely():
    ev = matching_report.evaluate_on_snapshot(reference.snapshot_file(reference.AS_OF), SHARED_DATA)
    assert len(ev.rows) >= 100 and ev.positives >= 30
    assert ev.precision >= 0.95 and ev.recall >= 0.8


def test_the_extract_is_gzip_csv_with_factual_columns_only():
    with gzip.open(reference.snapshot_file(reference.AS_OF), "rt", newline="") as f:
        header = next(csv.reader(f))
    assert header == ["id", "downloads_30d", "likes", "pipeline_tag", "library_name", "created_at", "license",
                      "base_model", "other_tags"]
