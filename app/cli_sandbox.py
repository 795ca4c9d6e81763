"""The `revealed sandbox` command group; each source module adds its sub-command."""

from app import cli_sandbox_evaluate, cli_sandbox_faults, cli_sandbox_serve, cli_sandbox_simulate
from app.cli_args import add_group

# Modules exposing register_sandbox(group_subparsers); add yours here (one line).
MODULES: list = [cli_sandbox_serve, cli_sandbox_simulate, cli_sandbox_evaluate, cli_sandbox_faults]


def register(sub) -> None:
    """Add the sandbox group and its sub-commands."""
    add_group(sub, "sandbox", "local stand-in for the live services (fictional data)", MODULES, "register_sandbox")
