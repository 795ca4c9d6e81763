"""`revealed up`: bring the whole pipeline up from nothing, or resume it, on live services or the sandbox."""

import contextlib
import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import requests

from collector import reference
from collector.http import public_url
from pipelines import profiles
from pipelines.checks import simulate
from pipelines.orchestration import build, jobs
from warehouse import db, paths, schedule_state
from warehouse.settings import Settings

log = logging.getLogger(__name__)

PROBE_TIMEOUT_S = 5.0
SOURCES = ("live", "reference", "sandbox", "auto")
STEPS = 7  # five sources collected, then build, then export


class UpError(RuntimeError):
    """`revealed up` cannot go on; the message says why and what to do."""


@dataclass
class Choice:
    """The source and sandbox world a home was brought up with (up.json): the next `up` resumes the same."""

    source: str  # 'live', 'reference' or 'sandbox'
    seed: int = 7
    models: int = 10_000
    history_days: int = 35


# Whole-number settings and their limits (low, high or None): the CLI flags take the same ones.
LIMITS = {"seed": (0, None), "models": (simulate.MIN_MODELS, None), "history_days": (1, 365)}
FLAGS = {"seed": "--seed", "models": "--models", "history_days": "--days"}


def out_of_range(settings: Choice) -> list[str]:
    """Each setting outside its limits, as 'name=value (expected ...)'."""
    bad = []
    for name, (low, high) in LIMITS.items():
        value = getattr(settings, name)
        if type(value) is not int or value < low or (high is not None and value > high):
            expected = f"from {low:,} to {high:,}" if high is not None else f"of at least {low:,}"
            bad.append(f"{name}={value!r} (expected a whole number {expected})")
    return bad


def choice_file(home: Path) -> Path:
    """Where the choice of the last `up` in home is kept."""
    return home / "up.json"


def saved_choice(home: Path) -> Choice | None:
    """The choice of a previous `up` in home, if any; UpError when up.json is not valid."""
    path = choice_file(home)
    if not path.exists():
        return None
    try:
        settings = Choice(**json.loads(path.read_text()))
    except (ValueError, TypeError) as exc:
        raise UpError(f"{path} is not valid ({exc}); expected the JSON that 'revealed up' writes") from None
    bad = out_of_range(settings)
    if settings.source not in ("live", "reference", "sandbox"):
        bad.insert(0, f"source={settings.source!r} (expected 'live', 'reference' or 'sandbox')")
    if bad:
        raise UpError(f"{path} holds {', '.join(bad)}")
    return settings


def refuse_other_source(home: Path, command: str, writes: tuple[str, ...]) -> None:
    """UpError when `up` brought home up (up.json) with a source other than the ones `command` writes."""
    previous = saved_choice(home)
    if previous is None or previous.source in writes:
        return
    held = f"the reference world ({reference.NOTE})" if previous.source == "reference" else "live data"
    raise UpError(f"{home} holds {held}, as 'revealed up' recorded in {choice_file(home).name}: '{command}' would add "
                  f"{' or '.join(writes)} data to it and the board would mislabel both; use a new REVEALED_HOME for it")


def holds_data(home: Path) -> bool:
    """True when home's warehouse has recorded any collection run (a writer at work counts as data)."""
    if not paths.warehouse_file(home).exists():
        return False
    try:
        con = db.connect_read_only(paths.warehouse_file(home))
    except duckdb.IOException:
        return True
    try:
        return con.execute("SELECT count(*) > 0 FROM collection_runs").fetchone()[0]
    except duckdb.CatalogException:
        return False
    finally:
        con.close()


def probe_live(endpoint: str, timeout: float = PROBE_TIMEOUT_S) -> str | None:
    """None when the Hub answers; otherwise a short reason."""
    try:
        response = requests.get(f"{endpoint.rstrip('/')}/api/models", params={"limit": 1}, timeout=timeout)
    except requests.RequestException as exc:
        return f"{public_url(endpoint)} did not answer ({type(exc).__name__})"
    if response.status_code >= 500:
        return f"{public_url(endpoint)} answered HTTP {response.status_code}"
    return None


def _previous(home: Path, has_data: bool, say: Callable[[str], None]) -> Choice | None:
    """The settings to resume: up.json's when this folder holds data (a start that collected nothing binds none)."""
    try:
        previous = saved_choice(home)
    except UpError as exc:
        if has_data:
            raise UpError(f"{exc}; this folder holds collected data: fix that file, or use another REVEALED_HOME"
                          ) from None
        say(f"{exc}: nothing was collected with it, so this run's settings replace it.")
        return None
    return previous if has_data else None


def choose(env: Settings, choice: str, requested: Choice, given: set[str],
           say: Callable[[str], None]) -> Choice:
    """Decide live or sandbox and the sandbox world, refusing to mix kinds of data in one home (env.home).

    `given` names the settings the person set on purpose (the others are defaults). Nothing is saved unless
    every value is valid.
    """
    if choice not in SOURCES:
        raise UpError(f"--source {choice!r} is not one of {', '.join(SOURCES)}")
    bad = out_of_range(requested)
    if bad:
        raise UpError("invalid settings: " + ", ".join(bad))
    home = env.home
    previous = _previous(home, holds_data(home), say)
    if choice == "auto" and previous and previous.source != "live":
        choice = previous.source  # a resumed sandbox or reference home keeps its data: nothing to probe
    kind = choice
    if choice in ("live", "auto"):
        reason = probe_live(env.hf_endpoint)
        if reason is None:
            kind = "live"
        elif choice == "live":
            raise UpError(f"the live services cannot be reached: {reason}; try --source reference (real data, archived "
                          f"{reference.AS_OF}) or --source sandbox (fictional)")
        else:
            kind = "reference"
            say(f"The live services cannot be reached ({reason}), so revealed shows its reference world: "
                f"{reference.NOTE}, never live (--source sandbox runs the fictional sandbox).")
    if previous and previous.source != kind:
        raise UpError(f"{home} already holds {previous.source} data; "
                      f"use another REVEALED_HOME for {kind} data so the two never mix")
    flags = " ".join(f"{FLAGS[name]} {getattr(requested, name)}" for name in LIMITS if name in given)
    if kind != "sandbox" and flags:
        say(f"{flags}: these shape the sandbox only; {kind} data ignores them.")
    if previous is None:
        settings = Choice(kind, requested.seed, requested.models, requested.history_days)
    else:
        days = requested.history_days if "history_days" in given else previous.history_days
        settings = Choice(previous.source, previous.seed, previous.models, days)
        if kind == "sandbox":
            _say_resumed(home, settings, requested, given, say)
    home.mkdir(parents=True, exist_ok=True)
    tmp = choice_file(home).with_suffix(".json.tmp")
    tmp.write_text(json.dumps(asdict(settings)))
    tmp.replace(choice_file(home))
    return settings


def _say_resumed(home: Path, settings: Choice, requested: Choice, given: set[str],
                 say: Callable[[str], None]) -> None:
    """Say what a resumed sandbox folder keeps, which flags do not apply, and how to change it."""
    say(f"Resuming this folder's sandbox world: seed {settings.seed}, {settings.models:,} models, "
        f"{settings.history_days} days of history (kept in {choice_file(home)}).")
    ignored = [f"{FLAGS[name]} {getattr(requested, name)}" for name in ("seed", "models")
               if name in given and getattr(requested, name) != getattr(settings, name)]
    if ignored:
        say(f"{' and '.join(ignored)} not applied: a world cannot change once collected; "
            "use another REVEALED_HOME for another world.")
    if "history_days" in given:
        say(f"--days {settings.history_days}: days missing from that window are simulated; "
            "days already held are kept (nothing stored is deleted).")


@contextlib.contextmanager
def running_sources(env: Settings, settings: Choice):
    """The live sources (env's endpoints and tokens), or a sandbox server run in this process while the block lasts."""
    if settings.source == "live":
        yield jobs.live_sources(env)
        return
    if settings.source == "reference":
        yield jobs.reference_sources(env)
        return
    world = simulate.world(settings.seed, settings.models)
    with simulate.server(world, date=world.today) as server:
        yield jobs.sandbox_sources(server, env)


def _has_ok_run(con, source: str, day: dt.date) -> bool:
    return con.execute("SELECT count(*) > 0 FROM collection_runs WHERE source = ? AND as_of = ? AND status = 'ok'",
                       [source, day]).fetchone()[0]


def _published_hashes(home: Path) -> dict[str, str]:
    """The published data's inputs and code hashes (meta), none when nothing is published."""
    try:
        con = db.connect_serving(paths.serving_file(home))
    except FileNotFoundError:
        return {}
    try:
        return dict(con.execute("SELECT key, value FROM meta WHERE key IN ('inputs_hash', 'code_hash')").fetchall())
    finally:
        con.close()


def bring_up(home: Path, settings: Choice, sources: jobs.Sources, say: Callable[[str], None],
             progress=None) -> None:
    """Collect what is missing from every source into home, build, publish and export; safe to run again."""
    if sources.kind == "reference":
        _bring_up_reference(home, sources.settings.profiles, say, progress)
        return
    done = []
    con = db.connect(paths.warehouse_file(home))
    try:
        if sources.sandbox:
            _backfill_sandbox(con, settings, sources, say, progress)
        day = jobs.as_of(sources)
        steps = [("hf", "hf", "Hugging Face models", lambda: jobs.collect_hf(con, sources, progress)),
                 ("cards", "hf_cards", "model cards", lambda: jobs.collect_cards(con, sources, progress)),
                 ("github", "github", "GitHub stars", lambda: jobs.collect_github(con, sources)),
                 ("benchmarks", "livecodebench", "LiveBench and LiveCodeBench",
                  lambda: jobs.collect_benchmarks(con, sources)),
                 ("channels", "openrouter", "Ollama pulls and OpenRouter tokens",
                  lambda: jobs.collect_channels(con, sources))]
        for n, (job_id, source, label, collect) in enumerate(steps, 1):
            if _has_ok_run(con, source, day):
                say(f"[{n}/{STEPS}] {label}: already collected for {day}")
                done.append(job_id)
                continue
            say(f"[{n}/{STEPS}] Collecting {label} for {day}...")
            try:
                collect()
                done.append(job_id)
            except Exception as exc:  # one source failing must not stop the others; the run is recorded
                say(f"      {label} failed: {exc} (recorded; the scheduler retries)")
        _build(home, con, sources.settings.profiles, say, f"[{STEPS - 1}/{STEPS}]", "Building and publishing...")
    finally:
        con.close()
    _export(home, say, f"[{STEPS}/{STEPS}]")
    now = dt.datetime.now(dt.UTC)
    for spec in jobs.job_specs(sources, home):
        if spec.id in done + ["export"]:
            schedule_state.update_job(home, spec.id, description=spec.description, last_ok=now, last_end=now,
                                      last_status="ok", running=False)


def _build(home: Path, con, profiles_file: Path | None, say: Callable[[str], None], step: str, doing: str) -> None:
    """Build and publish unless the published data already comes from these inputs and this code."""
    current = {"inputs_hash": build.inputs_hash(con, profiles.load(profiles_file)), "code_hash": build.code_hash()}
    if _published_hashes(home) == current:
        say(f"{step} Build: the published data is up to date")
        return
    say(f"{step} {doing}")
    report = jobs.build_and_publish(con, home, profiles_file)
    say(f"      built in {report.seconds:.1f}s")


def _export(home: Path, say: Callable[[str], None], step: str) -> None:
    """Write the weekly export and say where."""
    say(f"{step} Writing the weekly export...")
    written = jobs.export_weekly_csv(home)
    say("      " + ", ".join(f"{p.name} ({n:,} rows)" for p, n in written.items()) + f" in {paths.exports_dir(home)}")


def _bring_up_reference(home: Path, profiles_file: Path | None, say: Callable[[str], None], progress=None) -> None:
    """Load each part of the shipped reference world not yet loaded into home, build, publish and export."""
    parts = reference.steps()
    total = len(parts) + 2
    con = db.connect(paths.warehouse_file(home))
    try:
        for n, part in enumerate(parts, 1):
            if _has_ok_run(con, part.source, part.as_of):
                say(f"[{n}/{total}] {part.label}: already loaded (real public data, archived {part.as_of})")
                continue
            say(f"[{n}/{total}] Loading {part.label} (real public data, archived {part.as_of})...")
            part.load(con)
            log.info("reference world: %s loaded (real public data, archived %s)", part.label, part.as_of)
        _build(home, con, profiles_file, say, f"[{total - 1}/{total}]",
               f"Building and publishing the leaderboard as of {reference.AS_OF}...")
    finally:
        con.close()
    _export(home, say, f"[{total}/{total}]")


def _backfill_sandbox(con, settings: Choice, sources: jobs.Sources, say, progress) -> None:
    """Collect the sandbox days missing from the history window that ends on the sandbox's today."""
    world = sources.server.world
    first = world.today - dt.timedelta(days=settings.history_days - 1)
    earliest, latest = con.execute("SELECT min(as_of), max(as_of) FROM raw_hf_models").fetchone()
    if earliest and first < earliest:
        days = (earliest - first).days
        say(f"[0/{STEPS}] Simulating {days} earlier day(s) of sandbox history from {first} for --days "
            f"{settings.history_days} (fictional data)...")
        _simulate_days(con, world, first, days, progress)
    start = max(first, latest + dt.timedelta(days=1)) if latest else first
    sources.server.set_date(max(world.today, latest or world.today))
    days = (world.today - start).days  # the last day is collected with details by the hf step
    if days <= 0:
        return
    say(f"[0/{STEPS}] Simulating {days} day(s) of sandbox history from {start} (fictional data)...")
    _simulate_days(con, world, start, days, progress)


def _simulate_days(con, world, start: dt.date, days: int, progress) -> None:
    """Collect `days` sandbox days from `start`, with one progress bar over the days (not one per day)."""
    with progress("sandbox days", days) if progress else contextlib.nullcontext() as bar:
        simulate.simulate(con, world, days, start, details=0, day_done=bar.update if bar else None)
