"""Star history backfill from stargazer timestamps, page by page, within a request budget."""

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from collector.github.api import STAR_HEADERS, GitHubError, json_body, timestamp
from collector.http import HttpClient, HttpError
from warehouse.transaction import transaction

log = logging.getLogger(__name__)

DEFAULT_BUDGET = 30     # stargazer pages (100 stars each) per run
PER_PAGE = 100
MAX_PAGES = 400         # GitHub refuses deeper stargazer pages (422); such histories stay 'capped'

STATE = "SELECT repo, pages, next_page, stars_counted, covered_through, status FROM github_backfill_state"
ADD_DAYS = """
INSERT INTO raw_github_star_history (repo, day, stars_added) SELECT repo, day, stars_added FROM days
ON CONFLICT (repo, day) DO UPDATE SET stars_added = raw_github_star_history.stars_added + excluded.stars_added
"""
SAVE_STATE = """
INSERT OR REPLACE INTO github_backfill_state
    (repo, status, pages, next_page, stars_counted, covered_through, run_id, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, now())
"""


@dataclass
class Backfill:
    """One repository's backfill: where it resumes and what this run read."""

    repo: str               # the tracked name, key of the state
    current: str            # the name to ask GitHub for (after a rename)
    pages: int = 0
    next_page: int | None = 1
    stars_counted: int = 0
    covered_through: dt.date | None = None
    status: str = "partial"
    days: Counter = field(default_factory=Counter)
    last_day: dt.date | None = None
    requests: int = 0       # stargazer requests made this run


def pending(con: duckdb.DuckDBPyConnection, found: list[dict]) -> list[Backfill]:
    """Backfills still to do for found snapshot rows: partial ones first (resumed), then new ones, fewest stars first.

    A new repository with more stars than GitHub lists over REST is 'capped' at once, without spending requests.
    """
    state = {row[0]: row for row in con.execute(STATE).fetchall()}
    resumed, new = [], []
    for row in sorted(found, key=lambda r: r["stars"]):
        repo, current = row["repo"], row["renamed_to"] or row["repo"]
        if repo not in state:
            capped = row["stars"] > MAX_PAGES * PER_PAGE
            new.append(Backfill(repo, current, next_page=None if capped else 1,
                                status="capped" if capped else "partial"))
        elif state[repo][-1] == "partial":
            resumed.append(Backfill(repo, current, *state[repo][1:5]))
    return resumed + new


def read_pages(client: HttpClient, job: Backfill, budget: int) -> None:
    """Read stargazer pages into job until done or `budget` requests are spent."""
    while job.requests < budget and job.next_page is not None:
        if job.next_page > MAX_PAGES:
            job.status, job.next_page = "capped", None
            break
        response = client.get(f"repos/{job.current}/stargazers", headers=STAR_HEADERS,
                              params={"per_page": PER_PAGE, "page": job.next_page})
        job.requests += 1
        if response.status_code == 404:
            raise GitHubError(f"GET {response.url} answered 404; the repository vanished during the run")
        items = json_body(response, "a list of stargazers with starred_at")
        if not isinstance(items, list) or any(not isinstance(i, dict) or "starred_at" not in i for i in items):
            raise GitHubError(f"GET {response.url} answered no list of {{starred_at, user}} items; "
                              "expected application/vnd.github.star+json stargazers")
        for item in items:
            day = timestamp(item["starred_at"]).date()
            job.days[day] += 1
            job.last_day = max(job.last_day or day, day)
        job.pages += 1
        job.stars_counted += len(items)
        job.next_page = job.next_page + 1 if "next" in response.links else None
        if job.next_page is None:
            job.status = "complete"


def save_backfill(con: duckdb.DuckDBPyConnection, job: Backfill, as_of: dt.date, run_id: str) -> None:
    """Add the days read to the star history and the new state of one repository's backfill, in one transaction.

    Not the contract's save_*(con, as_of, run_id, rows): the history is summed per day, not a slice replaced.
    """
    if job.status == "complete":
        job.covered_through = as_of
    elif job.last_day:  # the last day read may have more stars on the next page
        job.covered_through = job.last_day - dt.timedelta(days=1)
    days = pd.DataFrame({"repo": job.repo, "day": list(job.days), "stars_added": list(job.days.values())})
    with transaction(con):
        if len(days):
            con.execute(ADD_DAYS)  # reads `days` by its name, as warehouse.load.append_batch does
        con.execute(SAVE_STATE, [job.repo, job.status, job.pages, job.next_page, job.stars_counted,
                                 job.covered_through, run_id])


def backfill_stars(con: duckdb.DuckDBPyConnection, client: HttpClient, found: list[dict], budget: int,
                   as_of: dt.date, run_id: str) -> dict:
    """Backfill star histories of the found snapshot rows within `budget` requests; return a summary."""
    summary = Counter()
    for job in pending(con, found):
        if job.status == "capped":
            save_backfill(con, job, as_of, run_id)
            summary["capped"] += 1
            continue
        if budget <= 0:
            continue
        started = job.pages
        try:
            read_pages(client, job, budget)
        except (HttpError, GitHubError) as exc:  # one repository's history must not sink the snapshots
            log.warning("star history of %s stopped at page %s: %s", job.repo, job.next_page, exc)
            summary["failed"] += 1
        budget -= job.requests
        if job.pages > started or job.status == "capped":
            save_backfill(con, job, as_of, run_id)
            summary["pages"] += job.pages - started
            summary[job.status] += 1
    if budget <= 0 and summary:
        log.info("star history budget spent; partial histories resume on the next run")
    return dict(summary)
