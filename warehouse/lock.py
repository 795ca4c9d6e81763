"""Advisory file locks: one writer of the warehouse at a time, and one scheduler per home folder."""

import contextlib
import datetime as dt
import fcntl
import json
import os
import threading
import time
from pathlib import Path

_thread_lock = threading.RLock()
_depth = 0
_fd: int | None = None
_held: dict | None = None


class WarehouseBusy(RuntimeError):
    """Another process or job is writing the warehouse."""


class SchedulerRunning(RuntimeError):
    """Another process runs the scheduler of this home; `info` says who (pid, purpose, since, app)."""

    def __init__(self, info: dict):
        super().__init__(f"the scheduler already runs in {_describe(info)}")
        self.info = info


class _Taken(Exception):
    """The lock file is held by another process; args[0] is what the holder wrote (or None)."""


def lock_file(home: Path) -> Path:
    """Where the writer lock lives: beside the warehouse."""
    return home / "revealed.lock"


def scheduler_file(home: Path) -> Path:
    """Where the scheduler lock lives: held for the whole life of `revealed up` or `revealed schedule`."""
    return home / "scheduler.lock"


def holder(home: Path, path: Path | None = None) -> dict | None:
    """Who holds the writer lock of home (or the lock at path) now: pid, purpose, since; None when it is free."""
    path = path or lock_file(home)
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY)  # flock needs no write access: a read-only home can still be asked
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_info(fd) or {"pid": None, "purpose": "unknown", "since": None}
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _read_info(fd: int) -> dict | None:
    """What the holder wrote into the lock file, or None when it is unreadable."""
    try:
        return json.loads(os.pread(fd, 4096, 0).decode("utf-8", "replace"))
    except ValueError:
        return None


def _describe(info: dict | None) -> str:
    if not info:
        return "another writer"
    return f"'{info.get('purpose')}' (pid {info.get('pid')}, since {info.get('since')})"


def _busy(info: dict | None) -> WarehouseBusy:
    return WarehouseBusy(f"the warehouse is busy: {_describe(info)} is writing it; "
                         "wait for it to finish (the scheduler retries by itself)")


def _acquire_file(path: Path, info: dict, wait: float) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                other = _read_info(fd)
                os.close(fd)
                raise _Taken(other) from None
            time.sleep(0.2)
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(info).encode(), 0)
    return fd


def _release(fd: int) -> None:
    os.ftruncate(fd, 0)
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)


def _info(purpose: str, **extra) -> dict:
    since = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return {"pid": os.getpid(), "purpose": purpose, "since": since, **extra}


@contextlib.contextmanager
def hold_scheduler(home: Path, purpose: str, **extra):
    """Be the one scheduler of this home for the block; raise SchedulerRunning when another process is."""
    try:
        fd = _acquire_file(scheduler_file(home), _info(purpose, **extra), wait=0)
    except _Taken as taken:
        raise SchedulerRunning(taken.args[0] or {"pid": None, "purpose": "unknown", "since": None}) from None
    try:
        yield
    finally:
        _release(fd)


def scheduler_holder(home: Path) -> dict | None:
    """Which process runs the scheduler of this home (pid, purpose, since, app), or None."""
    return holder(home, scheduler_file(home))


@contextlib.contextmanager
def hold(home: Path, purpose: str, wait: float = 0.0):
    """Hold home's writer lock for `purpose`; re-entrant in one thread; raise WarehouseBusy after `wait` seconds."""
    global _depth, _fd, _held
    if not _thread_lock.acquire(timeout=max(wait, 0)):
        raise _busy(_held)
    try:
        if _depth == 0:
            info = _info(purpose)
            try:
                _fd = _acquire_file(lock_file(home), info, wait)
            except _Taken as taken:
                raise _busy(taken.args[0]) from None
            _held = info
        _depth += 1
        try:
            yield
        finally:
            _depth -= 1
            if _depth == 0:
                _release(_fd)
                _fd, _held = None, None
    finally:
        _thread_lock.release()
