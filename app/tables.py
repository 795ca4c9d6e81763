"""Tables drawn for people: only the columns asked for, human headers, links to app pages, '—' for a missing text."""

import pandas as pd
import streamlit as st

from app import board
from app import format as fmt


def text(label: str, width: str | None = None, help: str | None = None) -> dict:
    """A text column."""
    return st.column_config.TextColumn(label, width=width, help=help)


def number(label: str, format: str = "%d", help: str | None = None) -> dict:
    """A number column shown rounded for reading ('compact', '%.1f', '%.0f%%', ...)."""
    return st.column_config.NumberColumn(label, format=format, help=help)


def link(label: str, page: str = "model", width: str | None = "medium") -> dict:
    """A column of ids shown as links to their model (or family) page; the table() call turns ids into links."""
    return st.column_config.LinkColumn(label, display_text=rf"{page}\?{page}=(.*)", width=width)


def links(values: pd.Series, page: str = "model") -> pd.Series:
    """Ids as relative links to their app page ('' when missing: an empty cell, not a link to nowhere)."""
    return values.map(lambda v: "" if fmt.missing(v) else board.href(page, v))


def table(frame: pd.DataFrame, columns: dict[str, dict], **kwargs) -> None:
    """Draw `columns` of frame (name -> column config), in that order; a missing text value reads '—'."""
    shown = frame[list(columns)].copy()
    for name, config in columns.items():
        kind = config["type_config"]["type"]
        if kind == "link":
            page = config["type_config"]["display_text"].partition("\\?")[0]
            shown[name] = links(shown[name], page)
        elif kind == "text":
            shown[name] = shown[name].map(lambda v: fmt.MISSING if fmt.missing(v) else str(v))
    st.dataframe(shown, hide_index=True, column_config=columns, **kwargs)
