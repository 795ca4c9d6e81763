"""The `revealed collect` command group; each source module adds its sub-command."""

from app import cli_collect_benchmarks, cli_collect_cards, cli_collect_github, cli_collect_hf

# Modules exposing register_collect(group_subparsers); add yours here (one line).
MODULES: list = [cli_collect_benchmarks, cli_collect_cards, cli_collect_github, cli_collect_hf]


def register(sub) -> None:
    """Add the collect group and its sub-commands."""
    parser = sub.add_parser("collect", help="collect data from a source into the warehouse")
    group = parser.add_subparsers(dest="collect_command", required=True, metavar="COMMAND")
    for module in MODULES:
        module.register_collect(group)
