"""The top of every app page: its title, the data-kind banner, and the no-data guard."""

import streamlit as st

from app import format as fmt
from app import queries


def page_header(title: str) -> dict[str, str]:
    """Write the title and the sandbox/live/archived banner; stop the page when nothing is published. Returns meta."""
    st.title(title)
    try:
        meta = queries.meta()
    except queries.NoData as exc:
        st.info(str(exc))
        st.stop()
    if meta.get("data_kind") == "live":
        st.caption(f"Live data · Hugging Face as of {meta.get('as_of_hf', '-')} · "
                   f"methodology {meta.get('methodology_version', '-')}")
    elif meta.get("data_kind") == "reference":
        st.info(f"**{fmt.reference_note(meta.get('as_of_hf'))}.** "
                f"Methodology {meta.get('methodology_version', '-')}", icon=":material/inventory_2:")
    else:
        st.warning("**Sandbox data: fictional.** Every model, download and score here comes from the local "
                   "sandbox, not from Hugging Face, GitHub or any benchmark "
                   f"(built {fmt.date(meta.get('built_at'))}).", icon=":material/science:")
    return meta
