"""GitHub: the registry, GraphQL answers, the int_model_github step, and collection runs against the sandbox."""

import csv
import datetime as dt
import json
import logging
import time

import pytest
import static_server
from conftest import SHARED_DATA

from app import cli
from collector import http
from collector.github import graphql as github_graphql
from collector.github import links as github_links
from collector.github import repos as github
from collector.github import stargazers as github_stargazers
from collector.github.api import GitHubError
from collector.sandbox import github_world, routes_github
from pipelines.orchestration import build
from pipelines.steps import lineage
from warehouse import db, paths
from warehouse.settings import Settings

TOKEN = "ghp_sandboxSECRETtoken0123456789"
DAY = dt.date(2026, 3, 2)
# GET /repos/octocat/Hello-World, the official example (api-contracts.md 2.1)
HELLO_WORLD = {
    "id": 1296269, "node_id": "MDEwOlJlcG9zaXRvcnkxMjk2MjY5", "name": "Hello-World", "full_name": "octocat/Hello-World",
    "owner": {"login": "octocat", "id": 1}, "private": False, "fork": False, "language": None, "forks_count": 9,
    "stargazers_count": 80, "watchers_count": 80, "size": 108, "default_branch": "master", "open_issues_count": 0,
    "is_template": True, "topics": ["octocat", "atom", "electron", "api"], "archived": False, "disabled": False,
    "visibility": "public", "pushed_at": "2011-01-26T19:06:43Z", "created_at": "2011-01-26T19:01:12Z",
    "updated_at": "2011-01-26T19:14:43Z", "forks": 9, "open_issues": 0, "watchers": 80, "subscribers_count": 42,
}
GITHUB_STEPS = ["int_github_repo_stats", "int_model_github", "mart_github_repos", "mart_github_daily"]


def readme_link(hf_id: str) -> dict:
    return {"source": f"readme:{hf_id}", "family": None, "hf_org": None, "model_glob": None, "priority": None}


def snapshot(repo: str, stars: int | None, found: bool = True, renamed_to: str | None = None) -> dict:
    """A raw_github_repos row as the readers produce it."""
    return {"repo": repo, "found": found, "renamed_to": renamed_to, "stars": stars, "forks": 1, "watchers": 1,
            "open_issues": 0, "pushed_at": None, "created_at": None, "archived": False, "api": "rest",
            "payload": {}}


def save_snapshots(con, as_of: dt.date, rows: list[dict], links: dict[str, list[dict]]) -> None:
    github.save_repos(con, as_of, "test-run", [{**row, "links": links[row["repo"]]} for row in rows])


def save_models(con, as_of: dt.date, models: list[tuple[str, str | None]]) -> None:
    """raw_hf_models rows (id, first parent) and the lineage step over them."""
    for model_id, parent in models:
        con.execute("INSERT INTO raw_hf_models (as_of, run_id, id, author, base_models) VALUES (?, 'r', ?, ?, ?)",
                    [as_of, model_id, model_id.split("/")[0],
                     [{"relation": "finetune", "parent": parent}] if parent else []])
    build.run_build(con, build.steps_of(lineage.build))


def model_github(con) -> dict[str, tuple]:
    """Run the GitHub build steps; int_model_github rows by model id."""
    build.run_build(con, build.steps_of(*GITHUB_STEPS))
    rows = con.execute("SELECT model_id, repo, link_source, link_detail, stars, stars_growth_30d, growth_basis "
                       "FROM int_model_github").fetchall()
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


# --- the int_model_github step ---------------------------------------------------------------------------------

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


# --- collection runs against the sandbox --------------------------------------------------------------------

def world_repos(world) -> list[github_world.Repo]:
    return sorted({r.name: r for r in github_world.repos(world).values()}.values(), key=lambda r: r.number)


def live(world, day: dt.date) -> list[github_world.Repo]:
    """Repositories that answer 200 under their linked name on day."""
    return [r for r in world_repos(world)
            if r.current == r.name and github_world.lookup(world, *r.name.split("/"), day)]


def family_links(world) -> list[tuple[str, str]]:
    """(family root id, repo) for every family root whose card links a repository."""
    fam = world.families[world.families["github_repo"].notna()]
    return list(zip(fam["family"], fam["github_repo"], strict=True))


def save_card_links(con, as_of: dt.date, pairs: list[tuple[str, str]]) -> None:
    """card_github_links rows as `revealed collect cards` writes them (repo lower-cased)."""
    con.executemany("INSERT INTO card_github_links VALUES (?, ?, ?, ?)",
                    [[as_of, hf_id, repo.lower(), f"https://github.com/{repo}"] for hf_id, repo in pairs])


def snapshots(con) -> dict[str, tuple]:
    rows = con.execute("SELECT repo, found, renamed_to, stars, api, links FROM raw_github_repos").fetchall()
    return {r[0]: r[1:] for r in rows}


def test_rest_run_without_token_records_found_renamed_and_missing(con, sandbox, world):
    pairs = family_links(world) + [("someone/dead-link", "nobody/missing")]
    save_card_links(con, sandbox.date, pairs)
    run = github.collect(con, Settings(github_api=f"{sandbox.url}/github"), backfill_budget=0)
    repos = world_repos(world)
    renamed = [r for r in repos if r.current != r.name]
    assert (run.extra["api"], run.sandbox, run.extra["repos"]) == ("rest", True, len(repos) + 1)
    assert sandbox.request_count("/github/graphql") == 0
    assert sandbox.request_count("/github/repos/") == len(repos) + 1 + len(renamed)  # a redirect is two requests
    rows = snapshots(con)
    for repo in repos:
        found, renamed_to, stars, api, _ = rows[repo.name]
        exists = github_world.lookup(world, *repo.name.split("/"), sandbox.date) is not None
        assert found is exists and api == "rest"
        assert renamed_to == (repo.current if repo.current != repo.name else None)
        assert stars == (github_world.stars_on(world, repo, sandbox.date) if exists else None)
    assert rows["nobody/missing"][:3] == (False, None, None)
    assert rows["nobody/missing"][4] == [readme_link("someone/dead-link")]
    assert all(link["source"].startswith("readme:") for *_, links in rows.values() for link in links)
    status, sandbox_flag, as_of, endpoint = con.execute(
        "SELECT status, sandbox, as_of, endpoint FROM collection_runs WHERE source = 'github'").fetchone()
    assert (status, sandbox_flag, as_of, endpoint) == ("ok", True, sandbox.date, f"{sandbox.url}/github")
    assert con.execute("SELECT count(*) FROM raw_github_repos").fetchone()[0] == len(repos) + 1


def test_graphql_asks_100_repositories_per_query_and_never_stores_or_logs_the_token(con, sandbox, world, caplog):
    real = sorted({repo for _, repo in family_links(world)})
    fictional = [f"ghost-org-{i}/repo-{i}" for i in range(250 - len(real))]
    save_card_links(con, sandbox.date, [("org/model", repo) for repo in real]
                    + [(f"org/model-{i}", repo) for i, repo in enumerate(fictional)])
    caplog.set_level(logging.DEBUG)
    run = github.collect(con, Settings(github_api=f"{sandbox.url}/github", github_token=TOKEN), backfill_budget=3)
    assert (run.extra["api"], run.extra["repos"]) == ("graphql", 250)
    assert sandbox.request_count("/github/graphql") == 3
    exists = [github_world.lookup(world, *r.name.split("/"), sandbox.date) for r in world_repos(world)]
    found = run.extra["found"]
    assert found == sum(e is not None for e in exists) and len(run.extra["missing"]) == 250 - found
    assert sandbox.request_count("/github/repos/") == 3  # the stargazer pages of the backfill, nothing else
    assert not [r for r in caplog.records if TOKEN in r.getMessage()]
    for (table,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall():
        assert TOKEN not in repr(con.execute(f'SELECT * FROM "{table}"').fetchall()), table


def test_failed_run_is_recorded_without_the_token(con, sandbox, world, monkeypatch):
    monkeypatch.setattr(http, "sleep", lambda seconds: None)
    save_card_links(con, sandbox.date, family_links(world))
    sandbox.faults.add("500", count=50, path_prefix="/github/graphql")
    with pytest.raises(http.HttpError, match="HTTP 500"):
        github.collect(con, Settings(github_api=f"{sandbox.url}/github", github_token=TOKEN))
    status, error = con.execute("SELECT status, error FROM collection_runs WHERE source = 'github'").fetchone()
    assert status == "failed" and "graphql" in error and TOKEN not in error
    assert con.execute("SELECT count(*) FROM raw_github_repos").fetchone()[0] == 0


def test_rest_waits_for_the_rate_limit_reset(con, sandbox, world, monkeypatch):
    waits = []
    monkeypatch.setattr(http, "sleep", lambda seconds: (waits.append(seconds), time.sleep(seconds)))
    names = [r.name for r in live(world, sandbox.date)] + ["ghost/one", "ghost/two", "ghost/three"]
    save_card_links(con, sandbox.date, [(f"org/m{i}", name) for i, name in enumerate(names)])
    routes_github.set_limit(sandbox.url, "core", 3, window_s=3)
    run = github.collect(con, Settings(github_api=f"{sandbox.url}/github"), backfill_budget=0)
    assert (run.extra["repos"], run.extra["found"]) == (len(names), len(names) - 3)
    assert waits and min(waits) > 1.5  # until x-ratelimit-reset, not the 1 s first backoff


def test_secondary_limit_retry_after_is_honoured(con, sandbox, world, monkeypatch):
    waits = []
    monkeypatch.setattr(http, "sleep", waits.append)
    save_card_links(con, sandbox.date, [("org/m", live(world, sandbox.date)[0].name)])
    routes_github.throttle(sandbox.url, 2, retry_after=7)
    run = github.collect(con, Settings(github_api=f"{sandbox.url}/github"), backfill_budget=0)
    assert run.extra["found"] == 1 and waits == [7.0, 7.0]


def test_graphql_rate_limited_answer_waits_and_asks_again(con, sandbox, world, monkeypatch):
    waits = []
    monkeypatch.setattr(http, "sleep", lambda seconds: (waits.append(seconds), time.sleep(seconds)))
    save_card_links(con, sandbox.date, [(f"org/m{i}", f"ghost/r{i}") for i in range(150)])
    routes_github.set_limit(sandbox.url, "graphql", 1, window_s=2)
    run = github.collect(con, Settings(github_api=f"{sandbox.url}/github", github_token=TOKEN), backfill_budget=0)
    assert run.extra["repos"] == 150 and sandbox.request_count("/github/graphql") == 3 and len(waits) == 1


def test_graphql_error_payload_over_http_is_a_clear_error(sandbox):
    client = http.HttpClient(f"{sandbox.url}/github", token=TOKEN)
    body = github_graphql.post_query(client, "query { r0: repository(")
    with pytest.raises(GitHubError, match="no data .*Parse error"):
        github_graphql.parse_batch(["a/b"], body)


def test_backfill_within_budget_resumes_and_gives_growth(con, sandbox, world):
    repo = next(r for r in live(world, sandbox.date) if 350 < github_world.stars_on(world, r, sandbox.date) <= 3000)
    root = next(f for f, name in family_links(world) if name == repo.name)
    save_card_links(con, sandbox.date, [(root, repo.name)])
    stars = github_world.stars_on(world, repo, sandbox.date)
    key = repo.name
    github.collect(con, Settings(github_api=f"{sandbox.url}/github"), backfill_budget=2)
    assert sandbox.request_count(f"/github/repos/{repo.name}/stargazers") == 2
    state = con.execute("SELECT status, pages, next_page, stars_counted, covered_through FROM github_backfill_state "
                        "WHERE repo = ?", [key]).fetchone()
    assert state[:4] == ("partial", 2, 3, 200)
    counted = con.execute("SELECT sum(stars_added) FROM raw_github_star_history WHERE repo = ?", [key]).fetchone()[0]
    assert counted == 200 and state[4] < sandbox.date

    github.collect(con, Settings(github_api=f"{sandbox.url}/github"), backfill_budget=100)
    pages = -(-stars // 100)
    assert sandbox.request_count(f"/github/repos/{repo.name}/stargazers") == pages
    state = con.execute("SELECT status, next_page, covered_through FROM github_backfill_state").fetchone()
    assert state == ("complete", None, sandbox.date)
    assert con.execute("SELECT sum(stars_added) FROM raw_github_star_history").fetchone()[0] == stars

    github.collect(con, Settings(github_api=f"{sandbox.url}/github"), backfill_budget=100)  # nothing new to backfill
    assert sandbox.request_count(f"/github/repos/{repo.name}/stargazers") == pages

    save_models(con, sandbox.date, [(root, None)])
    truth = stars - github_world.stars_on(world, repo, sandbox.date - dt.timedelta(days=30))
    assert model_github(con)[root] == (repo.name, "readme", f"readme:{root}", stars, truth, "star_history")
    daily = con.execute("SELECT day, stars FROM mart_github_daily WHERE repo = ? AND source = 'star_history'",
                        [repo.name]).fetchall()
    assert len(daily) > 30
    assert all(n == github_world.stars_on(world, repo, day) for day, n in daily)
    assert con.execute("SELECT models_linked, history_status, link_sources FROM mart_github_repos").fetchone() == \
        (1, "complete", f"readme:{root}")


def test_collect_github_command(home, sandbox, world, capsys):
    con = db.connect(paths.warehouse_file(home))
    save_card_links(con, sandbox.date, family_links(world))
    con.close()
    assert cli.main(["collect", "github", "--api-url", f"{sandbox.url}/github", "--backfill-budget", "1"]) == 0
    out = capsys.readouterr().out
    renamed = next(r for r in world_repos(world) if r.current != r.name)
    assert out.startswith("NOTE: SANDBOX data: these repositories are fictional")
    assert "via rest" in out and f"renamed: {renamed.name} -> {renamed.current}" in out
    assert "star history backfill: 1 stargazer pages read (1 " in out


def test_collect_github_command_rejects_a_bad_budget(home, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["collect", "github", "--backfill-budget", "-3"])
    assert exit_.value.code == 2
    assert "'-3' is not a whole number of at least 0" in capsys.readouterr().err


def test_backfill_capped_and_broken_pages_keep_the_run(con, sandbox, world, monkeypatch):
    monkeypatch.setattr(github_stargazers, "MAX_PAGES", 2)  # GitHub lists 400 pages; the small world is smaller
    repos = live(world, sandbox.date)
    big = sorted(r.name for r in repos if github_world.stars_on(world, r, sandbox.date) > 200)
    small = next(r.name for r in repos if 0 < github_world.stars_on(world, r, sandbox.date) <= 200)
    save_card_links(con, sandbox.date, [(f"org/m{i}", name) for i, name in enumerate([*big, small])])
    sandbox.faults.add("malformed", count=1, path_prefix=f"/github/repos/{small}/stargazers")
    run = github.collect(con, Settings(github_api=f"{sandbox.url}/github"), backfill_budget=10)
    assert big and run.extra["backfill"] == {"capped": len(big), "failed": 1}
    assert sandbox.request_count("/github/repos/") == len(big) + 1 + 1  # snapshots, then one broken page
    state = con.execute("SELECT repo, status, pages, next_page FROM github_backfill_state ORDER BY repo").fetchall()
    assert state == [(name, "capped", 0, None) for name in big]
    assert con.execute("SELECT status FROM collection_runs WHERE source = 'github'").fetchone() == ("ok",)
    assert con.execute("SELECT count(*) FILTER (WHERE found) FROM raw_github_repos").fetchone() == (len(big) + 1,)


def test_tracked_repos_merge_registry_and_cards_case_insensitively(con, tmp_path):
    registry = tmp_path / "registry.toml"
    registry.write_text('[[repo]]\nfamily = "Qwen"\nrepo = "QwenLM/Qwen3"\nhf_orgs = ["Qwen"]\nmodels = ["Qwen3-*"]\n')
    save_card_links(con, DAY, [("Qwen/Qwen3-8B", "QwenLM/Qwen3"), ("alice/m", "Alice/Tool")])
    tracked = github_links.tracked_repos(con, use_registry=True, registry=registry)
    assert list(tracked) == ["QwenLM/Qwen3", "Alice/Tool"]
    assert [link["source"] for link in tracked["QwenLM/Qwen3"]] == ["registry", "readme:Qwen/Qwen3-8B"]
    assert list(github_links.tracked_repos(con, use_registry=False, registry=registry)) == ["QwenLM/Qwen3",
                                                                                              "Alice/Tool"]
    assert github_links.tracked_repos(con, use_registry=False)["QwenLM/Qwen3"] == [readme_link("Qwen/Qwen3-8B")]


def test_live_run_tracks_the_registry(con, tmp_path):
    # a stand-in for api.github.com without the sandbox header: static files in GitHub's REST shapes
    api = tmp_path / "api"
    (api / "repos" / "octocat").mkdir(parents=True)
    (api / "rate_limit").write_text(json.dumps({"resources": {"core": {"limit": 60, "remaining": 59}}}))
    (api / "repos" / "octocat" / "Hello-World").write_text(json.dumps(HELLO_WORLD))
    registry = tmp_path / "registry.toml"
    registry.write_text('[[repo]]\nfamily = "Hello"\nrepo = "octocat/Hello-World"\nhf_orgs = ["octo"]\n'
                        'models = ["*"]\n')
    save_card_links(con, DAY, [("someone/model", "someone/gone")])
    with static_server.serve(api) as url:
        run = github.collect(con, Settings(github_api=url), as_of=DAY, backfill_budget=0, registry=registry)
    x = run.extra
    assert (run.sandbox, x["api"], x["found"], x["missing"]) == (False, "rest", 1, ["someone/gone"])
    row = con.execute("SELECT stars, forks, watchers, open_issues, pushed_at, archived, links FROM raw_github_repos "
                      "WHERE repo = 'octocat/Hello-World'").fetchone()
    assert row[:6] == (80, 9, 42, 0, dt.datetime(2011, 1, 26, 19, 6, 43), False)
    assert row[6] == [{"source": "registry", "family": "Hello", "hf_org": "octo", "model_glob": "*", "priority": 0}]
    assert con.execute("SELECT sandbox FROM collection_runs").fetchone() == (False,)


@pytest.mark.parametrize(("kind", "field", "wrong"), [
    ("short_row", "stargazers_count", "without 'stargazers_count'"),
    ("mistyped_row", "forks_count", "forks '"),
    ("renamed_column", "full_name", "without 'full_name'"),
])
def test_a_malformed_repository_answer_is_skipped_recorded_and_the_rest_kept(con, sandbox, world, kind, field, wrong):
    save_card_links(con, sandbox.date, family_links(world))
    repos = world_repos(world)
    target = next(r for r in repos if r.current == r.name
                  and github_world.lookup(world, *r.name.split("/"), sandbox.date) is not None)
    sandbox.faults.add(kind, path_prefix=f"/github/repos/{target.name}", field=field)
    run = github.collect(con, Settings(github_api=f"{sandbox.url}/github"), backfill_budget=0)
    repaired = run.extra["repairs"]
    assert repaired and wrong in repaired[0] and repaired[0].endswith("; repository skipped")
    assert target.name in repaired[0]
    status, repairs = con.execute("SELECT status, repairs FROM collection_runs WHERE source = 'github'").fetchone()
    assert status == "ok" and repairs == repaired[0]
    assert set(snapshots(con)) == {r.name for r in repos} - {target.name}


def test_graphql_entry_of_the_wrong_type_is_returned_as_its_error():
    node = {"nameWithOwner": "octocat/Hello-World", "stargazerCount": "80", "forkCount": 9,
            "watchers": {"totalCount": 42}, "issues": {"totalCount": 2}, "pullRequests": {"totalCount": 1},
            "pushedAt": "2011-01-26T19:06:43Z", "createdAt": "2011-01-26T19:01:12Z", "isArchived": False}
    bad, short = github_graphql.parse_batch(["octocat/hello-world", "a/b"],
                                            {"data": {"r0": node, "r1": {"nameWithOwner": "a/b"}}})
    assert str(bad) == ("octocat/hello-world (graphql): stars '80'; expected whole numbers of at least 0, a name, "
                        "true/false and ISO-8601 times")
    assert str(short) == "GraphQL entry r1 for a/b lacks 'stargazerCount'; expected the queried fields"
