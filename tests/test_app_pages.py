"""Every app page through streamlit.testing AppTest on a published warehouse: no exceptions, real rows, the banner."""

import csv
import datetime as dt
import html
import os
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import board_html
import duckdb
import pytest
import sandbox_built
from streamlit.testing.v1 import AppTest

from app.web import STREAMLIT_APP, noise_reasons, queries
from app.web.board import TREND_DAYS, href
from collector.benchmarks import livebench
from collector.sandbox.server import SandboxServer
from collector.sandbox.world import World
from pipelines.serving import export_weekly
from warehouse import db, paths, publish, schedule_state, status_line
from warehouse.settings import Settings

APP = str(STREAMLIT_APP)
SANDBOX = "Sandbox data: fictional"


@pytest.fixture(scope="module")
def published() -> Path:
    """A REVEALED_HOME with a sandbox-built, published serving copy."""
    return sandbox_built.built_home()


@pytest.fixture
def serving(published, monkeypatch) -> duckdb.DuckDBPyConnection:
    """Point the app at the published home; a read-only connection to check what pages show."""
    monkeypatch.setenv("REVEALED_HOME", str(published))
    con = duckdb.connect(str(published / "serving.duckdb"), read_only=True)
    yield con
    con.close()


def run_page(page: str | None = None, query: dict | None = None) -> AppTest:
    """Run the app (optionally switched to app/web/views/<page>.py) and fail on any exception."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query or {})
    at.run()
    if page:
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    """All markdown-ish text on the page, joined."""
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption", "info", "error", "warning",
                                  "success") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("page", [None, "model", "families", "benchmarks", "channels", "noise", "data_health",
                                  "questionnaire"])
def test_every_page_runs_with_the_sandbox_banner(serving, page):
    at = run_page(page)
    assert any(SANDBOX in w.value for w in at.warning)
    as_of = serving.execute("SELECT value FROM meta WHERE key = 'as_of_hf'").fetchone()[0]
    first = at.caption[0].value
    assert first.startswith("Pipeline idle since ") and f"Sandbox data (fictional) as of {as_of}" in first
    assert f"it ends on {as_of}" in next(w.value for w in at.warning if SANDBOX in w.value)


TOP_25 = """SELECT m.model_id, s.rank, s.rank_low, s.rank_high, s.composite FROM mart_models m JOIN mart_scores s
    ON s.entity_kind = 'model' AND s.entity_id = m.model_id AND s.profile = 'balanced'
    ORDER BY s.rank NULLS LAST, s.composite DESC NULLS LAST, m.model_id LIMIT 25"""


def table_html(at: AppTest) -> str:
    """The leaderboard's one static HTML table (the page's other st.html is its style sheet alone)."""
    tables = [h.value for h in at.html if "<table" in h.value]
    assert len(tables) == 1 and not at.dataframe, "the leaderboard is one static HTML table, no data grid"
    return tables[0]


def board(at: AppTest) -> list[dict[str, dict]]:
    """The leaderboard's HTML table as rows of {header: cell}."""
    return board_html.rows(table_html(at))


def follow(at: AppTest, label: str) -> AppTest:
    """Open the leaderboard link named label as a browser would: its query string becomes the page's address."""
    controls = "".join(h.value for h in at.html if 'class="rv-bar"' in h.value)
    href = re.search(rf'<a href="([^"]*)"[^>]*>{re.escape(html.escape(label))}</a>', controls)
    assert href, f"no link {label!r} among the leaderboard's controls"
    return run_page(query=parse_qs(urlsplit(html.unescape(href[1])).query))


def test_leaderboard_shows_ranked_models_in_rank_order(serving):
    at = run_page()
    rows = board(at)
    expected = serving.execute(TOP_25).fetchall()
    assert [r["model"]["text"] for r in rows] == [e[0] for e in expected]
    assert [r["model"]["links"] for r in rows] == [[f"model?model={quote(e[0], safe='')}"] for e in expected]
    model_id, rank, low, high, composite = expected[0]
    assert rows[0]["rank (90% interval)"]["text"] == f"#{rank} ({low}-{high})"
    assert rows[0]["composite"]["text"] == f"{composite:.1f}"
    license_class, size_class, task = serving.execute(
        "SELECT license_class, size_class, pipeline_tag FROM mart_models WHERE model_id = ?", [model_id]).fetchone()
    assert rows[0]["model"]["meta"] == f"{license_class} · {size_class} · {task or '-'}"
    for r in rows:  # a sparkline per row, described for screen readers
        assert r["last 30 days"]["images"][0].startswith("30 days of organic downloads: ")


def test_first_pages_sparklines_are_kept_and_the_trend_queries_match_a_scan(serving):
    """mart_trends holds every profile's top 100 models and families; the app's trend queries give what a scan of the
    per-day marts gives, for kept rows, other rows and a window mart_trends does not hold."""
    for kind, daily, key in (("model", "mart_model_daily", "model_id"), ("family", "mart_family_daily", "family")):
        top = {i for (i,) in serving.execute("SELECT entity_id FROM mart_scores WHERE entity_kind = ? AND rank <= 100",
                                             [kind]).fetchall()}
        kept = dict(serving.execute("SELECT entity_id, trend FROM mart_trends WHERE entity_kind = ? AND days = ?",
                                    [kind, TREND_DAYS]).fetchall())

        def scan(days: int, key: str = key, daily: str = daily) -> dict:
            return dict(serving.execute(f"SELECT {key}, list(organic_downloads ORDER BY day) FROM {daily} "
                                        f"WHERE day > (SELECT max(day) FROM {daily}) - {days} GROUP BY ALL").fetchall())

        assert len(top) > 25 and set(kept) == top
        assert kept == {i: scan(TREND_DAYS).get(i) for i in top}
        ids = sorted(top)[:10] + sorted(set(scan(TREND_DAYS)) - top)[:10]
        for days in (TREND_DAYS, 7):
            got = dict(serving.execute(queries.sql(f"{kind}_trends"), {"ids": ids, "days": days}).fetchall())
            assert got == {i: t for i, t in scan(days).items() if i in ids}


def test_leaderboard_interactive_grid_on_demand_shows_the_same_page(serving):
    at = follow(run_page(), "Interactive grid")
    assert not [h for h in at.html if "<table" in h.value]
    grid = at.dataframe[0].value
    assert grid["model_id"].tolist() == [e[0] for e in serving.execute(TOP_25).fetchall()]
    assert grid["trend"].map(len).min() > 1


def test_leaderboard_filters_by_license_class_and_coverage(serving):
    at = run_page(query={"profile": "balanced", "license": "permissive", "coverage": "50"})  # the filter form's
    rows = board(at)
    assert len(rows) > 0
    assert board_html.licenses(rows) == {"permissive"}
    assert min(int(r["coverage"]["text"].rstrip("%")) for r in rows) >= 50
    assert "filters: license permissive; coverage at least 50%" in table_html(at)  # the caption says what applies


def test_the_leaderboards_caption_says_the_data_is_the_fictional_sandbox(serving):
    as_of = serving.execute("SELECT value FROM meta WHERE key = 'as_of_hf'").fetchone()[0]
    caption = re.search(r'<p class="rv-caption">(.*?)</p>', table_html(run_page()))[1]
    assert f"Sandbox data (fictional) as of {as_of}" in caption
    assert "Hugging Face" not in caption  # the banner says none of it comes from Hugging Face


def test_the_filters_list_size_classes_from_small_to_large(serving):
    form = "".join(h.value for h in run_page().html if 'aria-label="Filters"' in h.value)
    sizes = re.findall(r'name="size" value="([^"]*)"', form)
    assert html.unescape(" ".join(sizes)).split() == ["<1B", "1-9B", "10-39B", "40-99B", "100B+", "unknown"]


def test_leaderboard_families_view(serving):
    at = follow(run_page(), "Families")
    rows = board(at)
    families = {r[0] for r in serving.execute("SELECT family FROM mart_families").fetchall()}
    assert {r["family"]["text"] for r in rows} <= families and len(rows) > 0
    assert all(r["family"]["links"] == [f"family?family={quote(r['family']['text'], safe='')}"] for r in rows)


def test_the_usage_profile_ranks_by_local_and_api_use_and_says_why(serving):
    at = follow(run_page(), "usage")
    rows = board(at)
    expected = serving.execute("""SELECT m.model_id, m.local_use, m.api_use FROM mart_models m JOIN mart_scores s
        ON s.entity_kind = 'model' AND s.entity_id = m.model_id AND s.profile = 'usage'
        WHERE s.rank IS NOT NULL ORDER BY s.rank LIMIT 25""").fetchall()
    assert [r["model"]["text"] for r in rows] == [e[0] for e in expected]
    assert any(use is not None for _, *uses in expected for use in uses)  # channel figures reach the top 25
    for row, (_, local, api) in zip(rows, expected, strict=True):
        assert row["local use"]["text"] == ("-" if local is None else f"{local:.0f}")
        assert row["API use"]["text"] == ("-" if api is None else f"{api:.0f}")
        why = row["rank (90% interval)"]["titles"][0]
        assert ("no matched Ollama pull count" in why) == (local is None)
        assert ("no matched OpenRouter token count" in why) == (api is None)
    assert any("Ollama pulls in 30 days" in r["rank (90% interval)"]["titles"][0] for r in rows)


def test_family_page_shows_members_by_relation_share_and_top_members(serving):
    family, members, organic = serving.execute(
        "SELECT family, members, organic_downloads_30d FROM mart_families WHERE members > 3 "
        "ORDER BY organic_downloads_30d DESC LIMIT 1").fetchone()
    at = run_page("family", {"family": family})
    assert [h.value for h in at.header] == [family]
    by_relation = at.dataframe[0].value
    assert by_relation["members"].sum() == members and by_relation["organic"].sum() == organic
    assert by_relation.iloc[0]["relation"] == "root" and by_relation.iloc[0]["members"] == 1
    assert abs(by_relation["share"].sum() - 100) < 1e-6
    top = at.dataframe[1].value
    expected = serving.execute("SELECT model_id FROM mart_models WHERE family = ? "
                               "ORDER BY organic_downloads_30d DESC NULLS LAST, model_id LIMIT 25", [family]).fetchall()
    assert top["model_id"].tolist() == [f"model?model={quote(e[0], safe='')}" for e in expected]
    assert "None" not in top.astype(str).to_numpy()  # the root has no parent: an empty cell
    assert {"Derivatives over time", "Share of all organic downloads"} <= {s.value for s in at.subheader}


def test_family_page_names_an_unknown_family(serving):
    at = run_page("family", {"family": "nobody/none"})
    assert "Unknown family 'nobody/none'" in at.error[0].value


def test_families_view_and_model_page_link_to_the_family_page(serving):
    at = run_page("families")
    listed = next(df.value for df in at.dataframe if "family" in df.value.columns)
    expected = serving.execute("SELECT family FROM mart_families ORDER BY organic_downloads_30d DESC NULLS LAST, "
                               "family LIMIT 50").fetchall()
    assert listed["family"].tolist() == [f"family?family={quote(f, safe='')}" for (f,) in expected]
    model_id, family = serving.execute(
        "SELECT model_id, family FROM mart_models WHERE model_id <> family ORDER BY rank LIMIT 1").fetchone()
    at = run_page("model", {"model": model_id})
    links = [(p.proto.page, p.proto.query_string) for p in at.get("page_link")]
    assert links and all(link == ("family", f"family={quote(family, safe='')}") for link in links)


def test_model_page_from_query_param_shows_every_component(serving):
    model_id, family = serving.execute(
        "SELECT model_id, family FROM mart_models WHERE model_id <> family ORDER BY rank LIMIT 1").fetchone()
    at = run_page("model", {"model": model_id})
    assert model_id in [h.value for h in at.header]
    components = at.table[0].value
    assert components["Component"].tolist() == ["adoption", "adoption in its class", "momentum", "ecosystem",
                                                 "community", "capability", "local use", "API use"]
    ancestors = next(df.value for df in at.dataframe if "parent" in df.value.columns)
    assert f"model?model={quote(family, safe='')}" in ancestors["parent"].tolist()  # a link to the root's page


def test_model_page_shows_the_linked_repository_and_its_growth(serving):
    model_id, repo = serving.execute(
        "SELECT model_id, github_repo FROM mart_models WHERE github_repo IS NOT NULL ORDER BY rank LIMIT 1").fetchone()
    at = run_page("model", {"model": model_id})
    assert any(f"GitHub: {repo}" in c.value and "stars in the last 30 days" in c.value for c in at.caption)


def test_a_bot_mirrors_page_links_to_the_model_it_re_uploads(serving):
    model_id, source = serving.execute("SELECT model_id, mirror_of FROM mart_models WHERE mirror_of IS NOT NULL "
                                       "ORDER BY raw_downloads_30d DESC LIMIT 1").fetchone()
    at = run_page("model", {"model": model_id})
    links = [(p.proto.label, p.proto.page, p.proto.query_string) for p in at.get("page_link")]
    assert any(label.startswith(f"Read as a re-upload of {source} ") and (page, query) ==
               ("model", f"model={quote(source, safe='')}") for label, page, query in links), links


def test_an_unranked_models_page_says_not_ranked_and_why_not_a_dash(serving):
    model_id = serving.execute("SELECT model_id FROM mart_models WHERE rank IS NULL AND mostly_automation "
                               "ORDER BY raw_downloads_30d DESC LIMIT 1").fetchone()[0]
    at = run_page("model", {"model": model_id})
    assert [m.value for m in at.metric if m.label == "Rank"] == ["not ranked"]
    assert "Not ranked: most of its downloads are CI or automation (see the Noise page)." in [i.value for i in at.info]
    assert "Why -" not in texts(at)


def test_model_page_unknown_id_names_it(serving):
    at = run_page("model", {"model": "nobody/no-such-model"})
    assert any("'nobody/no-such-model'" in e.value and "owner/name" in e.value for e in at.error)


def test_benchmarks_page_lists_unmatched_names(serving):
    unmatched = {r[0] for r in serving.execute("SELECT model FROM mart_benchmarks WHERE hf_id IS NULL").fetchall()}
    at = run_page("benchmarks")
    shown = [df.value for df in at.dataframe if "name_in_source" in df.value.columns]
    if unmatched:
        assert set(shown[0]["name_in_source"]) == unmatched
    else:
        assert not shown and "Every benchmark name matched" in texts(at)


def test_noise_page_shows_most_automated_first(serving):
    at = run_page("noise")
    table = next(df.value for df in at.dataframe if "automation_share" in df.value.columns)
    assert table["automation_share"].is_monotonic_decreasing and len(table) > 0
    unranked = serving.execute("SELECT count(*) FROM mart_models WHERE mostly_automation AND rank IS NULL").fetchone()
    assert next(m for m in at.metric if m.label == "Mostly automated, not ranked").value == f"{unranked[0]:,}"
    # a bot mirror's row links to the model it re-uploads, every other row's cell is empty
    sources = dict(serving.execute("SELECT model_id, mirror_of FROM mart_models WHERE mirror_of IS NOT NULL")
                   .fetchall())
    shown = {unquote(m.partition("=")[2]): link for m, link in zip(table["model_id"], table["mirror_of"], strict=True)}
    assert shown == {m: href("model", sources[m]) if m in sources else "" for m in shown}
    assert set(shown) & set(sources)


def test_noise_page_explains_every_reason_the_pipeline_gave(serving):
    given = {r[0] for r in serving.execute("SELECT DISTINCT unnest(string_split(noise_reasons, ';')) "
                                           "FROM mart_models WHERE noise_reasons <> ''").fetchall()}
    at = run_page("noise")
    listed = next(m.value for m in at.markdown if m.value.startswith("- `"))  # whole sentences, none cut
    assert given - {""} and all(f"`{r}`: " in listed and noise_reasons.REASONS[r] in listed for r in given - {""})


def test_model_page_says_why_downloads_were_removed(serving):
    model_id, reasons = serving.execute(
        "SELECT model_id, noise_reasons FROM mart_models WHERE noise_reasons <> '' ORDER BY rank LIMIT 1").fetchone()
    at = run_page("model", {"model": model_id})
    for code in noise_reasons.codes(reasons):
        assert f"`{code}`: {noise_reasons.REASONS[code]}" in texts(at)


def test_data_health_shows_runs_and_errors(serving):
    at = run_page("data_health")
    runs = next(df.value for df in at.dataframe if "rows_written" in df.value.columns)
    expected = serving.execute("SELECT count(*) FROM collection_runs").fetchone()[0]
    assert len(runs) == min(expected, 30)
    assert "Pipeline idle since " in texts(at)


def test_questionnaire_page_gives_a_shortlist(serving):
    at = run_page("questionnaire")
    at.selectbox(key="questionnaire").set_value("run_locally").run()
    at.number_input(key="run_locally.vram_gb").set_value(16)
    at.button[0].click().run()
    assert not at.exception
    picks = at.dataframe[0].value
    assert len(picks) > 0
    for model_id in picks["model"]:
        params_b, open_weight, quantized = serving.execute(
            "SELECT params_b, open_weight, derivatives_quantized FROM mart_models WHERE model_id = ?",
            [model_id]).fetchone()
        assert params_b * 4.65 / 8 * 1.2 <= 16 and open_weight and quantized > 0
    # the picks come ordered by the stated priority (quality: the clean benchmark score) and each says its rank
    clean = [serving.execute("SELECT capability FROM mart_models WHERE model_id = ?", [m]).fetchone()[0]
             for m in picks["model"]]
    known = [c for c in clean if c is not None]
    assert clean[:len(known)] == sorted(known, reverse=True) and known
    assert "Order: highest capability first (picks without it last), then highest questionnaire score." in [
        c.value for c in at.caption]
    # the questionnaire's score and coverage are told apart from the leaderboard's rank, composite and coverage
    assert list(picks.columns[3:5]) == ["questionnaire score", "questionnaire coverage"]
    cards = [m.value for m in at.markdown if m.value.startswith("**")]
    assert [c.split(" · ")[-1] for c in cards] == [f"questionnaire score {s:.1f} (coverage {c})" for s, c in
                                                    zip(picks["questionnaire score"], picks["questionnaire coverage"],
                                                        strict=True)]
    assert sum(c.value.startswith("Leaderboard (balanced profile): #") and " ranked with composite " in c.value
               for c in at.caption) == len(picks)


def test_questionnaire_page_without_picks_names_the_blocking_question_and_answer_as_shown(serving):
    at = run_page("questionnaire")
    at.selectbox(key="questionnaire").set_value("fine_tune_base").run()
    at.number_input(key="fine_tune_base.min_params_b").set_value(1000)
    at.button[0].click().run()
    assert not at.exception and not at.dataframe
    assert [i.value for i in at.warning if "even on its own" in i.value] == [
        'no model in this build meets the answer "1000" to "Smallest model worth fine-tuning, in billions of '
        'parameters?" even on its own, so relaxing the other answers cannot help']


def test_no_published_data_says_run_up_without_paths(tmp_path, monkeypatch):
    monkeypatch.setenv("REVEALED_HOME", str(tmp_path))
    at = run_page()
    shown = texts(at)
    assert "revealed up" in shown and "revealed build" not in shown and str(tmp_path) not in shown


def test_a_new_publish_is_picked_up(published, tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(published / "serving.duckdb", home / "serving.duckdb")
    monkeypatch.setenv("REVEALED_HOME", str(home))
    before = board_html.column(table_html(run_page()), "model")
    fresh = tmp_path / "next.duckdb"
    shutil.copy(published / "serving.duckdb", fresh)
    with duckdb.connect(str(fresh)) as con:  # the next build ranks the current last row first
        con.execute("UPDATE mart_scores SET rank = 0 WHERE entity_kind = 'model' AND entity_id = ?", [before[-1]])
    os.replace(fresh, home / "serving.duckdb")
    after = board_html.column(table_html(run_page()), "model")
    assert after[0] == before[-1] and after[1:] == before[:-1]


def test_data_health_shows_an_active_scheduler(published, tmp_path, monkeypatch):
    shutil.copy(published / "serving.duckdb", tmp_path / "serving.duckdb")
    monkeypatch.setenv("REVEALED_HOME", str(tmp_path))
    now = dt.datetime.now(dt.UTC)
    schedule_state.heartbeat(tmp_path, True)
    schedule_state.update_job(tmp_path, "collect_hf", last_end=now - dt.timedelta(hours=1), last_status="ok",
                              next_run=now + dt.timedelta(hours=23))
    at = run_page("data_health")
    expected = f"Pipeline active · Last: {status_line.moment((now - dt.timedelta(hours=1)).isoformat())} · Next: " \
               f"{status_line.moment((now + dt.timedelta(hours=23)).isoformat())}"
    assert expected in texts(at)
    assert at.caption[0].value.startswith(expected)  # the line at the top of the page says it too
    jobs = next(df.value for df in at.dataframe if "job" in df.value.columns)
    assert jobs["job"].tolist() == ["collect_hf"]


def test_data_health_shows_what_a_run_repaired(published, tmp_path, monkeypatch):
    home = tmp_path / "home"
    shutil.copytree(published, home)
    monkeypatch.setenv("REVEALED_HOME", str(home))
    with SandboxServer(World(seed=3, n_models=300)) as server:
        server.faults.add("short_row", path_prefix="/livebench/table_")
        con = db.connect(paths.warehouse_file(home))
        run_id = livebench.collect(con, Settings(livebench_url=f"{server.url}/livebench"), as_of=server.date).run_id
        publish.publish(con, paths.serving_file(home))
        con.close()
    at = run_page("data_health")
    shown = [w.value for w in at.warning if run_id.split("-")[0] in w.value and "repaired or skipped" in w.value]
    assert len(shown) == 1 and "kept the valid upstream data" in shown[0]
    assert "fields under a" in shown[0] and "read as empty" in shown[0]
    assert any(run_id in e.label for e in at.expander)


def test_model_page_oversized_id_is_cut_short(serving):
    at = run_page("model", {"model": "x/" + "y" * 5000})
    error = at.error[0].value
    assert error.startswith("Unknown model id 'x/yyy") and len(error) < 400


def test_leaderboard_pages_through_every_model(serving):
    at = follow(follow(run_page(), "100"), "Next ›")
    expected = serving.execute("""SELECT m.model_id FROM mart_models m JOIN mart_scores s
        ON s.entity_kind = 'model' AND s.entity_id = m.model_id AND s.profile = 'balanced'
        ORDER BY s.rank NULLS LAST, s.composite DESC NULLS LAST, m.model_id LIMIT 100 OFFSET 100""").fetchall()
    assert board_html.column(table_html(at), "model") == [r[0] for r in expected] != []



def test_leaderboard_past_its_last_page_says_so_and_shows_page_1(serving):
    license_class, count = serving.execute("""SELECT m.license_class, count(*) FROM mart_models m JOIN mart_scores s
        ON s.entity_kind = 'model' AND s.entity_id = m.model_id AND s.profile = 'balanced' AND s.rank IS NOT NULL
        WHERE m.license_class IS NOT NULL GROUP BY 1 ORDER BY 2, 1 LIMIT 1""").fetchone()
    assert count <= 25  # one page of the default size
    at = run_page(query={"page": "2", "license": license_class})  # an old address, or a page typed in
    assert "There is no page 2 in this view, which has 1. Showing page 1." in table_html(at)
    rows = board(at)
    assert len(rows) == count and board_html.licenses(rows) == {license_class}
    assert 'aria-label="Models leaderboard, page 1"' in table_html(at)


@pytest.mark.parametrize(("query", "said"), [
    ({"profile": "<script>alert(1)</script>"}, "Unknown profile &#x27;&lt;script&gt;alert(1)&lt;/script&gt;&#x27; in "
                                               "the address: expected one of balanced, "),
    ({"kind": ["models", "families"]}, "The address gives kind 2 times: expected it once, models or families."),
    ({"page": "-1"}, "Unknown page &#x27;-1&#x27; in the address: expected one page number from 1."),
    ({"page": "x" * 5000}, "Unknown page &#x27;" + "x" * 120 + "...&#x27; in the address"),
    ({"coverage": "0.5"}, "Unknown coverage &#x27;0.5&#x27; in the address: expected a minimum coverage in percent"),
    ({"license": "$x **y**"}, "Unknown license class &#x27;$x **y**&#x27; in the address: expected one of the "),
])
def test_a_hostile_address_is_named_and_the_default_view_shown(serving, query, said):
    at = run_page(query={"kind": "families", "rows": "50"} | query)
    shown = table_html(at)
    assert said in shown and "Showing the default view." in shown
    assert "<script>" not in shown
    assert board_html.column(shown, "model") == [e[0] for e in serving.execute(TOP_25).fetchall()]


def test_the_leaderboard_download_has_the_exports_columns_and_no_rank_for_the_unranked(serving):
    ranks = dict(serving.execute("SELECT entity_id, rank FROM mart_scores WHERE entity_kind = 'model' "
                                 "AND profile = 'balanced'").fetchall())
    text = export_weekly.csv_text(serving, export_weekly.query("model", "sandbox", profile=True),
                                  {"profile": "balanced", "ids": list(ranks)})
    rows = list(csv.DictReader(text.splitlines()))
    assert list(rows[0]) == [*export_weekly.MODEL_COLUMNS, "data_kind"]
    assert {"cohort_adoption", "unseen_share", "derivatives_unknown"} <= set(rows[0])
    assert None in ranks.values()  # the mostly-automated models are not ranked
    assert {r["model_id"]: r["rank"] for r in rows} == {m: "" if r is None else str(r) for m, r in ranks.items()}
