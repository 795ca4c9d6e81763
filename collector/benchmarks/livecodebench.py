"""LiveCodeBench per-problem results with problem dates and model release dates."""

import datetime as dt
import functools
import json
import logging

import pandas as pd

from collector.http import HttpClient, RequestStats, public_url
from collector.result import CollectResult
from warehouse import load, runs
from warehouse.settings import Settings

log = logging.getLogger(__name__)

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


def parse_results(text: str, name: str) -> tuple[pd.DataFrame, list[str]]:
    """(one row per model and problem with its date, pass@1 (0-100) and the model's name, release date, link; repairs).

    An entry that cannot be used is skipped and recorded, a repeated (model, problem) keeps its first result; the
    file cannot be read only when it is not such an object, has no performances, or no entry has a required key.
    """
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
    repairs: list[str] = []
    perf = _objects(data["performances"], name, "performances", repairs)
    pass_key = next((k for k in PASS_KEYS if any(k in e for e in perf.values())), PASS_KEYS[0])
    _require(perf, name, "performances", ("model", "question_id", "date", pass_key))
    rows, first = [], {}
    for at, entry in perf.items():
        problem = _problem(entry)
        key = (str(entry.get("model")), problem)
        fields = (_text(entry, "model"), _text(entry, "question_id"), _millis(entry.get("date")),
                  _percent(entry.get(pass_key)))
        if None in fields:
            bad = [f"{k} {entry.get(k)!r}" for k, v in zip(("model", "question_id", "date", pass_key), fields,
                                                           strict=True) if v is None]
            repairs.append(f"{name}: performances[{at}] (model {entry.get('model')!r}) has {', '.join(bad)}; expected "
                           "a name, a question id, epoch milliseconds and a number from 0 to 100; entry skipped")
        elif key in first:
            repairs.append(f"{name}: performances[{at}] (model {entry.get('model')!r}) repeats problem {problem!r} "
                           f"(first at performances[{first[key]}]); the first result kept, this one skipped (it would "
                           "double-weight the problem)")
        else:
            first[key] = at
            rows.append({"model": key[0], "problem": problem, "problem_date": fields[2], "pass_at_1": fields[3],
                         "difficulty": entry.get("difficulty"), "platform": entry.get("platform")})
    if not rows:
        raise LiveCodeBenchError(f"{name} has no usable performances (all {len(perf)} skipped: {repairs[0]})")
    return pd.DataFrame(rows).merge(_models(data["models"], name, repairs), on="model", how="left"), repairs


def _models(entries: list, name: str, repairs: list[str]) -> pd.DataFrame:
    """models[] as (model, model_name, model_release_date, link); unusable entries skipped, bad dates unknown."""
    rows, first = [], {}
    for at, entry in _objects(entries, name, "models", repairs).items():
        model = _text(entry, "model_repr")
        if model is None:
            repairs.append(f"{name}: models[{at}] has model_repr {entry.get('model_repr')!r}; entry skipped")
            continue
        if model in first:
            repairs.append(f"{name}: models[{at}] lists {model!r} again (first at models[{first[model]}]); the first "
                           "entry kept")
            continue
        first[model] = at
        released = _millis(entry.get("release_date"))
        if released is None:
            repairs.append(f"{name}: models[{at}] ({model!r}) has release_date {entry.get('release_date')!r}, not "
                           "epoch milliseconds; its release date is unknown (no contamination-free score)")
        rows.append({"model": model, "model_name": entry.get("model_name"), "model_release_date": released,
                     "link": entry.get("link")})
    return pd.DataFrame(rows, columns=["model", "model_name", "model_release_date", "link"])


def _objects(entries: list, name: str, key: str, repairs: list[str]) -> dict[int, dict]:
    """The entries that are JSON objects, by position; the others recorded."""
    for at, entry in enumerate(entries):
        if not isinstance(entry, dict):
            repairs.append(f"{name}: {key}[{at}] is {str(entry)[:60]!r}, not an object; entry skipped")
    return {at: entry for at, entry in enumerate(entries) if isinstance(entry, dict)}


def _require(entries: dict[int, dict], name: str, key: str, columns: tuple[str, ...]) -> None:
    """Each column is a key of at least one entry: a key no entry has is a renamed or missing column."""
    for col in columns:
        if not any(col in e for e in entries.values()):
            raise LiveCodeBenchError(f"{name}: no entry of {key} has {col!r}; expected keys {list(columns)}; the file "
                                     "cannot be read")


def _problem(entry: dict) -> str:
    """question_id, plus /sample_id in the execution file."""
    sample = entry.get("sample_id")
    return str(entry.get("question_id")) + ("" if sample is None else f"/{sample}")


def _text(entry: dict, key: str) -> str | None:
    """A non-empty string or number as text, else None."""
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, str | int) or str(value).strip() == "":
        return None
    return str(value)


def _percent(value) -> float | None:
    """A number from 0 to 100, else None."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        return None
    return float(value)


def _millis(value) -> dt.date | None:
    """Epoch milliseconds (up to 2100) as a UTC date, else None."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 4102444800000:
        return None
    return _utc_date(value)


@functools.lru_cache(maxsize=4096)
def _utc_date(millis: float) -> dt.date:
    """The UTC date of epoch milliseconds (a results file repeats a few thousand dates)."""
    return dt.datetime.fromtimestamp(millis / 1000, dt.UTC).date()


def fetch_results(client: HttpClient, file_name: str) -> tuple[pd.DataFrame, list[str]]:
    """The parsed results file and its repairs; raises LiveCodeBenchError when it is not published."""
    response = client.get(file_name)
    if response.status_code == 404:
        raise LiveCodeBenchError(f"{file_name} is not published at {public_url(client.base_url)} (404); expected the "
                                 "LiveCodeBench results file there")
    return parse_results(response.text, file_name)


def save_results(con, as_of: dt.date, run_id: str, rows: pd.DataFrame) -> int:
    """Replace the as_of slice of raw_livecodebench_results with these rows; return how many."""
    return load.replace_slice(con, TABLE, as_of, [rows.assign(as_of=as_of, run_id=run_id)])


def collect(con, settings: Settings, *, as_of: dt.date) -> CollectResult:
    """Fetch the results file at settings.livecodebench_url and replace the as_of slice.

    Entries repaired or skipped are listed in the run's `repairs`; failures are recorded, then raised.
    """
    url = settings.livecodebench_url
    base, file_name = split_url(url)
    shown = public_url(url)
    client = HttpClient(base, stats=RequestStats())
    with runs.recorded_run(con, SOURCE, shown, as_of, secrets=settings.secrets(), meter=client) as run:
        rows, repairs = fetch_results(client, file_name)
        run.rows = save_results(con, as_of, run.run_id, rows)
        run.repairs = repairs
    for repair in repairs[:runs.REPAIRS_SHOWN]:
        log.warning("livecodebench: %s", repair)
    log.info("livecodebench: %d results of %d models from %s%s", len(rows), rows["model"].nunique(), shown,
             " (SANDBOX: fictional data)" if client.sandbox else "")
    return CollectResult.of(run, client.stats)
