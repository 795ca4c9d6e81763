"""The scheduler's state file: last and next run of every job, readable without opening the warehouse."""

import datetime as dt
import json
import os
import threading
from pathlib import Path

_lock = threading.Lock()
HEARTBEAT_STALE = dt.timedelta(minutes=2)


def state_file(home: Path) -> Path:
    """Where the state lives: beside the warehouse."""
    return home / "scheduler.json"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(t: dt.datetime | None) -> str | None:
    return t.astimezone(dt.UTC).isoformat(timespec="seconds") if t else None


def load(home: Path) -> dict:
    """The whole state: {"pid", "heartbeat", "jobs": {job_id: {...}}}; empty when the scheduler never ran."""
    path = state_file(home)
    if not path.exists():
        return {"jobs": {}}
    try:
        state = json.loads(path.read_text())
    except ValueError:
        return {"jobs": {}}
    state.setdefault("jobs", {})
    return state


def _save(home: Path, state: dict) -> None:
    path = state_file(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(state, indent=1, sort_keys=True))
    os.replace(tmp, path)


def update_job(home: Path, job_id: str, **fields) -> None:
    """Merge fields (datetimes become ISO strings) into one job's record."""
    with _lock:
        state = load(home)
        job = state["jobs"].setdefault(job_id, {})
        for key, value in fields.items():
            job[key] = _iso(value) if isinstance(value, dt.datetime) else value
        _save(home, state)


def heartbeat(home: Path, active: bool, now: dt.datetime | None = None) -> None:
    """Mark the scheduler process alive, or stopped (only if this process is the one recorded)."""
    with _lock:
        state = load(home)
        if not active and state.get("pid") not in (None, os.getpid()):
            return
        state["pid"] = os.getpid() if active else None
        state["heartbeat"] = _iso(now or _now()) if active else None
        _save(home, state)


def last_ok(home: Path, job_id: str) -> dt.datetime | None:
    """When the job last finished successfully."""
    value = load(home)["jobs"].get(job_id, {}).get("last_ok")
    return dt.datetime.fromisoformat(value) if value else None


def is_active(state: dict, now: dt.datetime | None = None) -> bool:
    """True when a scheduler process has beaten its heart recently."""
    beat = state.get("heartbeat")
    return bool(beat) and (now or _now()) - dt.datetime.fromisoformat(beat) < HEARTBEAT_STALE
