"""Argument types shared by CLI commands: each names the bad value and what was expected."""

import argparse
import datetime as dt
import urllib.parse


def add_group(sub, name: str, help: str, modules: list, hook: str) -> None:
    """A command group `revealed <name> COMMAND`; each module adds its sub-command through module.<hook>(group)."""
    parser = sub.add_parser(name, help=help)
    group = parser.add_subparsers(dest=f"{name}_command", required=True, metavar="COMMAND")
    for module in modules:
        getattr(module, hook)(group)


class UsageError(Exception):
    """A bad flag value or argument: printed as one line, exit code 2."""


def iso_date(value: str) -> dt.date:
    """A YYYY-MM-DD date."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date; expected YYYY-MM-DD") from None


def whole_number(low: int, high: int | None = None):
    """An argparse type: a whole number from low to high (no upper limit when high is None)."""
    expected = f"a whole number from {low:,} to {high:,}" if high is not None else f"a whole number of at least {low:,}"

    def parse(value: str) -> int:
        try:
            n = int(value)
        except ValueError:
            n = None
        if n is None or n < low or (high is not None and n > high):
            raise argparse.ArgumentTypeError(f"{value!r} is not {expected}")
        return n
    return parse


positive_int = whole_number(1)
non_negative_int = whole_number(0)


def http_url(value: str) -> str:
    """An http(s) base URL such as https://huggingface.co, without a trailing slash."""
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a URL; expected http(s)://host[:port]")
    return value.rstrip("/")


def port(value: str) -> int:
    """A TCP port number from 1 to 65535."""
    try:
        n = int(value)
    except ValueError:
        n = 0
    if not 1 <= n <= 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port; expected a whole number from 1 to 65535")
    return n


def iso_week(value: str) -> str:
    """An ISO week YYYY-Www, e.g. 2026-W47."""
    try:
        year, week = value.split("-W")
        dt.date.fromisocalendar(int(year), int(week), 1)
        if len(year) != 4 or len(week) != 2:
            raise ValueError(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not an ISO week; expected YYYY-Www, e.g. 2026-W47") from None
    return value
