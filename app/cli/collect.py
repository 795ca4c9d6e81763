"""`revealed collect SOURCE`: one source into the warehouse, then a few lines saying what it stored."""

import datetime as dt
from urllib.parse import urlsplit

from app.cli.flags import UsageError, add_as_of, add_listing, add_url, group, iso_date, non_negative_int, positive_int
from app.cli.progress import Progress
from collector.benchmarks import livebench, livecodebench
from collector.channels import ollama, openrouter
from collector.channels.common import ChannelError
from collector.github import repos as github
from collector.github.stargazers import DEFAULT_BUDGET
from collector.hf import cards as model_cards
from collector.hf import listing as hf
from collector.http import HttpError, RequestStats, observation_date, probe_sandbox, public_url
from collector.result import CollectResult
from pipelines import profiles
from pipelines.orchestration import up
from pipelines.steps import benchmark_scores
from warehouse import db, paths
from warehouse.settings import Settings


def register(sub) -> None:
    """Add the collect group and one sub-command per source."""
    g = group(sub, "collect", "collect data from a source into the warehouse")
    p = g.add_parser("benchmarks", help="LiveBench releases and LiveCodeBench results")
    add_url(p, "--livebench-url", "livebench_url", "folder serving table_<date>.csv and categories_<date>.json")
    add_url(p, "--livecodebench-url", "livecodebench_url",
            "folder serving performances_generation.json, or the URL of a .json results file")
    p.add_argument("--release", type=iso_date, metavar="YYYY-MM-DD",
                   help="collect only this LiveBench release (default: every known release the site publishes)")
    add_as_of(p)
    p.add_argument("--skip", choices=["livebench", "livecodebench"], help="leave one source out")
    p.set_defaults(func=cmd_collect_benchmarks, refuse=refuse_reference)

    p = g.add_parser("cards", help="model cards of the top models: GitHub links and legacy benchmark claims")
    add_url(p, "--endpoint", "hf_endpoint", "Hub base URL")
    p.add_argument("--top", type=positive_int, default=model_cards.DEFAULT_TOP, metavar="N",
                   help=f"cards of the N most downloaded models in the latest Hub slice "
                        f"(default {model_cards.DEFAULT_TOP})")
    p.set_defaults(func=cmd_collect_cards, refuse=refuse_reference)

    p = g.add_parser("github", help="GitHub stars of the registry's and model cards' repositories "
                                    "(GITHUB_TOKEN from the environment enables GraphQL)")
    add_url(p, "--api-url", "github_api", "GitHub API base URL; the sandbox serves it at <url>/github")
    p.add_argument("--backfill-budget", type=non_negative_int, default=DEFAULT_BUDGET, metavar="N",
                   help=f"stargazer pages (100 stars each) to read for star histories; 0 skips them "
                        f"(default {DEFAULT_BUDGET})")
    add_as_of(p)
    p.set_defaults(func=cmd_collect_github, refuse=refuse_reference)

    p = g.add_parser("hf", help="Hugging Face models: downloads, lineage tags, child counts")
    add_url(p, "--endpoint", "hf_endpoint", "Hub base URL")
    add_as_of(p)
    add_listing(p)
    p.add_argument("--limit", type=positive_int, metavar="N", help="collect at most N models")
    p.add_argument("--calls-per-window", type=positive_int, default=1000, metavar="N",
                   help="API calls allowed per 5 minutes (default 1000; anonymous Hub use allows 500)")
    p.set_defaults(func=cmd_collect_hf, refuse=refuse_reference)

    p = g.add_parser("ollama", help="pull counts of the Ollama library (one scrape of ollama.com/library)")
    add_url(p, "--url", "ollama_url", "site serving /library")
    add_as_of(p)
    p.set_defaults(func=cmd_collect_ollama, refuse=refuse_reference)

    p = g.add_parser("openrouter", help="OpenRouter's models list and tokens per model and day")
    add_url(p, "--url", "openrouter_api", "API base serving /models")
    add_url(p, "--rankings-url", "openrouter_rankings",
            "URL of the rankings-daily CSV (date,model_permaslug,total_tokens); without it only the models list "
            "is collected")
    add_as_of(p)
    p.set_defaults(func=cmd_collect_openrouter, refuse=refuse_reference)


def refuse_other_source(writes: tuple[str, ...]):
    """The refuse hook (app/cli/__init__.py) of a command writing `writes` data: other sources' homes are refused."""
    def refuse(args, settings: Settings) -> None:
        words = ("revealed", args.command, getattr(args, f"{args.command}_command", None))
        try:
            up.refuse_other_source(settings.home, " ".join(w for w in words if w), writes)
        except up.UpError as exc:
            raise UsageError(str(exc)) from None
    return refuse


refuse_reference = refuse_other_source(("live", "sandbox"))  # collect reads live services or a sandbox server


def default_as_of(url: str) -> dt.date:
    """The sandbox clock's date when url is on the revealed sandbox, else today (UTC)."""
    parts = urlsplit(url)
    try:
        day = probe_sandbox(f"{parts.scheme}://{parts.netloc}", RequestStats())
    except HttpError:
        day = None  # unreachable: the collector itself says so
    return observation_date(day)


def cmd_collect_hf(args, settings: Settings) -> int:
    """Collect one as_of slice of the Hub listing (HF_TOKEN from the environment) and print what it did."""
    endpoint = settings.hf_endpoint
    con = db.connect(paths.warehouse_file(settings.home))
    try:
        result = hf.collect(con, settings, as_of=args.as_of, min_downloads=args.min_downloads, limit=args.limit,
                            details=args.details,
                            calls_per_window=args.calls_per_window,
                            progress=lambda label, total: Progress(label, total, unit="models"))
    finally:
        con.close()
    print(hf_summary(result, public_url(endpoint)))
    return 0


def hf_summary(result: CollectResult, endpoint: str, note: bool = True) -> str:
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


def cmd_collect_cards(args, settings: Settings) -> int:
    """Fetch and parse the cards (HF_TOKEN from the environment) and print what was stored."""
    endpoint = settings.hf_endpoint
    con = db.connect(paths.warehouse_file(settings.home))
    try:
        s = model_cards.collect(con, settings, top=args.top,
                                progress=lambda label, total: Progress(label, total, unit="cards"))
    finally:
        con.close()
    statuses = ", ".join(f"{n:,} {status}" for status, n in sorted(s.extra["statuses"].items()))
    if s.sandbox:
        print("NOTE: SANDBOX data: these model cards are fictional, not real Hugging Face data.")
    print(f"cards {s.run_id} (as_of {s.as_of}) from {public_url(endpoint)}: {statuses}; "
          f"{s.extra['links']:,} GitHub links, {s.extra['scores']:,} legacy scores, {s.extra['skips']:,} parts "
          "skipped (see card_parse_skips)")
    return 0


def cmd_collect_github(args, settings: Settings) -> int:
    """Collect one as_of slice of repository snapshots and print what it did."""
    con = db.connect(paths.warehouse_file(settings.home))
    try:
        run = github.collect(con, settings, as_of=args.as_of, backfill_budget=args.backfill_budget)
    finally:
        con.close()
    print(github_summary(run))
    return 0


def github_summary(run: CollectResult) -> str:
    """What a collection did, in a few lines; sandbox data is labelled as fictional."""
    x = run.extra
    states = ", ".join(f"{n} {state}" for state, n in sorted(x["backfill"].items()) if state != "pages")
    lines = [f"github {run.run_id}: {x['found']} of {x['repos']} repositories found via {x['api']}, "
             f"{len(x['renamed'])} renamed, {run.stats.requests} requests",
             f"star history backfill: {x['backfill'].get('pages', 0)} stargazer pages read"
             + (f" ({states})" if states else "")]
    lines += [f"  renamed: {old} -> {new}" for old, new in x["renamed"]]
    lines += [f"  not found: {repo}" for repo in x["missing"]]
    if run.sandbox:
        lines.insert(0, "NOTE: SANDBOX data: these repositories are fictional, not real GitHub data.")
    return "\n".join(lines)


def cmd_collect_ollama(args, settings: Settings) -> int:
    """Collect one library scrape and say what it stored."""
    return _channel(settings, "Ollama", settings.ollama_url, ollama.collect, args.as_of)


def cmd_collect_openrouter(args, settings: Settings) -> int:
    """Collect the models list and the rankings dataset and say what they stored."""
    return _channel(settings, "OpenRouter", settings.openrouter_api, openrouter.collect, args.as_of)


def _channel(settings: Settings, name: str, url: str, collect, as_of) -> int:
    """Open the warehouse, collect, print one line; 1 when the run failed (earlier slices kept)."""
    day, shown = as_of or default_as_of(url), public_url(url)
    con = db.connect(paths.warehouse_file(settings.home))
    try:
        result: CollectResult = collect(con, settings, as_of=day)
    except (HttpError, ChannelError) as exc:
        print(f"{name} {shown}: FAILED, earlier data kept: {exc}")
        return 1
    finally:
        con.close()
    print(f"{name} {shown}: run {result.run_id} ok, {result.rows:,} rows as of {day}"
          + (" (SANDBOX: fictional data)" if result.sandbox else "") + " (run `revealed build` to match and rank them)")
    return 0


def cmd_collect_benchmarks(args, settings: Settings) -> int:
    """Collect both sources; print what each release gave and LiveCodeBench's clean vs all-problems scores."""
    lb_url, lcb_url = settings.livebench_url, settings.livecodebench_url
    as_of = args.as_of or default_as_of(lb_url if args.skip != "livebench" else lcb_url)
    con = db.connect(paths.warehouse_file(settings.home))
    failed = False
    try:
        if args.skip != "livebench":
            failed |= _livebench(con, settings, as_of, [args.release] if args.release else None)
        if args.skip != "livecodebench":
            failed |= _livecodebench(con, settings, as_of)
    finally:
        con.close()
    return 1 if failed else 0


def _livebench(con, settings: Settings, as_of: dt.date, releases: list[dt.date] | None) -> bool:
    """Collect LiveBench and print one line per release; True when something failed."""
    url = public_url(settings.livebench_url)
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
    url = public_url(settings.livecodebench_url)
    try:
        result = livecodebench.collect(con, settings, as_of=as_of)
        run_id, rows = result.run_id, result.rows
    except (HttpError, livecodebench.LiveCodeBenchError) as exc:
        print(f"LiveCodeBench {url}: FAILED, earlier data kept: {exc}")
        return True
    print(f"LiveCodeBench {url}: run {run_id} ok, {rows:,} results{_run(con, run_id)[1]}")
    repairs = con.execute("SELECT repairs FROM collection_runs WHERE run_id = ?", [run_id]).fetchone()[0]
    for repair in (repairs or "").splitlines():
        print(f"  repaired: {repair}")
    minimum = profiles.load(settings.profiles).settings.lcb_min_problems
    print(benchmark_scores.livecodebench_comparison(con, minimum).to_string(index=False, na_rep="-"))
    return False


def _run(con, run_id: str) -> tuple[str, str]:
    """Status of a recorded run and a warning when it read the sandbox."""
    status, sandbox = con.execute("SELECT status, sandbox FROM collection_runs WHERE run_id = ?", [run_id]).fetchone()
    return status, " (SANDBOX: fictional data)" if sandbox else ""
