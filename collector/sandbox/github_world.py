"""The sandbox's GitHub: the world's family repositories, with stars that grow with family popularity.

Fictional data. A repository is created a week before its first family's root model; stars arrive as a
launch spike that settles to a steady rate, both scaled by the likes of the family roots that link to it.
Stars seen on day D are those given up to D-1 (like the Hub's download windows). A few repositories are
renamed (the old name redirects), archived, or gone (404), so collectors meet those cases; a repository
answers 404 until it is created.
"""

import datetime as dt
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

HORIZON_DAYS = 4 * 365       # star history is generated this far past a repository's creation
PRE_RELEASE_DAYS = 7
# Calibrated on real model repositories (shared/data/github): most stars come in the launch month (a year after
# launch DeepSeek-V3 had 1.14x, ChatGLM2-6B 1.33x its 30-day count); here a year gives 1.39x.
SPIKE_DAYS = 10.0            # e-folding time of the launch spike
SPIKE, STEADY = 100.0, 1.0   # launch-spike and steady star rates, in units of the popularity rate
EVERY = 20                   # one repository in EVERY is renamed, one archived, one gone
RENAMED, ARCHIVED, GONE = 1, 2, 3    # early slots, so even a small world has one of each


@dataclass(frozen=True)
class Repo:
    """One sandbox repository."""

    number: int
    name: str            # owner/name as model cards link to it
    current: str         # owner/name it lives at now (differs when renamed)
    created: dt.date
    rate: float          # stars per day at popularity 1
    archived: bool
    gone: bool


@lru_cache(maxsize=8)
def repos(world) -> dict[str, Repo]:
    """Every repository the world's families link to, keyed by lower-cased old and current names."""
    fam = world.families[world.families["github_repo"].notna()]
    likes = world.models.set_index("id")["likes"].reindex(fam["family"]).fillna(0).to_numpy()
    per_repo: dict[str, list] = {}
    for name, created, like in zip(fam["github_repo"], fam["created"], likes, strict=True):
        per_repo.setdefault(name, []).append((created, float(like)))
    found = {}
    for number, name in enumerate(sorted(per_repo)):
        first = min(c for c, _ in per_repo[name])
        rate = 0.02 + sum(like for _, like in per_repo[name]) / 80.0
        slot = number % EVERY
        owner, short = name.split("/", 1)
        current = f"{owner}-labs/{short}" if slot == RENAMED else name
        repo = Repo(number + 1, name, current, first - dt.timedelta(days=PRE_RELEASE_DAYS), rate,
                    slot == ARCHIVED, slot == GONE)
        found[name.lower()] = found[current.lower()] = repo
    return found


def lookup(world, owner: str, name: str, date: dt.date) -> Repo | None:
    """The repository answering to owner/name (old or current name) on date; None when gone or not created yet."""
    repo = repos(world).get(f"{owner}/{name}".lower())
    return repo if repo is not None and not repo.gone and repo.created <= date else None


@lru_cache(maxsize=4096)
def star_days(world, repo: Repo) -> np.ndarray:
    """Stars given on each day from the repository's creation, for HORIZON_DAYS days."""
    rng = np.random.default_rng([world.seed, zlib.crc32(repo.name.encode())])
    k = np.arange(HORIZON_DAYS)
    expected = repo.rate * (SPIKE * np.exp(-k / SPIKE_DAYS) + STEADY)
    return rng.poisson(expected)


def _days_before(repo: Repo, date: dt.date) -> int:
    """How many of the repository's days lie before date (clipped to the generated horizon)."""
    return int(np.clip((date - repo.created).days, 0, HORIZON_DAYS))


def stars_on(world, repo: Repo, date: dt.date) -> int:
    """Stars the repository shows on date."""
    return int(star_days(world, repo)[:_days_before(repo, date)].sum())


def stargazers(world, repo: Repo, date: dt.date, first: int, count: int) -> list[tuple[dt.datetime, str]]:
    """(starred_at, login) of stars number first .. first+count-1 (0-based, oldest first) as seen on date."""
    days = star_days(world, repo)[:_days_before(repo, date)]
    ends = np.cumsum(days)
    out = []
    for j in range(first, min(first + count, int(ends[-1]) if len(ends) else 0)):
        day = int(np.searchsorted(ends, j, side="right"))
        within = j - (int(ends[day - 1]) if day else 0)
        second = int((within + 0.5) / days[day] * 86400)
        when = dt.datetime.combine(repo.created + dt.timedelta(days=day), dt.time()) + dt.timedelta(seconds=second)
        out.append((when, f"sandbox-user-{zlib.crc32(f'{repo.name}:{j}'.encode()):08x}"))
    return out
