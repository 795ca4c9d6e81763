"""Data health: pipeline state, freshness per source and recent collection runs."""

import streamlit as st

from app import format as fmt
from app import queries
from app.page_header import page_header
from warehouse import status, status_line

meta = page_header("Data health")
freshness, runs = queries.collection_status(recent=30)
st.subheader(status_line.pipeline_line(built_at=meta.get("built_at")))
jobs = status.jobs_table()
if not jobs.empty:
    st.dataframe(jobs, hide_index=True)
last_run = freshness["last_ok_at"].max() if not freshness.empty else None
st.caption(f"Last good collection run finished {fmt.date(last_run)} · warehouse built {fmt.date(meta.get('built_at'))}"
           f" · methodology {meta.get('methodology_version', '-')} · inputs {meta.get('inputs_hash', '-')}")

st.subheader("Freshness per source")
cols = st.columns(max(len(freshness), 1))
for col, source in zip(cols, freshness.itertuples(), strict=False):
    col.metric(source.source, fmt.date(source.last_ok_as_of),
               delta=f"{source.failed_runs} failed run(s)" if source.failed_runs else "no failures",
               delta_color="inverse" if source.failed_runs else "off", delta_arrow="off")
day = st.column_config.DateColumn(format="YYYY-MM-DD")
moment = st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss")
st.dataframe(freshness, hide_index=True, column_config={"last_ok_as_of": day, "last_ok_at": moment})

st.subheader("Recent collection runs")
if runs.empty:
    st.info("No collection runs recorded.")
else:
    failed = int((runs["status"] == "failed").sum())
    st.write(f"{len(runs)} most recent runs, {failed} failed.")
    st.dataframe(runs, hide_index=True, height=min(38 + 35 * len(runs), 560), column_config={
        "rows_written": st.column_config.NumberColumn("rows", format="compact"), "as_of": day,
        "started_at": moment, "finished_at": moment})
