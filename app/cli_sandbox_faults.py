"""`revealed sandbox faults`: the fault matrix, every source under every injected fault, as a table."""

from app.cli_args import positive_int
from pipelines import fault_matrix


def register_sandbox(group) -> None:
    """Add sandbox faults."""
    p = group.add_parser("faults", help="inject every fault into every source's sandbox and report what happened")
    p.add_argument("--models", type=positive_int, default=600, help="sandbox world size (default 600)")
    p.set_defaults(func=cmd_faults)


def cmd_faults(args) -> int:
    """Run the matrix in a temporary folder and print it; exit 1 if any invariant failed."""
    outcomes = fault_matrix.run_matrix(models=args.models, progress=lambda text: print(text, flush=True))
    print("Fault matrix on the sandbox (fictional data):\n")
    print(fault_matrix.to_markdown(outcomes))
    return 0 if all(o.passed for o in outcomes) else 1
