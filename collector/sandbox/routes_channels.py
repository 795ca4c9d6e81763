"""Sandbox Ollama library under {url}/ollama and OpenRouter under {url}/openrouter (fictional counts).

Each model series of the world (a family name less its size, e.g. Fozio-4) is an Ollama library model named as
Ollama spells names (lower case, no separator before the version: fozio4) with a cumulative pull count that
grows every day and is displayed rounded like the site ('11.3M'); its largest family is also on OpenRouter as
`<org>/<name>-instruct` with a dated permaslug and tokens per day (in proportion to the series' organic Hub
downloads times a fixed per-slug factor, so the top 50 are mostly popular, but not in Hub order). One library
model (`sandbox-embed`) and one API model (`sandbox-labs/orbit-1`, closed weights) have no Hub family and must
stay unmatched.
"""

import datetime as dt
import html
import io
import re
import zlib

import pandas as pd

from collector.sandbox.routing import Request, Response

PREFIXES = ("/ollama", "/openrouter")
SIZE = re.compile(r"-\d+(?:\.\d+)?[BM]$", re.I)
UNMATCHED_LOCAL = "sandbox-embed"
UNMATCHED_API = "sandbox-labs/orbit-1"
RANKED = 50  # the rankings dataset lists the top 50 models per day plus 'other'
DAYS_PUBLISHED = 30
CLOSED_CREATED = dt.date(2026, 1, 1)  # when the closed API model was added


def _rate(name: str, low: float, high: float) -> float:
    """A fixed per-name rate between low and high (log-uniform)."""
    u = zlib.crc32(name.encode()) / 2**32
    return low * (high / low) ** u


def series(world, date: dt.date) -> pd.DataFrame:
    """One row per model series visible on date: ollama name, slug, created date, largest family, and the organic
    Hub downloads of the series' families over the 30 days before date."""
    fixtures = world.models.loc[world.models["fixture"], "family"]
    fam = world.families[(pd.to_datetime(world.families["created"]).dt.date <= date)
                         & ~world.families["family"].isin(fixtures)].copy()  # nobody pulls CI fixtures to run them
    fam["series"] = fam["name"].str.replace(SIZE, "", regex=True)
    organic = pd.Series(world.window_30d(date)[0], index=world.models["family"].to_numpy()).groupby(level=0).sum()
    fam["organic"] = fam["family"].map(organic).fillna(0)
    fam = fam.sort_values("params").groupby(["org", "series"], as_index=False).agg(
        created=("created", "min"), family=("family", "last"), name=("name", "last"), organic=("organic", "sum"))
    fam["ollama"] = fam["series"].str.lower().str.replace(r"-(?=\d)", "", regex=True)
    fam["slug"] = (fam["org"] + "/" + fam["name"] + "-instruct").str.lower()
    fam["created"] = pd.to_datetime(fam["created"]).dt.date
    fam = fam[fam["ollama"].str.fullmatch(r"[a-z0-9][a-z0-9._-]*")]  # the library has no non-ASCII names
    return fam.sort_values(["created", "org"]).drop_duplicates("ollama")  # library names are unique: first wins


def pulls(name: str, created: dt.date, date: dt.date) -> int:
    """Cumulative pulls of a library model on date."""
    return int(_rate(name, 50, 40_000) * (date - created).days ** 1.3)


def shown(count: int) -> str:
    """A count as the library page displays it: one decimal with K/M/B, trailing '.0' dropped."""
    for unit, size in (("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if count >= size:
            return f"{count / size:.1f}".removesuffix(".0") + unit
    return str(count)


def permaslug(slug: str, created: dt.date) -> str:
    """OpenRouter's permanent slug: the model slug and the date it was added."""
    return f"{slug}-{created:%Y%m%d}"


def library_page(world, date: dt.date) -> str:
    """The library page: one <li x-test-model> per model, most pulled first."""
    s = series(world, date)
    entries = [(n, pulls(n, c, date)) for n, c in zip(s["ollama"], s["created"], strict=True)]
    entries.append((UNMATCHED_LOCAL, pulls(UNMATCHED_LOCAL, world.start, date)))
    items = "".join(
        f'<li x-test-model class="flex"><a href="/library/{html.escape(n)}"><h2>'
        f'<span x-test-search-response-title>{html.escape(n)}</span></h2>'
        f'<p><span x-test-pull-count>{shown(p)}</span><span>&nbsp;Pulls</span>'
        f'<span x-test-tag-count>{1 + len(n) % 9}</span><span>&nbsp;Tags</span></p></a></li>'
        for n, p in sorted(entries, key=lambda e: -e[1]))
    return (f"<!DOCTYPE html><html><head><title>Ollama library (SANDBOX: fictional data)</title></head>"
            f"<body><ul role=\"list\">{items}</ul></body></html>")


def models(world, date: dt.date) -> dict:
    """/api/v1/models: id, canonical_slug (dated permaslug), name, created, hugging_face_id."""
    s = series(world, date)
    data = [{"id": slug, "canonical_slug": permaslug(slug, c), "name": f"{n} Instruct (sandbox)",
             "created": int(dt.datetime.combine(c, dt.time(), dt.UTC).timestamp()), "hugging_face_id": "",
             "context_length": 32768, "pricing": {"prompt": "0.0000002", "completion": "0.0000006"}}
            for slug, n, c in zip(s["slug"], s["name"], s["created"], strict=True)]
    data.append({"id": UNMATCHED_API, "canonical_slug": permaslug(UNMATCHED_API, CLOSED_CREATED),
                 "name": "Orbit 1 (sandbox)",
                 "created": int(dt.datetime.combine(CLOSED_CREATED, dt.time(), dt.UTC).timestamp()),
                 "hugging_face_id": None,
                 "context_length": 200000, "pricing": {"prompt": "0.000003", "completion": "0.000015"}})
    return {"data": data}


def rankings(world, date: dt.date) -> str:
    """rankings-daily CSV: the last 30 days before date, top 50 permaslugs per day plus 'other'."""
    rows = []
    for back in range(DAYS_PUBLISHED, 0, -1):
        day = date - dt.timedelta(days=back)
        weekday = 1 + (day.toordinal() % 7) / 10
        s = series(world, day)
        tokens = [(permaslug(slug, c), int(organic * _rate(slug, 1e4, 1e6) * weekday))
                  for slug, c, organic in zip(s["slug"], s["created"], s["organic"], strict=True)]
        tokens.append((permaslug(UNMATCHED_API, CLOSED_CREATED), int(_rate(UNMATCHED_API, 1e10, 5e10) * weekday)))
        tokens.sort(key=lambda t: -t[1])
        top, rest = tokens[:RANKED], tokens[RANKED:]
        other = sum(t for _, t in rest) + int(_rate(str(day), 1e9, 2e9))
        rows += [(day, slug, t) for slug, t in [*top, ("other", other)]]
    out = io.StringIO()
    pd.DataFrame(rows, columns=["date", "model_permaslug", "total_tokens"]).sort_values(
        ["date", "total_tokens"], ascending=[True, False]).to_csv(out, index=False)
    return out.getvalue()


def handle(req: Request) -> Response | None:
    """Serve the library page, the models endpoint and the rankings dataset; None (404) otherwise."""
    if req.method != "GET":
        return None
    if req.path == "/ollama/library":
        return Response(200, library_page(req.world, req.date), {"Content-Type": "text/html; charset=utf-8"})
    if req.path == "/openrouter/api/v1/models":
        return Response(200, models(req.world, req.date))
    if req.path == "/openrouter/rankings-daily.csv":
        return Response(200, rankings(req.world, req.date), {"Content-Type": "text/csv; charset=utf-8"})
    return None
