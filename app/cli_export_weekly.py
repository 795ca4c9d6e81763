"""`revealed export weekly` (CSV snapshot of the published week) and `revealed export parquet` (history)."""

from pathlib import Path

from app import format as fmt
from app.cli_args import iso_week
from pipelines.export_parquet import export_parquet
from pipelines.export_weekly import export_weekly
from warehouse import db, lock, paths


def register_export(group) -> None:
    """Add export weekly and export parquet."""
    p = group.add_parser("weekly", help="models_<week>.csv and families_<week>.csv from the serving copy")
    p.add_argument("--out", type=Path, default=Path("exports"), help="folder to write into (default ./exports)")
    p.add_argument("--week", type=iso_week, help="ISO week YYYY-Www (default: the week of the Hub snapshot)")
    p.set_defaults(func=cmd_weekly)
    p = group.add_parser("parquet", help="history (raw Hub snapshots, daily series, noise) as hive-partitioned Parquet")
    p.add_argument("--out", type=Path, default=Path("exports/parquet"), help="folder (default ./exports/parquet)")
    p.set_defaults(func=cmd_parquet)


def cmd_weekly(args) -> int:
    """Write the weekly CSVs."""
    con = db.connect_serving()
    try:
        written = export_weekly(con, args.out, args.week)
        meta = dict(con.execute("SELECT key, value FROM meta WHERE key IN ('data_kind', 'as_of_hf')").fetchall())
    finally:
        con.close()
    report({str(path): rows for path, rows in written.items()}, meta["data_kind"], meta.get("as_of_hf"))
    return 0


def report(written: dict[str, int], kind: str, as_of_hf: str | None = None) -> None:
    """One line per file written, and the sandbox or archived-data note (with the Hub listing's date if known)."""
    for path, rows in written.items():
        print(f"wrote {path} ({rows:,} rows)")
    if kind == "sandbox":
        print("NOTE: SANDBOX data: fictional models; every row says data_kind=sandbox.")
    elif kind == "reference":
        print(f"NOTE: {fmt.reference_note(as_of_hf)}; every row says data_kind=reference.")


def cmd_parquet(args) -> int:
    """Write the Parquet history; holds the writer lock so no collection or build changes it meanwhile."""
    with lock.hold("export parquet"):
        if not paths.warehouse_file().exists():
            raise FileNotFoundError(f"no warehouse at {paths.warehouse_file()}: collect first")
        con = db.connect_read_only()
        try:
            written, kind = export_parquet(con, args.out)
        finally:
            con.close()
    report({str(args.out / table): rows for table, rows in written.items()}, kind)
    return 0
