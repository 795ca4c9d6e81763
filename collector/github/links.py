"""Which GitHub repositories to track and why: the checked-in registry and links found in model cards."""

import logging
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import duckdb

log = logging.getLogger(__name__)

REGISTRY = Path(__file__).parents[1] / "registry" / "github_repos.toml"
REPO_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$")
ENTRY_KEYS = {"family", "repo", "hf_orgs", "models"}

CARD_LINKS = """
SELECT id, repo, url FROM card_github_links
WHERE as_of = (SELECT max(as_of) FROM card_github_links)
ORDER BY id, repo
"""


class RegistryError(ValueError):
    """The registry file is not what it should be; the message names the entry and the bad value."""


@dataclass(frozen=True)
class RegistryRepo:
    """One registry entry: a family's official repository and the Hub models it covers."""

    family: str
    repo: str
    hf_orgs: tuple[str, ...]
    models: tuple[str, ...]


def is_repo_name(name: str) -> bool:
    """True for a well-formed GitHub 'owner/name'."""
    return bool(REPO_NAME.match(name)) and not name.endswith((".git", "/.", "/.."))


def load_registry(path: Path = REGISTRY) -> list[RegistryRepo]:
    """The registry entries in file order; raise RegistryError on anything malformed."""
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{path}: not valid TOML ({exc})") from None
    entries, seen = [], set()
    for number, raw in enumerate(data.get("repo", []), 1):
        where = f"{path.name} entry {number}"
        if set(raw) != ENTRY_KEYS:
            raise RegistryError(f"{where}: keys {sorted(raw)}; expected exactly {sorted(ENTRY_KEYS)}")
        repo = raw["repo"]
        if not isinstance(repo, str) or not is_repo_name(repo):
            raise RegistryError(f"{where}: repo {repo!r} is not a GitHub 'owner/name'")
        if repo.lower() in seen:
            raise RegistryError(f"{where}: repo {repo!r} is listed twice; give one entry several patterns")
        seen.add(repo.lower())
        for key in ("hf_orgs", "models"):
            value = raw[key]
            if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
                raise RegistryError(f"{where}: {key} {value!r} is not a non-empty list of strings")
        if not isinstance(raw["family"], str) or not raw["family"]:
            raise RegistryError(f"{where}: family {raw['family']!r} is not a non-empty string")
        entries.append(RegistryRepo(raw["family"], repo, tuple(raw["hf_orgs"]), tuple(raw["models"])))
    if not entries:
        raise RegistryError(f"{path}: no [[repo]] entries")
    return entries


def registry_links(entries: list[RegistryRepo]) -> dict[str, list[dict]]:
    """Repository -> one link per (Hub org, model pattern); priority is the entry's place in the file."""
    links: dict[str, list[dict]] = {}
    for priority, entry in enumerate(entries):
        links[entry.repo] = [
            {"source": "registry", "family": entry.family, "hf_org": org, "model_glob": pattern,
             "priority": priority}
            for org in entry.hf_orgs for pattern in entry.models
        ]
    return links


def card_links(con: duckdb.DuckDBPyConnection) -> dict[str, list[dict]]:
    """Repository -> links from the latest collected model cards (source 'readme:<hf id>'), as the card spells it."""
    try:
        rows = con.execute(CARD_LINKS).fetchall()
    except duckdb.CatalogException:
        log.warning("no card_github_links table yet: run 'revealed collect cards' to track model-card links")
        return {}
    links: dict[str, list[dict]] = {}
    for hf_id, lowered, url in rows:
        spelled = "/".join(urlsplit(url).path.strip("/").split("/")[:2])
        repo = spelled if spelled.lower() == lowered else lowered  # keep the card's spelling for display
        if not is_repo_name(repo):
            log.warning("skipping card link %r of %s: not a GitHub 'owner/name'", repo, hf_id)
            continue
        links.setdefault(repo, []).append(
            {"source": f"readme:{hf_id}", "family": None, "hf_org": None, "model_glob": None, "priority": None})
    return links


def tracked_repos(con: duckdb.DuckDBPyConnection, use_registry: bool,
                  registry: Path = REGISTRY) -> dict[str, list[dict]]:
    """Every repository to snapshot with all its links; names differing only in case are one repository."""
    sources = [registry_links(load_registry(registry))] if use_registry else []
    sources.append(card_links(con))
    merged: dict[str, list[dict]] = {}
    spelling: dict[str, str] = {}
    for links in sources:
        for repo, found in links.items():
            name = spelling.setdefault(repo.lower(), repo)
            merged.setdefault(name, []).extend(found)
    return merged
