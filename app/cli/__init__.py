"""The `revealed` command line: thin commands over library functions."""

import argparse
import importlib
import logging
import os
import sys
from dataclasses import fields

from app.cli.flags import UsageError
from warehouse import lock, paths
from warehouse.settings import Settings, redact

# One module per command group, in the order `revealed --help` lists them, and the commands it adds. A run imports
# only its command's module: each imports the libraries its commands need (pandas, DuckDB, the collectors), which
# `revealed app`, about to become the web server, would load for nothing.
COMMANDS = {"core": ("init", "status"), "collect": ("collect",), "imports": ("import",), "sandbox": ("sandbox",),
            "export": ("export",), "build": ("build", "compact"), "up": ("up", "schedule"), "serve": ("app",),
            "ask": ("ask",)}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser with the module of `command` registered; with every module when None or unknown."""
    parser = argparse.ArgumentParser(prog="revealed", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    modules = [name for name, commands in COMMANDS.items() if command in commands] or list(COMMANDS)
    for name in modules:
        importlib.import_module(f"app.cli.{name}").register(sub)
    return parser


def command_word(argv: list[str]) -> str | None:
    """The command argv names: its first word that is not an option."""
    return next((word for word in argv if not word.startswith("-")), None)


# Commands that write the warehouse hold the writer lock, so they never collide with the scheduler.
WRITERS = {("init",), ("collect",), ("import",), ("build",), ("compact",), ("sandbox", "simulate")}


def writer_purpose(args) -> str | None:
    """'revealed <command>' for commands that write the warehouse, None for readers."""
    words = (args.command, getattr(args, "sandbox_command", None))
    if (words[0],) in WRITERS or words in WRITERS:
        return "revealed " + " ".join(w for w in words if w)
    return None


# Long-running commands whose terminal shows progress only: their full log goes to paths.log_file(home).
LOGGED_TO_FILE = {"up", "schedule"}
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class Redacted(logging.Formatter):
    """LOG_FORMAT with the settings' secrets masked, tracebacks included."""

    def __init__(self, secrets: list[str]):
        super().__init__(LOG_FORMAT)
        self.secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        """The record as LOG_FORMAT, secrets masked."""
        return redact(super().format(record), self.secrets)


class OneLine(Redacted):
    """'LEVEL: message' without the traceback, which only the log file gets."""

    def format(self, record: logging.LogRecord) -> str:
        """The level and the message, one line, secrets masked."""
        return redact(f"{record.levelname}: {record.getMessage()}", self.secrets)


def configure_logging(args, settings: Settings) -> None:
    """Log to stderr; for up and schedule, everything to home's log file and only warnings to stderr."""
    level = logging.DEBUG if args.verbose else logging.INFO
    to_terminal = logging.StreamHandler(sys.stderr)
    if args.command not in LOGGED_TO_FILE:
        to_terminal.setFormatter(Redacted(settings.secrets()))
        logging.basicConfig(level=level, handlers=[to_terminal])
    elif not logging.getLogger().handlers:  # as basicConfig: logging set up already (as under pytest) stays
        path = paths.log_file(settings.home)
        path.parent.mkdir(parents=True, exist_ok=True)
        to_file = logging.FileHandler(path, encoding="utf-8")
        to_file.setFormatter(Redacted(settings.secrets()))
        to_terminal.setLevel(logging.WARNING)
        to_terminal.setFormatter(OneLine(settings.secrets()))
        logging.basicConfig(level=level, handlers=[to_file, to_terminal])
    for noisy in ("httpx", "httpx2", "urllib3", "apscheduler"):  # per-request and per-tick lines are noise
        logging.getLogger(noisy).setLevel(logging.DEBUG if args.verbose else logging.WARNING)


def settings_from(args) -> Settings:
    """The environment's settings, overridden by the flags named after a setting (--endpoint sets hf_endpoint...)."""
    names = {f.name for f in fields(Settings)}
    return Settings.from_env(**{name: value for name, value in vars(args).items() if name in names})


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(command_word(argv)).parse_args(argv)
    try:
        settings = settings_from(args)
    except ValueError as exc:  # a bad value in the environment: flags are checked by argparse
        print(f"revealed: error: {exc}", file=sys.stderr)
        return 2
    purpose = writer_purpose(args)
    try:
        if hasattr(args, "refuse"):  # a command's refusals, before logging, the lock or the warehouse create files
            args.refuse(args, settings)
        configure_logging(args, settings)
        if purpose is None:
            code = args.func(args, settings) or 0
        else:
            from warehouse import db  # DuckDB: only the commands that write need it here

            with lock.hold(settings.home, purpose):
                db.recover(settings.home)
                code = args.func(args, settings) or 0
        sys.stdout.flush()  # here, not at exit, so that a closed pipe is caught below
        return code
    except UsageError as exc:
        print(f"revealed: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("revealed: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader stopped early (`revealed status | head -1`): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # one clear line for the user; -v shows the traceback
        logging.getLogger("revealed").debug("failed", exc_info=True)
        print(f"revealed: error: {redact(str(exc), settings.secrets())}", file=sys.stderr)
        return 1
