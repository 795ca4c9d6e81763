"""`revealed sandbox`: the fictional stand-in for the live services: serve, simulate, evaluate, faults."""

import logging
import signal
import tempfile
import threading
from pathlib import Path

from app.cli.collect import hf_summary, refuse_other_source
from app.cli.flags import (
    UsageError,
    add_listing,
    add_world,
    check_port_free,
    folder,
    group,
    iso_date,
    non_negative_int,
    positive_int,
)
from app.cli.progress import Progress
from pipelines.checks import evaluate, fault_matrix, simulate
from warehouse import db, paths
from warehouse.settings import Settings

log = logging.getLogger(__name__)


def register(sub) -> None:
    """Add the sandbox group: serve, simulate, evaluate and faults."""
    g = group(sub, "sandbox", "local stand-in for the live services (fictional data)")
    p = g.add_parser("serve", help="serve the sandbox (fictional data) over HTTP until Ctrl-C")
    add_world(p, seed=7)
    p.add_argument("--port", type=non_negative_int, default=8765, help="port on 127.0.0.1 (default 8765; 0 = any free)")
    p.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD", help="simulated today (default: the world's today)")
    p.add_argument("--log-requests", action="store_true", help="log every request to stderr")
    p.set_defaults(func=cmd_serve)

    p = g.add_parser("simulate", help="collect N simulated days of the fictional Hub into the warehouse")
    p.add_argument("--days", type=positive_int, required=True, metavar="N", help="consecutive days to collect")
    add_world(p, seed=7)
    p.add_argument("--start", type=iso_date, metavar="YYYY-MM-DD",
                   help="first simulated day (default: so that the last day is the sandbox's today)")
    add_listing(p, per=" per day")
    p.set_defaults(func=cmd_simulate, refuse=refuse_other_source(("sandbox",)))

    p = g.add_parser("evaluate", help="collect a fresh fictional world, build, and score the de-noising")
    add_world(p, seed=11, why="; the seeds the method was developed or held out on are listed in docs/denoising.md")
    p.add_argument("--days", type=positive_int, default=45, metavar="N",
                   help="simulated days to collect (default 45; at least 2)")
    p.add_argument("--dir", type=folder, metavar="PATH",
                   help="keep the evaluation warehouse and world.json in this new folder, to score again with "
                        "bench/denoise_rounds.py (default: a temporary folder, removed)")
    p.set_defaults(func=cmd_evaluate)

    p = g.add_parser("faults", help="inject every fault into every source's sandbox and report what happened")
    p.add_argument("--models", type=positive_int, default=600, help="sandbox world size (default 600)")
    p.set_defaults(func=cmd_faults)


def cmd_serve(args, settings: Settings) -> int:
    """Build the world, start the server, print its URL, and wait for Ctrl-C."""
    if args.port:
        check_port_free(args.port)
    log.info("building a sandbox world of %d models (seed %d)", args.models, args.seed)
    world = simulate.world(args.seed, args.models)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):  # before the URL is printed: a Ctrl-C right after it stops cleanly
        signal.signal(sig, lambda *_: stop.set())
    server = simulate.server(world, port=args.port, date=args.date, log_requests=args.log_requests).start()
    print(f"Sandbox at {server.url} serves FICTIONAL data (not real Hugging Face, GitHub or benchmark data)",
          flush=True)
    print(f"Hub endpoint: {server.url}  GitHub API: {server.url}/github  simulated date: {server.date}", flush=True)
    try:
        stop.wait()
    finally:
        server.stop()
    log.info("sandbox server stopped")
    return 0


def cmd_simulate(args, settings: Settings) -> int:
    """Build the world, then collect each simulated day and print one summary per day."""
    world = simulate.world(args.seed, args.models)
    con = db.connect(paths.warehouse_file(settings.home))
    try:
        results = simulate.simulate(con, world, args.days, args.start, min_downloads=args.min_downloads,
                                    details=args.details, progress=_progress)
    finally:
        con.close()
    print("NOTE: SANDBOX data: these models are fictional, not real Hugging Face data.")
    for result in results:
        print(hf_summary(result, "the in-process sandbox", note=False))
    return 0


def _progress(label: str, total: int | None) -> Progress:
    return Progress(f"{label} (sandbox, fictional)", total, unit="models")


def cmd_evaluate(args, settings: Settings) -> int:
    """Run one evaluation and print the comparison with the ground truth."""
    if args.dir is not None and args.dir.exists() and any(args.dir.iterdir()):
        raise UsageError(f"--dir {args.dir} is not empty; expected a new or empty folder")
    with tempfile.TemporaryDirectory(prefix="revealed-evaluate-") as scratch:
        workdir = args.dir or Path(scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        log.info("evaluation warehouse (fictional sandbox data): %s", workdir / "evaluate.duckdb")
        result = evaluate.evaluate(workdir, seed=args.seed, models=args.models, days=args.days)
    print(evaluate.render(result))
    where = args.dir / "evaluate.duckdb" if args.dir else "a temporary folder (removed)"
    print(f"warehouse: {where}; your REVEALED_HOME was not touched")
    return 0


def cmd_faults(args, settings: Settings) -> int:
    """Run the matrix in a temporary folder and print it; exit 1 if any invariant failed."""
    outcomes = fault_matrix.run_matrix(models=args.models, progress=lambda text: print(text, flush=True))
    print("Fault matrix on the sandbox (fictional data):\n")
    print(fault_matrix.to_markdown(outcomes))
    return 0 if all(o.passed for o in outcomes) else 1
