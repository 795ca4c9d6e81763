"""`revealed sandbox serve`: the fictional Hub, GitHub and benchmark sites on loopback until Ctrl-C."""

import logging
import signal
import threading

from app.cli_args import iso_date, non_negative_int, positive_int
from collector.sandbox.server import SandboxServer
from collector.sandbox.world import World

log = logging.getLogger(__name__)


def register_sandbox(group) -> None:
    """Add sandbox serve."""
    p = group.add_parser("serve", help="serve the sandbox (fictional data) over HTTP until Ctrl-C")
    p.add_argument("--seed", type=non_negative_int, default=7, help="world seed (default 7)")
    p.add_argument("--models", type=positive_int, default=10_000, metavar="N",
                   help="models in the world (default 10000)")
    p.add_argument("--port", type=non_negative_int, default=8765, help="port on 127.0.0.1 (default 8765; 0 = any free)")
    p.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD", help="simulated today (default: the world's today)")
    p.add_argument("--log-requests", action="store_true", help="log every request to stderr")
    p.set_defaults(func=cmd_serve)


def cmd_serve(args) -> int:
    """Build the world, start the server, print its URL, and wait for Ctrl-C."""
    log.info("building a sandbox world of %d models (seed %d)", args.models, args.seed)
    world = World(seed=args.seed, n_models=args.models)
    server = SandboxServer(world, port=args.port, date=args.date, log_requests=args.log_requests).start()
    print(f"Sandbox at {server.url} serves FICTIONAL data (not real Hugging Face, GitHub or benchmark data)",
          flush=True)
    print(f"Hub endpoint: {server.url}  GitHub API: {server.url}/github  simulated date: {server.date}", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        stop.wait()
    finally:
        server.stop()
    log.info("sandbox server stopped")
    return 0
