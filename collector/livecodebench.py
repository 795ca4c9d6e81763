"""LiveCodeBench per-problem results with problem dates and model release dates."""

import datetime as dt
import json
import logging

import pandas as pd

from collector.http import HttpClient, HttpError, public_url
from warehouse import load, runs

log = logging.getLogger(__name__)

DEFAULT_URL = "https://livecodebench.github.io"
DEFAULT_FILE = "performances_generation.json"
SOURCE = "livecodebench"
TABLE = "raw_livecodebench_results"
PASS_KEYS = ("pass@1", "Pass@1")  # the generation file says pass@1, the execution file Pass@1


class LiveCodeBenchError(ValueError):
    """A LiveCodeBench file that cannot be used: names the bad value and what was expected."""


def split_url(url: str) -> tuple[str, str]:
    """(base URL, file name): a URL ending in .json names the file, else the default file under it."""
    url = url.rstrip("/")
    if url.endswith(".json"):
        base, _, name = url.rpartition("/")
        return base, name
    return url, DEFAULT_FILE


def parse_results(text: str, name: str) -> pd.DataFrame:
    """One row per (model, problem): problem date, pass@1 (0-100) and the model's name, release date and link."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LiveCodeBenchError(f"{name} is not valid JSON ({exc}); expected "
                                 '{"performances": [...], "models": [...]}') from None
    if not isinstance(data, dict) or not isinstance(data.get("performances"), list) \
            or not isinstance(data.get("models"), list):
        keys = sorted(data)[:8] if isinstance(data, dict) else type(data).__name__
        raise LiveCodeBenchError(f"{name} has {keys}; expected an object with lists 'performances' and 'models'")
    if not data["performances"]:
        raise LiveCodeBenchError(f"{name} has no performances; expected one entry per model and problem")
    perf = _frame(data["performances"], name, "performances")
    pass_key = next((k for k in PASS_KEYS if k in perf.columns), None)
    _require(perf, name, "performances", ("model", "question_id", "date", pass_key or PASS_KEYS[0]))
    rows = pd.DataFrame({
        "model": perf["model"].astype(str),
        "problem": perf["question_id"].astype(str)
        + (("/" + perf["sample_id"].astype(str)) if "sample_id" in perf.columns else ""),
        "problem_date": _dates(perf["date"], name, "performances", "date", perf["model"]),
        "pass_at_1": _numbers(perf[pass_key], name, pass_key, perf["model"]),
        "difficulty": perf["difficulty"] if "difficulty" in perf.columns else None,
        "platform": perf["platform"] if "platform" in perf.columns else None,
    })
    dup = rows.duplicated(["model", "problem"])
    if dup.any():
        first = rows[dup].iloc[0]
        raise LiveCodeBenchError(f"{name}: model {first['model']!r} has problem {first['problem']!r} twice; "
                                 "expected one result per model and problem (duplicates would double-weight it)")
    return rows.merge(_models(data["models"], name), on="model", how="left")


def _models(entries: list, name: str) -> pd.DataFrame:
    """models[] as (model, model_name, model_release_date, link)."""
    if not entries:
        return pd.DataFrame({"model": pd.Series(dtype=str), "model_name": None, "model_release_date": None,
                             "link": None})
    models = _frame(entries, name, "models")
    _require(models, name, "models", ("model_repr", "release_date"))
    twice = models["model_repr"][models["model_repr"].duplicated()]
    if not twice.empty:
        raise LiveCodeBenchError(f"{name}: models lists {twice.iloc[0]!r} twice; expected one entry per model_repr")
    return pd.DataFrame({
        "model": models["model_repr"].astype(str),
        "model_name": models["model_name"] if "model_name" in models.columns else None,
        "model_release_date": _dates(models["release_date"], name, "models", "release_date", models["model_repr"]),
        "link": models["link"] if "link" in models.columns else None,
    })


def _frame(entries: list, name: str, key: str) -> pd.DataFrame:
    """A list of JSON objects as a DataFrame."""
    bad = next((i for i, e in enumerate(entries) if not isinstance(e, dict)), None)
    if bad is not None:
        raise LiveCodeBenchError(f"{name}: {key}[{bad}] is {str(entries[bad])[:60]!r}; expected an object")
    return pd.DataFrame(entries)


def _require(frame: pd.DataFrame, name: str, key: str, columns: tuple[str, ...]) -> None:
    """Every entry has every column."""
    for col in columns:
        if col not in frame.columns or frame[col].isna().any():
            at = 0 if col not in frame.columns else int(frame[col].isna().idxmax())
            raise LiveCodeBenchError(f"{name}: {key}[{at}] has no {col!r}; expected keys {list(columns)}")


def _numbers(values: pd.Series, name: str, key: str, models: pd.Series) -> pd.Series:
    """Numeric 0-100 values."""
    numbers = pd.to_numeric(values.where(values.map(lambda v: not isinstance(v, bool))), errors="coerce")
    bad = numbers.isna() | (numbers < 0) | (numbers > 100)
    if bad.any():
        at = int(bad.idxmax())
        raise LiveCodeBenchError(f"{name}: performances[{at}] (model {models[at]!r}) has {key} {values[at]!r}; "
                                 "expected a number from 0 to 100")
    return numbers.astype(float)


def _dates(values: pd.Series, name: str, key: str, field: str, models: pd.Series) -> pd.Series:
    """Epoch milliseconds as UTC dates."""
    millis = pd.to_numeric(values.where(values.map(lambda v: not isinstance(v, bool))), errors="coerce")
    bad = millis.isna() | (millis < 0) | (millis > 4102444800000)  # 2100-01-01
    if bad.any():
        at = int(bad.idxmax())
        raise LiveCodeBenchError(f"{name}: {key}[{at}] (model {models[at]!r}) has {field} {values[at]!r}; "
                                 "expected epoch milliseconds")
    return pd.to_datetime(millis, unit="ms").dt.date


def fetch_results(client: HttpClient, file_name: str) -> pd.DataFrame:
    """The parsed results file; raises LiveCodeBenchError when it is not published."""
    response = client.get(file_name)
    if response.status_code == 404:
        raise LiveCodeBenchError(f"{file_name} is not published at {public_url(client.base_url)} (404); expected the "
                                 "LiveCodeBench results file there")
    return parse_results(response.text, file_name)


def collect(con, url: str, as_of: dt.date) -> tuple[str, int]:
    """Fetch the results file and replace the as_of slice; return (run id, rows). Failures are recorded, then raised."""
    base, file_name = split_url(url)
    shown = public_url(url)
    stats = runs.RunStats()
    client = HttpClient(base, stats=stats)
    try:
        rows = fetch_results(client, file_name)
    except (HttpError, LiveCodeBenchError) as exc:
        run_id = runs.start_run(con, SOURCE, shown, as_of, sandbox=client.sandbox)
        runs.finish_run(con, run_id, stats, error=str(exc))
        raise
    run_id = runs.start_run(con, SOURCE, shown, as_of, sandbox=client.sandbox)
    try:
        stats.rows = load.replace_slice(con, TABLE, as_of, [rows.assign(as_of=as_of, run_id=run_id)])
    except Exception as exc:
        runs.finish_run(con, run_id, stats, error=str(exc))
        raise
    runs.finish_run(con, run_id, stats)
    log.info("livecodebench: %d results of %d models from %s%s", len(rows), rows["model"].nunique(), shown,
             " (SANDBOX: fictional data)" if client.sandbox else "")
    return run_id, stats.rows
