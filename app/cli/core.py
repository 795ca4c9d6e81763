"""Core commands: init and status."""

from app.cli.flags import non_negative_int
from warehouse import db, paths, status
from warehouse.settings import Settings


def register(sub) -> None:
    """Add init and status."""
    p = sub.add_parser("init", help="create the warehouse and apply migrations")
    p.set_defaults(func=cmd_init)
    p = sub.add_parser("status", help="recent runs, rows and freshness per source")
    p.add_argument("--runs", type=non_negative_int, default=10, help="how many recent runs to show (default 10)")
    p.set_defaults(func=cmd_status)


def cmd_init(args, settings: Settings) -> int:
    """Create the warehouse file and apply migrations."""
    con = db.connect(paths.warehouse_file(settings.home))
    con.close()
    print(f"warehouse ready at {paths.warehouse_file(settings.home)}")
    return 0


def cmd_status(args, settings: Settings) -> int:
    """Print freshness per source and the most recent runs."""
    con, note = db.connect_for_status(settings.home)
    if note:
        print(f"NOTE: {note}")
    print(status.render(con, settings.home, recent=args.runs))
    return 0
