"""`revealed collect github`: stars and star histories of the tracked GitHub repositories."""

from app.cli_args import http_url, iso_date, non_negative_int
from collector import github
from collector.github_stargazers import DEFAULT_BUDGET
from collector.result import CollectResult
from warehouse import db
from warehouse.settings import GITHUB_API_URL, Settings


def register_collect(group) -> None:
    """Add collect github."""
    p = group.add_parser("github", help="GitHub stars of the registry's and model cards' repositories "
                                        "(GITHUB_TOKEN from the environment enables GraphQL)")
    p.add_argument("--api-url", type=http_url, default=GITHUB_API_URL, metavar="URL",
                   help=f"GitHub API base URL (default {GITHUB_API_URL}; the sandbox serves it at <url>/github)")
    p.add_argument("--backfill-budget", type=non_negative_int, default=DEFAULT_BUDGET, metavar="N",
                   help=f"stargazer pages (100 stars each) to read for star histories; 0 skips them "
                        f"(default {DEFAULT_BUDGET})")
    p.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD",
                   help="observation date (default: the sandbox clock on the sandbox, else today, UTC)")
    p.set_defaults(func=cmd_collect_github)


def cmd_collect_github(args) -> int:
    """Collect one as_of slice of repository snapshots and print what it did."""
    con = db.connect()
    try:
        run = github.collect(con, Settings.from_env(github_api=args.api_url), as_of=args.as_of,
                             backfill_budget=args.backfill_budget)
    finally:
        con.close()
    print(summary(run))
    return 0


def summary(run: CollectResult) -> str:
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
