"""Flags and argument types shared by CLI commands: each type names the bad value and what was expected."""

import argparse
import datetime as dt
import errno
import socket
import urllib.parse
from pathlib import Path

from warehouse.settings import ENVIRONMENT, Settings, not_a_folder


def group(sub, name: str, help: str):
    """A command group `revealed <name> COMMAND`; returns the sub-parsers its commands are added to."""
    parser = sub.add_parser(name, help=help)
    return parser.add_subparsers(dest=f"{name}_command", required=True, metavar="COMMAND")


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


# Flags that several commands share, declared once.

def add_as_of(p) -> None:
    """--as-of: the observation date of a collection."""
    p.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD",
                   help="observation date (default: the sandbox clock on the sandbox, else today, UTC)")


def add_url(p, flag: str, setting: str, help: str) -> None:
    """A URL flag overriding one endpoint setting (default: its environment variable, else the public service)."""
    default = getattr(Settings(), setting)
    otherwise = f", else {default}" if default else ""
    p.add_argument(flag, dest=setting, type=http_url, metavar="URL",
                   help=f"{help} (default ${ENVIRONMENT[setting]}{otherwise})")


def folder(value: str) -> Path:
    """A folder, existing or to be created: not a file, nor under one."""
    path = Path(value).expanduser()
    if where := not_a_folder(path):
        raise argparse.ArgumentTypeError(f"{value!r} is {where}; expected a folder (created when missing)")
    return path


def add_out(p, name: str, where: str = "exports") -> None:
    """--out: the folder an export writes into."""
    p.add_argument("--out", type=folder, help=f"folder to write {name} into (default $REVEALED_HOME/{where})")


def check_port_free(app_port: int) -> None:
    """Raise UsageError when something already listens on 127.0.0.1:app_port."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", app_port))
        except OSError as exc:
            why = "another program listens on it" if exc.errno == errno.EADDRINUSE else exc.strerror
            raise UsageError(f"port {app_port} on 127.0.0.1 is not available ({why}); "
                             "choose another with --port N") from None


def add_port(p, default: int, help: str) -> None:
    """--port: a TCP port on 127.0.0.1."""
    p.add_argument("--port", type=port, default=default, help=f"{help} (default {default})")


def add_world(p, seed: int, why: str = "") -> None:
    """--seed and --models: the sandbox world to build."""
    p.add_argument("--seed", type=non_negative_int, default=seed, help=f"world seed (default {seed}{why})")
    p.add_argument("--models", type=positive_int, default=10_000, metavar="N",
                   help="models in the world (default 10000)")


def add_listing(p, per: str = "") -> None:
    """--min-downloads and --details: how far the Hub listing and its details pass go."""
    p.add_argument("--min-downloads", type=non_negative_int, default=100, metavar="N",
                   help="stop the listing at models with fewer 30-day downloads (default 100)")
    p.add_argument("--details", type=non_negative_int, default=500, metavar="N",
                   help=f"child counts for the top N base models{per}; 0 skips the pass (default 500)")
