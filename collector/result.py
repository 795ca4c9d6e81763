"""What every source's collect (and every import) returns."""

import datetime as dt
from dataclasses import dataclass, field

from collector.http import RequestStats
from warehouse.runs import Run


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
