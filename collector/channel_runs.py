"""What the Ollama and OpenRouter collectors share: one result type, recorded runs, archived CSV files."""

import csv
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from warehouse.runs import RunStats, finish_run, start_run

log = logging.getLogger(__name__)


class ChannelError(ValueError):
    """A channel page or file that cannot be used: names the bad value and what was expected."""


@dataclass
class ChannelResult:
    """What one collect or import did."""

    run_id: str
    rows: int
    sandbox: bool
    as_of: dt.date


def recorded(con, source: str, endpoint: str, as_of: dt.date, stats: RunStats, sandbox: Callable[[], bool],
             save: Callable[[str], int]) -> ChannelResult:
    """Run save(run_id) inside one recorded run: failures are recorded (endpoint without credentials), then raised.

    sandbox() is asked once the requests are made: the sandbox says so in its response headers.
    """
    run_id = start_run(con, source, endpoint, as_of)
    try:
        stats.rows = save(run_id)
    except BaseException as exc:
        _mark_sandbox(con, run_id, sandbox())
        finish_run(con, run_id, stats, error=f"{type(exc).__name__}: {exc}")
        raise
    _mark_sandbox(con, run_id, sandbox())
    finish_run(con, run_id, stats)
    log.info("%s %s: %d rows from %s%s", source, as_of, stats.rows, endpoint,
             " (SANDBOX: fictional data)" if sandbox() else "")
    return ChannelResult(run_id, stats.rows, sandbox(), as_of)


def _mark_sandbox(con, run_id: str, sandbox: bool) -> None:
    con.execute("UPDATE collection_runs SET sandbox = ? WHERE run_id = ?", [sandbox, run_id])


def read_csv(path: Path, columns: tuple[str, ...]) -> list[dict]:
    """The rows of an archived CSV that has at least `columns`; a missing file or column is a ChannelError."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            missing = [c for c in columns if c not in (reader.fieldnames or [])]
            if missing:
                raise ChannelError(f"{path} lacks column(s) {missing} (header: {reader.fieldnames}); "
                                   f"expected {','.join(columns)}")
            rows = list(reader)
    except OSError as exc:
        raise ChannelError(f"{path} cannot be read ({exc.strerror}); expected a CSV file") from None
    if not rows:
        raise ChannelError(f"{path} has a header but no rows; expected one row per model and day")
    return rows


def iso_day(value: str, where: str) -> dt.date:
    """A YYYY-MM-DD cell."""
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ChannelError(f"{where}: date {value!r} is not YYYY-MM-DD") from None


def once_per_day(frame, day: str, name: str, where: str, expected: str):
    """The frame, unless a (day, name) pair appears twice: then a ChannelError naming the first such pair."""
    twice = frame.duplicated([day, name])
    if twice.any():
        first = frame[twice].iloc[0]
        raise ChannelError(f"{where}: {first[name]!r} appears twice on {first[day]}; {expected}")
    return frame
