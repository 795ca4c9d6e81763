"""On a sandbox-built warehouse: download-rich models rank lower only for a shown reason, and every row says why."""

import html
import os
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import board_html
import duckdb
import pytest
import sandbox_built
from streamlit.testing.v1 import AppTest

from app.web import STREAMLIT_APP
from pipelines import profiles
from pipelines.serving import why_rank

APP = str(STREAMLIT_APP)
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def home() -> Path:
    return sandbox_built.built_home()


@pytest.fixture(scope="module")
def ranked(home) -> list[dict]:
    """Ranked models under the default profile, best first."""
    with duckdb.connect(str(home / "serving.duckdb"), read_only=True) as con:
        frame = con.execute("SELECT *, count(rank) OVER () AS ranked FROM mart_models ORDER BY rank").df()
    return [r for r in frame.to_dict("records") if not why_rank.fmt.missing(r["rank"])]


def explains(component: str, above: dict, below: dict) -> bool:
    """The higher-ranked model beats the lower one on this component, or only the lower one lacks it."""
    mine, theirs = below[component], above[component]
    if theirs != theirs:
        return False
    return mine != mine or theirs > mine


def test_more_downloads_rank_lower_only_for_a_shown_reason(ranked):
    weights = profiles.load().profiles[profiles.load().default_profile]
    shown = [c for c in profiles.COMPONENTS if weights[c] > 0 and c != "adoption"]
    pairs = 0
    for above, below in combinations(ranked, 2):
        if above["pipeline_tag"] != below["pipeline_tag"]:
            continue
        if not below["organic_downloads_30d"] >= 2 * max(above["organic_downloads_30d"], 1):
            continue
        pairs += 1
        # adoption, as people mean it, follows downloads: the lower-ranked model never scores less on it
        assert below["adoption"] >= above["adoption"], (above["model_id"], below["model_id"])
        reasons = [c for c in shown if explains(c, above, below)]
        assert reasons, (above["model_id"], below["model_id"])
        sentence = why_rank.sentence(below, weights, below["ranked"])
        assert sentence.startswith(f"#{below['rank']} of {below['ranked']:,} ranked")
        held = sentence.split("held back by", 1)[-1]
        named = [c for c in profiles.COMPONENTS if why_rank.LABELS[c] in held or
                 why_rank.MISSING[c] in sentence]
        assert named, sentence
    assert pairs > 10  # the sandbox has such pairs: the test looks at real cases


def test_mostly_automation_is_never_ranked_and_the_leaderboard_counts_ranked_only(home, ranked, monkeypatch):
    assert not any(r["mostly_automation"] for r in ranked)
    with duckdb.connect(str(home / "serving.duckdb"), read_only=True) as con:
        fixtures, total = con.execute("SELECT count(*) FILTER (WHERE noise_reasons LIKE '%test_fixture%'), count(*) "
                                      "FROM mart_models").fetchone()
    assert fixtures > 0 and total > len(ranked)
    monkeypatch.setenv("REVEALED_HOME", str(home))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    html = next(h.value for h in at.html if "<table" in h.value)
    assert f"{len(ranked):,} ranked models · profile balanced" in html
    pages = (len(ranked) + 99) // 100
    at.query_params.update({"rows": "100", "page": str(pages)})  # the address the pager's links lead to
    at.run()
    last = board_html.rows(next(h.value for h in at.html if "<table" in h.value))
    assert last[-1]["rank (90% interval)"]["text"].startswith(f"#{len(ranked)} ")


def test_every_leaderboard_row_says_why_and_the_model_page_and_ask_say_the_same(home, ranked, monkeypatch, tmp_path):
    monkeypatch.setenv("REVEALED_HOME", str(home))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    rows = board_html.rows(next(h.value for h in at.html if "<table" in h.value))
    weights = profiles.load().profiles["balanced"]
    for row, model in zip(rows, ranked, strict=False):
        assert row["rank (90% interval)"]["titles"] == [why_rank.sentence(model, weights, len(ranked))]
    why_list = next(h.value for h in at.html if 'class="rv-why"' in h.value)  # under the table, in its HTML
    assert html.escape(why_rank.sentence(ranked[12], weights, len(ranked))) in why_list
    model = ranked[12]
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["model"] = model["model_id"]
    at.run()
    at.switch_page("views/model.py").run()
    assert any(why_rank.sentence(model, weights, len(ranked)) in i.value for i in at.info)
    answers = tmp_path / "a.yaml"
    answers.write_text("vram_gb: 1024\nneed_quantized: false\ntask: any\nopen_weight: false\npriority: popular\n")
    done = subprocess.run([sys.executable, "-m", "app.cli", "ask", "-q", "run_locally", "--answers", str(answers),
                           "--top", "25"], env={**os.environ, "REVEALED_HOME": str(home)}, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    by_id = {m["model_id"]: m for m in ranked}
    picked = [line.removeprefix("## ").split(". ", 1)[1] for line in done.stdout.splitlines() if line.startswith("## ")]
    assert picked
    for model_id in picked:
        if model_id in by_id:
            assert f"- leaderboard (balanced profile): {why_rank.sentence(by_id[model_id], weights, len(ranked))}" \
                in done.stdout


def test_every_family_row_says_why(home, monkeypatch):
    monkeypatch.setenv("REVEALED_HOME", str(home))
    with duckdb.connect(str(home / "serving.duckdb"), read_only=True) as con:
        ranked = con.execute("SELECT count(rank) FROM mart_families").fetchone()[0]
        automated = con.execute("SELECT count(*) FROM mart_families WHERE mostly_automation AND rank IS NULL")
        assert automated.fetchone()[0] > 0
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["kind"] = "families"  # the address of the leaderboard's Families link
    at.run()
    html = next(h.value for h in at.html if "<table" in h.value)
    assert f"{ranked:,} ranked families" in html
    for row in board_html.rows(html):
        rank = row["rank (90% interval)"]["text"].split()[0]
        [why] = row["rank (90% interval)"]["titles"]
        assert why.startswith(f"{rank} of {ranked:,} ranked with composite ") and "lifted by" in why


def test_the_weekly_export_keeps_every_model_with_an_empty_rank_when_unranked(home, tmp_path):
    import csv

    from pipelines.serving.export_weekly import export_weekly

    with duckdb.connect(str(home / "serving.duckdb"), read_only=True) as con:
        written = export_weekly(con, tmp_path)
        automated = {m for (m,) in con.execute("SELECT model_id FROM mart_models WHERE mostly_automation").fetchall()}
        total = con.execute("SELECT count(*) FROM mart_models").fetchone()[0]
    models = next(p for p in written if p.name.startswith("models_"))
    rows = list(csv.DictReader(models.open()))
    assert len(rows) == total and automated
    assert all(r["rank"] == "" for r in rows if r["model_id"] in automated)
