"""Bare inserts into a raw_hf_models-shaped key set with and without the (as_of, id) primary key.

    .venv/bin/python bench/raw_key.py --rows 1000000 --days 3

One day's listing (narrow rows: as_of, id, downloads) is inserted per day into a fresh DuckDB file, one
thread, as the Hub loader does. Prints rows/s per day for each variant (the motivation of migration 005).
"""

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=3)
    args = parser.parse_args()
    ids = pa.array([f"org{i % 5000}/model-{i}" for i in range(args.rows)])
    downloads = pa.array(np.arange(args.rows))
    with tempfile.TemporaryDirectory() as scratch:
        for keyed in (True, False):
            con = duckdb.connect(str(Path(scratch) / f"keyed_{keyed}.duckdb"))
            key = ", PRIMARY KEY (as_of, id)" if keyed else ""
            con.execute(f"CREATE TABLE raw (as_of DATE, id VARCHAR, downloads BIGINT{key})")
            con.execute("SET threads = 1")
            rates = []
            for day in range(args.days):
                batch = pa.table({"as_of": pa.array([dt.date(2026, 3, 1 + day)] * args.rows), "id": ids,
                                  "downloads": downloads})
                con.register("batch", batch)
                began = time.perf_counter()
                con.execute("INSERT INTO raw SELECT * FROM batch")
                con.unregister("batch")
                rates.append(args.rows / (time.perf_counter() - began))
            con.close()
            print(f"{'with' if keyed else 'without'} primary key: "
                  + ", ".join(f"{r:,.0f}" for r in rates) + " rows/s")


if __name__ == "__main__":
    main()
