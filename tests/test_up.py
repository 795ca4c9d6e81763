"""`revealed up`: from nothing to a served app on the sandbox, Ctrl-C stops cleanly, a second run resumes."""

import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time

import duckdb
import pytest
import requests

from app import cli
from pipelines.orchestration import up
from warehouse import db, paths, runs
from warehouse.settings import Settings

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def closed_url() -> str:
    return f"http://127.0.0.1:{free_port()}"


def run_up(home, *args, env_extra=None) -> subprocess.Popen:
    env = {**os.environ, "REVEALED_HOME": str(home), "HF_ENDPOINT": closed_url(), **(env_extra or {})}
    return subprocess.Popen([sys.executable, "-m", "app.cli", "up", "--models", "600", "--days", "4", *args],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def read_until(proc: subprocess.Popen, marker: str, timeout: float = 300) -> str:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen.append(line)
        if marker in line:
            return "".join(seen)
    raise AssertionError(f"{marker!r} not seen; output:\n{''.join(seen)}")


def test_up_on_the_sandbox_serves_and_stops_cleanly(tmp_path):
    port = free_port()
    proc = run_up(tmp_path, "--source", "sandbox", "--port", str(port))
    try:
        out = read_until(proc, "Ctrl+C to stop")
        assert "sandbox data in" in out
        for label in ("Hugging Face models", "model cards", "GitHub stars", "LiveBench", "Building", "export"):
            assert label in out
        assert "Pipeline active" in out
        # the terminal shows the steps (and warnings); the full log goes to the file the output names
        assert " INFO " not in out and f"full log: {tmp_path / 'logs' / 'revealed.log'}" in out
        assert len(out.splitlines()) < 30, out
        deadline = time.monotonic() + 60
        while True:
            try:
                assert requests.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).text == "ok"
                break
            except (requests.ConnectionError, AssertionError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, rest
    assert "stopped cleanly" in rest
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)

    con = duckdb.connect(str(tmp_path / "serving.duckdb"), read_only=True)
    assert con.execute("SELECT value FROM meta WHERE key = 'data_kind'").fetchone() == ("sandbox",)
    assert con.execute("SELECT count(*) FROM mart_models").fetchone()[0] > 100
    con.close()
    exports = sorted(p.name for p in (tmp_path / "exports").iterdir())
    assert [n.split("_")[0] for n in exports] == ["families", "models"]
    state = json.loads((tmp_path / "scheduler.json").read_text())
    assert state["pid"] is None and state["jobs"]["hf"]["last_status"] == "ok"
    log = (tmp_path / "logs" / "revealed.log").read_text()
    assert "build finished" in log
    assert 1 <= log.count("is the revealed SANDBOX") <= 3  # once per sandbox server, not once per day
    assert "int_model_github is absent" not in log  # GitHub was collected: its table is built later in the build

    again = run_up(tmp_path, "--source", "sandbox", "--no-serve")
    out, _ = again.communicate(timeout=300)
    assert again.returncode == 0, out
    assert "Simulating" not in out and "already collected" in out
    assert "the published data is up to date" in out


def test_up_refuses_to_mix_sandbox_into_a_live_home(home, capsys):
    (home / "up.json").write_text(json.dumps({"source": "live"}))
    con = db.connect(paths.warehouse_file(home))
    runs.start_run(con, "hf", "https://huggingface.co", dt.date(2026, 11, 30))  # the home holds live data
    con.close()
    os.environ["HF_ENDPOINT"] = closed_url()
    try:
        assert cli.main(["up", "--source", "auto", "--no-serve"]) == 2
    finally:
        del os.environ["HF_ENDPOINT"]
    err = capsys.readouterr().err
    assert "already holds live data" in err


@pytest.mark.parametrize("source", ["sandbox", "reference"])
def test_auto_resumes_a_sandbox_or_reference_home_without_probing_the_hub(home, monkeypatch, source):
    (home / "up.json").write_text(json.dumps({"source": source, "seed": 3, "models": 600, "history_days": 4}))
    con = db.connect(paths.warehouse_file(home))
    runs.start_run(con, "hf", "http://127.0.0.1:1", dt.date(2026, 3, 1), sandbox=source == "sandbox")
    con.close()
    monkeypatch.setenv("HF_ENDPOINT", closed_url())
    said = []
    settings = up.choose(Settings.from_env(), "auto", up.Choice("auto"), set(), said.append)
    assert (settings.source, settings.seed, settings.models) == (source, 3, 600)
    assert not [s for s in said if "cannot be reached" in s]


def test_up_live_only_says_what_cannot_be_reached(home, monkeypatch, capsys):
    monkeypatch.setenv("HF_ENDPOINT", closed_url())
    assert cli.main(["up", "--source", "live", "--no-serve"]) == 2
    err = capsys.readouterr().err
    assert "cannot be reached" in err and "--source sandbox" in err


@pytest.mark.parametrize(("flag", "value", "expected"), [
    ("--models", "10", "'10' is not a whole number of at least 50"),
    ("--days", "0", "'0' is not a whole number from 1 to 365"),
    ("--days", "400", "'400' is not a whole number from 1 to 365"),
    ("--seed", "-1", "'-1' is not a whole number of at least 0"),
])
def test_a_mistyped_flag_saves_nothing(home, capsys, flag, value, expected):
    with pytest.raises(SystemExit) as stop:
        cli.main(["up", "--source", "sandbox", "--no-serve", flag, value])
    assert stop.value.code == 2
    assert expected in capsys.readouterr().err
    assert not (home / "up.json").exists() and not (home / "revealed.duckdb").exists()


def test_up_help_states_the_real_limits(capsys):
    with pytest.raises(SystemExit):
        cli.main(["up", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "at least 50 models" in help_text and "1 to 365 days" in help_text and "at least 0" in help_text
    assert "at least 1" not in help_text


def up_no_serve(*flags) -> int:
    return cli.main(["up", "--source", "sandbox", "--no-serve", *flags])


def test_a_folder_without_data_takes_new_flags_and_a_resumed_one_says_what_it_keeps(home, capsys):
    # up.json as a failed start of an earlier version left it: a world too small to exist, nothing collected
    (home / "up.json").write_text(json.dumps({"source": "sandbox", "seed": 7, "models": 10, "history_days": 35}))
    assert up_no_serve("--models", "300", "--days", "2") == 0
    out = capsys.readouterr().out
    assert "models=10" in out and "nothing was collected with it" in out
    assert json.loads((home / "up.json").read_text()) == {"source": "sandbox", "seed": 7, "models": 300,
                                                          "history_days": 2}

    assert up_no_serve("--models", "400", "--seed", "3", "--days", "3") == 0
    out = capsys.readouterr().out
    assert "Resuming this folder's sandbox world: seed 7, 300 models, 3 days" in out
    assert "--seed 3 and --models 400 not applied" in out and "another REVEALED_HOME" in out
    assert "Simulating 1 earlier day(s) of sandbox history from 2026-02-28 for --days 3" in out
    con = duckdb.connect(str(home / "revealed.duckdb"), read_only=True)
    days = [d.isoformat() for (d,) in con.execute("SELECT DISTINCT as_of FROM raw_hf_models ORDER BY 1").fetchall()]
    con.close()
    assert days == ["2026-02-28", "2026-03-01", "2026-03-02"]
    assert json.loads((home / "up.json").read_text())["models"] == 300

    assert up_no_serve("--days", "2") == 0  # a shorter window deletes nothing
    assert "days already held are kept" in capsys.readouterr().out

    (home / "up.json").write_text(json.dumps({"source": "sandbox", "seed": 7, "models": 10, "history_days": 3}))
    assert up_no_serve() == 2  # with data collected, a broken up.json is named, not replaced
    err = capsys.readouterr().err
    assert f"{home / 'up.json'} holds models=10 (expected a whole number of at least 50)" in err


HOLD_SCHEDULER = """from warehouse import lock; import time; from warehouse.settings import Settings
with lock.hold_scheduler(Settings.from_env().home, 'revealed up', app='http://127.0.0.1:8599'):
    print('held', flush=True)
    time.sleep(60)
"""


def test_a_second_up_names_the_running_scheduler_and_changes_nothing(home, capsys):
    other = subprocess.Popen([sys.executable, "-c", HOLD_SCHEDULER], stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "REVEALED_HOME": str(home)})
    try:
        assert other.stdout.readline().strip() == "held"
        assert up_no_serve("--models", "300", "--days", "2") == 1
        err = capsys.readouterr().err
        assert f"is already run by pid {other.pid} ('revealed up', since " in err
        assert "its app is at http://127.0.0.1:8599" in err
        assert not (home / "up.json").exists() and not (home / "revealed.duckdb").exists()
        (home / "up.json").write_text(json.dumps({"source": "sandbox", "seed": 7, "models": 300, "history_days": 2}))
        assert cli.main(["schedule"]) == 1
        assert f"pid {other.pid}" in capsys.readouterr().err
        assert cli.main(["status"]) == 0
        header = capsys.readouterr().out.splitlines()[0]
        assert header.startswith("Pipeline active") and f"run by pid {other.pid}" in header
    finally:
        other.kill()
        other.wait()


def test_a_taken_port_is_said_before_any_step(home, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert cli.main(["up", "--source", "sandbox", "--port", str(port), "--models", "300", "--days", "2"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"port {port} on 127.0.0.1 is not available" in err and "--port N" in err
    assert not (home / "up.json").exists() and not (home / "revealed.duckdb").exists()


def test_first_run_on_a_terminal_shows_the_steps_and_the_log_goes_to_its_file(tmp_path):
    primary, replica = os.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "up", "--source", "sandbox", "--no-serve",
                             "--models", "300", "--days", "6"], stdin=subprocess.DEVNULL, stdout=replica,
                            stderr=replica, env={**os.environ, "REVEALED_HOME": str(tmp_path)})
    os.close(replica)
    chunks = []
    while True:
        try:
            data = os.read(primary, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not data:
            break
        chunks.append(data)
    os.close(primary)
    assert proc.wait(timeout=300) == 0
    # what stays on the screen: of each line, what was drawn after its last carriage return
    screen = [line.rsplit("\r", 1)[-1] for line in b"".join(chunks).decode().replace("\r\n", "\n").split("\n")
              if line.strip("\r ")]
    assert [line[:5] for line in screen if line.startswith("[")] == [f"[{n}/7]" for n in range(8)]
    assert len(screen) <= 20, "\n".join(screen)
    days = [line for line in screen if line.startswith("sandbox days")]
    assert len(days) == 1 and days[0].startswith("sandbox days: 5/5") and days[0].endswith("(done)")
    assert not [line for line in screen if " INFO " in line]
    assert "sandbox day 2026-03-01 (5/5)" in (tmp_path / "logs" / "revealed.log").read_text()
