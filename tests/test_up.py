"""`revealed up`: from nothing to a served app on the sandbox, Ctrl-C stops cleanly, a second run resumes."""

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


def test_up_falls_back_to_the_sandbox_serves_and_stops_cleanly(tmp_path):
    port = free_port()
    proc = run_up(tmp_path, "--port", str(port))
    try:
        out = read_until(proc, "Ctrl+C to stop")
        assert "The live services cannot be reached" in out and "sandbox" in out
        for label in ("Hugging Face models", "model cards", "GitHub stars", "LiveBench", "Building", "export"):
            assert label in out
        assert "Pipeline active" in out
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

    again = run_up(tmp_path, "--no-serve")
    out, _ = again.communicate(timeout=300)
    assert again.returncode == 0, out
    assert "Simulating" not in out and "already collected" in out
    assert "the published data is up to date" in out


def test_up_refuses_to_mix_sandbox_into_a_live_home(home, capsys):
    (home / "up.json").write_text(json.dumps({"source": "live"}))
    os.environ["HF_ENDPOINT"] = closed_url()
    try:
        assert cli.main(["up", "--source", "auto", "--no-serve"]) == 2
    finally:
        del os.environ["HF_ENDPOINT"]
    err = capsys.readouterr().err
    assert "already holds live data" in err


def test_up_live_only_says_what_cannot_be_reached(home, monkeypatch, capsys):
    monkeypatch.setenv("HF_ENDPOINT", closed_url())
    assert cli.main(["up", "--source", "live", "--no-serve"]) == 2
    err = capsys.readouterr().err
    assert "cannot be reached" in err and "--source sandbox" in err
