"""Second, bounded pass: /api/models/{id} for the top base models, for what the listing cannot give."""

import datetime as dt
import json
import logging
from collections.abc import Iterable, Iterator
from itertools import islice

import duckdb
import pyarrow as pa
from huggingface_hub import HfApi
from huggingface_hub.errors import HFValidationError, RepositoryNotFoundError

from collector.http import Meter, RequestStats, hub_session, public_url
from collector.result import CollectResult
from warehouse.load import replace_slice
from warehouse.runs import recorded_run
from warehouse.settings import Settings

log = logging.getLogger(__name__)

DETAIL_EXPAND = ["childrenModelCount"]
BATCH_ROWS = 500
SCHEMA = pa.schema([("as_of", pa.date32()), ("run_id", pa.string()), ("id", pa.string()),
                    ("children_count", pa.int64()), ("payload", pa.json_())])
TOP_BASE_MODELS = """
SELECT id FROM raw_hf_models
WHERE as_of = ? AND len(base_models) = 0
ORDER BY downloads DESC, id
LIMIT ?
"""


def top_base_models(con: duckdb.DuckDBPyConnection, as_of: dt.date, n: int) -> list[str]:
    """Ids of the n most downloaded models of the as_of listing that have no parent."""
    return [r[0] for r in con.execute(TOP_BASE_MODELS, [as_of, n]).fetchall()]


def fetch_details(api: HfApi, ids: list[str], stats: RequestStats) -> Iterator[dict]:
    """Yield one detail row per id; ids the Hub no longer knows (or cannot address) are skipped and counted."""
    for model_id in ids:
        try:
            info = api.model_info(model_id, expand=DETAIL_EXPAND)
        except (RepositoryNotFoundError, HFValidationError) as exc:
            stats.extra["skipped"] = stats.extra.get("skipped", 0) + 1
            log.warning("details: skipped %r: %s", model_id, str(exc).splitlines()[0])
            continue
        count = info.children_model_count
        yield {"id": model_id, "children_count": count,
               "payload": json.dumps({"id": info.id, "childrenModelCount": count})}


def save_details(con: duckdb.DuckDBPyConnection, as_of: dt.date, run_id: str, rows: Iterable[dict],
                 progress=None) -> int:
    """Make the detail rows the as_of slice of raw_hf_model_details."""
    return replace_slice(con, "raw_hf_model_details", as_of, _batches(iter(rows), as_of, run_id, progress))


def _batches(rows: Iterator[dict], as_of: dt.date, run_id: str, progress) -> Iterator[pa.Table]:
    while chunk := list(islice(rows, BATCH_ROWS)):
        yield pa.Table.from_pylist([{**r, "as_of": as_of, "run_id": run_id} for r in chunk], schema=SCHEMA)
        if progress is not None:
            progress.update(len(chunk))


def collect(con: duckdb.DuckDBPyConnection, settings: Settings, *, as_of: dt.date, top: int, meter: Meter,
            sandbox: bool = False, progress=None) -> CollectResult:
    """Record childrenModelCount of the top base models into raw_hf_model_details for as_of (one atomic slice).

    `meter` is the listing's: its pacer (so both passes keep to one API quota), retries and timeout are shared.
    """
    stats = RequestStats()
    own = Meter(stats, max_retries=meter.max_retries, token=settings.hf_token, pacer=meter.pacer,
                timeout=meter.timeout)
    api = HfApi(endpoint=settings.hf_endpoint, token=settings.hf_token or False)
    with recorded_run(con, "hf-details", public_url(settings.hf_endpoint), as_of, secrets=settings.secrets(),
                      meter=own, sandbox=sandbox) as run:
        ids = top_base_models(con, as_of, top)
        with hub_session(own):
            run.rows = save_details(con, as_of, run.run_id, fetch_details(api, ids, stats), progress)
    skipped = stats.extra.get("skipped", 0)
    log.info("hf details %s: %d of %d base models, %d skipped, %d requests, %d retries",
             as_of, run.rows, len(ids), skipped, stats.requests, stats.retries)
    return CollectResult.of(run, stats, skipped=skipped)
