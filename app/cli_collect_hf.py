"""`revealed collect hf`: the Hugging Face listing and the details pass into the warehouse."""

from app.cli_args import http_url, iso_date, non_negative_int, positive_int
from app.progress import Progress
from collector import hf
from collector.result import CollectResult
from warehouse import db
from warehouse.settings import HF_ENDPOINT, Settings


def register_collect(group) -> None:
    """Add collect hf."""
    p = group.add_parser("hf", help="Hugging Face models: downloads, lineage tags, child counts")
    p.add_argument("--endpoint", type=http_url, metavar="URL",
                   help=f"Hub base URL (default $HF_ENDPOINT, else {HF_ENDPOINT})")
    p.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD",
                   help="observation date (default: the sandbox clock on the sandbox, else today, UTC)")
    p.add_argument("--min-downloads", type=non_negative_int, default=100, metavar="N",
                   help="stop the listing at models with fewer 30-day downloads (default 100)")
    p.add_argument("--limit", type=positive_int, metavar="N", help="collect at most N models")
    p.add_argument("--details", type=non_negative_int, default=500, metavar="N",
                   help="child counts for the top N base models; 0 skips the pass (default 500)")
    p.add_argument("--calls-per-window", type=positive_int, default=1000, metavar="N",
                   help="API calls allowed per 5 minutes (default 1000; anonymous Hub use allows 500)")
    p.set_defaults(func=cmd_collect_hf)


def cmd_collect_hf(args) -> int:
    """Collect one as_of slice of the Hub listing (HF_TOKEN from the environment) and print what it did."""
    settings = Settings.from_env(hf_endpoint=args.endpoint)
    endpoint = settings.hf_endpoint
    con = db.connect()
    try:
        result = hf.collect(con, settings, as_of=args.as_of, min_downloads=args.min_downloads, limit=args.limit,
                            details=args.details, calls_per_window=args.calls_per_window, progress=_progress)
    finally:
        con.close()
    print(summary(result, endpoint))
    return 0


def _progress(label: str, total: int | None) -> Progress:
    return Progress(label, total, unit="models")


def summary(result: CollectResult, endpoint: str, note: bool = True) -> str:
    """What a collection did, in a few lines; sandbox data is labelled as fictional."""
    s = result.stats
    lines = [f"hf {result.run_id}: {result.rows:,} models from {endpoint}, {s.requests} requests, "
             f"{s.retries} retries, {s.extra.get('pacing_waits', 0)} pacing waits"]
    if result.details is not None:
        d = result.details
        lines.append(f"hf details {d.run_id}: child counts for {d.rows:,} base models ({d.extra['skipped']} skipped), "
                     f"{d.stats.requests} requests, {d.stats.retries} retries")
    if note and result.sandbox:
        lines.insert(0, "NOTE: SANDBOX data: these models are fictional, not real Hugging Face data.")
    return "\n".join(lines)
