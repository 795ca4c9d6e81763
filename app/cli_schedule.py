"""`revealed up` (everything, one command) and `revealed schedule` (the scheduler alone)."""

import signal
import subprocess
import time

from app.cli_app import streamlit_command
from app.cli_args import UsageError, port, positive_int
from app.progress import Progress
from pipelines import jobs, up
from pipelines.schedule import Scheduler
from warehouse import db, lock, paths, status_line


def register(sub) -> None:
    """Add up and schedule."""
    p = sub.add_parser("up", help="collect every source, build, publish, export, then schedule and serve the app")
    p.add_argument("--source", choices=up.SOURCES, default="auto",
                   help="live services, the local sandbox, or auto: live when reachable (default auto)")
    p.add_argument("--port", type=port, default=8501, help="port of the app (default 8501)")
    p.add_argument("--seed", type=int, default=7, help="sandbox world seed (default 7)")
    p.add_argument("--models", type=positive_int, default=10_000, help="sandbox world size (default 10000)")
    p.add_argument("--days", type=positive_int, default=35, help="sandbox history to simulate (default 35 days)")
    p.add_argument("--no-serve", action="store_true", help="stop after the first build and export")
    p.set_defaults(func=cmd_up)
    p = sub.add_parser("schedule", help="run the scheduled jobs in the foreground until interrupted")
    p.set_defaults(func=cmd_schedule)


def _say(text: str) -> None:
    print(text, flush=True)


def _stop_on_sigterm() -> None:
    def handler(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, handler)


def _serve(sources: jobs.Sources, app_port: int | None) -> int:
    """Run the scheduler (and the app) until Ctrl-C or SIGTERM, then stop everything cleanly."""
    _stop_on_sigterm()
    scheduler = Scheduler(jobs.job_specs(sources))
    app = None
    try:
        caught_up = scheduler.start()
        if caught_up:
            _say(f"Catching up missed runs: {', '.join(caught_up)}")
        if app_port:
            app = subprocess.Popen(streamlit_command(app_port), stdout=subprocess.DEVNULL)
            _say(f"App: http://127.0.0.1:{app_port}")
        time.sleep(1)
        _say(status_line.pipeline_line() + "  (Ctrl+C to stop)")
        while app is None or app.poll() is None:
            time.sleep(1)
        _say(f"the app stopped (exit {app.returncode}); stopping")
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


def cmd_up(args) -> int:
    """Bring everything up (or resume), then schedule and serve until interrupted."""
    try:
        settings = up.choose(args.source, up.Settings(args.source, args.seed, args.models, args.days), _say)
    except up.UpError as exc:
        raise UsageError(str(exc)) from None
    _say(f"revealed up: {settings.source} data in {paths.home()}")
    with up.running_sources(settings) as sources:
        with lock.hold("revealed up: first collection and build"):
            closed = db.recover()
            if closed:
                _say(f"Marked {closed} run(s) left unfinished by a stopped process as failed.")
            up.bring_up(settings, sources, _say, progress=Progress)
        if args.no_serve:
            _say("Set-up done (--no-serve): run 'revealed up' again to schedule and serve.")
            return 0
        code = _serve(sources, args.port)
    _say("revealed stopped cleanly.")
    return code


def cmd_schedule(args) -> int:
    """Run the scheduled jobs against the sources the last `revealed up` chose (live when there was none)."""
    settings = up.saved_settings() or up.Settings("live")
    _say(f"revealed schedule: {settings.source} data in {paths.home()}")
    with up.running_sources(settings) as sources:
        code = _serve(sources, None)
    _say("revealed stopped cleanly.")
    return code
