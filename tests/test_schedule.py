"""The scheduler: missed runs caught up, overlapping triggers skipped, the writer lock respected."""

import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time

import pytest
from apscheduler.triggers.cron import CronTrigger

from pipelines.orchestration import schedule
from warehouse import lock, schedule_state

UTC = dt.UTC


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: dt.datetime):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def daily_spec(job_id: str, run, hour: int = 2) -> schedule.JobSpec:
    return schedule.JobSpec(job_id, f"test job {job_id}", CronTrigger(hour=hour, minute=0, timezone=UTC), run)


def wait_for(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_previous_fire_finds_the_last_scheduled_time():
    trigger = CronTrigger(day_of_week="mon", hour=6, timezone=UTC)
    now = dt.datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday
    assert schedule.previous_fire(trigger, now) == dt.datetime(2026, 11, 23, 6, 0, tzinfo=UTC)


def test_missed_run_depends_on_the_last_success(home):
    spec = daily_spec("hf", lambda: None)
    clock = FakeClock(dt.datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    assert schedule.missed(spec, clock(), home)  # never ran
    schedule_state.update_job(home, "hf", last_ok=dt.datetime(2026, 11, 20, 2, 5, tzinfo=UTC))
    assert schedule.missed(spec, clock(), home)  # three days old
    schedule_state.update_job(home, "hf", last_ok=dt.datetime(2026, 11, 23, 2, 5, tzinfo=UTC))
    assert not schedule.missed(spec, clock(), home)
    clock.now = dt.datetime(2026, 11, 24, 2, 30, tzinfo=UTC)  # the next day's 02:00 has passed
    assert schedule.missed(spec, clock(), home)


def test_start_catches_up_only_the_missed_job(home):
    clock = FakeClock(dt.datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    ran = []
    schedule_state.update_job(home, "fresh", last_ok=dt.datetime(2026, 11, 23, 2, 1, tzinfo=UTC))
    schedule_state.update_job(home, "stale", last_ok=dt.datetime(2026, 11, 21, 2, 1, tzinfo=UTC))
    sched = schedule.Scheduler([daily_spec("fresh", lambda: ran.append("fresh")),
                                daily_spec("stale", lambda: ran.append("stale"))], home, clock=clock)
    try:
        assert sched.start() == ["stale"]
        assert wait_for(lambda: schedule_state.load(home)["jobs"]["stale"].get("last_status") == "ok")
    finally:
        sched.shutdown()
    assert ran == ["stale"]
    jobs = schedule_state.load(home)["jobs"]
    assert jobs["stale"]["last_ok"] == "2026-11-23T10:00:00+00:00"
    assert jobs["fresh"]["next_run"] > jobs["fresh"]["last_ok"]
    assert schedule_state.load(home)["pid"] is None  # shutdown marks the scheduler stopped


def test_overlapping_trigger_is_skipped_not_run_twice(home):
    release = threading.Event()
    calls = []

    def slow():
        calls.append(time.monotonic())
        release.wait(10)

    clock = FakeClock(dt.datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
    schedule_state.update_job(home, "slow", last_ok=clock.now)
    sched = schedule.Scheduler([daily_spec("slow", slow)], home, clock=clock)
    try:
        sched.start()
        sched.trigger_now("slow")
        assert wait_for(lambda: len(calls) == 1)
        sched.trigger_now("slow")  # fires while the first run still holds its instance
        assert wait_for(lambda: schedule_state.load(home)["jobs"]["slow"].get("last_skip_reason") == "still running")
        with pytest.raises(lock.WarehouseBusy, match="scheduler: slow"), lock.hold(home, "manual collect"):
            pass
        release.set()
        assert wait_for(lambda: schedule_state.load(home)["jobs"]["slow"].get("last_status") == "ok")
    finally:
        release.set()
        sched.shutdown()
    assert len(calls) == 1


def test_a_failing_job_is_recorded_and_the_lock_released(home):
    def broken():
        raise ValueError("source said no")

    assert not schedule.run_job(daily_spec("broken", broken), home)
    job = schedule_state.load(home)["jobs"]["broken"]
    assert job["last_status"] == "failed" and job["last_error"] == "source said no"
    assert lock.holder(home) is None


def test_job_waits_for_a_manual_writer(home, monkeypatch):
    monkeypatch.setattr(schedule, "LOCK_WAIT_S", 0.3)
    with lock.hold(home, "manual build"):
        result = []
        worker = threading.Thread(target=lambda: result.append(schedule.run_job(daily_spec("hf", lambda: None), home)))
        worker.start()
        worker.join()
    assert result == [False]
    assert "manual build" in schedule_state.load(home)["jobs"]["hf"]["last_error"]


def test_schedule_on_a_folder_that_never_ran_up_says_how_to_start(home):
    done = subprocess.run([sys.executable, "-m", "app.cli", "schedule"], capture_output=True, text=True,
                          env={**os.environ, "REVEALED_HOME": str(home)}, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "up.json is missing" in done.stderr
    assert "run 'revealed up' first" in done.stderr
    assert list(home.iterdir()) == []  # no logs/, lock or state file


def test_a_stopping_scheduler_does_not_mark_another_process_stopped(home):
    schedule_state.heartbeat(home, True)
    state = schedule_state.load(home)
    state["pid"] = os.getpid() + 1  # the state as another process's scheduler wrote it
    schedule_state.state_file(home).write_text(json.dumps(state))
    schedule_state.heartbeat(home, False)
    assert schedule_state.is_active(schedule_state.load(home))


LOG_A_FAILED_JOB = """import argparse, logging
from app import cli
from warehouse.settings import Settings
cli.configure_logging(argparse.Namespace(command="schedule", verbose=False), Settings.from_env())
logging.getLogger("pipelines.orchestration.schedule").info("job hf started")
try:
    raise ConnectionError("the Hub did not answer")
except ConnectionError:
    logging.getLogger("pipelines.orchestration.schedule").exception("job hf failed")
"""


def test_the_terminal_gets_one_line_per_failure_and_the_log_file_the_traceback(home):
    done = subprocess.run([sys.executable, "-c", LOG_A_FAILED_JOB], capture_output=True, text=True,
                          env={**os.environ, "REVEALED_HOME": str(home)}, timeout=60)
    assert done.returncode == 0 and done.stderr == "ERROR: job hf failed\n"
    log = (home / "logs" / "revealed.log").read_text()
    assert "INFO pipelines.orchestration.schedule: job hf started" in log
    assert "Traceback" in log and "ConnectionError: the Hub did not answer" in log
