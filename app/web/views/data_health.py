"""Data health: pipeline state, freshness per source and recent collection runs."""

import streamlit as st

from app.web import queries, tables
from app.web.page_header import page_header
from pipelines.serving import format as fmt
from warehouse import status, status_line

meta = page_header("Data health")
freshness, runs = queries.collection_status(recent=30)
archived = meta.get("as_of_hf") if meta.get("data_kind") == "reference" else None
state, running = status_line.scheduler_now(queries.home())
st.subheader(status_line.pipeline_line(state, built_at=meta.get("built_at"), archived=archived, running=running))
jobs = status.jobs_table(state)
if not jobs.empty:
    tables.table(jobs.replace({"next_run": {"-": "not scheduled"}}), {
        "job": tables.text("Job"), "last_run": tables.text("Last run"), "status": tables.text("Status"),
        "next_run": tables.text("Next run"), "error": tables.text("Error", width="large")})
last_run = freshness["last_ok_at"].max() if not freshness.empty else None
st.caption(f"Last good collection run finished {fmt.date(last_run)} · warehouse built {fmt.date(meta.get('built_at'))}"
           f" · methodology {meta.get('methodology_version', '-')} · inputs {meta.get('inputs_hash', '-')}")

st.subheader("Freshness per source")
freshness["data"] = freshness["sandbox"].map({True: "sandbox (fictional)",
                                              False: "archived (imported file)" if archived else "live"})
releases = {r["source"]: r["release"] for r in queries.records("benchmark_releases")}
freshness["last_ok_as_of"] = [fmt.release_read(releases.get(source), as_of)
                              for source, as_of in zip(freshness["source"], freshness["last_ok_as_of"], strict=True)]
freshness["last_ok_at"] = freshness["last_ok_at"].map(fmt.date)
tables.table(freshness, {"source": tables.text("Source"), "last_ok_as_of": tables.text("Data as of"),
                         "last_ok_at": tables.text("Collected"), "failed_runs": tables.number("Failed runs"),
                         "data": tables.text("Data")})

repaired = [r for r in queries.records("run_repairs", recent=30) if r.get("repairs")]
for run in repaired:
    lines = run["repairs"].splitlines()
    st.warning(f"{run['source']} run of {fmt.date(run['as_of'])} ({run['status']}) kept the valid upstream data "
               f"and recorded what it repaired or skipped: {lines[0]}")
    with st.expander(f"Everything repaired or skipped in {run['run_id']}"):
        st.code(run["repairs"], language=None, wrap_lines=True)

st.subheader("Recent collection runs")
if runs.empty:
    st.info("No collection runs recorded.")
else:
    failed = int((runs["status"] == "failed").sum())
    st.write(f"{len(runs)} most recent runs, {failed} failed.")
    runs["seconds"] = (runs["finished_at"] - runs["started_at"]).dt.total_seconds()
    for column in ("as_of", "started_at"):
        runs[column] = runs[column].map(fmt.date)
    tables.table(runs, {"source": tables.text("Source"), "as_of": tables.text("Data as of"),
                        "status": tables.text("Status"), "started_at": tables.text("Started"),
                        "seconds": tables.number("Took (s)", "%.1f"), "requests": tables.number("Requests"),
                        "retries": tables.number("Retries"), "rows_written": tables.number("Rows", "compact"),
                        "error": tables.text("Error")},
                 height=min(38 + 35 * len(runs), 560))
