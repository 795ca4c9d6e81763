"""LiveBench leaderboard files: per-release task scores, category lists and model metadata."""

import csv
import datetime as dt
import io
import json
import logging
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from collector.http import HttpClient, HttpError, public_url
from warehouse import load, runs

log = logging.getLogger(__name__)

DEFAULT_URL = "https://livebench.ai"
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


class LiveBenchError(ValueError):
    """A LiveBench file that cannot be used as published: names the file, the bad value and what was expected."""


def token(release: dt.date) -> str:
    """The date as LiveBench spells it in file names: 2025_12_23."""
    return release.strftime("%Y_%m_%d")


def table_file(release: dt.date) -> str:
    """The leaderboard CSV of a release."""
    return f"table_{token(release)}.csv"


def categories_file(release: dt.date) -> str:
    """The category -> tasks JSON of a release."""
    return f"categories_{token(release)}.json"


def parse_categories(text: str, name: str) -> dict[str, list[str]]:
    """Category -> task list; every task in exactly one category."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LiveBenchError(f"{name} is not valid JSON ({exc}); expected {{category: [task, ...]}}") from None
    if not isinstance(data, dict) or not data:
        raise LiveBenchError(f"{name} holds {type(data).__name__} {str(data)[:60]!r}; "
                             "expected a non-empty object {category: [task, ...]}")
    seen: dict[str, str] = {}
    for category, tasks in data.items():
        if not isinstance(tasks, list) or not tasks or not all(isinstance(t, str) and t for t in tasks):
            raise LiveBenchError(f"{name}: category {category!r} maps to {tasks!r}; expected a non-empty list of "
                                 "task names")
        for task in tasks:
            if task in seen:
                raise LiveBenchError(f"{name}: task {task!r} is listed in both {seen[task]!r} and {category!r}; "
                                     "expected each task in one category")
            seen[task] = category
    return data


def parse_table(text: str, name: str, categories: dict[str, list[str]]) -> pd.DataFrame:
    """Long rows (model, task, category, score) from a leaderboard CSV; empty cells become NaN scores."""
    if not text.strip():
        raise LiveBenchError(f"{name} is empty; expected a header 'model,<task>,...' and one row per model")
    frame = _frame(text, name)
    columns = list(frame.columns)
    if "model" not in columns:
        raise LiveBenchError(f"{name} has no 'model' column (header: {','.join(columns)[:200]}); "
                             "expected 'model' followed by task columns")
    tasks = [c for c in columns if c != "model"]
    listed = {t: c for c, ts in categories.items() for t in ts}
    missing = [t for t in listed if t not in tasks]
    if missing:
        unexpected = [t for t in tasks if t not in listed]
        raise LiveBenchError(f"{name} lacks task column(s) {missing} that the release's categories list; "
                             f"unexpected column(s): {unexpected}; expected columns: model,{','.join(listed)}")
    if frame.empty:
        raise LiveBenchError(f"{name} has a header but no model rows; expected one row per model")
    models = frame["model"]
    if (models == "").any():
        raise LiveBenchError(f"{name}: row {int((models == '').idxmax()) + 2} has an empty model name")
    if models.duplicated().any():
        raise LiveBenchError(f"{name}: model {models[models.duplicated()].iloc[0]!r} appears twice; "
                             "expected one row per model")
    extra = [t for t in tasks if t not in listed]
    if extra:
        log.warning("%s: column(s) %s are in no category; kept raw, left out of the averages", name, extra)
    long = frame.melt(id_vars="model", value_vars=tasks, var_name="task", value_name="cell")
    long["score"] = [_score(cell, name, model, task) for cell, model, task in
                     zip(long["cell"], long["model"], long["task"], strict=True)]
    long["category"] = long["task"].map(listed)
    return long[["model", "task", "category", "score"]]


def _score(cell: str, name: str, model: str, task: str) -> float:
    """One 0-100 score cell; empty is NaN (not run)."""
    if cell == "":
        return math.nan
    try:
        value = float(cell)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not 0 <= value <= 100:
        raise LiveBenchError(f"{name}: score {cell!r} for model {model!r}, task {task!r} is not a number from "
                             "0 to 100 (or empty)")
    return value


def fetch_release(client, release: dt.date) -> pd.DataFrame | None:
    """A release's long score rows, or None when the endpoint does not publish that release."""
    table = client.get(table_file(release))
    if table.status_code == 404:
        return None
    cats = client.get(categories_file(release))
    if cats.status_code == 404:
        raise LiveBenchError(f"{table_file(release)} is published but {categories_file(release)} is not (404); "
                             "expected both files for a release")
    categories = parse_categories(cats.text, categories_file(release))
    return parse_table(table.text, table_file(release), categories)


def parse_metadata(text: str, api_names_text: str | None) -> pd.DataFrame:
    """One row per LiveBench model key with its metadata and provider API names."""
    meta = _read_csv(text, METADATA_FILE, METADATA_COLUMNS)
    if meta["model"].duplicated().any():
        raise LiveBenchError(f"{METADATA_FILE}: model {meta['model'][meta['model'].duplicated()].iloc[0]!r} "
                             "appears twice; expected one row per model")
    meta["version_date"] = [_version_date(v) for v in meta["version"]]
    for flag in ("openweight", "reasoner"):
        meta[flag] = [_flag(v, flag, m) for v, m in zip(meta[flag], meta["model"], strict=True)]
    names = (_read_csv(api_names_text, API_NAMES_FILE, API_NAMES_COLUMNS) if api_names_text
             else pd.DataFrame(columns=API_NAMES_COLUMNS))
    by_model = names.groupby("display_name")
    api = by_model["api_name"].agg(lambda s: sorted({v for v in s if v}))
    aliases = by_model["aliases"].agg(lambda s: sorted({a.strip() for v in s for a in ALIAS_SEP.split(v) if a.strip()}))
    meta["api_names"] = meta["model"].map(api).apply(lambda v: v if isinstance(v, list) else [])
    meta["aliases"] = meta["model"].map(aliases).apply(lambda v: v if isinstance(v, list) else [])
    for col in ("organization", "display_name", "version", "url", "variant_of"):
        meta[col] = meta[col].replace("", None)
    return meta


def _frame(text: str, name: str) -> pd.DataFrame:
    """A CSV as stripped strings; every line must have as many fields as the header (a cut-off file does not)."""
    rows = [row for row in csv.reader(io.StringIO(text)) if row]
    if not rows:
        raise LiveBenchError(f"{name} is empty; expected a header line and one line per model")
    header = [c.strip() for c in rows[0]]
    bad = next((n for n, row in enumerate(rows[1:], 2) if len(row) != len(header)), None)
    if bad is not None:
        raise LiveBenchError(f"{name}: line {bad} has {len(rows[bad - 1])} fields but the header has {len(header)}; "
                             "the file looks cut off or malformed")
    return pd.DataFrame([[c.strip() for c in row] for row in rows[1:]], columns=header, dtype=object)


def _read_csv(text: str, name: str, columns: tuple[str, ...]) -> pd.DataFrame:
    """A CSV of strings with the expected columns."""
    frame = _frame(text, name)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise LiveBenchError(f"{name} lacks column(s) {missing}; expected {','.join(columns)}")
    return frame[list(columns)]


def _version_date(value: str) -> dt.date | None:
    """The version as a date when it is a full YYYY-MM-DD date (versions may also be months or '001')."""
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def _flag(value: str, column: str, model: str) -> bool | None:
    """A true/false cell, or None when empty."""
    lowered = value.lower()
    if lowered in ("", "true", "false"):
        return None if lowered == "" else lowered == "true"
    raise LiveBenchError(f"{METADATA_FILE}: {column} {value!r} of model {model!r} is not true/false")


def fetch_metadata(client) -> pd.DataFrame | None:
    """Model metadata, or None when the endpoint publishes no metadata file."""
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


def collect(con, url: str, as_of: dt.date, releases: list[dt.date] | None = None) -> tuple[str, list[Outcome]]:
    """Replace each release's slice (and the metadata slice) from `url`; return (run id, outcomes).

    A bad file skips its release (earlier data kept) and marks the run failed; an unreachable service raises.
    """
    stats = runs.RunStats()
    return _collect(con, HttpClient(url, stats=stats), public_url(url), stats, as_of, releases)


def collect_folder(con, folder: Path, as_of: dt.date, releases: list[dt.date]) -> tuple[str, list[Outcome]]:
    """Like collect, from a folder of archived LiveBench files; the run's endpoint is the folder's file: URI."""
    return _collect(con, FolderClient(folder), folder.resolve().as_uri(), runs.RunStats(), as_of, releases)


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

    def get(self, name: str) -> FileResponse:
        """The file `name` in the folder, or a 404 when it is not there."""
        path = self.folder / name
        return FileResponse(200, path.read_text(encoding="utf-8")) if path.is_file() else FileResponse(404, "")


def _collect(con, client, shown: str, stats: runs.RunStats, as_of: dt.date,
             releases: list[dt.date] | None) -> tuple[str, list[Outcome]]:
    """The body of collect, for any client with get(name) and a sandbox flag."""
    outcomes: list[Outcome] = []
    try:
        meta = fetch_metadata(client)
    except LiveBenchError as exc:
        meta, outcomes = None, [Outcome("metadata", "failed", detail=str(exc))]
    except HttpError as exc:
        runs.finish_run(con, runs.start_run(con, SOURCE, shown, as_of, sandbox=client.sandbox), stats, error=str(exc))
        raise
    run_id = runs.start_run(con, SOURCE, shown, as_of, sandbox=client.sandbox)
    try:
        if meta is not None:
            n = load.replace_slice(con, MODELS_TABLE, as_of, [meta.assign(as_of=as_of, run_id=run_id)])
            outcomes.append(Outcome("metadata", "saved", n))
        for release in releases or KNOWN_RELEASES:
            outcomes.append(_collect_release(con, client, release, as_of, run_id))
    except Exception as exc:
        stats.rows = sum(o.rows for o in outcomes)
        runs.finish_run(con, run_id, stats, error=str(exc))
        raise
    stats.rows = sum(o.rows for o in outcomes)
    problems = [f"{o.item}: {o.detail}" for o in outcomes if o.status == "failed"]
    if releases:  # a release asked for by name must be there
        problems += [f"{o.item}: {o.detail}" for o in outcomes if o.status == "not published"]
    if not any(o.status == "saved" and o.item != "metadata" for o in outcomes) and not problems:
        problems.append(f"no release published at {shown}; tried {', '.join(token(r) for r in KNOWN_RELEASES)}")
    runs.finish_run(con, run_id, stats, error="; ".join(problems) or None)
    return run_id, outcomes


def _collect_release(con, client, release: dt.date, as_of: dt.date, run_id: str) -> Outcome:
    """Fetch, check and save one release as one atomic slice."""
    try:
        rows = fetch_release(client, release)
    except LiveBenchError as exc:
        log.warning("livebench %s skipped, earlier data kept: %s", release, exc)
        return Outcome(release.isoformat(), "failed", detail=f"skipped, earlier data kept: {exc}")
    if rows is None:
        log.info("livebench %s: not published (%s answered 404)", release, table_file(release))
        return Outcome(release.isoformat(), "not published", detail=f"{table_file(release)} answered 404")
    n = load.replace_slice(con, SCORES_TABLE, release, [rows.assign(release=release, as_of=as_of, run_id=run_id)],
                           key="release")
    log.info("livebench %s: %d task scores of %d models%s", release, n, rows["model"].nunique(),
             " (SANDBOX: fictional data)" if client.sandbox else "")
    return Outcome(release.isoformat(), "saved", n)
