"""LiveBench leaderboard files: per-release task scores, category lists and model metadata."""

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from collector.benchmarks.livebench_files import LiveBenchError, parse_categories, parse_table, read_csv
from collector.http import HttpClient, RequestStats, public_url
from collector.result import CollectResult
from warehouse import load, runs
from warehouse.settings import Settings

log = logging.getLogger(__name__)

SOURCE = "livebench"
SCORES_TABLE = "raw_livebench_scores"
MODELS_TABLE = "raw_livebench_models"
# livebench.ai publishes no index of releases: its App.js hard-codes these dates (api-contracts.md 3.1).
KNOWN_RELEASES = tuple(dt.date.fromisoformat(d) for d in (
    "2024-06-24", "2024-07-26", "2024-08-31", "2024-11-25", "2025-04-02",
    "2025-04-25", "2025-05-30", "2025-11-25", "2025-12-23", "2026-01-08",
))
METADATA_FILE = "model_metadata.csv"
API_NAMES_FILE = "model_api_names.csv"
METADATA_COLUMNS = ("model", "organization", "display_name", "version", "openweight", "reasoner", "url",
                    "variant_of")
API_NAMES_COLUMNS = ("display_name", "provider", "api_name", "aliases")
ALIAS_SEP = re.compile(r"[|;]")


def token(release: dt.date) -> str:
    """The date as LiveBench spells it in file names: 2025_12_23."""
    return release.strftime("%Y_%m_%d")


def table_file(release: dt.date) -> str:
    """The leaderboard CSV of a release."""
    return f"table_{token(release)}.csv"


def categories_file(release: dt.date) -> str:
    """The category -> tasks JSON of a release."""
    return f"categories_{token(release)}.json"


def fetch_release(client, release: dt.date) -> tuple[pd.DataFrame, list[str]] | None:
    """A release's long score rows and what was repaired in them, or None when the endpoint does not publish it."""
    table = client.get(table_file(release))
    if table.status_code == 404:
        return None
    cats = client.get(categories_file(release))
    if cats.status_code == 404:
        raise LiveBenchError(f"{table_file(release)} is published but {categories_file(release)} is not (404); "
                             "expected both files for a release")
    categories, repairs = parse_categories(cats.text, categories_file(release))
    rows, table_repairs = parse_table(table.text, table_file(release), categories)
    return rows, repairs + table_repairs


def parse_metadata(text: str, api_names_text: str | None) -> tuple[pd.DataFrame, list[str]]:
    """(one row per LiveBench model key with its metadata and provider API names, repairs)."""
    meta, repairs = _read_csv(text, METADATA_FILE, METADATA_COLUMNS, key="model")
    meta["version_date"] = [_version_date(v) for v in meta["version"]]
    for flag in ("openweight", "reasoner"):
        meta[flag] = [_flag(v, flag, m, repairs) for v, m in zip(meta[flag], meta["model"], strict=True)]
    names, names_repairs = (_read_csv(api_names_text, API_NAMES_FILE, API_NAMES_COLUMNS) if api_names_text
                            else (pd.DataFrame(columns=API_NAMES_COLUMNS), []))
    by_model = names.groupby("display_name")
    api = by_model["api_name"].agg(lambda s: sorted({v for v in s if v}))
    aliases = by_model["aliases"].agg(lambda s: sorted({a.strip() for v in s for a in ALIAS_SEP.split(v) if a.strip()}))
    meta["api_names"] = meta["model"].map(api).apply(lambda v: v if isinstance(v, list) else [])
    meta["aliases"] = meta["model"].map(aliases).apply(lambda v: v if isinstance(v, list) else [])
    for col in ("organization", "display_name", "version", "url", "variant_of"):
        meta[col] = meta[col].replace("", None)
    return meta, repairs + names_repairs


def _read_csv(text: str, name: str, columns: tuple[str, ...], key: str | None = None) -> tuple[pd.DataFrame, list[str]]:
    """(the expected columns as strings, repairs): a missing first column is fatal, others read as empty.

    With `key`, rows without one are skipped and a repeated key keeps its first row; both are recorded.
    """
    header, rows, repairs = read_csv(text, name)
    missing = [c for c in columns if c not in header]
    if columns[0] in missing:
        raise LiveBenchError(f"{name} has no {columns[0]!r} column (header: {','.join(header)[:200]}); "
                             f"expected {','.join(columns)}")
    if missing:
        repairs.append(f"{name} has no column(s) {missing}; read as empty")
    frame = pd.DataFrame([f for _, f in rows], columns=header, dtype=object).reindex(columns=list(columns),
                                                                                     fill_value="")
    frame["line"] = [line for line, _ in rows]
    if key:
        for line in frame.loc[frame[key] == "", "line"]:
            repairs.append(f"{name} line {line}: no {key}; row skipped")
        frame = frame[frame[key] != ""]
        for line, value in frame.loc[frame[key].duplicated(), ["line", key]].itertuples(index=False):
            repairs.append(f"{name} line {line}: {key} {value!r} again; the first row kept, this one skipped")
        frame = frame[~frame[key].duplicated()]
    return frame.drop(columns="line").reset_index(drop=True), repairs


def _version_date(value: str) -> dt.date | None:
    """The version as a date when it is a full YYYY-MM-DD date (versions may also be months or '001')."""
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def _flag(value: str, column: str, model: str, repairs: list[str]) -> bool | None:
    """A true/false cell, or None when empty or anything else (recorded)."""
    lowered = value.lower()
    if lowered in ("", "true", "false"):
        return None if lowered == "" else lowered == "true"
    repairs.append(f"{METADATA_FILE}: {column} {value!r} of model {model!r} is not true/false; read as unknown")
    return None


def fetch_metadata(client) -> tuple[pd.DataFrame, list[str]] | None:
    """Model metadata and its repairs, or None when the endpoint publishes no metadata file."""
    meta = client.get(METADATA_FILE)
    if meta.status_code == 404:
        return None
    names = client.get(API_NAMES_FILE)
    return parse_metadata(meta.text, None if names.status_code == 404 else names.text)


@dataclass
class Outcome:
    """What happened to one release or to the metadata files."""

    item: str     # a release date, or 'metadata'
    status: str   # saved, not published, failed
    rows: int = 0
    detail: str = ""
    repairs: list[str] = field(default_factory=list)  # what was mended or skipped in the files, the rest kept


def collect(con, settings: Settings, *, as_of: dt.date, releases: list[dt.date] | None = None) -> CollectResult:
    """Replace each release's slice (and the metadata slice) from settings.livebench_url; extra["outcomes"] says how.

    Bad rows and cells are repaired or skipped as the site would read them and listed in the run's `repairs`;
    a file that cannot be read at all skips its release (earlier data kept) and marks the run failed; an
    unreachable service raises.
    """
    url = settings.livebench_url
    return _collect(con, HttpClient(url, stats=RequestStats()), public_url(url), as_of, releases, settings.secrets())


def collect_folder(con, folder: Path, as_of: dt.date, releases: list[dt.date]) -> CollectResult:
    """Like collect, from a folder of archived LiveBench files; the run's endpoint is the folder's file: URI."""
    return _collect(con, FolderClient(folder), folder.resolve().as_uri(), as_of, releases, [])


@dataclass
class FileResponse:
    """What FolderClient.get returns: the parts of an HTTP response the parsers read."""

    status_code: int
    text: str


class FolderClient:
    """Reads LiveBench files from a local folder as the site would serve them (404 for a missing file)."""

    sandbox = False

    def __init__(self, folder: Path):
        self.folder = folder
        self.stats = RequestStats()  # reading files makes no requests

    def get(self, name: str) -> FileResponse:
        """The file `name` in the folder, or a 404 when it is not there."""
        path = self.folder / name
        return FileResponse(200, path.read_text(encoding="utf-8")) if path.is_file() else FileResponse(404, "")


def _collect(con, client, shown: str, as_of: dt.date, releases: list[dt.date] | None,
             secrets: list[str]) -> CollectResult:
    """The body of collect, for any client with get(name), a sandbox flag and request stats."""
    outcomes: list[Outcome] = []
    with runs.recorded_run(con, SOURCE, shown, as_of, secrets=secrets, meter=client) as run:
        try:
            fetched = fetch_metadata(client)
        except LiveBenchError as exc:
            fetched, outcomes = None, [Outcome("metadata", "failed", detail=str(exc))]
        try:
            if fetched is not None:
                meta, repairs = fetched
                n = save_metadata(con, as_of, run.run_id, meta)
                outcomes.append(Outcome("metadata", "saved", n, repairs=repairs))
            for release in releases or KNOWN_RELEASES:
                outcomes.append(_collect_release(con, client, release, as_of, run.run_id))
        finally:
            run.rows = sum(o.rows for o in outcomes)
        problems = [f"{o.item}: {o.detail}" for o in outcomes if o.status == "failed"]
        if releases:  # a release asked for by name must be there
            problems += [f"{o.item}: {o.detail}" for o in outcomes if o.status == "not published"]
        if not any(o.status == "saved" and o.item != "metadata" for o in outcomes) and not problems:
            problems.append(f"no release published at {shown}; tried {', '.join(token(r) for r in KNOWN_RELEASES)}")
        run.repairs = [f"{o.item}: {r}" for o in outcomes for r in o.repairs]
        run.problem = "; ".join(problems) or None
    return CollectResult.of(run, client.stats, outcomes=outcomes)


def save_metadata(con, as_of: dt.date, run_id: str, rows: pd.DataFrame) -> int:
    """Replace the as_of slice of raw_livebench_models (the model metadata) with these rows; return how many."""
    return load.replace_slice(con, MODELS_TABLE, as_of, [rows.assign(as_of=as_of, run_id=run_id)])


def save_release(con, release: dt.date, as_of: dt.date, run_id: str, rows: pd.DataFrame) -> int:
    """Replace one release's slice of raw_livebench_scores with these rows; return how many.

    Not the contract's save_*(con, as_of, run_id, rows): scores are sliced by release, each row stamped with as_of.
    """
    return load.replace_slice(con, SCORES_TABLE, release, [rows.assign(release=release, as_of=as_of, run_id=run_id)],
                              key="release")


def _collect_release(con, client, release: dt.date, as_of: dt.date, run_id: str) -> Outcome:
    """Fetch, check and save one release as one atomic slice."""
    try:
        fetched = fetch_release(client, release)
    except LiveBenchError as exc:
        log.warning("livebench %s skipped, earlier data kept: %s", release, exc)
        return Outcome(release.isoformat(), "failed", detail=f"skipped, earlier data kept: {exc}")
    if fetched is None:
        log.info("livebench %s: not published (%s answered 404)", release, table_file(release))
        return Outcome(release.isoformat(), "not published", detail=f"{table_file(release)} answered 404")
    rows, repairs = fetched
    for repair in repairs:
        log.warning("livebench %s: %s", release, repair)
    n = save_release(con, release, as_of, run_id, rows)
    log.info("livebench %s: %d task scores of %d models%s", release, n, rows["model"].nunique(),
             " (SANDBOX: fictional data)" if client.sandbox else "")
    return Outcome(release.isoformat(), "saved", n, repairs=repairs)
