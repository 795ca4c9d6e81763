"""What the Ollama and OpenRouter collectors share: recorded runs and archived CSV files."""

import csv
import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path

from collector.http import HttpClient, RequestStats
from collector.result import CollectResult
from warehouse.runs import recorded_run

log = logging.getLogger(__name__)


class ChannelError(ValueError):
    """A channel page or file that cannot be used: names the bad value and what was expected."""


def recorded(con, source: str, endpoint: str, as_of: dt.date, save: Callable[[str], int],
             client: HttpClient | None = None, secrets: list[str] = ()) -> CollectResult:
    """Run save(run_id) as one recorded run (endpoint without credentials); a file import has no client."""
    with recorded_run(con, source, endpoint, as_of, secrets=secrets, meter=client) as run:
        run.rows = save(run.run_id)
    log.info("%s %s: %d rows from %s%s", source, as_of, run.rows, endpoint,
             " (SANDBOX: fictional data)" if run.sandbox else "")
    return CollectResult.of(run, client.stats if client else RequestStats())


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
