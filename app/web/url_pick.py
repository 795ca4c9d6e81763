"""The entity a page shows: the id in its URL, else the first of a list; an unknown id is named."""

import pandas as pd
import streamlit as st

from app.web import queries

SHOWN = 120  # characters of an unknown id repeated back


def to_url(param: str, key: str) -> None:
    """Write the select box's pick to the URL, before the rerun reads it."""
    st.query_params[param] = st.session_state[key]


def url_pick(param: str, query: str, options: list[str], label: str, unknown: str, empty: str, key: str,
             **selectbox) -> pd.Series:
    """The row of app/web/sql/<query>.sql for the id in the URL's `param`, picked in a select box among options.

    `unknown` is the error for an id with no row ({shown} is the id, cut short); `empty` is said when there is
    nothing to pick, and the page stops. An id of the URL the options do not hold is put first among them. The URL
    decides what the select box (keyed `key`) shows; a pick in the box moves the URL (to_url)."""
    requested = st.query_params.get(param)
    row = queries.run(query, **{param: requested}) if requested else pd.DataFrame()
    if requested and row.empty:
        shown = requested if len(requested) <= SHOWN else f"{requested[:SHOWN]}..."
        st.error(unknown.format(shown=repr(shown)))
        requested = None
    if requested and requested not in options:
        options.insert(0, requested)
    if not options:
        st.info(empty)
        st.stop()
    chosen = requested or options[0]
    if st.session_state.get(key) != chosen:  # a link or the browser's Back moved the URL: the box follows it
        st.session_state[key] = chosen
    st.selectbox(label, options, key=key, on_change=to_url, args=(param, key), **selectbox)
    # written back even when unchanged: a page link to this page sets the id without updating the browser's address
    st.query_params[param] = chosen
    if chosen != requested:
        row = queries.run(query, **{param: chosen})
    return row.iloc[0]
