"""What the scheduler and `revealed up` run: collect a source, then build and publish; the weekly export."""

import datetime as dt
import logging
from dataclasses import dataclass, field

import duckdb
from apscheduler.triggers.cron import CronTrigger

from collector import github, hf, livebench, livecodebench, model_cards, ollama, openrouter, reference
from pipelines import build
from pipelines.export_weekly import export_weekly
from pipelines.schedule import JobSpec
from warehouse import db, paths, publish
from warehouse.settings import OLLAMA_URL, OPENROUTER_API_URL, Settings

log = logging.getLogger(__name__)


@dataclass
class Sources:
    """Where each source is read from: the live services or the in-process sandbox."""

    kind: str  # 'live', 'reference' (archived files, nothing to collect) or 'sandbox'
    hf_endpoint: str
    github_api: str
    livebench_url: str
    livecodebench_url: str
    server: object = field(default=None, repr=False)  # the SandboxServer when kind == 'sandbox'
    ollama_url: str = OLLAMA_URL
    openrouter_api: str = OPENROUTER_API_URL
    openrouter_rankings: str | None = None  # the rankings-daily CSV; None: the models list only

    @property
    def sandbox(self) -> bool:
        """True when the data is the sandbox's fictional world."""
        return self.kind == "sandbox"


def live_sources() -> Sources:
    """The real services; each base URL can be overridden from the environment."""
    s = Settings.from_env()
    return Sources("live", s.hf_endpoint, s.github_api, s.livebench_url, s.livecodebench_url,
                   ollama_url=s.ollama_url, openrouter_api=s.openrouter_api, openrouter_rankings=s.openrouter_rankings)


def settings(sources: Sources) -> Settings:
    """The collectors' settings: the sources' endpoints, tokens from the environment."""
    return Settings.from_env(hf_endpoint=sources.hf_endpoint, github_api=sources.github_api,
                             livebench_url=sources.livebench_url, livecodebench_url=sources.livecodebench_url,
                             ollama_url=sources.ollama_url, openrouter_api=sources.openrouter_api,
                             openrouter_rankings=sources.openrouter_rankings)


def reference_sources() -> Sources:
    """The shipped reference world: archived files, so no endpoint answers and nothing is collected."""
    folder = reference.EXTRACT.resolve().as_uri()
    return Sources("reference", folder, folder, folder, folder)


def sandbox_sources(server) -> Sources:
    """Every source served by one running SandboxServer."""
    return Sources("sandbox", server.url, f"{server.url}/github", f"{server.url}/livebench",
                   f"{server.url}/livecodebench/{livecodebench.DEFAULT_FILE}", server, f"{server.url}/ollama",
                   f"{server.url}/openrouter/api/v1", f"{server.url}/openrouter/rankings-daily.csv")


def latest_hf_as_of(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The newest Hub snapshot date in the warehouse."""
    return con.execute("SELECT max(as_of) FROM raw_hf_models").fetchone()[0]


def as_of(sources: Sources) -> dt.date:
    """The observation date: the sandbox clock, or today (UTC)."""
    return sources.server.date if sources.sandbox else dt.datetime.now(dt.UTC).date()


def collect_hf(con: duckdb.DuckDBPyConnection, sources: Sources, progress=None, details: int = 500):
    """One Hub snapshot; on the sandbox the simulated clock first moves to the day after the latest snapshot."""
    if sources.sandbox:
        latest = latest_hf_as_of(con)
        if latest is not None:
            sources.server.set_date(latest + dt.timedelta(days=1))
    return hf.collect(con, settings(sources), as_of=as_of(sources), details=details, progress=progress)


def collect_cards(con: duckdb.DuckDBPyConnection, sources: Sources, progress=None):
    """Model cards of the top models of the latest snapshot."""
    return model_cards.collect(con, settings(sources), progress=progress)


def collect_github(con: duckdb.DuckDBPyConnection, sources: Sources):
    """Snapshots of every tracked GitHub repository."""
    return github.collect(con, settings(sources), as_of=as_of(sources))


def collect_benchmarks(con: duckdb.DuckDBPyConnection, sources: Sources):
    """Every LiveBench release and the LiveCodeBench results."""
    day = as_of(sources)
    livebench.collect(con, settings(sources), as_of=day)
    livecodebench.collect(con, settings(sources), as_of=day)


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
                ollama.collect(con, settings(sources), as_of=earlier)
        finally:
            sources.server.set_date(day)
    ollama.collect(con, settings(sources), as_of=day)
    openrouter.collect(con, settings(sources), as_of=day)


def build_and_publish(con: duckdb.DuckDBPyConnection) -> build.BuildReport:
    """Run the pipelines and publish the serving copy."""
    report = build.run_build(con)
    publish.publish(con)
    return report


def export_weekly_csv() -> dict:
    """The weekly CSV export of the published data: {path: rows}."""
    con = db.connect_serving()
    try:
        return export_weekly(con, paths.exports_dir())
    finally:
        con.close()


def _with_warehouse(*steps):
    def run():
        con = db.connect()
        try:
            for step in steps:
                step(con)
        finally:
            con.close()
    return run


def job_specs(sources: Sources) -> list[JobSpec]:
    """The schedule: daily Hub, GitHub and channels, weekly cards and benchmarks, each then a build; weekly export."""
    if sources.kind == "reference":  # archived data: nothing to collect, and its export is written by `up`
        return []

    def cron(**when):
        return CronTrigger(timezone=dt.UTC, **when)

    return [
        JobSpec("hf", "collect Hugging Face, then build", cron(hour=2, minute=0),
                _with_warehouse(lambda con: collect_hf(con, sources), build_and_publish)),
        JobSpec("github", "collect GitHub stars, then build", cron(hour=3, minute=0),
                _with_warehouse(lambda con: collect_github(con, sources), build_and_publish)),
        JobSpec("cards", "collect model cards, then build", cron(day_of_week="mon", hour=3, minute=30),
                _with_warehouse(lambda con: collect_cards(con, sources), build_and_publish)),
        JobSpec("benchmarks", "collect LiveBench and LiveCodeBench, then build",
                cron(day_of_week="mon", hour=4, minute=0),
                _with_warehouse(lambda con: collect_benchmarks(con, sources), build_and_publish)),
        JobSpec("channels", "collect Ollama pulls and OpenRouter tokens, then build", cron(hour=4, minute=30),
                _with_warehouse(lambda con: collect_channels(con, sources), build_and_publish)),
        JobSpec("export", "write the weekly CSV export", cron(day_of_week="mon", hour=6, minute=0),
                export_weekly_csv),
    ]
