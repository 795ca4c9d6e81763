"""`revealed up`: bring the whole pipeline up from nothing, or resume it, on live services or the sandbox."""

import contextlib
import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass

import requests

from collector import simulate
from collector.sandbox.server import SandboxServer
from collector.sandbox.world import World
from pipelines import build, jobs
from warehouse import db, paths, schedule_state

log = logging.getLogger(__name__)

PROBE_TIMEOUT_S = 5.0
SOURCES = ("live", "sandbox", "auto")


class UpError(RuntimeError):
    """`revealed up` cannot go on; the message says why and what to do."""


@dataclass
class Settings:
    """What a REVEALED_HOME was brought up with; kept so that the next `up` resumes the same thing."""

    source: str  # 'live' or 'sandbox'
    seed: int = 7
    models: int = 10_000
    history_days: int = 35


def settings_file():
    """Where the settings of the last `up` live."""
    return paths.home() / "up.json"


def saved_settings() -> Settings | None:
    """The settings of a previous `up` in this REVEALED_HOME, if any."""
    path = settings_file()
    if not path.exists():
        return None
    return Settings(**json.loads(path.read_text()))


def probe_live(endpoint: str, timeout: float = PROBE_TIMEOUT_S) -> str | None:
    """None when the Hub answers; otherwise a short reason."""
    try:
        response = requests.get(f"{endpoint.rstrip('/')}/api/models", params={"limit": 1}, timeout=timeout)
    except requests.RequestException as exc:
        return f"{endpoint} did not answer ({type(exc).__name__})"
    if response.status_code >= 500:
        return f"{endpoint} answered HTTP {response.status_code}"
    return None


def choose(choice: str, requested: Settings, say: Callable[[str], None]) -> Settings:
    """Decide live or sandbox, refusing to mix kinds of data in one REVEALED_HOME."""
    if choice not in SOURCES:
        raise UpError(f"--source {choice!r} is not one of {', '.join(SOURCES)}")
    previous = saved_settings()
    kind = choice
    if choice in ("live", "auto"):
        reason = probe_live(jobs.live_sources().hf_endpoint)
        if reason is None:
            kind = "live"
        elif choice == "live":
            raise UpError(f"the live services cannot be reached: {reason}; try --source sandbox")
        else:
            kind = "sandbox"
            say(f"The live services cannot be reached ({reason}), so revealed runs on its local sandbox: "
                "fictional models, labelled as sandbox data everywhere.")
    if previous and previous.source != kind:
        raise UpError(f"{paths.home()} already holds {previous.source} data; "
                      f"use another REVEALED_HOME for {kind} data so the two never mix")
    if previous and kind == "sandbox" and (previous.seed, previous.models) != (requested.seed, requested.models):
        say(f"Resuming the sandbox world of this REVEALED_HOME (seed {previous.seed}, {previous.models:,} models).")
    settings = previous or Settings(kind, requested.seed, requested.models, requested.history_days)
    paths.home().mkdir(parents=True, exist_ok=True)
    settings_file().write_text(json.dumps(asdict(settings)))
    return settings


@contextlib.contextmanager
def running_sources(settings: Settings):
    """The live sources, or a sandbox server run in this process for as long as the block lasts."""
    if settings.source == "live":
        yield jobs.live_sources()
        return
    world = World(seed=settings.seed, n_models=settings.models)
    with SandboxServer(world, date=world.today) as server:
        yield jobs.sandbox_sources(server)


def _has_ok_run(con, source: str, day: dt.date) -> bool:
    return con.execute("SELECT count(*) > 0 FROM collection_runs WHERE source = ? AND as_of = ? AND status = 'ok'",
                       [source, day]).fetchone()[0]


def _published_hash() -> str | None:
    try:
        con = db.connect_serving()
    except FileNotFoundError:
        return None
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'inputs_hash'").fetchone()
    finally:
        con.close()
    return row[0] if row else None


def bring_up(settings: Settings, sources: jobs.Sources, say: Callable[[str], None], progress=None) -> None:
    """Collect what is missing from every source, build, publish and export; safe to run again (it resumes)."""
    done = []
    con = db.connect()
    try:
        if sources.sandbox:
            _backfill_sandbox(con, settings, sources, say, progress)
        day = jobs.as_of(sources)
        steps = [("hf", "hf", "Hugging Face models", lambda: jobs.collect_hf(con, sources, progress)),
                 ("cards", "hf_cards", "model cards", lambda: jobs.collect_cards(con, sources, progress)),
                 ("github", "github", "GitHub stars", lambda: jobs.collect_github(con, sources)),
                 ("benchmarks", "livecodebench", "LiveBench and LiveCodeBench",
                  lambda: jobs.collect_benchmarks(con, sources))]
        for n, (job_id, source, label, collect) in enumerate(steps, 1):
            if _has_ok_run(con, source, day):
                say(f"[{n}/6] {label}: already collected for {day}")
                done.append(job_id)
                continue
            say(f"[{n}/6] Collecting {label} for {day}...")
            try:
                collect()
                done.append(job_id)
            except Exception as exc:  # one source failing must not stop the others; the run is recorded
                say(f"      {label} failed: {exc} (recorded; the scheduler retries)")
        if _published_hash() == build.inputs_hash(con):
            say("[5/6] Build: the published data is up to date")
        else:
            say("[5/6] Building and publishing...")
            report = jobs.build_and_publish(con)
            say(f"      built in {report.seconds:.1f}s")
    finally:
        con.close()
    say("[6/6] Writing the weekly export...")
    written = jobs.export_weekly_csv()
    say("      " + ", ".join(f"{p.name} ({n:,} rows)" for p, n in written.items()) + f" in {paths.exports_dir()}")
    now = dt.datetime.now(dt.UTC)
    for spec in jobs.job_specs(sources):
        if spec.id in done + ["export"]:
            schedule_state.update_job(spec.id, description=spec.description, last_ok=now, last_end=now,
                                      last_status="ok", running=False)


def _backfill_sandbox(con, settings: Settings, sources: jobs.Sources, say, progress) -> None:
    """Collect the sandbox days missing from the history window that ends on the sandbox's today."""
    world = sources.server.world
    first = world.today - dt.timedelta(days=settings.history_days - 1)
    latest = jobs.latest_hf_as_of(con)
    start = max(first, latest + dt.timedelta(days=1)) if latest else first
    sources.server.set_date(max(world.today, latest or world.today))
    days = (world.today - start).days  # the last day is collected with details by the hf step
    if days <= 0:
        return
    say(f"[0/6] Simulating {days} day(s) of sandbox history from {start} (fictional data)...")
    simulate.simulate(con, world, days, start, details=0, progress=progress)
