"""The sandbox for commands (`up --source sandbox`, `revealed sandbox`): fictional worlds, their servers, and the real
Hugging Face collector run against them for consecutive simulated days. Outside the checks and the tests, code
reaches collector.sandbox only through this module."""

import datetime as dt
import logging
from collections.abc import Callable

import duckdb

from collector.hf import listing as hf
from collector.result import CollectResult
from collector.sandbox import world_gen
from collector.sandbox.server import SandboxServer
from collector.sandbox.world import World
from pipelines.orchestration import jobs

log = logging.getLogger(__name__)
MIN_MODELS = world_gen.MIN_MODELS  # the smallest world the sandbox generates


def world(seed: int, models: int) -> World:
    """The deterministic fictional world of this seed and size, its ground truth included."""
    return World(seed=seed, n_models=models)


def server(world: World, **options) -> SandboxServer:
    """A sandbox server over `world`, not started (port, date, log_requests as SandboxServer takes them)."""
    return SandboxServer(world, **options)


def default_start(world, days: int) -> dt.date:
    """The first day of a `days`-long simulation that ends on the sandbox's today."""
    return world.today - dt.timedelta(days=days - 1)


def simulate(con: duckdb.DuckDBPyConnection, world, days: int, start: dt.date | None = None,
             min_downloads: int = 100, details: int = 500, progress=None,
             day_done: Callable[[], None] | None = None) -> list[CollectResult]:
    """Collect `world` as seen on each of `days` days from `start` (as_of = that day); return each day's result.

    `progress` is passed to collector.hf.listing.collect (a factory of progress bars, or None); `day_done`, when given,
    is called after each day.
    """
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    start = start or default_start(world, days)
    results = []
    with SandboxServer(world, date=start).start() as server:
        settings = jobs.sandbox_sources(server).settings
        for offset in range(days):
            day = start + dt.timedelta(days=offset)
            server.set_date(day)
            log.info("sandbox day %s (%d/%d): collecting fictional models from %s", day, offset + 1, days,
                     server.url)
            results.append(hf.collect(con, settings, as_of=day, min_downloads=min_downloads,
                                      details=details, progress=progress))
            if day_done is not None:
                day_done()
    return results
