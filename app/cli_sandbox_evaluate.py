"""`revealed sandbox evaluate`: de-noising accuracy against a sandbox world's ground truth."""

import logging
import tempfile
from pathlib import Path

from app.cli_args import UsageError, non_negative_int, positive_int
from pipelines import evaluate

log = logging.getLogger(__name__)


def register_sandbox(group) -> None:
    """Add sandbox evaluate."""
    p = group.add_parser("evaluate", help="collect a fresh fictional world, build, and score the de-noising")
    p.add_argument("--seed", type=non_negative_int, default=11,
                   help="world seed (default 11; 7, 23 and 11 were used to develop the method)")
    p.add_argument("--models", type=positive_int, default=10_000, metavar="N", help="models in the world")
    p.add_argument("--days", type=positive_int, default=45, metavar="N",
                   help="simulated days to collect (default 45; at least 2)")
    p.add_argument("--dir", type=Path, metavar="PATH",
                   help="keep the evaluation warehouse in this new folder (default: a temporary folder, removed)")
    p.set_defaults(func=cmd_evaluate)


def cmd_evaluate(args) -> int:
    """Run one evaluation and print the comparison with the ground truth."""
    if args.dir is not None and args.dir.exists() and any(args.dir.iterdir()):
        raise UsageError(f"--dir {args.dir} is not empty; expected a new or empty folder")
    with tempfile.TemporaryDirectory(prefix="revealed-evaluate-") as scratch:
        folder = args.dir or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        log.info("evaluation warehouse (fictional sandbox data): %s", folder / "evaluate.duckdb")
        result = evaluate.evaluate(folder, seed=args.seed, models=args.models, days=args.days)
    print(evaluate.render(result))
    where = args.dir / "evaluate.duckdb" if args.dir else "a temporary folder (removed)"
    print(f"warehouse: {where}; your REVEALED_HOME was not touched")
    return 0
