"""The `revealed export` command group; each source module adds its sub-command."""

from app import cli_export_benchmarks, cli_export_weekly
from app.cli_args import add_group

# Modules exposing register_export(group_subparsers); add yours here (one line).
MODULES: list = [cli_export_benchmarks, cli_export_weekly]


def register(sub) -> None:
    """Add the export group and its sub-commands."""
    add_group(sub, "export", "write CSV and Parquet exports", MODULES, "register_export")
