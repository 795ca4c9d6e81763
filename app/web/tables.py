"""Tables and figures drawn for people: chosen columns, human headers, links, dates as dates, "—" if missing."""

import datetime as dt

import pandas as pd
import streamlit as st

from app.web import board
from pipelines.serving import format as fmt


def text(label: str, width: str | None = None, help: str | None = None) -> dict:
    """A text column."""
    return st.column_config.TextColumn(label, width=width, help=help)


def number(label: str, format: str = "%d", help: str | None = None) -> dict:
    """A number column shown rounded for reading ('compact', '%.1f', '%.0f%%', ...)."""
    return st.column_config.NumberColumn(label, format=format, help=help)


def link(label: str, page: str = "model", width: str | None = None) -> dict:
    """A column of ids shown as links to their model (or family) page; the table() call turns ids into links."""
    return st.column_config.LinkColumn(label, display_text=rf"{page}\?{page}=(.*)", width=width)


def links(values: pd.Series, page: str = "model") -> pd.Series:
    """Ids as relative links to their app page ('' when missing: an empty cell, not a link to nowhere)."""
    return values.map(lambda v: "" if fmt.missing(v) else board.href(page, v))


def cell(value) -> str:
    """A value as text: a date or timestamp as one (no 00:00:00, no microseconds), '—' when missing."""
    if fmt.missing(value):
        return fmt.MISSING
    return fmt.date(value) if isinstance(value, dt.date) else str(value)


def table(frame: pd.DataFrame, columns: dict[str, dict], **kwargs) -> None:
    """Draw `columns` of frame (name -> column config), in that order; a missing text value reads '—'."""
    shown = frame[list(columns)].copy()
    for name, config in columns.items():
        kind = config["type_config"]["type"]
        if kind == "link":
            page = config["type_config"]["display_text"].partition("\\?")[0]
            shown[name] = links(shown[name], page)
        elif kind == "text":
            shown[name] = shown[name].map(cell)
    st.dataframe(shown, hide_index=True, column_config=columns, **kwargs)


def rank_metric(slot, row) -> None:
    """A rank as a metric ('#100'), its 90% interval under it: together they would be cut in a narrow column."""
    interval = None if fmt.missing(row["rank_low"]) else f"90% interval {int(row['rank_low'])}-{int(row['rank_high'])}"
    rank = "not ranked" if fmt.missing(row["rank"]) else fmt.rank(row["rank"])
    slot.metric("Rank", rank, delta=interval, delta_color="off", delta_arrow="off",
                help="rank under the default profile, with its bootstrap 90% interval")
