"""One writer at a time: an advisory file lock held by whoever writes the warehouse."""

import contextlib
import datetime as dt
import fcntl
import json
import os
import threading
import time

from warehouse import paths

_thread_lock = threading.RLock()
_depth = 0
_fd: int | None = None
_info: dict | None = None


class WarehouseBusy(RuntimeError):
    """Another process or job is writing the warehouse."""


def lock_file():
    """Where the lock lives: beside the warehouse."""
    return paths.home() / "revealed.lock"


def holder() -> dict | None:
    """Who holds the lock now (pid, purpose, since), or None when it is free."""
    path = lock_file()
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDWR)
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


def _acquire_file(info: dict, wait: float) -> int:
    paths.home().mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_file(), os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                other = _read_info(fd)
                os.close(fd)
                raise _busy(other) from None
            time.sleep(0.2)
    os.ftruncate(fd, 0)
    os.pwrite(fd, json.dumps(info).encode(), 0)
    return fd


@contextlib.contextmanager
def hold(purpose: str, wait: float = 0.0):
    """Hold the writer lock for `purpose`; re-entrant in one thread; raise WarehouseBusy after `wait` seconds."""
    global _depth, _fd, _info
    if not _thread_lock.acquire(timeout=max(wait, 0)):
        raise _busy(_info)
    try:
        if _depth == 0:
            since = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            info = {"pid": os.getpid(), "purpose": purpose, "since": since}
            _fd = _acquire_file(info, wait)
            _info = info
        _depth += 1
        try:
            yield
        finally:
            _depth -= 1
            if _depth == 0:
                os.ftruncate(_fd, 0)
                fcntl.flock(_fd, fcntl.LOCK_UN)
                os.close(_fd)
                _fd, _info = None, None
    finally:
        _thread_lock.release()
