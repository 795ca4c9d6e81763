"""Secrets never reach logs, the database, exports or error messages; user input never reaches SQL as text."""

import logging
import os
import re
import subprocess
import sys

import duckdb
import pytest

from app import cli
from collector import http
from collector.hf import listing as hf
from collector.sandbox.server import SandboxServer
from collector.sandbox.world import World
from pipelines.orchestration import jobs, up
from warehouse import db, paths
from warehouse.settings import Settings

HF_SECRET = "hf_SENTINELsecretTOKEN0123456789"
GH_SECRET = "ghp_SENTINELsecretTOKEN0123456789"
SECRETS = (HF_SECRET.encode(), GH_SECRET.encode())


def files_with_secrets(root) -> list[str]:
    """Every file under root whose bytes contain a secret."""
    return [str(p) for p in root.rglob("*") if p.is_file() and any(s in p.read_bytes() for s in SECRETS)]


@pytest.fixture(scope="module")
def pipeline_with_tokens(tmp_path_factory):
    """A whole sandbox bring-up with both tokens set, its logs and output captured."""
    home = tmp_path_factory.mktemp("secure")
    mp = pytest.MonkeyPatch()
    mp.setenv("REVEALED_HOME", str(home))
    mp.setenv("HF_TOKEN", HF_SECRET)
    mp.setenv("GITHUB_TOKEN", GH_SECRET)
    records: list[str] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = lambda record: records.append(record.getMessage() + (record.exc_text or ""))
    logging.getLogger().addHandler(handler)
    previous = logging.getLogger().level
    logging.getLogger().setLevel(logging.DEBUG)
    said: list[str] = []
    world = World(seed=3, n_models=600)
    server = SandboxServer(world).start()
    try:
        settings = up.Choice("sandbox", 3, 600, history_days=3)
        up.bring_up(home, settings, jobs.sandbox_sources(server, Settings.from_env()), said.append)
        graphql_calls = server.request_count("/github/graphql")
        yield home, records, said, graphql_calls
    finally:
        server.stop()
        logging.getLogger().removeHandler(handler)
        logging.getLogger().setLevel(previous)
        mp.undo()


def test_tokens_were_used(pipeline_with_tokens):
    _, _, _, graphql_calls = pipeline_with_tokens
    assert graphql_calls > 0  # GitHub is read through GraphQL only when a token is set


def test_no_secret_in_logs_output_database_or_exports(pipeline_with_tokens, tmp_path):
    home, records, said, _ = pipeline_with_tokens
    assert records and said
    assert not [r for r in records + said if HF_SECRET in r or GH_SECRET in r]
    parquet = home / "parquet"
    subprocess.run([sys.executable, "-m", "app.cli", "export", "parquet", "--out", str(parquet)], check=True,
                   env={"REVEALED_HOME": str(home), "PATH": ""}, capture_output=True)
    assert any(parquet.rglob("*.parquet"))
    assert (home / "serving.duckdb").exists() and any((home / "exports").iterdir())
    assert files_with_secrets(home) == []


def test_failed_run_error_never_carries_the_token(home):
    con = db.connect(paths.warehouse_file(home))
    with pytest.raises(Exception) as failure:
        hf.collect(con, Settings(hf_endpoint="http://127.0.0.1:9", hf_token=HF_SECRET), details=0)
    error = con.execute("SELECT error FROM collection_runs").fetchone()[0]
    con.close()
    assert error and HF_SECRET not in error and HF_SECRET not in str(failure.value)
    assert files_with_secrets(home) == []


PASSWORD = "pw_SENTINELpassword42"
PASSWORD_URL = f"http://me:{PASSWORD}@127.0.0.1:9"


def test_a_url_password_never_reaches_the_terminal_or_the_warehouse(tmp_path):
    env = {**os.environ, "REVEALED_HOME": str(tmp_path), "HF_ENDPOINT": PASSWORD_URL, "GITHUB_API_URL": PASSWORD_URL}
    done = [subprocess.run([sys.executable, "-m", "app.cli", *command], env=env, capture_output=True, text=True,
                           timeout=120)
            for command in (["collect", "hf", "--details", "0"], ["collect", "github"],
                            ["up", "--source", "live", "--no-serve"])]
    assert [d.returncode for d in done] == [1, 1, 2]
    said = "".join(d.stdout + d.stderr for d in done)
    assert "cannot reach the Hub at http://127.0.0.1:9: GET http://127.0.0.1:9/_sandbox/info failed" in said
    assert "http://127.0.0.1:9 did not answer" in said and PASSWORD not in said and "me:" not in said
    con = duckdb.connect(str(paths.warehouse_file(tmp_path)), read_only=True)
    errors = con.execute("SELECT source, endpoint, error FROM collection_runs ORDER BY source").fetchall()
    con.close()
    assert [(source, endpoint) for source, endpoint, _ in errors] == [("github", "http://127.0.0.1:9"),
                                                                      ("hf", "http://127.0.0.1:9")]
    assert all(error and PASSWORD not in error for _, _, error in errors)
    assert [p for p in tmp_path.rglob("*") if p.is_file() and PASSWORD.encode() in p.read_bytes()] == []


@pytest.mark.parametrize("variable, command", [("OLLAMA_URL", ["collect", "ollama"]),
                                               ("LIVEBENCH_URL", ["collect", "benchmarks", "--skip", "livecodebench"])])
def test_a_url_password_never_reaches_a_collectors_lines(home, monkeypatch, capsys, caplog, variable, command):
    monkeypatch.setattr(http, "sleep", lambda s: None)
    monkeypatch.setenv(variable, PASSWORD_URL)
    assert cli.main(command) == 1
    said = "".join(capsys.readouterr()) + caplog.text
    assert ": FAILED" in said and "http://127.0.0.1:9" in said and PASSWORD not in said


LOG_A_URL = """import argparse, logging, os
from app import cli
from warehouse.settings import Settings
cli.configure_logging(argparse.Namespace(command="schedule", verbose=False), Settings.from_env())
try:
    raise ConnectionError(os.environ["HF_ENDPOINT"] + " did not answer")
except ConnectionError:
    logging.getLogger("collector.http").exception("GET %s failed", os.environ["HF_ENDPOINT"])
"""


def test_a_url_password_never_reaches_the_log_file_or_its_terminal_line(tmp_path):
    done = subprocess.run([sys.executable, "-c", LOG_A_URL], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "REVEALED_HOME": str(tmp_path), "HF_ENDPOINT": PASSWORD_URL})
    logged = paths.log_file(tmp_path).read_text()
    assert done.stderr == "ERROR: GET http://me:***@127.0.0.1:9 failed\n"
    assert "ConnectionError: http://me:***@127.0.0.1:9 did not answer" in logged and PASSWORD not in logged


@pytest.mark.parametrize("hostile", ["x' OR '1'='1", "a/b'; DROP TABLE mart_models; --", "%' --"])
def test_hostile_model_ids_are_parameters_not_sql(home, pipeline_with_tokens, monkeypatch, hostile):
    home, *_ = pipeline_with_tokens
    monkeypatch.setenv("REVEALED_HOME", str(home))
    from app.web import queries
    before = duckdb.connect(str(home / "serving.duckdb"), read_only=True)
    count = before.execute("SELECT count(*) FROM mart_models").fetchone()[0]
    before.close()
    for name in ("model", "model_ancestors", "model_benchmarks", "model_children", "model_daily", "model_scores",
                 "model_search"):
        params = {key: 10 if key == "limit" else hostile for key in set(re.findall(r"\$(\w+)", queries.sql(name)))}
        assert queries.run(name, **params).empty, name
    after = duckdb.connect(str(home / "serving.duckdb"), read_only=True)
    assert after.execute("SELECT count(*) FROM mart_models").fetchone()[0] == count
    after.close()


def test_leaderboard_table_escapes_every_value():
    from html.parser import HTMLParser

    import board_html

    from app.web import board
    from pipelines.profiles import COMPONENTS

    hostile = '<script>alert(1)</script>"\'&x'
    row = {"rank": 1, "rank_low": 1, "rank_high": 2, "model_id": hostile, "composite": 50.0, "coverage": 0.5,
           "trend": [1, 2, 3], "organic_downloads_30d": 10, "automation_share": 0.1, "clean_score": None,
           "license_class": "<img src=x onerror=alert(1)>", "size_class": "<1B", "pipeline_tag": "a&b",
           "why": hostile, **dict.fromkeys(COMPONENTS, 1.0)}
    body = board.table([row], board.columns(True, list(COMPONENTS)), label=hostile)
    tags: list[tuple[str, dict]] = []
    parser = HTMLParser()
    parser.handle_starttag = lambda tag, attrs: tags.append((tag, dict(attrs)))
    parser.feed(body)
    assert {t for t, _ in tags} <= {"style", "div", "table", "thead", "tbody", "tr", "th", "td", "a", "b", "span",
                                    "img"}
    assert [a["src"][:19] for t, a in tags if t == "img"] == ["data:image/svg+xml,"]  # the sparkline only
    assert not [name for _, a in tags for name in a if name.startswith("on")]
    shown = board_html.rows(body)[0]
    assert shown["model"]["text"] == hostile
    assert shown["rank (90% interval)"]["titles"] == [hostile]  # the why tooltip, escaped
    assert shown["model"]["links"] == ["model?model=%3Cscript%3Ealert%281%29%3C%2Fscript%3E%22%27%26x"]
    assert shown["model"]["meta"] == f"{row['license_class']} · <1B · a&b"  # small print under the id, as text


def test_leaderboard_controls_escape_every_value():
    from html.parser import HTMLParser
    from urllib.parse import parse_qs, urlsplit

    from app.web import board, board_view

    hostile = '<script>alert(1)</script>"\'&x'
    view = board_view.View(profile=hostile, license=(hostile,), page=2)
    options = {"task": [hostile], "license": [hostile, "permissive"], "size": ["<1B"]}
    body = (board_view.alert([hostile]) + board_view.bar(view, [hostile, "balanced"])
            + board_view.filters(view, options) + board_view.pager(view, 3)
            + board.why_list([{"model_id": hostile, "why": hostile}], "model_id", "model"))
    tags: list[tuple[str, dict]] = []
    texts: list[str] = []
    parser = HTMLParser()
    parser.handle_starttag = lambda tag, attrs: tags.append((tag, dict(attrs)))
    parser.handle_data = texts.append
    parser.feed(body)
    assert {t for t, _ in tags} <= {"div", "p", "nav", "span", "a", "details", "summary", "form", "input", "fieldset",
                                    "legend", "label", "select", "option", "button", "ul", "li", "code"}
    assert not [name for _, a in tags for name in a if name.startswith("on")]
    assert hostile in texts  # the value is shown as text, never as markup
    links = [parse_qs(urlsplit(a["href"]).query) for t, a in tags if t == "a"]
    assert links and all(q["profile"] in ([hostile], ["balanced"]) for q in links)  # carried whole, as data
    assert all(a["href"].startswith("?") for t, a in tags if t == "a")  # the same page, never another site
    boxes = [a["value"] for t, a in tags if t == "input" and a["type"] == "checkbox" and a["name"] == "license"]
    assert boxes == [hostile, "permissive"]
