"""A weekly export of any stored week: the published week from the serving copy, an earlier one rebuilt.

An earlier week is rebuilt in a scratch copy of the warehouse cut after that week's last stored Hub snapshot, so
its files hold what the build would have published on that day (docs/methodology.md, "Exports").
"""

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import duckdb

from pipelines.orchestration import build
from pipelines.serving.export_weekly import ExportError, export_weekly, iso_week, meta
from pipelines.steps import step_inputs
from warehouse import db, lock, paths


def stored_weeks(con: duckdb.DuckDBPyConnection) -> dict[str, dt.date]:
    """Each ISO week with a stored Hub snapshot and its last snapshot day, oldest first."""
    days = [day for (day,) in con.execute("SELECT DISTINCT as_of FROM raw_hf_models ORDER BY as_of").fetchall()]
    return {iso_week(day): day for day in days}


def cut_after(con: duckdb.DuckDBPyConnection, last: dt.date) -> None:
    """Delete every raw slice and collection run dated after `last` (in a scratch copy only)."""
    for table in step_inputs.raw_tables(con):
        columns = {c for (c,) in con.execute("SELECT column_name FROM duckdb_columns() WHERE database_name = "
                                             "current_database() AND table_name = ?", [table]).fetchall()}
        if "as_of" in columns:
            con.execute(f'DELETE FROM "{table}" WHERE as_of > ?', [last])
    con.execute("DELETE FROM collection_runs WHERE as_of > ?", [last])


def rebuilt_week(home: Path, out: Path, week: str,
                 profiles_file: Path | None = None) -> tuple[dict[Path, int], dict[str, str]]:
    """Rebuild the marts as of the week's last stored snapshot in a scratch copy; export them, return its meta."""
    with lock.hold(home, "export weekly"):  # no collection writes the warehouse while it is copied
        source = paths.warehouse_file(home)
        if not source.exists():
            raise ExportError(f"no data for week {week}: there is no warehouse at {source}; collect first")
        con = db.connect_read_only(source)
        try:
            weeks = stored_weeks(con)
        finally:
            con.close()
        if week not in weeks:
            raise ExportError(f"no data for week {week}: the weeks with data are {', '.join(weeks) or 'none'}; "
                              "expected one of them")
        with tempfile.TemporaryDirectory(prefix=".export-", dir=home) as scratch:
            copy = Path(scratch) / source.name
            shutil.copy(source, copy)
            con = db.connect(copy)
            try:
                cut_after(con, weeks[week])
                build.run_build(con, profiles_file=profiles_file)
                return export_weekly(con, out, week), meta(con)
            finally:
                con.close()


def export_week(home: Path, out: Path, week: str | None = None,
                profiles_file: Path | None = None) -> tuple[dict[Path, int], dict[str, str]]:
    """Write models_<week>.csv and families_<week>.csv of home for any stored week (default: the published one).

    An earlier week is rebuilt with the profiles file (None: the packaged one).

    Returns the files with their row counts, and the meta of the marts they came from (data kind, Hub date)."""
    con = db.connect_serving(paths.serving_file(home))
    try:
        values = meta(con)
        if week in (None, iso_week(dt.date.fromisoformat(values["as_of_hf"]))):
            return export_weekly(con, out, week), values
    finally:
        con.close()
    return rebuilt_week(home, out, week, profiles_file)
