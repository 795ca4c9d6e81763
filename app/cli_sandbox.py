"""The `revealed sandbox` command group; each source module adds its sub-command."""

from app import cli_sandbox_evaluate, cli_sandbox_faults, cli_sandbox_serve, cli_sandbox_simulate

# Modules exposing register_sandbox(group_subparsers); add yours here (one line).
MODULES: list = [cli_sandbox_serve, cli_sandbox_simulate, cli_sandbox_evaluate, cli_sandbox_faults]


def register(sub) -> None:
    """Add the sandbox group and its sub-commands."""
    parser = sub.add_parser("sandbox", help="local stand-in for the live services (fictional data)")
    group = parser.add_subparsers(dest="sandbox_command", required=True, metavar="COMMAND")
    for module in MODULES:
        module.register_sandbox(group)
