"""Compare every table of two warehouse files row for row (EXCEPT ALL both ways), the build's clock rows left out.

    .venv/bin/python bench/same_tables.py BEFORE.duckdb AFTER.duckdb

Checks that a change keeps a build's output: e.g. the daily builds `bench/build.py --daily --keep DIR` leaves of two
commits on the same day-before state. Prints each table that differs with its row counts and exits 1 if any does
(`int_noise_state`, `int_series_state` and `int_daily_marts_state` differ whenever their step's code did).
"""

import argparse
import sys

import duckdb

# rows that hold when the build ran, not what it computed
CLOCK = {"build_inputs": "key <> 'started_at'", "meta": "key <> 'built_at'"}


def tables(con: duckdb.DuckDBPyConnection, database: str) -> set[str]:
    """The base tables of an attached database."""
    return {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = ?",
                                      [database]).fetchall()}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before")
    parser.add_argument("after")
    args = parser.parse_args(argv)
    con = duckdb.connect()
    con.execute("ATTACH ? AS a (READ_ONLY)", [args.before])
    con.execute("ATTACH ? AS b (READ_ONLY)", [args.after])
    only = tables(con, "a") ^ tables(con, "b")
    shared = sorted(tables(con, "a") & tables(con, "b"))
    differing = 0
    for table in shared:
        where = f" WHERE {CLOCK[table]}" if table in CLOCK else ""
        a, b = f'SELECT * FROM a."{table}"{where}', f'SELECT * FROM b."{table}"{where}'
        gone = con.execute(f"SELECT count(*) FROM ({a} EXCEPT ALL {b})").fetchall()[0][0]
        new = con.execute(f"SELECT count(*) FROM ({b} EXCEPT ALL {a})").fetchall()[0][0]
        if gone or new:
            differing += 1
            print(f"{table}: {gone:,} rows only in {args.before}, {new:,} only in {args.after}")
    print(f"{len(shared)} tables compared, {differing} differ" + (f"; only in one: {sorted(only)}" if only else ""))
    return 1 if differing or only else 0


if __name__ == "__main__":
    sys.exit(main())
