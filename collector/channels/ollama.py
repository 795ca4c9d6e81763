"""Ollama library pull counts: the ollama.com/library page, and archived daily scrapes of it (docs/channels.md)."""

import datetime as dt
import html
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from collector.channels.common import ChannelError, iso_day, once_per_day, read_csv
from collector.http import HttpClient, RequestStats, public_url
from collector.result import CollectResult, recorded
from warehouse import load
from warehouse.settings import Settings

SOURCE = "ollama"
TABLE = "raw_ollama_library"
LIBRARY_PATH = "library"
ARCHIVE_COLUMNS = ("date", "model", "pulls", "pulls_str", "tag_count")
UNITS = {"": 1, "K": 1_000, "M": 1_000_000, "B": 1_000_000_000}
COUNT = re.compile(r"^(\d+(?:\.\d+)?)([KMB]?)$")
ENTRY = re.compile(r"<li\b[^>]*\bx-test-model\b", re.I)
HREF = re.compile(r'href="/library/([^"/?#]+)"')
FIELD = r"<span\b[^>]*\b{}\b[^>]*>\s*([^<]*?)\s*</span>"
TITLE, PULLS, TAGS = (re.compile(FIELD.format(name)) for name in
                      ("x-test-search-response-title", "x-test-pull-count", "x-test-tag-count"))
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def parse_count(text: str) -> int:
    """A displayed count such as '118.7M', '950K' or '12' as an integer."""
    m = COUNT.match(text.strip().replace(",", ""))
    if not m:
        raise ChannelError(f"pull count {text!r} is not a number with an optional K, M or B suffix (e.g. 118.7M)")
    return round(float(m.group(1)) * UNITS[m.group(2)])


def rounding_step(text: str) -> int:
    """The smallest change a displayed count can show: one unit of its last shown digit ('118.7M' -> 100,000)."""
    m = COUNT.match(text.strip().replace(",", ""))
    if not m:
        raise ChannelError(f"pull count {text!r} is not a number with an optional K, M or B suffix (e.g. 118.7M)")
    decimals = len(m.group(1).partition(".")[2])
    # The site drops a trailing '.0' ('98M' is 98.0M), so a suffixed count always has one decimal of resolution.
    return UNITS[m.group(2)] // 10 ** max(decimals, 1 if m.group(2) else 0)


def parse_library(page: str) -> list[dict]:
    """One dict per library model on the page: model, pulls, pulls_str, tag_count."""
    blocks = ENTRY.split(page)[1:]
    if not blocks:
        raise ChannelError(f"the library page has no model entries (no <li x-test-model>); it starts {page[:80]!r}; "
                           "expected ollama.com/library's list of models")
    rows, seen = [], set()
    for number, block in enumerate(blocks, 1):
        title, href = TITLE.search(block), HREF.search(block)
        name = html.unescape((title or href).group(1)).strip() if (title or href) else ""
        if not NAME.match(name):
            raise ChannelError(f"library entry {number} has model name {name!r}; expected a library name such as "
                               "llama3.1")
        if name in seen:
            raise ChannelError(f"library entry {number}: model {name!r} appears twice; expected one entry per model")
        seen.add(name)
        pulls = PULLS.search(block)
        tags = TAGS.search(block)
        shown = html.unescape(pulls.group(1)) if pulls and pulls.group(1) else None
        rows.append({"model": name, "pulls": parse_count(shown) if shown else None, "pulls_str": shown,
                     "tag_count": parse_count(tags.group(1)) if tags and tags.group(1) else None})
    return rows


def fetch_library(client: HttpClient) -> Iterator[dict]:
    """Yield each model of the library page with its displayed pull count."""
    response = client.get(LIBRARY_PATH)
    if response.status_code != 200:
        raise ChannelError(f"{public_url(client.base_url)}/{LIBRARY_PATH} answered {response.status_code}; "
                           "expected 200 and the library page")
    if "</html>" not in response.text[-200:].lower():
        raise ChannelError(f"the library page ends with {response.text[-60:]!r}, not </html>; it looks cut off, "
                           "expected the whole page")
    yield from parse_library(response.text)


def save_library(con, as_of: dt.date, run_id: str, rows: list[dict]) -> int:
    """Replace the as_of slice of raw_ollama_library."""
    frame = pd.DataFrame(rows, columns=["model", "pulls", "pulls_str", "tag_count"]).astype(
        {"pulls": "Int64", "tag_count": "Int64"})
    return load.replace_slice(con, TABLE, as_of, [frame.assign(as_of=as_of, run_id=run_id)])


def collect(con, settings: Settings, *, as_of: dt.date) -> CollectResult:
    """One scrape of the library page at settings.ollama_url as the as_of slice, in one recorded run."""
    url = settings.ollama_url
    client = HttpClient(url, stats=RequestStats())
    return recorded(con, SOURCE, public_url(url), as_of,
                    lambda run_id: save_library(con, as_of, run_id, list(fetch_library(client))), client,
                    settings.secrets())


def read_archive(path: Path) -> pd.DataFrame:
    """The archived daily scrapes (date, model, pulls, pulls_str, tag_count) checked row by row."""
    out = []
    for line, row in enumerate(read_csv(path, ARCHIVE_COLUMNS), 2):
        where = f"{path.name} line {line}"
        day = iso_day(row["date"], where)
        if not NAME.match(row["model"]):
            raise ChannelError(f"{where}: model {row['model']!r} is not a library name such as llama3.1")
        pulls = None
        if row["pulls"]:
            if not row["pulls"].isdigit():
                raise ChannelError(f"{where}: pulls {row['pulls']!r} is not a whole number (or empty)")
            pulls = int(row["pulls"])
        tags = int(row["tag_count"]) if row["tag_count"].isdigit() else None
        out.append({"as_of": day, "model": row["model"], "pulls": pulls, "pulls_str": row["pulls_str"] or None,
                    "tag_count": tags})
    frame = pd.DataFrame(out).astype({"pulls": "Int64", "tag_count": "Int64"})
    return once_per_day(frame, "as_of", "model", path.name, "expected one scrape per day (keep the last of the day)")


def import_archive(con, path: Path) -> CollectResult:
    """Every day of an archived scrape file as its own as_of slice, in one transaction and one recorded run."""
    frame = read_archive(path)
    last = max(frame["as_of"])

    def save(run_id: str) -> int:
        days = frame.assign(run_id=run_id).groupby("as_of", sort=True)
        return sum(load.replace_slices(con, [(TABLE, day, [rows]) for day, rows in days]))

    return recorded(con, SOURCE, path.resolve().as_uri(), last, save)
