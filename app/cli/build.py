"""The `revealed build` command: run the pipelines, then publish the serving copy."""

import logging

from pipelines.orchestration import build
from warehouse import db, paths, publish
from warehouse.settings import Settings

log = logging.getLogger(__name__)


def register(sub) -> None:
    """Add build."""
    p = sub.add_parser("build", help="run the pipelines from raw snapshots to marts and publish the serving copy")
    p.add_argument("--full", action="store_true",
                   help="recompute the stored daily series from every snapshot instead of extending it")
    p.set_defaults(func=cmd_build)


def cmd_build(args, settings: Settings) -> int:
    """Build the marts and publish them atomically; a failed build keeps the previous serving copy."""
    con = db.connect(paths.warehouse_file(settings.home))
    try:
        report = build.run_build(con, full=args.full)
        target = publish.publish(con, paths.serving_file(settings.home))
        sandbox = con.execute("SELECT coalesce(bool_or(sandbox), false) FROM collection_runs").fetchone()[0]
    finally:
        con.close()
    for step in report.steps:
        rows = ", ".join(f"{t} {n:,} rows" for t, n in step.rows.items())
        print(f"{step.name:<40} {step.seconds:7.2f}s  {rows}")
    print(f"built in {report.seconds:.1f}s (inputs {report.inputs_hash}); published {target}")
    if sandbox:
        print("NOTE: built from SANDBOX data: fictional models, not real Hugging Face data.")
    return 0
