"""The `revealed build` command: run the pipelines, then publish the serving copy."""

import logging

from app.cli.flags import folder, positive_int
from pipelines.orchestration import compact, jobs
from warehouse import db, paths
from warehouse.settings import Settings

log = logging.getLogger(__name__)


def register(sub) -> None:
    """Add build."""
    p = sub.add_parser("build", help="run the pipelines from raw snapshots to marts and publish the serving copy")
    p.add_argument("--full", action="store_true",
                   help="recompute the stored daily series from every snapshot instead of extending it")
    p.set_defaults(func=cmd_build, refuse=refuse_build)
    p = sub.add_parser("compact", help="move raw Hub snapshots older than the days a daily build reads to Parquet "
                                       "history (builds read them back; results are unchanged)")
    p.add_argument("--keep-days", type=positive_int, default=compact.KEEP_DAYS,
                   help=f"days before the newest snapshot kept in the warehouse (default {compact.KEEP_DAYS})")
    p.add_argument("--out", type=folder, help="folder (default $REVEALED_HOME/history)")
    p.set_defaults(func=cmd_compact)


def refuse_build(args, settings: Settings) -> None:
    """Refuse, before anything is created in the home, a home with no warehouse: nothing was collected to build."""
    warehouse = paths.warehouse_file(settings.home)
    if not warehouse.exists():
        raise FileNotFoundError(f"no warehouse at {warehouse}: nothing has been collected here, so there is nothing "
                                "to build and nothing was published; run 'revealed up' to collect and publish")


def cmd_build(args, settings: Settings) -> int:
    """Build the marts and publish them atomically; a failed build keeps the previous serving copy."""
    con = db.connect(paths.warehouse_file(settings.home))
    try:
        report = jobs.build_and_publish(con, settings.home, settings.profiles, full=args.full)
        kind = con.execute("SELECT value FROM meta WHERE key = 'data_kind'").fetchone()
    finally:
        con.close()
    for step in report.steps:
        rows = ", ".join(f"{t} {n:,} rows" for t, n in step.rows.items())
        print(f"{step.name:<40} {step.seconds:7.2f}s  {rows}")
    target = paths.serving_file(settings.home)
    print(f"built in {report.seconds:.1f}s (inputs {report.inputs_hash}); published {target}")
    if kind == ("sandbox",):
        print("NOTE: built from SANDBOX data: fictional models, not real Hugging Face data.")
    return 0


def cmd_compact(args, settings: Settings) -> int:
    """Compact old raw snapshots into Parquet (the CLI holds the writer lock)."""
    folder = args.out or settings.home / "history"
    con = db.connect(paths.warehouse_file(settings.home))
    try:
        days = compact.compact(con, folder, args.keep_days)
    finally:
        con.close()
    span = f" ({days[0]} .. {days[-1]})" if days else ""
    print(f"moved {len(days)} raw_hf_models slice(s){span} to {folder / 'raw_hf_models'}")
    return 0
