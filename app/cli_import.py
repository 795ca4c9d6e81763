"""`revealed import hub-snapshot`: an archived Hub listing as the raw slice of its date."""

from pathlib import Path

from app.cli_args import iso_date
from collector import hub_snapshot
from warehouse import db


def register(sub) -> None:
    """Add the import group and its hub-snapshot command."""
    parser = sub.add_parser("import", help="load archived snapshots of a source into the warehouse")
    group = parser.add_subparsers(dest="import_command", required=True, metavar="COMMAND")
    p = group.add_parser("hub-snapshot", help="an archived Hub listing (CSV, JSON or JSON Lines of /api/models)")
    p.add_argument("path", type=Path, metavar="PATH", help="the archived listing (.csv, .json, .jsonl)")
    p.add_argument("--as-of", type=iso_date, required=True, metavar="YYYY-MM-DD",
                   help="the date the listing was archived; re-importing a date replaces it")
    p.set_defaults(func=cmd_import_hub_snapshot)


def cmd_import_hub_snapshot(args) -> int:
    """Import one archived listing and say what it loaded."""
    con = db.connect()
    try:
        result = hub_snapshot.import_snapshot(con, args.path, args.as_of)
    finally:
        con.close()
    print(f"hf {result.run_id}: {result.rows:,} models from {args.path}, real public data archived {args.as_of} "
          "(run `revealed build` to rank them)")
    return 0
