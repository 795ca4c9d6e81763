"""SIGKILL at random points: the collector and the build die, nothing partial stays, the next run completes."""

import datetime as dt
import os
import random
import re
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from collector.sandbox.server import SandboxServer
from collector.sandbox.world import World
from warehouse import db, paths

pytestmark = pytest.mark.slow

# Seeded so a failure can be replayed; several points per target, from early to late in the run.
KILL_POINTS = random.Random(20261123).sample(range(5, 95), 3)


@pytest.fixture(scope="module")
def big_world() -> World:
    """About two thousand visible fictional models: three listing pages with --min-downloads 0."""
    return World(seed=5, n_models=2500)


def revealed(home, *args, wait=True, **kw):
    env = {**os.environ, "REVEALED_HOME": str(home)}
    cmd = [sys.executable, "-m", "app.cli", *args]
    if wait:
        return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, **kw)
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def kill_after(proc: subprocess.Popen, seconds: float) -> bool:
    """SIGKILL proc after `seconds` unless it ended first; True when it was killed."""
    try:
        proc.wait(seconds)
        return False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return True


def slices(home) -> dict:
    con = duckdb.connect(str(home / "revealed.duckdb"), read_only=True)
    try:
        return dict(con.execute("SELECT as_of, count(*) FROM raw_hf_models GROUP BY 1").fetchall())
    finally:
        con.close()


def marts(serving) -> list:
    """What a reader of the serving copy sees: every model's rank and scores, and the inputs they rest on."""
    con = duckdb.connect(str(serving), read_only=True)
    try:
        return con.execute("SELECT (SELECT value FROM meta WHERE key = 'inputs_hash'), model_id, rank, composite, "
                           "organic_downloads_30d FROM mart_models ORDER BY model_id").fetchall()
    finally:
        con.close()


def runs(home) -> list[tuple]:
    con = duckdb.connect(str(home / "revealed.duckdb"), read_only=True)
    try:
        return con.execute(
            "SELECT status, error FROM collection_runs WHERE source = 'hf' ORDER BY started_at").fetchall()
    finally:
        con.close()


@pytest.mark.parametrize("percent", KILL_POINTS)
def test_collector_killed_mid_run_leaves_no_partial_slice(tmp_path, big_world, percent):
    with SandboxServer(big_world) as server:
        day = server.date
        collect = ("collect", "hf", "--endpoint", server.url, "--as-of", str(day), "--details", "0",
                   "--min-downloads", "0")
        first = revealed(tmp_path, *collect)
        assert first.returncode == 0, first.stderr
        complete = slices(tmp_path)[day]
        server.faults.add("slow", count=8, seconds=1.0)  # three pages of 1 s: the kill lands inside the run
        listed = server.request_count("/api/models")
        proc = revealed(tmp_path, *collect, wait=False)
        while server.request_count("/api/models") == listed and proc.poll() is None:
            time.sleep(0.01)  # the run is recorded before its first listing request
        killed = kill_after(proc, 3.0 * percent / 100)
        server.faults.clear()
        assert killed, "the run ended before the kill point"
        assert slices(tmp_path) == {day: complete}  # the old slice, whole; nothing of the killed run
        again = revealed(tmp_path, *collect)
        assert again.returncode == 0, again.stderr
    assert slices(tmp_path) == {day: complete}
    (first_status, _), (killed_status, killed_error), (last_status, _) = runs(tmp_path)
    assert first_status == last_status == "ok"
    # closed as failed by the next writer; 'ok' only when the kill landed after the slice was committed
    assert killed_status == "ok" or (killed_status == "failed" and "abandoned" in killed_error)


@pytest.mark.parametrize("percent", KILL_POINTS)
def test_build_killed_mid_run_keeps_the_serving_copy(tmp_path, big_world, percent):
    from pipelines.checks.simulate import simulate
    con = db.connect(paths.warehouse_file(tmp_path))
    simulate(con, big_world, days=3, details=0)
    con.close()
    first = revealed(tmp_path, "build")
    assert first.returncode == 0, first.stderr
    building = float(re.search(r"built in ([\d.]+)s", first.stdout).group(1))
    serving = tmp_path / "serving.duckdb"
    before = marts(serving)
    proc = revealed(tmp_path, "build", wait=False)
    for line in proc.stderr:  # past start-up: the build logs its first line
        if "build started" in line:
            break
    assert kill_after(proc, building * percent / 100), "the build ended before the kill point"
    # never half-written: the old copy, or (killed after the rename) a complete new one of the same inputs
    assert marts(serving) == before
    again = revealed(tmp_path, "build")
    assert again.returncode == 0, again.stderr
    leftovers = [p.name for p in tmp_path.iterdir() if p.name not in {
        "revealed.duckdb", "revealed.duckdb.wal", "serving.duckdb", "revealed.lock"}]
    assert leftovers == []


def test_reader_keeps_the_last_good_data_while_a_build_runs(tmp_path, big_world):
    from pipelines.checks.simulate import simulate
    con = db.connect(paths.warehouse_file(tmp_path))
    simulate(con, big_world, days=2, details=0, start=big_world.today - dt.timedelta(days=1))
    con.close()
    assert revealed(tmp_path, "build").returncode == 0
    reader = duckdb.connect(str(tmp_path / "serving.duckdb"), read_only=True)
    expected = reader.execute("SELECT count(*), sum(organic_downloads_30d) FROM mart_models").fetchall()
    proc = revealed(tmp_path, "build", wait=False)
    reads = 0
    while proc.poll() is None:
        assert reader.execute("SELECT count(*), sum(organic_downloads_30d) FROM mart_models").fetchall() == expected
        reads += 1
        time.sleep(0.05)
    assert proc.returncode == 0, proc.stderr.read()
    assert reads > 0
    reader.close()
