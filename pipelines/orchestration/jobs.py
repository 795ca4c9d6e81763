"""What the scheduler and `revealed up` run: collect a source, then build and publish; the weekly export."""

import datetime as dt
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
from apscheduler.triggers.cron import CronTrigger

from collector import reference
from collector.benchmarks import livebench, livecodebench
from collector.channels import ollama, openrouter
from collector.github import repos as github
from collector.hf import cards as model_cards
from collector.hf import listing as hf
from collector.http import observation_date
from pipelines.orchestration import build
from pipelines.orchestration.schedule import JobSpec
from pipelines.serving.export_weekly import export_weekly
from warehouse import db, paths, publish
from warehouse.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Sources:
    """Where each source is read from (the settings' endpoints and tokens): the live services or the sandbox."""

    kind: str  # 'live', 'reference' (archived files, nothing to collect) or 'sandbox'
    settings: Settings
    server: object = field(default=None, repr=False)  # the SandboxServer when kind == 'sandbox'

    @property
    def sandbox(self) -> bool:
        """True when the data is the sandbox's fictional world."""
        return self.kind == "sandbox"


def live_sources(settings: Settings) -> Sources:
    """The real services at the settings' endpoints, with their tokens."""
    return Sources("live", settings)


def reference_sources(settings: Settings | None = None) -> Sources:
    """The shipped reference world: archived files, so no endpoint answers and nothing is collected."""
    folder = reference.EXTRACT.resolve().as_uri()
    return Sources("reference", replace(settings or Settings(), hf_endpoint=folder, github_api=folder,
                                        livebench_url=folder, livecodebench_url=folder))


def sandbox_sources(server, settings: Settings | None = None) -> Sources:
    """Every source served by one running SandboxServer; the settings' tokens are sent (as live would be)."""
    return Sources("sandbox", replace(
        settings or Settings(), hf_endpoint=server.url, github_api=f"{server.url}/github",
        livebench_url=f"{server.url}/livebench",
        livecodebench_url=f"{server.url}/livecodebench/{livecodebench.DEFAULT_FILE}",
        ollama_url=f"{server.url}/ollama", openrouter_api=f"{server.url}/openrouter/api/v1",
        openrouter_rankings=f"{server.url}/openrouter/rankings-daily.csv"), server)


def latest_hf_as_of(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The newest Hub snapshot date in the warehouse (None before the first)."""
    return con.execute("SELECT any_value(as_of) FROM stg_hf_latest").fetchone()[0]


def as_of(sources: Sources) -> dt.date:
    """The observation date: the sandbox clock, or today (UTC)."""
    return observation_date(sources.server.date if sources.sandbox else None)


def collect_hf(con: duckdb.DuckDBPyConnection, sources: Sources, progress=None, details: int = 500):
    """One Hub snapshot; on the sandbox the simulated clock first moves to the day after the latest snapshot."""
    if sources.sandbox:
        latest = latest_hf_as_of(con)
        if latest is not None:
            sources.server.set_date(latest + dt.timedelta(days=1))
    return hf.collect(con, sources.settings, as_of=as_of(sources), details=details, progress=progress)


def collect_cards(con: duckdb.DuckDBPyConnection, sources: Sources, progress=None):
    """Model cards of the top models of the latest snapshot."""
    return model_cards.collect(con, sources.settings, progress=progress)


def collect_github(con: duckdb.DuckDBPyConnection, sources: Sources):
    """Snapshots of every tracked GitHub repository."""
    return github.collect(con, sources.settings, as_of=as_of(sources))


def collect_benchmarks(con: duckdb.DuckDBPyConnection, sources: Sources):
    """Every LiveBench release and the LiveCodeBench results."""
    day = as_of(sources)
    livebench.collect(con, sources.settings, as_of=day)
    livecodebench.collect(con, sources.settings, as_of=day)


def collect_channels(con: duckdb.DuckDBPyConnection, sources: Sources):
    """Ollama library pulls and OpenRouter tokens (docs/channels.md).

    On the sandbox, every earlier Hub day without a library scrape is scraped first (the clock moved back and
    forth), so that pulls per day can be read from consecutive cumulative counts as they would be live.
    """
    day = as_of(sources)
    if sources.sandbox:
        missing = con.execute("""SELECT DISTINCT as_of FROM raw_hf_models WHERE as_of < ?
                                 AND as_of NOT IN (SELECT as_of FROM raw_ollama_library) ORDER BY as_of""",
                              [day]).fetchall()
        try:
            for (earlier,) in missing:
                sources.server.set_date(earlier)
                ollama.collect(con, sources.settings, as_of=earlier)
        finally:
            sources.server.set_date(day)
    ollama.collect(con, sources.settings, as_of=day)
    openrouter.collect(con, sources.settings, as_of=day)


def build_and_publish(con: duckdb.DuckDBPyConnection, home: Path, profiles_file: Path | None,
                      full: bool = False) -> build.BuildReport:
    """Run the pipelines with the profiles file (None: the packaged one) and publish home's serving copy (a daily
    build: by updating a copy of it, when it holds the build before this one)."""
    before = publish.build_id(con)
    report = build.run_build(con, full=full, profiles_file=profiles_file)
    publish.publish(con, paths.serving_file(home), previous_build=before)
    return report


def export_weekly_csv(home: Path) -> dict:
    """The weekly CSV export of home's published data into its exports folder: {path: rows}."""
    con = db.connect_serving(paths.serving_file(home))
    try:
        return export_weekly(con, paths.exports_dir(home))
    finally:
        con.close()


def _with_warehouse(home: Path, *steps):
    def run():
        con = db.connect(paths.warehouse_file(home))
        try:
            for step in steps:
                step(con)
        finally:
            con.close()
    return run


def job_specs(sources: Sources, home: Path) -> list[JobSpec]:
    """Home's jobs: Hub, GitHub, channels daily; cards, benchmarks weekly; each then a build; the weekly export."""
    if sources.kind == "reference":  # archived data: nothing to collect, and its export is written by `up`
        return []

    def cron(**when):
        return CronTrigger(timezone=dt.UTC, **when)

    def then_build(collect):
        return _with_warehouse(home, lambda con: collect(con, sources),
                                lambda con: build_and_publish(con, home, sources.settings.profiles))

    return [
        JobSpec("hf", "collect Hugging Face, then build", cron(hour=2, minute=0),
                then_build(collect_hf)),
        JobSpec("github", "collect GitHub stars, then build", cron(hour=3, minute=0),
                then_build(collect_github)),
        JobSpec("cards", "collect model cards, then build", cron(day_of_week="mon", hour=3, minute=30),
                then_build(collect_cards)),
        JobSpec("benchmarks", "collect LiveBench and LiveCodeBench, then build",
                cron(day_of_week="mon", hour=4, minute=0),
                then_build(collect_benchmarks)),
        JobSpec("channels", "collect Ollama pulls and OpenRouter tokens, then build", cron(hour=4, minute=30),
                then_build(collect_channels)),
        JobSpec("export", "write the weekly CSV export", cron(day_of_week="mon", hour=6, minute=0),
                lambda: export_weekly_csv(home)),
    ]
