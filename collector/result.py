"""What every source's collect (and every import) returns, and the one wrapper that records a plain save as a run."""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from collector.http import HttpClient, RequestStats
from warehouse.runs import Run, recorded_run

log = logging.getLogger(__name__)


@dataclass
class CollectResult:
    """One recorded run: its id, source, slice date, rows stored, requests made, and what the source adds in extra."""

    run_id: str
    source: str
    as_of: dt.date
    rows: int
    stats: RequestStats
    sandbox: bool
    extra: dict = field(default_factory=dict)
    details: "CollectResult | None" = None  # a second pass recorded as its own run (the Hub's child counts)

    @classmethod
    def of(cls, run: Run, stats: RequestStats, **extra) -> "CollectResult":
        """The result of a finished run."""
        return cls(run.run_id, run.source, run.as_of, run.rows, stats, run.sandbox, extra)


def recorded(con, source: str, endpoint: str, as_of: dt.date, save: Callable[[str], int],
             client: HttpClient | None = None, secrets: list[str] = ()) -> CollectResult:
    """Run save(run_id) as one recorded run (endpoint without credentials); a file import has no client."""
    with recorded_run(con, source, endpoint, as_of, secrets=secrets, meter=client) as run:
        run.rows = save(run.run_id)
    log.info("%s %s: %d rows from %s%s", source, as_of, run.rows, endpoint,
             " (SANDBOX: fictional data)" if run.sandbox else "")
    return CollectResult.of(run, client.stats if client else RequestStats())
