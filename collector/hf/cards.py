"""Model cards: fetch the README of the most downloaded models and store it with what it says."""

import datetime as dt
import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from urllib.parse import quote

import duckdb
import pandas as pd

from collector.hf.card_parse import parse_card
from collector.http import HttpClient, HttpError, RequestStats, note_sandbox, public_url
from collector.result import CollectResult
from warehouse import load
from warehouse.runs import recorded_run
from warehouse.settings import Settings

log = logging.getLogger(__name__)

SOURCE = "hf_cards"
DEFAULT_TOP = 1000
MAX_README_BYTES = 1_000_000  # real cards are rarely over 100 kB; larger ones are stored as 'too_large'
TABLES = ("raw_hf_model_cards", "card_github_links", "card_legacy_scores", "card_parse_skips")

TOP_MODELS = """
SELECT as_of, id FROM raw_hf_models
WHERE as_of = coalesce(?, (SELECT any_value(as_of) FROM stg_hf_latest))
ORDER BY downloads DESC NULLS LAST, id
LIMIT ?
"""


def top_models(con: duckdb.DuckDBPyConnection, top: int, as_of: dt.date | None = None) -> tuple[dt.date, list[str]]:
    """The as_of of the Hub slice (default the latest) and its `top` most downloaded (30-day) model ids."""
    rows = con.execute(TOP_MODELS, [as_of, top]).fetchall()
    if not rows:
        raise RuntimeError("no Hugging Face snapshot in the warehouse yet: run 'revealed collect hf' first")
    return rows[0][0], [model_id for _, model_id in rows]


def card_path(model_id: str) -> str:
    """Path of a model's README under the Hub endpoint (ids are percent-encoded, slash kept)."""
    return f"/{quote(model_id, safe='/')}/raw/main/README.md"


def fetch_cards(client: HttpClient, ids: Iterable[str]) -> Iterator[dict]:
    """Yield {id, readme, status} per model; a 404, an oversized card or a failed request is a status."""
    for model_id in ids:
        try:
            response = client.get(card_path(model_id))
        except HttpError as exc:
            log.warning("card of %s not fetched: %s", model_id, exc)
            yield {"id": model_id, "readme": None, "status": "error"}
            continue
        if response.status_code == 404:
            yield {"id": model_id, "readme": None, "status": "not_found"}
        elif len(response.content) > MAX_README_BYTES:
            log.warning("card of %s is %d bytes; the limit is %d", model_id, len(response.content), MAX_README_BYTES)
            yield {"id": model_id, "readme": None, "status": "too_large"}
        else:
            yield {"id": model_id, "readme": response.content.decode("utf-8", errors="replace"), "status": "ok"}


def keep_earlier(con: duckdb.DuckDBPyConnection, as_of: dt.date, cards: list[dict]) -> list[dict]:
    """Cards whose request failed this time keep what an earlier run of the same slice fetched."""
    failed = [c["id"] for c in cards if c["status"] == "error"]
    earlier = dict(con.execute(
        "SELECT id, readme FROM raw_hf_model_cards WHERE as_of = ? AND status = 'ok' AND list_contains(?, id)",
        [as_of, failed]).fetchall()) if failed else {}
    return [{**c, "readme": earlier[c["id"]], "status": "ok"} if c["id"] in earlier else c for c in cards]


def parsed_tables(as_of: dt.date, run_id: str, cards: list[dict]) -> dict[str, pd.DataFrame]:
    """The four card tables for one slice: the cards as fetched and what each one says."""
    links, scores, skips = [], [], []
    for card in cards:
        if card["status"] != "ok":
            continue
        parsed = parse_card(card["readme"])
        links += [(as_of, card["id"], repo, url) for repo, url in parsed.github]
        scores += [(as_of, card["id"], name, score) for name, score in parsed.scores]
        skips += [(as_of, card["id"], part, reason) for part, reason in parsed.skips]
    raw = pd.DataFrame(cards, columns=["id", "readme", "status"]).assign(as_of=as_of, run_id=run_id)
    return {
        "raw_hf_model_cards": raw,
        "card_github_links": pd.DataFrame(links, columns=["as_of", "id", "repo", "url"]),
        "card_legacy_scores": pd.DataFrame(scores, columns=["as_of", "id", "benchmark", "score"]),
        "card_parse_skips": pd.DataFrame(skips, columns=["as_of", "id", "part", "reason"]),
    }


def save_cards(con: duckdb.DuckDBPyConnection, as_of: dt.date, run_id: str, cards: list[dict]) -> dict[str, int]:
    """Replace the as_of slice of every card table with the cards and what they say, in one transaction.

    Returns the rows written per table.
    """
    frames = parsed_tables(as_of, run_id, cards)
    written = load.replace_slices(con, [(table, as_of, [frames[table]]) for table in TABLES])
    return dict(zip(TABLES, written, strict=True))


def collect(con: duckdb.DuckDBPyConnection, settings: Settings, *, as_of: dt.date | None = None,
            top: int = DEFAULT_TOP, progress=None) -> CollectResult:
    """Fetch, parse and store the cards of the top models of the as_of Hub slice (default the latest), recorded.

    extra holds statuses (cards per status), links, scores and skips (rows found in the cards).
    `progress(label, total)`, when given, returns a context manager with update(n) (e.g. app.progress.Progress).
    """
    endpoint = settings.hf_endpoint
    as_of, ids = top_models(con, top, as_of)
    client = HttpClient(endpoint, token=settings.hf_token, stats=RequestStats())
    shown = public_url(endpoint)  # never record a user:password part
    with recorded_run(con, SOURCE, shown, as_of, secrets=settings.secrets(), meter=client) as run:
        cards = []
        with progress("model cards", len(ids)) if progress else nullcontext() as bar:
            for card in fetch_cards(client, ids):
                cards.append(card)
                if bar is not None:
                    bar.update(1)
        if client.sandbox:
            note_sandbox(endpoint)
        if all(c["status"] == "error" for c in cards):
            raise RuntimeError(f"every card request to {shown} failed; earlier card slices were kept")
        cards = keep_earlier(con, as_of, cards)
        written = save_cards(con, as_of, run.run_id, cards)
        run.rows = written["raw_hf_model_cards"]
    return CollectResult.of(run, client.stats, statuses=dict(Counter(c["status"] for c in cards)),
                            links=written["card_github_links"], scores=written["card_legacy_scores"],
                            skips=written["card_parse_skips"])
