"""GitHub: the registry, GraphQL answers, the model_github step, and collection runs against the sandbox."""

import csv
import datetime as dt

import pytest
from conftest import SHARED_DATA

from collector import github, github_graphql, github_links
from collector.github_api import GitHubError
from pipelines import build, lineage
from warehouse import load

TOKEN = "ghp_sandboxSECRETtoken0123456789"
DAY = dt.date(2026, 3, 2)


def readme_link(hf_id: str) -> dict:
    return {"source": f"readme:{hf_id}", "family": None, "hf_org": None, "model_glob": None, "priority": None}


def snapshot(repo: str, stars: int | None, found: bool = True, renamed_to: str | None = None) -> dict:
    """A raw_github_repos row as the readers produce it."""
    return {"repo": repo, "found": found, "renamed_to": renamed_to, "stars": stars, "forks": 1, "watchers": 1,
            "open_issues": 0, "pushed_at": None, "created_at": None, "archived": False, "api": "rest",
            "payload": {}}


def save_snapshots(con, as_of: dt.date, rows: list[dict], links: dict[str, list[dict]]) -> None:
    load.replace_slice(con, "raw_github_repos", as_of, [github.to_frame(rows, links, as_of, "test-run")])


def save_models(con, as_of: dt.date, models: list[tuple[str, str | None]]) -> None:
    """raw_hf_models rows (id, first parent) and the lineage step over them."""
    for model_id, parent in models:
        con.execute("INSERT INTO raw_hf_models (as_of, run_id, id, author, base_models) VALUES (?, 'r', ?, ?, ?)",
                    [as_of, model_id, model_id.split("/")[0],
                     [{"relation": "finetune", "parent": parent}] if parent else []])
    lineage.build(con)


def model_github(con) -> dict[str, tuple]:
    build.run_sql_step(con, "model_github")
    rows = con.execute("SELECT model_id, repo, link_source, link_detail, stars, stars_growth_30d, growth_basis "
                       "FROM model_github").fetchall()
    return {r[0]: r[1:] for r in rows}


# --- the registry -------------------------------------------------------------------------------------------

def test_registry_entries_are_well_formed_and_unique():
    entries = github_links.load_registry()
    repos = [e.repo.lower() for e in entries]
    assert len(repos) == len(set(repos))
    assert all(github_links.is_repo_name(e.repo) for e in entries)
    by_family = {e.family for e in entries}
    assert {"Qwen", "Llama", "DeepSeek", "Gemma", "Mistral", "Phi", "GLM", "Kimi", "OLMo", "SmolLM"} <= by_family
    assert ("google-deepmind/gemma", ("google",)) in {(e.repo, e.hf_orgs) for e in entries}


@pytest.mark.parametrize("body, named", [
    ('[[repo]]\nfamily = "X"\nrepo = "no-slash"\nhf_orgs = ["x"]\nmodels = ["*"]\n', "'no-slash'"),
    ('[[repo]]\nfamily = "X"\nrepo = "a/b"\nhf_orgs = []\nmodels = ["*"]\n', "hf_orgs []"),
    ('[[repo]]\nfamily = "X"\nrepo = "a/b"\nhf_orgs = ["x"]\n', "keys"),
    ('[[repo]]\nfamily = "X"\nrepo = "a/b"\nhf_orgs = ["x"]\nmodels = ["*"]\n'
     '[[repo]]\nfamily = "Y"\nrepo = "A/B"\nhf_orgs = ["y"]\nmodels = ["*"]\n', "'A/B' is listed twice"),
    ('[[repo]\n', "not valid TOML"),
    ('', "no [[repo]] entries"),
])
def test_bad_registry_is_a_clear_error(tmp_path, body, named):
    path = tmp_path / "registry.toml"
    path.write_text(body)
    with pytest.raises(github_links.RegistryError, match=named.replace("[", r"\[").replace("]", r"\]")):
        github_links.load_registry(path)


# --- GraphQL answers ---------------------------------------------------------------------------------------

def test_not_found_alias_keeps_the_others():
    # shape recorded from GitHub (api-contracts.md 2.3): HTTP 200, partial data, NOT_FOUND in errors
    body = {"data": {"r0": {"nameWithOwner": "octocat/Hello-World", "stargazerCount": 80, "forkCount": 9,
                            "watchers": {"totalCount": 42}, "issues": {"totalCount": 2},
                            "pullRequests": {"totalCount": 1}, "pushedAt": "2011-01-26T19:06:43Z",
                            "createdAt": "2011-01-26T19:01:12Z", "isArchived": False},
                     "r1": None},
            "errors": [{"type": "NOT_FOUND", "path": ["r1"], "locations": [{"line": 1, "column": 99}],
                        "message": "Could not resolve to a Repository with the name 'gone/repo'."}]}
    found, gone = github_graphql.parse_batch(["octocat/hello-world", "gone/repo"], body)
    assert (found["found"], found["renamed_to"], found["stars"], found["watchers"], found["open_issues"]) == \
        (True, None, 80, 42, 3)
    assert found["pushed_at"] == dt.datetime(2011, 1, 26, 19, 6, 43)
    assert (gone["found"], gone["stars"], gone["payload"]["error"]["type"]) == (False, None, "NOT_FOUND")


def test_error_payload_without_data_is_a_clear_error():
    body = {"errors": [{"message": "Something went wrong while executing your query."}]}
    with pytest.raises(GitHubError, match="no data .*Something went wrong.*expected data for 2 repositories"):
        github_graphql.parse_batch(["a/b", "c/d"], body)


# --- the model_github step ---------------------------------------------------------------------------------

def test_links_by_card_registry_and_family_root(con):
    save_models(con, DAY, [("Qwen/Qwen2.5-VL-7B-Instruct", None), ("Qwen/Qwen3-8B", None),
                           ("alice/qwen3-chat", "Qwen/Qwen3-8B"), ("alice/own-card", "Qwen/Qwen3-8B"),
                           ("bob/no-link", None), ("carol/dead-link", None)])
    registry = github_links.registry_links(github_links.load_registry())
    links = {"QwenLM/Qwen3": registry["QwenLM/Qwen3"], "QwenLM/Qwen2.5-VL": registry["QwenLM/Qwen2.5-VL"],
             "alice/own-card": [readme_link("alice/own-card")], "carol/gone": [readme_link("carol/dead-link")]}
    save_snapshots(con, DAY, [snapshot("QwenLM/Qwen3", 25_000), snapshot("QwenLM/Qwen2.5-VL", 9_000),
                              snapshot("alice/own-card", 12, renamed_to="alice-labs/own-card"),
                              snapshot("carol/gone", None, found=False)], links)
    rows = model_github(con)
    assert rows["Qwen/Qwen2.5-VL-7B-Instruct"][:4] == ("QwenLM/Qwen2.5-VL", "registry", "registry:Qwen", 9_000)
    assert rows["Qwen/Qwen3-8B"][:4] == ("QwenLM/Qwen3", "registry", "registry:Qwen", 25_000)
    assert rows["alice/qwen3-chat"][:4] == ("QwenLM/Qwen3", "family_root", "registry:Qwen", 25_000)
    assert rows["alice/own-card"][:4] == ("alice-labs/own-card", "readme", "readme:alice/own-card", 12)
    assert "bob/no-link" not in rows and "carol/dead-link" not in rows
    assert rows["Qwen/Qwen3-8B"][4:] == (None, None)  # one snapshot, no history: growth unknown, not zero


def real_star_history(repo: str) -> list[tuple[dt.date, int]]:
    with open(SHARED_DATA / "github" / "star_history_ai_repos.csv", newline="") as f:
        return [(dt.date.fromisoformat(r["date"]), int(r["stars"])) for r in csv.DictReader(f) if r["repo"] == repo]


def test_growth_from_real_weekly_snapshots(con):
    history = real_star_history("deepseek-ai/DeepSeek-V3")[:12]
    assert len(history) == 12
    last_day, last_stars = history[-1]
    save_models(con, last_day, [("deepseek-ai/DeepSeek-V3", None)])
    registry = github_links.registry_links(github_links.load_registry())
    for day, stars in history:
        save_snapshots(con, day, [snapshot("deepseek-ai/DeepSeek-V3", stars)],
                       {"deepseek-ai/DeepSeek-V3": registry["deepseek-ai/DeepSeek-V3"]})
    then_day, then_stars = min((d for d in history if 23 <= (last_day - d[0]).days <= 37),
                               key=lambda d: abs((last_day - d[0]).days - 30))
    expected = round((last_stars - then_stars) * 30 / (last_day - then_day).days)
    repo, source, _, stars, growth, basis = model_github(con)["deepseek-ai/DeepSeek-V3"]
    assert (repo, source, stars, basis) == ("deepseek-ai/DeepSeek-V3", "registry", last_stars, "snapshots")
    assert growth == expected > 0
