"""`revealed import`: an archived Hub listing as the raw slice of its date; archived Ollama and OpenRouter files."""

from pathlib import Path

from app.cli.flags import group, iso_date
from collector.channels import ollama, openrouter
from collector.channels.common import ChannelError
from collector.hf import snapshot as hub_snapshot
from warehouse import db, paths
from warehouse.settings import Settings


def register(sub) -> None:
    """Add the import group: hub-snapshot, ollama and openrouter."""
    g = group(sub, "import", "load archived snapshots of a source into the warehouse")
    p = g.add_parser("hub-snapshot", help="an archived Hub listing (CSV, JSON or JSON Lines of /api/models)")
    p.add_argument("path", type=Path, metavar="PATH", help="the archived listing (.csv, .json, .jsonl)")
    p.add_argument("--as-of", type=iso_date, required=True, metavar="YYYY-MM-DD",
                   help="the date the listing was archived; re-importing a date replaces it")
    p.set_defaults(func=cmd_import_hub_snapshot)
    p = g.add_parser("ollama", help="archived daily scrapes of the Ollama library (date,model,pulls,pulls_str,"
                                        "tag_count)")
    p.add_argument("path", type=Path, metavar="PATH", help="the archived CSV; every date becomes its own slice")
    p.set_defaults(func=cmd_import_channel, importer=ollama.import_archive, label="Ollama library pulls")
    p = g.add_parser("openrouter", help="an archived OpenRouter rankings-daily CSV (date,model_permaslug,"
                                            "total_tokens)")
    p.add_argument("path", type=Path, metavar="PATH", help="the archived CSV")
    p.set_defaults(func=cmd_import_channel, importer=openrouter.import_archive, label="OpenRouter tokens")


def cmd_import_hub_snapshot(args, settings: Settings) -> int:
    """Import one archived listing and say what it loaded."""
    con = db.connect(paths.warehouse_file(settings.home))
    try:
        result = hub_snapshot.import_snapshot(con, args.path, args.as_of)
    finally:
        con.close()
    print(f"hf {result.run_id}: {result.rows:,} models from {args.path}, real public data archived {args.as_of} "
          "(run `revealed build` to rank them)")
    return 0


def cmd_import_channel(args, settings: Settings) -> int:
    """Import one archived channel file and say what it loaded; a bad file changes nothing."""
    con = db.connect(paths.warehouse_file(settings.home))
    try:
        result = args.importer(con, args.path)
    except ChannelError as exc:
        print(f"import failed, nothing changed: {exc}")
        return 1
    finally:
        con.close()
    print(f"{args.label} {result.run_id}: {result.rows:,} rows from {args.path}, real public data up to "
          f"{result.as_of} (run `revealed build` to match and rank them)")
    return 0
