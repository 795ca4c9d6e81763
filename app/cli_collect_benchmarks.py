"""`revealed collect benchmarks`: LiveBench releases and the LiveCodeBench results file."""

import datetime as dt
import logging
from urllib.parse import urlsplit

from app.cli_args import http_url, iso_date
from collector import hf, livebench, livecodebench
from collector.http import HttpError, RequestStats
from pipelines import benchmark_scores
from warehouse import db
from warehouse.settings import LIVEBENCH_URL, Settings

log = logging.getLogger(__name__)


def register_collect(group) -> None:
    """Add collect benchmarks."""
    p = group.add_parser("benchmarks", help="LiveBench releases and LiveCodeBench results")
    p.add_argument("--livebench-url", type=http_url, default=LIVEBENCH_URL,
                   help=f"folder serving table_<date>.csv and categories_<date>.json (default {LIVEBENCH_URL})")
    p.add_argument("--livecodebench-url", type=http_url, default=livecodebench.DEFAULT_URL,
                   help="folder serving performances_generation.json, or the URL of a .json results file "
                        f"(default {livecodebench.DEFAULT_URL})")
    p.add_argument("--release", type=iso_date, metavar="YYYY-MM-DD",
                   help="collect only this LiveBench release (default: every known release the site publishes)")
    p.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD",
                   help="observation date (default: the sandbox clock on the sandbox, else today UTC)")
    p.add_argument("--skip", choices=["livebench", "livecodebench"], help="leave one source out")
    p.set_defaults(func=cmd_collect_benchmarks)


def cmd_collect_benchmarks(args) -> int:
    """Collect both sources; print what each release gave and LiveCodeBench's clean vs all-problems scores."""
    as_of = args.as_of or default_as_of(args.livebench_url if args.skip != "livebench" else args.livecodebench_url)
    settings = Settings.from_env(livebench_url=args.livebench_url, livecodebench_url=args.livecodebench_url)
    con = db.connect()
    failed = False
    try:
        if args.skip != "livebench":
            failed |= _livebench(con, settings, as_of, [args.release] if args.release else None)
        if args.skip != "livecodebench":
            failed |= _livecodebench(con, settings, as_of)
    finally:
        con.close()
    return 1 if failed else 0


def default_as_of(url: str) -> dt.date:
    """The sandbox clock's date when url is on the revealed sandbox, else today (UTC)."""
    parts = urlsplit(url)
    try:
        day = hf.probe_sandbox(f"{parts.scheme}://{parts.netloc}", RequestStats())
    except hf.HfCollectError:
        day = None  # unreachable: the collector itself says so
    return day or dt.datetime.now(dt.UTC).date()


def _livebench(con, settings: Settings, as_of: dt.date, releases: list[dt.date] | None) -> bool:
    """Collect LiveBench and print one line per release; True when something failed."""
    url = settings.livebench_url
    try:
        result = livebench.collect(con, settings, as_of=as_of, releases=releases)
    except HttpError as exc:
        print(f"LiveBench {url}: FAILED: {exc} (releases saved before the failure are kept, nothing else changed)")
        return True
    status, note = _run(con, result.run_id)
    print(f"LiveBench {url}: run {result.run_id} {status}{note}")
    for o in result.extra["outcomes"]:
        print(f"  {o.item:<12} {o.status:<14} {o.rows:>7,} rows  {o.detail}".rstrip())
        for repair in o.repairs:
            print(f"    repaired: {repair}")
    return status != "ok"


def _livecodebench(con, settings: Settings, as_of: dt.date) -> bool:
    """Collect LiveCodeBench and print contamination-free vs all-problems scores; True when it failed."""
    url = settings.livecodebench_url
    try:
        result = livecodebench.collect(con, settings, as_of=as_of)
    except (HttpError, livecodebench.LiveCodeBenchError) as exc:
        print(f"LiveCodeBench {url}: FAILED, earlier data kept: {exc}")
        return True
    print(f"LiveCodeBench {url}: run {result.run_id} ok, {result.rows:,} results{_run(con, result.run_id)[1]}")
    repairs = con.execute("SELECT repairs FROM collection_runs WHERE run_id = ?", [result.run_id]).fetchone()[0]
    for repair in (repairs or "").splitlines():
        print(f"  repaired: {repair}")
    print(comparison(con).to_string(index=False, na_rep="-"))
    return False


def comparison(con):
    """Per LiveCodeBench model: release date, contamination-free and all-problems scores with their counts."""
    minimum = benchmark_scores.min_problems()
    scores = benchmark_scores.scores(con, minimum)
    lcb = scores[scores["source"] == "livecodebench"]
    wide = lcb.pivot(index=["model", "model_date"], columns="category", values=["score", "n_items"])
    wide.columns = [f"{value}_{category}" for value, category in wide.columns]
    wide = wide.reset_index().rename(columns={
        "model_date": "released", "score_global": f"clean (>={minimum} problems)", "n_items_global": "n_clean",
        "score_all_problems": "all problems", "n_items_all_problems": "n_all"})
    wide["released"] = wide["released"].dt.strftime("%Y-%m-%d")
    wide = wide.astype({"n_clean": "Int64", "n_all": "Int64", f"clean (>={minimum} problems)": float,
                        "all problems": float})
    return wide.round(2).sort_values(["n_clean", "model"], ascending=[False, True])[
        ["model", "released", f"clean (>={minimum} problems)", "n_clean", "all problems", "n_all"]]


def _run(con, run_id: str) -> tuple[str, str]:
    """Status of a recorded run and a warning when it read the sandbox."""
    status, sandbox = con.execute("SELECT status, sandbox FROM collection_runs WHERE run_id = ?", [run_id]).fetchone()
    return status, " (SANDBOX: fictional data)" if sandbox else ""
