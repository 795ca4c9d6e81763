"""OpenRouter: tokens per model and day from the public rankings dataset, and the /api/v1/models list."""

import csv
import datetime as dt
import io
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from collector.channels.common import ChannelError, iso_day, once_per_day, read_csv
from collector.http import HttpClient, RequestStats, public_url
from collector.result import CollectResult, recorded
from warehouse import load
from warehouse.settings import Settings

log = logging.getLogger(__name__)

SOURCE = "openrouter"
TOKENS_TABLE, MODELS_TABLE = "raw_openrouter_tokens", "raw_openrouter_models"
COLUMNS = ("date", "model_permaslug", "total_tokens")
OTHER = "other"  # the dataset's row for every model outside the day's top 50
SLUG = re.compile(r"^[a-z0-9][\w.~-]*/[\w.:~-]+$", re.I)


def parse_rankings(rows: list[dict], name: str) -> pd.DataFrame:
    """Rows (date, model_permaslug, total_tokens) as (day, model_permaslug, total_tokens), checked."""
    out = []
    for line, row in enumerate(rows, 2):
        where = f"{name} line {line}"
        slug, tokens = (row.get("model_permaslug") or "").strip(), (row.get("total_tokens") or "").strip()
        if slug != OTHER and not SLUG.match(slug):
            raise ChannelError(f"{where}: model_permaslug {slug!r} is not 'author/slug' or 'other'")
        if not tokens.isdigit():
            raise ChannelError(f"{where}: total_tokens {tokens!r} is not a whole number of tokens")
        out.append({"day": iso_day(row.get("date"), where), "model_permaslug": slug, "total_tokens": int(tokens)})
    frame = pd.DataFrame(out, columns=["day", "model_permaslug", "total_tokens"])
    return once_per_day(frame, "day", "model_permaslug", name, "expected one row per model and day")


def fetch_rankings(client: HttpClient, url: str) -> pd.DataFrame:
    """The rankings-daily dataset at url (CSV: date, model_permaslug, total_tokens)."""
    response = client.get(url)
    if response.status_code != 200:
        raise ChannelError(f"{public_url(url)} answered {response.status_code}; expected 200 and the "
                           f"rankings-daily CSV ({','.join(COLUMNS)})")
    if not response.text.endswith("\n"):
        raise ChannelError(f"{public_url(url)} ends without a line break ({response.text[-40:]!r}); the file looks "
                           "cut off, expected whole CSV lines")
    reader = csv.DictReader(io.StringIO(response.text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ChannelError(f"{public_url(url)} lacks column(s) {missing} (header: {reader.fieldnames}); "
                           f"expected {','.join(COLUMNS)}")
    return parse_rankings(list(reader), public_url(url))


def fetch_models(client: HttpClient) -> Iterator[dict]:
    """Yield each model of /api/v1/models: id, canonical_slug, name, created, hugging_face_id."""
    response = client.get("models")
    try:
        body = response.json() if response.status_code == 200 else None
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise ChannelError(f"{public_url(client.base_url)}/models answered {response.status_code} "
                           f"{response.text[:80]!r}; expected 200 and {{\"data\": [model, ...]}}")
    for number, item in enumerate(body["data"]):
        if not isinstance(item, dict) or not SLUG.match(str(item.get("id", ""))):
            raise ChannelError(f"/models data[{number}] has id {str(item)[:60]!r}; expected an object with "
                               "id 'author/slug'")
        created = item.get("created")
        if created is not None and (isinstance(created, bool) or not isinstance(created, int | float)):
            raise ChannelError(f"/models data[{number}] ({item['id']}) has created {created!r}; "
                               "expected a Unix timestamp")
        yield {"id": item["id"], "canonical_slug": item.get("canonical_slug"), "name": item.get("name"),
               "created": dt.datetime.fromtimestamp(created, dt.UTC).replace(tzinfo=None) if created else None,
               "hugging_face_id": item.get("hugging_face_id") or None}


def save_tokens_and_models(con, as_of: dt.date, run_id: str, tokens: pd.DataFrame | None,
                           models: list[dict] | None) -> int:
    """Replace the as_of slice of each table given, all in one transaction (a table given None is kept).

    Not the contract's save_*(con, as_of, run_id, rows): one run fills two tables, and an archive only one.
    """
    slices = []
    if tokens is not None:
        slices.append((TOKENS_TABLE, as_of, [tokens.assign(as_of=as_of, run_id=run_id)]))
    if models is not None:
        frame = pd.DataFrame(models, columns=["id", "canonical_slug", "name", "created", "hugging_face_id"])
        slices.append((MODELS_TABLE, as_of, [frame.assign(as_of=as_of, run_id=run_id)]))
    return sum(load.replace_slices(con, slices))


def collect(con, settings: Settings, *, as_of: dt.date) -> CollectResult:
    """The models list and (when its URL is configured) the rankings dataset as the as_of slice, in one run."""
    api_url, rankings_url = settings.openrouter_api, settings.openrouter_rankings
    client = HttpClient(api_url, stats=RequestStats())

    def fetch_and_save(run_id: str) -> int:
        models = list(fetch_models(client))
        if rankings_url is None:
            log.warning("openrouter: no rankings-daily URL configured (OPENROUTER_RANKINGS_URL); models list only")
        tokens = fetch_rankings(client, rankings_url) if rankings_url else None
        return save_tokens_and_models(con, as_of, run_id, tokens, models)

    return recorded(con, SOURCE, public_url(api_url), as_of, fetch_and_save, client, settings.secrets())


def import_archive(con, path: Path, as_of: dt.date | None = None) -> CollectResult:
    """An archived rankings-daily CSV as one slice, dated as_of (default: its last day)."""
    tokens = parse_rankings(read_csv(path, COLUMNS), path.name)
    day = as_of or max(tokens["day"])
    return recorded(con, SOURCE, path.resolve().as_uri(), day,
                    lambda run_id: save_tokens_and_models(con, day, run_id, tokens, None))
