"""The top of every app page: its title, the one-line data status, the data-kind banner, and the no-data guard."""

import streamlit as st

from app.web import queries
from pipelines.serving import format as fmt
from warehouse.status_line import scheduler_now, status_line


def page_header(title: str) -> dict[str, str]:
    """Write the title, where the data stands, the sandbox/archived banner; stop the page when nothing is published."""
    st.title(title)
    try:
        meta = queries.meta()
    except queries.NoData as exc:
        st.info(str(exc))
        st.stop()
    state, running = scheduler_now(queries.home())
    st.caption(status_line(meta, state, running=running))
    if meta.get("data_kind") == "reference":
        st.info(f"**{fmt.reference_note(meta.get('as_of_hf'))}.** "
                f"Methodology {meta.get('methodology_version', '-')}", icon=":material/inventory_2:")
    elif meta.get("data_kind") != "live":
        st.warning("**Sandbox data: fictional.** Every model, download and score here comes from the local "
                   "sandbox, not from Hugging Face, GitHub or any benchmark. Its calendar is fixed so every build "
                   f"of it is the same: it ends on {meta.get('as_of_hf', '-')}, though it was built "
                   f"{fmt.date(meta.get('built_at'))}; the data is not stale.", icon=":material/science:")
    return meta
