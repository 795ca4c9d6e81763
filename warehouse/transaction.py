"""One transaction on a DuckDB connection: committed when the block ends, rolled back when it raises."""

from contextlib import contextmanager

import duckdb


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """BEGIN, run the block, COMMIT; on any exception (Ctrl-C too) ROLLBACK and re-raise."""
    con.execute("BEGIN")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
