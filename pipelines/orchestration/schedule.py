"""The scheduler: APScheduler jobs with no overlap, coalesced misfires and catch-up on start."""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from warehouse import db, lock, schedule_state

log = logging.getLogger(__name__)

LOCK_WAIT_S = 30 * 60
MISFIRE_GRACE_S = 6 * 3600
HEARTBEAT_S = 30


def _real_now() -> dt.datetime:
    # APScheduler fires by the wall clock, whatever clock the decisions use.
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class JobSpec:
    """One scheduled job: an id, what it does, when, and the function that does it."""

    id: str
    description: str
    trigger: CronTrigger
    run: Callable[[], None]


def previous_fire(trigger: CronTrigger, now: dt.datetime, lookback: dt.timedelta = dt.timedelta(days=8)):
    """The latest time at or before `now` at which the trigger fires (None if none in the lookback)."""
    t = trigger.get_next_fire_time(None, now - lookback)
    last = None
    while t is not None and t <= now:
        last = t
        t = trigger.get_next_fire_time(t, t + dt.timedelta(seconds=1))
    return last


def missed(spec: JobSpec, now: dt.datetime, home: Path) -> bool:
    """True when the job's last successful run in home is older than its latest scheduled time."""
    due = previous_fire(spec.trigger, now)
    done = schedule_state.last_ok(home, spec.id)
    return due is not None and (done is None or done < due)


def run_job(spec: JobSpec, home: Path, clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> bool:
    """Run one job under home's warehouse lock and record its outcome; return True on success."""
    schedule_state.update_job(home, spec.id, description=spec.description, last_start=clock(), running=True)
    try:
        with lock.hold(home, f"scheduler: {spec.id}", wait=LOCK_WAIT_S):
            db.recover(home)
            spec.run()
    except Exception as exc:  # the scheduler keeps running; the failure is recorded and shown
        log.exception("job %s failed", spec.id)
        schedule_state.update_job(home, spec.id, last_end=clock(), last_status="failed", last_error=str(exc),
                                  running=False)
        return False
    schedule_state.update_job(home, spec.id, last_end=clock(), last_ok=clock(), last_status="ok", last_error=None,
                              running=False)
    return True


class Scheduler:
    """APScheduler around JobSpecs: one instance per job at a time, misfires coalesced, missed runs caught up."""

    def __init__(self, specs: list[JobSpec], home: Path,
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)):
        self.specs = {s.id: s for s in specs}
        self.home = home
        self.clock = clock
        self.aps = BackgroundScheduler(timezone=dt.UTC, job_defaults={
            "coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_S})
        self.aps.add_listener(self._on_skipped, EVENT_JOB_MAX_INSTANCES | EVENT_JOB_MISSED)

    def start(self, catch_up: bool = True) -> list[str]:
        """Start the jobs; run at once those whose last scheduled run was missed. Return the caught-up ids."""
        now = self.clock()
        caught_up = []
        self.aps.start(paused=True)
        for spec in self.specs.values():
            extra = {}
            if catch_up and missed(spec, now, self.home):
                extra["next_run_time"] = _real_now()
                caught_up.append(spec.id)
            job = self.aps.add_job(run_job, spec.trigger, args=[spec, self.home, self.clock], id=spec.id,
                                   name=spec.description, replace_existing=True, **extra)
            schedule_state.update_job(self.home, spec.id, description=spec.description, next_run=job.next_run_time)
        self.aps.add_job(self._beat, "interval", seconds=HEARTBEAT_S, id="_heartbeat", next_run_time=_real_now())
        self.aps.resume()
        return caught_up

    def trigger_now(self, job_id: str) -> None:
        """Ask for an immediate run of a job (skipped if an instance is still running)."""
        self.aps.modify_job(job_id, next_run_time=_real_now())

    def _beat(self) -> None:
        schedule_state.heartbeat(self.home, True, self.clock())
        for job in self.aps.get_jobs():
            if job.id in self.specs:
                schedule_state.update_job(self.home, job.id, next_run=job.next_run_time)

    def _on_skipped(self, event) -> None:
        why = "still running" if event.code == EVENT_JOB_MAX_INSTANCES else "missed"
        log.warning("job %s skipped: %s", event.job_id, why)
        if event.job_id in self.specs:
            schedule_state.update_job(self.home, event.job_id, last_skipped=self.clock(), last_skip_reason=why)

    def shutdown(self) -> None:
        """Stop scheduling, wait for running jobs, and mark the scheduler stopped."""
        self.aps.shutdown(wait=True)
        schedule_state.heartbeat(self.home, False)
