"""`revealed status`: plain text that reads well, and quiet when the reader stops early."""

import datetime as dt
import os
import re
import subprocess
import sys

from app import cli
from warehouse import runs, schedule_state

DAY = dt.date(2026, 3, 1)


def test_status_into_a_closed_pipe_is_not_an_error(con, home):
    con.close()
    read, write = os.pipe()
    os.close(read)  # as `revealed status | head -1` once head has its line
    try:
        done = subprocess.run([sys.executable, "-m", "app.cli", "status"], stdout=write, stderr=subprocess.PIPE,
                              text=True, env={**os.environ, "REVEALED_HOME": str(home)}, timeout=60)
    finally:
        os.close(write)
    assert done.returncode == 0 and done.stderr == ""


def test_status_shows_missing_values_one_way_and_times_to_the_second(home, con, capsys):
    ok = runs.start_run(con, "hf", "http://127.0.0.1:1", DAY, sandbox=True)
    runs.finish_run(con, ok, requests=3, rows=10)
    runs.finish_run(con, runs.start_run(con, "github", "http://127.0.0.1:1", DAY, sandbox=True),
                    error="HTTP 503 three times")
    runs.start_run(con, "hf_cards", "http://127.0.0.1:1", DAY, sandbox=True)  # still running: no end yet
    schedule_state.update_job(home, "hf", last_end=dt.datetime(2026, 3, 1, 2, 5, 9, 123456, tzinfo=dt.UTC),
                              last_status="ok")
    con.close()
    assert cli.main(["status"]) == 0
    out = capsys.readouterr().out
    assert "HTTP 503 three times" in out and "2026-03-01 " in out
    for word in ("None", "NaN", "NaT", "nan"):
        assert not re.search(rf"\b{word}\b", out), (word, out)
    assert not re.search(r"\d\d:\d\d:\d\d\.\d", out), out  # no microseconds
    assert "00:00:00" not in out  # a date is shown as a date


def test_status_with_no_recent_runs_asked_shows_freshness_only(home, con, capsys):
    runs.finish_run(con, runs.start_run(con, "hf", "http://127.0.0.1:1", DAY, sandbox=True), requests=3, rows=10)
    con.close()
    assert cli.main(["status", "--runs", "0"]) == 0
    out = capsys.readouterr().out
    lines = out.rstrip().splitlines()
    assert lines[-3] == "Freshness per source (times in UTC):" and lines[-1].split()[:2] == ["hf", "2026-03-01"]
    assert "Recent runs" not in out and "DataFrame" not in out


def test_status_on_a_home_that_does_not_exist_says_so_and_creates_nothing(tmp_path, monkeypatch, capsys):
    missing = tmp_path / "mistyped"
    monkeypatch.setenv("REVEALED_HOME", str(missing))
    assert cli.main(["status"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (f"revealed: error: no home at '{missing}' ($REVEALED_HOME): the folder does not exist; "
                            "'revealed up' creates one, or set REVEALED_HOME to an existing home\n")
    assert not missing.exists() and list(tmp_path.iterdir()) == []


def test_status_on_an_existing_empty_home_says_nothing_was_collected_yet(home, capsys):
    assert cli.main(["status"]) == 0
    assert "no collection runs yet: try 'revealed up'" in capsys.readouterr().out
