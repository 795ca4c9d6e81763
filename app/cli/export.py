"""`revealed export`: benchmarks.csv, the weekly CSV snapshot of a stored week, and the Parquet history."""

from app.cli.flags import add_out, group, iso_week
from pipelines.orchestration.export_history import export_week
from pipelines.serving import format as fmt
from pipelines.serving.export_benchmarks import export_benchmarks
from pipelines.serving.export_parquet import export_parquet
from warehouse import db, lock, paths
from warehouse.settings import Settings


def register(sub) -> None:
    """Add the export group: benchmarks, weekly and parquet."""
    g = group(sub, "export", "write CSV and Parquet exports")
    p = g.add_parser("benchmarks", help="benchmarks.csv: clean benchmark scores per model and category")
    add_out(p, "benchmarks.csv")
    p.set_defaults(func=cmd_export_benchmarks)
    p = g.add_parser("weekly", help="models_<week>.csv and families_<week>.csv from the serving copy")
    add_out(p, "the CSVs")
    p.add_argument("--week", type=iso_week, help="ISO week YYYY-Www with stored data (default: the published week)")
    p.set_defaults(func=cmd_weekly)
    p = g.add_parser("parquet", help="history (raw Hub snapshots, daily series, noise) as hive-partitioned Parquet")
    add_out(p, "the history", "exports/parquet")
    p.set_defaults(func=cmd_parquet)


def cmd_export_benchmarks(args, settings: Settings) -> int:
    """Write benchmarks.csv from the published serving copy."""
    con = db.connect_serving(paths.serving_file(settings.home))
    try:
        path, rows, kind = export_benchmarks(con, args.out or paths.exports_dir(settings.home))
        as_of_hf = con.execute("SELECT value FROM meta WHERE key = 'as_of_hf'").fetchone()
    finally:
        con.close()
    report({str(path): rows}, kind, as_of_hf and as_of_hf[0])
    return 0


def cmd_weekly(args, settings: Settings) -> int:
    """Write the weekly CSVs."""
    written, meta = export_week(settings.home, args.out or paths.exports_dir(settings.home), args.week,
                                settings.profiles)
    report({str(path): rows for path, rows in written.items()}, meta["data_kind"], meta["as_of_hf"])
    return 0


def report(written: dict[str, int], kind: str, as_of_hf: str | None = None) -> None:
    """One line per file written, and the sandbox or archived-data note (with the Hub listings' dates if known)."""
    for path, rows in written.items():
        print(f"wrote {path} ({rows:,} rows)")
    if kind == "sandbox":
        print("NOTE: SANDBOX data: fictional models; every row says data_kind=sandbox.")
    elif kind == "reference":
        print(f"NOTE: {fmt.reference_note(as_of_hf)}; every row says data_kind=reference.")


def cmd_parquet(args, settings: Settings) -> int:
    """Write the Parquet history; holds the writer lock so no collection or build changes it meanwhile."""
    out = args.out or paths.exports_dir(settings.home) / "parquet"
    warehouse = paths.warehouse_file(settings.home)
    with lock.hold(settings.home, "export parquet"):
        if not warehouse.exists():
            raise FileNotFoundError(f"no warehouse at {warehouse}: collect first")
        con = db.connect_read_only(warehouse)
        try:
            written, kind = export_parquet(con, out)
            first, last = con.execute("SELECT min(as_of), max(as_of) FROM raw_hf_models").fetchone()
        finally:
            con.close()
    report({str(out / table): rows for table, rows in written.items()}, kind,
           str(first) if first == last else f"{first} to {last}")
    return 0
