"""The reference world: real public data archived at known dates, shipped as a compact extract (reference_world/)
and loaded through the collectors' own load paths. SOURCES.md beside the extract names each source and licence."""

import csv
import datetime as dt
import gzip
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from collector.benchmarks import livebench
from collector.github import repos as github
from collector.github.links import load_registry, registry_links
from collector.hf import snapshot as hub_snapshot
from collector.result import CollectResult, recorded
from warehouse import load

EXTRACT = Path(__file__).parent / "reference_world"
AS_OF = dt.date(2024, 7, 11)
SNAPSHOTS = (dt.date(2022, 7, 2), dt.date(2022, 10, 1), AS_OF)
LIVEBENCH_RELEASE = dt.date(2024, 7, 26)  # LiveBench's first release after AS_OF
STAR_WEEKS = (dt.date(2024, 6, 10), dt.date(2024, 7, 8))  # the week of AS_OF, and four weeks before it
STARS_FILE = "github_stars_2024-07-08.csv.gz"
LEGACY_FILE = "legacy_scores.csv.gz"
NOTE = f"real public data, archived {AS_OF}"


def snapshot_file(day: dt.date) -> Path:
    """The extract's Hub listing of one day."""
    return EXTRACT / f"hub_models_{day}.csv.gz"


@dataclass
class Step:
    """One part of the reference world: the collection_runs source it is recorded as, its date and its loader."""

    source: str
    as_of: dt.date
    label: str
    load: Callable


def steps() -> list[Step]:
    """Every part of the reference world in load order (the latest Hub snapshot last, so it is the build's day)."""
    hub = [Step("hf", day, f"Hugging Face listing archived {day}",
                lambda con, day=day: hub_snapshot.import_snapshot(con, snapshot_file(day), day)) for day in SNAPSHOTS]
    stars = [Step("github", week, f"GitHub stars of the week of {week}", lambda con, week=week: load_stars(con, week))
             for week in STAR_WEEKS]
    return [*hub, *stars,
            Step("livebench", AS_OF, f"LiveBench release {LIVEBENCH_RELEASE}",
                 lambda con: livebench.collect_folder(con, EXTRACT / "livebench", AS_OF, [LIVEBENCH_RELEASE])),
            Step("legacy", AS_OF, "legacy scores (Open LLM Leaderboard v2, Epoch MMLU)", load_legacy)]


def _read_gz(name: str) -> list[dict]:
    with gzip.open(EXTRACT / name, "rt", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load_stars(con, week: dt.date) -> CollectResult:
    """The registry's repositories with their archived weekly figures, as the raw_github_repos slice of `week`."""
    registry = {repo.lower(): (repo, links) for repo, links in registry_links(load_registry()).items()}
    rows = [{"repo": registry[r["repo"].lower()][0], "found": True, "renamed_to": None, "stars": int(r["stars"]),
             "forks": int(r["forks"]), "watchers": None, "open_issues": int(r["open_issues"]), "pushed_at": None,
             "created_at": None, "archived": None, "api": "archive", "payload": {"archived_week": r["date"]},
             "links": registry[r["repo"].lower()][1]}
            for r in _read_gz(STARS_FILE) if r["date"] == week.isoformat() and r["repo"].lower() in registry]
    return recorded(con, github.SOURCE, (EXTRACT / STARS_FILE).resolve().as_uri(), week,
                    lambda run_id: github.save_repos(con, week, run_id, rows))


def load_legacy(con) -> CollectResult:
    """Legacy benchmark claims (MMLU from Epoch, MMLU-Pro from the Open LLM Leaderboard v2) as of AS_OF."""
    frame = pd.DataFrame(_read_gz(LEGACY_FILE), columns=["id", "benchmark", "score"])
    frame = frame.assign(score=frame["score"].astype(float), as_of=AS_OF)

    def write(run_id: str) -> int:
        return load.replace_slice(con, "card_legacy_scores", AS_OF, [frame])

    return recorded(con, "legacy", (EXTRACT / LEGACY_FILE).resolve().as_uri(), AS_OF, write)
