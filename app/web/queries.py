"""Cached, parameterised queries on the published serving copy (app/web/sql/<name>.sql)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import streamlit as st

from warehouse import db, paths
from warehouse.settings import Settings

if TYPE_CHECKING:  # pandas is imported by the first run() (DuckDB's .df()): records() and meta() stay without it
    import pandas as pd

SQL = Path(__file__).parent / "sql"
INCLUDE = re.compile(r"^-- include (\w+)$", re.MULTILINE)
NO_DATA = "No data yet: run `revealed up` to collect, build and publish."


class NoData(Exception):
    """Nothing has been published to the serving copy yet."""


def settings() -> Settings:
    """The web process's settings (home, profiles file), read at each page run: the app's edge."""
    return Settings.from_env()


def home() -> Path:
    """The home folder this app serves."""
    return settings().home


def serving_version() -> tuple[str, int]:
    """The serving file and its modification time: the cache key that picks up a new publish."""
    path = paths.serving_file(home())
    try:
        return str(path), path.stat().st_mtime_ns
    except FileNotFoundError:
        raise NoData(NO_DATA) from None


@cache
def sql(name: str) -> str:
    """The text of app/web/sql/<name>.sql, each `-- include NAME` line replaced by the text of NAME.sql."""
    return INCLUDE.sub(lambda line: sql(line[1]), (SQL / f"{name}.sql").read_text())


@st.cache_resource(max_entries=4, show_spinner=False, on_release=lambda con: con.close())
def _connection(path: str, mtime: int) -> duckdb.DuckDBPyConnection:
    """One read-only connection per published version."""
    try:
        return db.connect_serving(Path(path))
    except FileNotFoundError:
        raise NoData(NO_DATA) from None


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor of its own on the current serving copy (close it when done)."""
    return _cursor(*serving_version())


def _cursor(path: str, mtime: int) -> duckdb.DuckDBPyConnection:
    """A new cursor on one published version, reading the serving catalog."""
    cur = _connection(path, mtime).cursor()
    cur.execute(f"USE {db.SERVING_CATALOG}")
    return cur


@st.cache_data(max_entries=512, show_spinner=False)
def _run(name: str, params: dict, path: str, mtime: int) -> pd.DataFrame:
    """Run a named query once per published version and parameter set."""
    cur = _cursor(path, mtime)
    try:
        return cur.execute(sql(name), params).df()
    finally:
        cur.close()


def run(name: str, **params) -> pd.DataFrame:
    """Run app/web/sql/<name>.sql with named parameters ($name) against the serving copy."""
    return _run(name, params, *serving_version())


@st.cache_data(max_entries=512, show_spinner=False)
def _records(name: str, params: dict, path: str, mtime: int) -> list[dict]:
    """Run a named query once per published version and parameter set, as plain rows."""
    cur = _cursor(path, mtime)
    try:
        cur.execute(sql(name), params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        cur.close()


def records(name: str, **params) -> list[dict]:
    """Like run(), as a list of dicts: no pandas import, which costs a cold page more than its queries."""
    return _records(name, params, *serving_version())


def meta() -> dict[str, str]:
    """The meta table as a dict."""
    return {row["key"]: row["value"] for row in records("meta")}


def weights() -> dict[str, dict[str, float]]:
    """Profile -> {component: weight}, the components in the methodology's order (mart_profile_weights)."""
    profiles: dict[str, dict[str, float]] = {}
    for row in records("profile_weights"):
        profiles.setdefault(row["profile"], {})[row["component"]] = row["weight"]
    return profiles


def components() -> list[str]:
    """The score components, in the methodology's order."""
    return list(next(iter(weights().values()), {}))


@st.cache_data(max_entries=64, show_spinner=False)
def _status(recent: int, path: str, mtime: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Freshness per source and the newest runs, as `revealed status` computes them."""
    from warehouse import status  # imports pandas: only the data health page needs it

    cur = _cursor(path, mtime)
    try:
        return status.freshness(cur), status.recent_runs(cur, recent)
    finally:
        cur.close()


def collection_status(recent: int = 20) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Freshness per source and the `recent` newest collection runs in the serving copy."""
    return _status(recent, *serving_version())
