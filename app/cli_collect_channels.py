"""`revealed collect ollama` and `revealed collect openrouter`: local pulls and API tokens (docs/channels.md)."""

import os

from app.cli_args import http_url, iso_date
from app.cli_collect_benchmarks import default_as_of
from collector import ollama, openrouter
from collector.channel_runs import ChannelError
from collector.http import HttpError
from collector.result import CollectResult
from warehouse import db
from warehouse.settings import OLLAMA_URL, OPENROUTER_API_URL, Settings

OLLAMA_ENV, OPENROUTER_ENV, RANKINGS_ENV = "OLLAMA_URL", "OPENROUTER_API_URL", "OPENROUTER_RANKINGS_URL"


def register_collect(group) -> None:
    """Add collect ollama and collect openrouter."""
    p = group.add_parser("ollama", help="pull counts of the Ollama library (one scrape of ollama.com/library)")
    p.add_argument("--url", type=http_url, default=os.environ.get(OLLAMA_ENV, OLLAMA_URL),
                   help=f"site serving /library (default ${OLLAMA_ENV}, else {OLLAMA_URL})")
    p.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD",
                   help="observation date (default: the sandbox clock on the sandbox, else today UTC)")
    p.set_defaults(func=cmd_collect_ollama)
    p = group.add_parser("openrouter", help="OpenRouter's models list and tokens per model and day")
    p.add_argument("--url", type=http_url, default=os.environ.get(OPENROUTER_ENV, OPENROUTER_API_URL),
                   help=f"API base serving /models (default ${OPENROUTER_ENV}, else {OPENROUTER_API_URL})")
    p.add_argument("--rankings-url", type=http_url, default=os.environ.get(RANKINGS_ENV),
                   help=f"URL of the rankings-daily CSV (date,model_permaslug,total_tokens); default ${RANKINGS_ENV}; "
                        "without it only the models list is collected")
    p.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD",
                   help="observation date (default: the sandbox clock on the sandbox, else today UTC)")
    p.set_defaults(func=cmd_collect_openrouter)


def cmd_collect_ollama(args) -> int:
    """Collect one library scrape and say what it stored."""
    return _run("Ollama", args.url, ollama.collect, Settings.from_env(ollama_url=args.url), args.as_of)


def cmd_collect_openrouter(args) -> int:
    """Collect the models list and the rankings dataset and say what they stored."""
    settings = Settings.from_env(openrouter_api=args.url, openrouter_rankings=args.rankings_url)
    return _run("OpenRouter", args.url, openrouter.collect, settings, args.as_of)


def _run(name: str, url: str, collect, settings: Settings, as_of) -> int:
    """Open the warehouse, collect, print one line; 1 when the run failed (earlier slices kept)."""
    day = as_of or default_as_of(url)
    con = db.connect()
    try:
        result: CollectResult = collect(con, settings, as_of=day)
    except (HttpError, ChannelError) as exc:
        print(f"{name} {url}: FAILED, earlier data kept: {exc}")
        return 1
    finally:
        con.close()
    print(f"{name} {url}: run {result.run_id} ok, {result.rows:,} rows as of {day}"
          + (" (SANDBOX: fictional data)" if result.sandbox else "") + " (run `revealed build` to match and rank them)")
    return 0
