"""`revealed up` (everything, one command) and `revealed schedule` (the scheduler alone)."""

import dataclasses
import signal
import subprocess
import time
from pathlib import Path

from app.cli.flags import UsageError, add_port, check_port_free, whole_number
from app.cli.progress import Progress
from app.cli.serve import streamlit_command
from collector import reference
from pipelines.orchestration import jobs, up
from pipelines.orchestration.schedule import Scheduler
from warehouse import db, lock, paths, status_line
from warehouse.settings import Settings


def register(sub) -> None:
    """Add up and schedule."""
    p = sub.add_parser("up", help="collect every source, build, publish, export, then schedule and serve the app")
    p.add_argument("--source", choices=up.SOURCES, default="auto",
                   help="live services; reference: real public data archived 2024-07-11, shipped with revealed; "
                        "the fictional local sandbox; or auto: live when reachable, else reference (default auto)")
    add_port(p, 8501, "port of the app")
    # None when not given, so that a resumed folder can tell a choice from a default
    p.add_argument("--seed", type=whole_number(*up.LIMITS["seed"]),
                   help="sandbox world seed, a whole number of at least 0 (default 7; kept once collected)")
    p.add_argument("--models", type=whole_number(*up.LIMITS["models"]),
                   help=f"sandbox world size, at least {up.LIMITS['models'][0]} models "
                        "(default 10000; kept once collected)")
    p.add_argument("--days", type=whole_number(*up.LIMITS["history_days"]),
                   help="sandbox history to simulate, {} to {} days (default 35; more on a resumed folder "
                        "simulates the earlier days)".format(*up.LIMITS["history_days"]))
    p.add_argument("--no-serve", action="store_true", help="stop after the first build and export")
    p.set_defaults(func=cmd_up, refuse=refuse_up)
    p = sub.add_parser("schedule", help="run the scheduled jobs in the foreground until interrupted")
    p.set_defaults(func=cmd_schedule, refuse=refuse_schedule)


def _say(text: str) -> None:
    print(text, flush=True)


def _stop_on_sigterm() -> None:
    def handler(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, handler)


def _serve(home: Path, sources: jobs.Sources, app_port: int | None) -> int:
    """Run home's scheduler (and the app) until Ctrl-C or SIGTERM, then stop everything cleanly."""
    _stop_on_sigterm()
    scheduler = Scheduler(jobs.job_specs(sources, home), home)
    app = None
    try:
        caught_up = scheduler.start()
        if caught_up:
            _say(f"Catching up missed runs: {', '.join(caught_up)}")
        if app_port:
            with paths.log_file(home).open("a") as app_log:
                app = subprocess.Popen(streamlit_command(app_port), stdout=subprocess.DEVNULL, stderr=app_log)
            _say(f"App: http://127.0.0.1:{app_port}")
        time.sleep(1)
        archived = reference.AS_OF.isoformat() if sources.kind == "reference" else None
        state, running = status_line.scheduler_now(home)
        _say(status_line.pipeline_line(state, archived=archived, running=running) + "  (Ctrl+C to stop)")
        while app is None or app.poll() is None:
            time.sleep(1)
        _say(f"the app stopped (exit {app.returncode}; see {paths.log_file(home)}); stopping")
        return 1
    except KeyboardInterrupt:
        _say("Stopping: waiting for running jobs to finish...")
        return 0
    finally:
        if app is not None and app.poll() is None:
            app.terminate()
            try:
                app.wait(10)
            except subprocess.TimeoutExpired:
                app.kill()
        scheduler.shutdown()


def _already_running(home: Path, info: dict) -> RuntimeError:
    app = f"; its app is at {info['app']}" if info.get("app") else ""
    return RuntimeError(f"{home} is already run by {status_line.runner(info)}{app}. Stop it first "
                        "(Ctrl+C in its terminal) to run 'revealed up' or 'revealed schedule' here; "
                        "'revealed app --port N' serves the app beside it")


def refuse_up(args, settings: Settings) -> None:
    """Refuse, before anything is created in the home, when another scheduler runs it or the app's port is taken."""
    running = lock.scheduler_holder(settings.home)
    if running:
        raise _already_running(settings.home, running)
    if not args.no_serve:
        check_port_free(args.port)


def cmd_up(args, settings: Settings) -> int:
    """Bring everything up (or resume), then serve; refuse_up has checked the port and that no other scheduler runs."""
    app_port = None if args.no_serve else args.port
    flags = {name: getattr(args, up.FLAGS[name].removeprefix("--")) for name in up.LIMITS}
    given = {name: value for name, value in flags.items() if value is not None}
    requested = dataclasses.replace(up.Choice(args.source), **given)
    app = f"http://127.0.0.1:{app_port}" if app_port else None
    try:
        with lock.hold_scheduler(settings.home, "revealed up", app=app):
            code = _up(args, settings, requested, set(given), app_port)
    except lock.SchedulerRunning as exc:
        raise _already_running(settings.home, exc.info) from None
    if code is not None:
        _say("revealed stopped cleanly.")
    return code or 0


def _up(args, settings: Settings, requested: up.Choice, given: set[str], app_port: int | None) -> int | None:
    """Choose and save the world, collect, build, export; then serve (None when --no-serve stopped early)."""
    home = settings.home
    try:
        world = up.choose(settings, args.source, requested, given, _say)
    except up.UpError as exc:
        raise UsageError(str(exc)) from None
    _say(f"revealed up: {world.source} data in {home} (full log: {paths.log_file(home)})")
    with up.running_sources(settings, world) as sources:
        with lock.hold(home, "revealed up: first collection and build"):
            closed = db.recover(home)
            if closed:
                _say(f"Marked {closed} run(s) left unfinished by a stopped process as failed.")
            up.bring_up(home, world, sources, _say, progress=Progress)
        if args.no_serve:
            then = "serve ('revealed app' serves alone)" if sources.kind == "reference" else "schedule and serve"
            _say(f"Set-up done (--no-serve): run 'revealed up' again to {then}.")
            return None
        return _serve(home, sources, app_port)


def refuse_schedule(args, settings: Settings) -> None:
    """Refuse, before anything is created in it, a home `up` never brought up or one holding the reference world."""
    home = settings.home
    try:
        world = up.saved_choice(home)
    except up.UpError as exc:
        raise UsageError(str(exc)) from None
    if world is not None and world.source == "reference":
        raise UsageError(f"{home} holds the reference world ({reference.NOTE}): there is nothing to collect "
                         "or schedule; 'revealed app' serves it")
    if world is None:
        raise UsageError(f"{home} was never brought up ({up.choice_file(home).name} is missing), so there "
                         "is nothing to schedule: run 'revealed up' first (it chooses live or sandbox data, "
                         "collects the first day, then schedules)")


def cmd_schedule(args, settings: Settings) -> int:
    """Run the scheduled jobs against the sources the first `revealed up` of this folder chose (refuse_schedule)."""
    home = settings.home
    world = up.saved_choice(home)
    try:
        with lock.hold_scheduler(home, "revealed schedule"):
            _say(f"revealed schedule: {world.source} data in {home} (full log: {paths.log_file(home)})")
            with up.running_sources(settings, world) as sources:
                code = _serve(home, sources, None)
    except lock.SchedulerRunning as exc:
        raise _already_running(home, exc.info) from None
    _say("revealed stopped cleanly.")
    return code
