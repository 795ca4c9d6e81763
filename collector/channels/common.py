"""What the Ollama and OpenRouter collectors share: errors and archived CSV files."""

import csv
import datetime as dt
from pathlib import Path


class ChannelError(ValueError):
    """A channel page or file that cannot be used: names the bad value and what was expected."""


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
