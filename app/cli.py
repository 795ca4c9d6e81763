"""The `revealed` command line: thin commands over library functions."""

import argparse
import logging
import sys

from app import cli_app, cli_build, cli_collect, cli_core, cli_export, cli_import, cli_sandbox, cli_schedule
from app.cli_args import UsageError
from warehouse import db, lock

# Each module adds its sub-commands with register(subparsers); keep this list short and explicit.
COMMAND_MODULES = [cli_core, cli_collect, cli_import, cli_sandbox, cli_export, cli_build, cli_schedule, cli_app]


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every registered command."""
    parser = argparse.ArgumentParser(prog="revealed", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


# Commands that write the warehouse hold the writer lock, so they never collide with the scheduler.
WRITERS = {("init",), ("collect",), ("import",), ("build",), ("sandbox", "simulate")}


def writer_purpose(args) -> str | None:
    """'revealed <command>' for commands that write the warehouse, None for readers."""
    words = (args.command, getattr(args, "sandbox_command", None))
    if (words[0],) in WRITERS or words in WRITERS:
        return "revealed " + " ".join(w for w in words if w)
    return None


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("httpx", "httpx2", "urllib3", "apscheduler"):  # per-request and per-tick lines are noise
        logging.getLogger(noisy).setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    purpose = writer_purpose(args)
    try:
        if purpose is None:
            return args.func(args) or 0
        with lock.hold(purpose):
            db.recover()
            return args.func(args) or 0
    except UsageError as exc:
        print(f"revealed: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("revealed: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # one clear line for the user; -v shows the traceback
        logging.getLogger("revealed").debug("failed", exc_info=True)
        print(f"revealed: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
