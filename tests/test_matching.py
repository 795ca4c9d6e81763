"""Entity matching: normalisation, the alias table, the labelled real-name set, and the build step on DuckDB."""

import datetime as dt
import logging

import pytest
from conftest import SHARED_DATA
from hub_rows import AS_OF, hub_snapshot

from collector.benchmarks import livebench, livecodebench
from collector.hf import listing as hf
from collector.sandbox import routes_bench
from pipelines import profiles
from pipelines.checks.matching_report import evaluate, read_labels
from pipelines.orchestration import build
from pipelines.steps import benchmark_scores, lineage, matching
from pipelines.steps.name_match import (
    AliasError,
    Entry,
    HubIndex,
    exact_key,
    load_aliases,
    match_all,
    relaxed_key,
)
from warehouse.settings import Settings

HUB = HubIndex(
    ["Qwen/Qwen2.5-7B-Instruct", "Qwen/Qwen2.5-72B-Instruct", "deepseek-ai/DeepSeek-R1",
     "deepseek-ai/DeepSeek-R1-0528", "lmsys/vicuna-7b-v1.5", "Qwen/Qwen3-30B-A3B",
     "Qwen/Qwen3-235B-A22B-Thinking-2507", "Qwen/Qwen3-235B-A22B", "mistralai/Mistral-Large-Instruct-2411",
     "meta-llama/Llama-3.1-405B", "meta-llama/Llama-3.1-405B-Instruct",
     "google/gemma-2-9b", "unsloth/gemma-2-9b", "fan/gemma-2-9b-it", "google/gemma-2-9b-it",
     "acme/Foo-7B", "acme/Foo-7B-Instruct"],
    parents={"meta-llama/Llama-3.1-405B-Instruct": {"meta-llama/Llama-3.1-405B"},
             "fan/gemma-2-9b-it": {"google/gemma-2-9b-it"}},
)


def resolve(name, hub=HUB, **hints):
    return match_all([Entry("livebench", name, **hints)], hub, {})[0]


def test_normalised_keys_keep_sizes_and_drop_only_what_does_not_change_weights():
    assert exact_key("Qwen/Qwen2.5-7B-Instruct") == exact_key("qwen2.5-7b-instruct") == "qwen-2-5-7b-instruct"
    assert exact_key("Qwen/Qwen2.5-72B-Instruct") != exact_key("qwen2.5-7b-instruct")
    assert relaxed_key("claude-3-5-sonnet-20240620") == "claude-3-5-sonnet"
    assert relaxed_key("gpt-4-turbo-2024-04-09") == "gpt-4"
    assert relaxed_key("qwen3-30b-a3b-thinking") == exact_key("Qwen/Qwen3-30B-A3B")
    assert relaxed_key("deepseek-r1-0528") == "deepseek-r-1-0528"  # four-digit versions stay


@pytest.mark.parametrize(("name", "expected", "method"), [
    ("qwen2.5-7b-instruct", "Qwen/Qwen2.5-7B-Instruct", "name"),
    ("qwen2.5-7b-instruct-turbo", "Qwen/Qwen2.5-7B-Instruct", "name_relaxed"),
    ("deepseek-r1-0528", "deepseek-ai/DeepSeek-R1-0528", "name"),
    ("qwen3-30b-a3b-thinking", "Qwen/Qwen3-30B-A3B", "name_relaxed"),
    ("qwen3-235b-a22b-thinking-2507", "Qwen/Qwen3-235B-A22B-Thinking-2507", "name"),
    ("mistral-large-2411", "mistralai/Mistral-Large-Instruct-2411", "name_relaxed"),
    ("meta-llama-3.1-405b-instruct-turbo", "meta-llama/Llama-3.1-405B-Instruct", "name_relaxed"),
    ("gemma-2-9b-it", "google/gemma-2-9b-it", "name"),  # fan/ copy declares google's repo as its parent
    ("foo-7b-it", "acme/Foo-7B-Instruct", "name_relaxed"),
    ("foo-7b-turbo", "acme/Foo-7B", "name_relaxed"),  # a name without filler prefers the id without it
])
def test_names_resolve_to_the_right_repo(name, expected, method):
    got = resolve(name)
    assert (got.hf_id, got.method) == (expected, method)


@pytest.mark.parametrize("name", ["vicuna-7b-v1.5-16k", "qwen2.5-3b-instruct", "claude-3-5-sonnet-20240620"])
def test_unknown_names_stay_unmatched_with_candidates(name):
    got = resolve(name)
    assert got.hf_id is None and got.method == "unmatched"
    if name.startswith(("vicuna", "qwen")):
        assert got.candidates  # the nearest ids are listed for a reviewer


def test_same_name_copies_are_ambiguous_unless_organization_or_downloads_decide():
    got = resolve("gemma-2-9b")
    assert got.hf_id is None and got.method == "ambiguous"
    assert got.candidates == "google/gemma-2-9b; unsloth/gemma-2-9b"
    assert resolve("gemma-2-9b", organization="Google").hf_id == "google/gemma-2-9b"
    ids = ["google/gemma-2-9b", "unsloth/gemma-2-9b"]
    assert resolve("gemma-2-9b", HubIndex(ids, prominence={ids[0]: 900, ids[1]: 100})).hf_id == ids[0]
    close = resolve("gemma-2-9b", HubIndex(ids, prominence={ids[0]: 300, ids[1]: 100}))
    assert close.hf_id is None and close.method == "ambiguous"


def test_a_sibling_named_like_the_benchmark_loses_to_the_organizations_repo():
    ids = ["lab/Thatra-9B", "lab/Thatra-9B-Instruct", "fan/Thatra-9B-it"]
    hub = HubIndex(ids, parents={"lab/Thatra-9B-Instruct": {"lab/Thatra-9B"}, "fan/Thatra-9B-it": {"lab/Thatra-9B"}})
    assert resolve("thatra-9b-it", hub).hf_id == "fan/Thatra-9B-it"  # without a hint the exact name wins
    got = resolve("thatra-9b-it", hub, organization="Lab")
    assert (got.hf_id, got.method) == ("lab/Thatra-9B-Instruct", "name_relaxed")


def test_providers_naming_different_repos_prefer_the_one_named_like_the_model():
    entry = Entry("livebench", "qwen3-235b-a22b-thinking",
                  api_names=("Qwen/Qwen3-235B-A22B-Thinking-2507", "Qwen/Qwen3-235B-A22B"))
    got = match_all([entry], HUB, {})[0]
    assert (got.hf_id, got.candidates) == ("Qwen/Qwen3-235B-A22B", "Qwen/Qwen3-235B-A22B-Thinking-2507")


def test_links_and_api_names_come_first():
    got = resolve("anything", hf_link="https://huggingface.co/deepseek-ai/deepseek-r1/tree/main")
    assert (got.hf_id, got.method) == ("deepseek-ai/DeepSeek-R1", "hf_link")
    got = resolve("qwen2.5-72b-instruct", api_names=("qwen-max", "Qwen/Qwen2.5-72B-Instruct-Turbo"))
    assert (got.hf_id, got.method) == ("Qwen/Qwen2.5-72B-Instruct", "api_name")
    assert resolve("x", hf_link="https://openai.com/index/hello-gpt-4o/").method == "unmatched"
    assert resolve("x", hf_link="https://huggingface.co/collections/Qwen/qwen25").method == "unmatched"


def test_checked_in_alias_table_loads_and_overrides_wrong_links():
    aliases = load_aliases()
    assert aliases["livebench", "qwen2.5-max"].hf_id is None
    entry = Entry("livebench", "gemma-2-9b-it", "https://huggingface.co/google/gemma-2-9b")
    assert match_all([entry], HUB, aliases)[0].hf_id == "google/gemma-2-9b-it"
    assert match_all([Entry("livebench", "qwen2.5-max")], HUB, aliases)[0].method == "closed"


def test_a_name_one_benchmark_ties_to_a_repo_means_the_same_repo_in_another():
    hub = HubIndex(["lab/Miobe-32B-Instruct", "fan/Miobe-32B-it"])
    entries = [Entry("livecodebench", "miobe-32b-it"),
               Entry("livebench", "Miobe-32B-it", api_names=("lab/Miobe-32B-Instruct",))]
    got = [(m.hf_id, m.method) for m in match_all(entries, hub, {})]
    assert got == [("lab/Miobe-32B-Instruct", "same_name"), ("lab/Miobe-32B-Instruct", "api_name")]
    assert match_all(entries[:1], hub, {})[0].hf_id == "fan/Miobe-32B-it"  # alone, the exact name wins


@pytest.mark.parametrize(("text", "error"), [
    ('[[alias]]\nsource = "*"\nname = "x"\nhf_id = "a/b"\n', "expected"),
    ('[[alias]]\nsource = "*"\nname = "x"\nhf_id = "not an id"\nnote = "n"\n', "'not an id'"),
    ('[[alias]]\nsource = "*"\nname = "x"\nhf_id = "a/b"\nnote = ""\n', "non-empty"),
    ('[[alias]]\nsource = "*"\nname = "x"\nhf_id = "a/b"\nnote = "n"\noverride = "yes"\n', "'yes'"),
    ('[[alias]]\nsource = "*"\nname = "X"\nhf_id = "a/b"\nnote = "n"\n'
     '[[alias]]\nsource = "*"\nname = "x"\nhf_id = "a/c"\nnote = "n"\n', "listed twice"),
    ("[[alias]\n", "not valid TOML"),
])
def test_malformed_alias_table_is_rejected_with_the_bad_entry(tmp_path, text, error):
    path = tmp_path / "aliases.toml"
    path.write_text(text)
    with pytest.raises(AliasError, match=error):
        load_aliases(path)


@pytest.mark.skipif(not SHARED_DATA.exists(), reason="reference data not available")
def test_labelled_real_names_precision_and_recall():
    # Thresholds (docs/matching.md): the automatic methods alone make 5 known mistakes out of 139 matches
    # (wrong links and aliases in LiveBench's own metadata); the reviewed alias table overrides them.
    # Recall with aliases misses only same-name re-uploads that downloads settle in a real Hub slice.
    auto = evaluate(use_aliases=False)
    assert len(auto.rows) >= 100
    assert auto.precision >= 0.96 and auto.recall >= 0.89
    reviewed = evaluate(use_aliases=True)
    assert reviewed.precision == 1.0 and reviewed.recall >= 0.97


@pytest.mark.parametrize(("rows", "error"), [
    ("livebench,x,Qwen,n\n", "'Qwen' is not 'owner/name' or 'none'"),
    ("livebench,x,none,n\nlivebench,x,a/b,n\n", "labelled twice"),
])
def test_malformed_labels_are_rejected(tmp_path, rows, error):
    path = tmp_path / "labels.csv"
    path.write_text("source,name,hf_id,note\n" + rows)
    with pytest.raises(ValueError, match=error):
        read_labels(path)


def livebench_rows(con, release, scores: dict[str, float], meta: dict[str, tuple]):
    """One LiveBench release with a single task per category (so the global score is the given number)."""
    for model, score in scores.items():
        for category in ("Coding", "Reasoning"):
            con.execute("INSERT INTO raw_livebench_scores VALUES (?, ?, 'lb-1', ?, ?, ?, ?)",
                        [release, AS_OF, model, category.lower(), category, score])
    for model, (url, api) in meta.items():
        con.execute("INSERT OR REPLACE INTO raw_livebench_models (as_of, run_id, model, organization, url, "
                    "api_names) VALUES (?, 'lb-1', ?, 'Org', ?, ?)", [AS_OF, model, url, api])


def test_build_step_writes_matches_scores_and_mart(con, tmp_path):
    (tmp_path / "profiles.toml").write_text(
        profiles.DEFAULT_FILE.read_text().replace("lcb_min_problems = 100", "lcb_min_problems = 1"))
    hub_snapshot(con, [
        {"id": "acme/Widget-7B", "downloads": 5000},
        {"id": "acme/Widget-7B-Instruct", "parents": [("finetune", "acme/Widget-7B")], "downloads": 900},
        {"id": "copycat/Widget-7B-Instruct", "parents": [("finetune", "acme/Widget-7B")], "downloads": 20},
        {"id": "acme/Gizmo-70B-Chat", "downloads": 300},
    ])
    livebench_rows(con, dt.date(2026, 6, 1), {"widget-7b-instruct": 40.0, "gizmo-70b-chat": 55.0},
                   {"widget-7b-instruct": (None, []), "gizmo-70b-chat": (None, [])})
    livebench_rows(con, dt.date(2026, 9, 1), {"widget-7b-instruct": 42.0, "widget-7b-instruct-thinking": 47.0,
                                              "mystery-model-9b": 30.0}, {})
    for problem, day, passed in (("p1", dt.date(2026, 3, 1), 0), ("p2", dt.date(2026, 8, 1), 60)):
        con.execute("INSERT INTO raw_livecodebench_results VALUES (?, 'lcb-1', 'Gadget-3B', ?, ?, ?, 'easy', "
                    "'x', 'acme/Gadget-3B', DATE '2026-05-01', 'https://huggingface.co/acme/Widget-7B')",
                    [AS_OF, problem, day, passed])
    con.execute("INSERT INTO raw_hf_model_cards VALUES (?, 'c-1', 'acme/Widget-7B-Instruct', '---', 'ok')", [AS_OF])
    con.executemany("INSERT INTO card_legacy_scores VALUES (?, 'acme/Widget-7B-Instruct', ?, ?)",
                    [[AS_OF, "MMLU", 71.5], [AS_OF, "GSM8K", 80.0]])

    build.run_build(con, build.steps_of(lineage.build, benchmark_scores.build, matching.build),
                    profiles_file=tmp_path / "profiles.toml")

    matches = {m: (h, meth) for m, h, meth in con.execute(
        "SELECT model, hf_id, method FROM int_benchmark_matches").fetchall()}
    assert matches["widget-7b-instruct"] == ("acme/Widget-7B-Instruct", "name")  # 900 vs 20 downloads
    assert matches["widget-7b-instruct-thinking"] == ("acme/Widget-7B-Instruct", "name_relaxed")
    assert matches["mystery-model-9b"] == (None, "unmatched")
    assert matches["Gadget-3B"] == ("acme/Widget-7B", "hf_link")  # the link beats the name
    clean = sorted(con.execute("SELECT * FROM int_model_clean_scores").fetchall())
    assert clean == [("acme/Gizmo-70B-Chat", 55.0, "livebench:2026-06-01"),  # latest release it appears in
                     ("acme/Widget-7B", 60.0, "livecodebench"),  # only the problem after its release counts
                     ("acme/Widget-7B-Instruct", 47.0, "livebench:2026-09-01")]  # best of two names
    assert con.execute("SELECT * FROM int_model_legacy_scores").fetchall() == [
        ("acme/Widget-7B-Instruct", 71.5, "MMLU")]
    columns = [c for (c,) in con.execute("SELECT column_name FROM (DESCRIBE mart_benchmarks)").fetchall()]
    assert columns == ["source", "release", "model", "hf_id", "family", "category", "score", "n_items",
                       "window_start", "window_end", "kind"]
    legacy = con.execute("SELECT hf_id, family, category, score FROM mart_benchmarks WHERE kind = 'legacy' "
                         "ORDER BY category").fetchall()
    assert legacy == [("acme/Widget-7B-Instruct", "acme/Widget-7B", "GSM8K", 80.0),
                      ("acme/Widget-7B-Instruct", "acme/Widget-7B", "MMLU", 71.5)]
    row = con.execute("SELECT hf_id, family FROM mart_benchmarks WHERE model = 'widget-7b-instruct-thinking' "
                      "AND category = 'global'").fetchone()
    assert row == ("acme/Widget-7B-Instruct", "acme/Widget-7B")
    assert con.execute("SELECT count(*) FROM mart_benchmarks WHERE hf_id IS NULL AND kind = 'clean'").fetchone()[0] > 0
    review = con.execute("SELECT model, hf_id, family, method, candidates FROM mart_benchmark_matches "
                         "WHERE model IN ('widget-7b-instruct', 'mystery-model-9b') ORDER BY model").fetchall()
    assert review == [("mystery-model-9b", None, None, "unmatched", None),
                      ("widget-7b-instruct", "acme/Widget-7B-Instruct", "acme/Widget-7B", "name",
                       "copycat/Widget-7B-Instruct")]


def test_sandbox_benchmark_names_resolve_to_the_world_truth(con, world, sandbox, caplog):
    hf.collect(con, Settings(hf_endpoint=sandbox.url), min_downloads=0, details=0)
    livebench.collect(con, Settings(livebench_url=f"{sandbox.url}/livebench"), as_of=sandbox.date)
    livecodebench.collect(con, Settings(livecodebench_url=f"{sandbox.url}/livecodebench"), as_of=sandbox.date)
    caplog.set_level(logging.INFO, logger="pipelines.steps.matching")
    build.run_build(con, build.steps_of(lineage.build, benchmark_scores.build, matching.build))
    assert "matching (SANDBOX: fictional names)" in caplog.text
    truth = dict(zip(routes_bench.covered(world)["model"], routes_bench.covered(world)["hf_id"], strict=True))
    got = con.execute("SELECT model, hf_id, method FROM int_benchmark_matches").fetchall()
    assert len(got) >= 10 and all(hf_id == truth[model] for model, hf_id, _ in got), got
    family = world.models.set_index("id")["family"]
    rows = con.execute("SELECT DISTINCT hf_id, family FROM mart_benchmarks WHERE kind = 'clean'").fetchall()
    assert rows and all(fam == family[hf_id] for hf_id, fam in rows)
    # The benchmark spellings alone (dated, '-turbo', '-it'; no link, API name or organization) still resolve.
    names = {model for model, _, _ in got}
    bare = match_all([Entry("livebench", name) for name in names], matching.hub_index(con), {})
    assert not [m for m in bare if m.hf_id and m.hf_id != truth[m.model]]
    assert sum(m.hf_id == truth[m.model] for m in bare) >= 0.8 * len(names)
