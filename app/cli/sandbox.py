"""`revealed sandbox simulate`: the real collector against an in-process sandbox, day after day."""

from app.cli_args import iso_date, non_negative_int, positive_int
from app.cli_collect_hf import summary
from app.progress import Progress
from collector.sandbox.world import World
from collector.simulate import simulate
from warehouse import db


def register_sandbox(group) -> None:
    """Add sandbox simulate."""
    p = group.add_parser("simulate", help="collect N simulated days of the fictional Hub into the warehouse")
    p.add_argument("--days", type=positive_int, required=True, metavar="N", help="consecutive days to collect")
    p.add_argument("--seed", type=non_negative_int, default=7, help="world seed (default 7)")
    p.add_argument("--models", type=positive_int, default=10_000, metavar="N",
                   help="models in the world (default 10000)")
    p.add_argument("--start", type=iso_date, metavar="YYYY-MM-DD",
                   help="first simulated day (default: so that the last day is the sandbox's today)")
    p.add_argument("--min-downloads", type=non_negative_int, default=100, metavar="N",
                   help="listing floor of 30-day downloads (default 100)")
    p.add_argument("--details", type=non_negative_int, default=500, metavar="N",
                   help="child counts for the top N base models per day (default 500)")
    p.set_defaults(func=cmd_simulate)


def cmd_simulate(args) -> int:
    """Build the world, then collect each simulated day and print one summary per day."""
    world = World(seed=args.seed, n_models=args.models)
    con = db.connect()
    try:
        results = simulate(con, world, args.days, args.start, min_downloads=args.min_downloads,
                           details=args.details, progress=_progress)
    finally:
        con.close()
    print("NOTE: SANDBOX data: these models are fictional, not real Hugging Face data.")
    for result in results:
        print(summary(result, "the in-process sandbox", note=False))
    return 0


def _progress(label: str, total: int | None) -> Progress:
    return Progress(f"{label} (sandbox, fictional)", total, unit="models")
