"""The `revealed export` command group; each source module adds its sub-command."""

from app import cli_export_benchmarks, cli_export_weekly

# Modules exposing register_export(group_subparsers); add yours here (one line).
MODULES: list = [cli_export_benchmarks, cli_export_weekly]


def register(sub) -> None:
    """Add the export group and its sub-commands."""
    parser = sub.add_parser("export", help="write CSV and Parquet exports")
    group = parser.add_subparsers(dest="export_command", required=True, metavar="COMMAND")
    for module in MODULES:
        module.register_export(group)
