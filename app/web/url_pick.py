"""The entity a page shows: the id in its URL, else the first of a list; an unknown id is named."""

import pandas as pd
import streamlit as st

from app.web import queries

SHOWN = 120  # characters of an unknown id repeated back


def url_pick(param: str, query: str, options: list[str], label: str, unknown: str, empty: str,
             searched: bool = False, **selectbox) -> pd.Series:
    """The row of app/web/sql/<query>.sql for the id in the URL's `param`, picked in a select box among options.

    `unknown` is the error for an id with no row ({shown} is the id, cut short); `empty` is said when there is
    nothing to pick, and the page stops. When the options are a search's (`searched`), an id of the URL they do not
    hold gives way to the first of them. The pick is written back to the URL."""
    requested = st.query_params.get(param)
    row = queries.run(query, **{param: requested}) if requested else pd.DataFrame()
    if requested and row.empty:
        shown = requested if len(requested) <= SHOWN else f"{requested[:SHOWN]}..."
        st.error(unknown.format(shown=repr(shown)))
        requested = None
    if requested and requested not in options:
        if searched:
            requested = None
        else:
            options.insert(0, requested)
    if not options:
        st.info(empty)
        st.stop()
    chosen = st.selectbox(label, options, index=options.index(requested) if requested else 0, **selectbox)
    # written back even when unchanged: a page link to this page sets the id without updating the browser's address
    st.query_params[param] = chosen
    if chosen != requested:
        row = queries.run(query, **{param: chosen})
    return row.iloc[0]
