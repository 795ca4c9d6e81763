"""The `revealed collect` command group; each source module adds its sub-command."""

from app import cli_collect_benchmarks, cli_collect_cards, cli_collect_channels, cli_collect_github, cli_collect_hf
from app.cli_args import add_group

# Modules exposing register_collect(group_subparsers); add yours here (one line).
MODULES: list = [cli_collect_benchmarks, cli_collect_cards, cli_collect_github, cli_collect_hf, cli_collect_channels]


def register(sub) -> None:
    """Add the collect group and its sub-commands."""
    add_group(sub, "collect", "collect data from a source into the warehouse", MODULES, "register_collect")
