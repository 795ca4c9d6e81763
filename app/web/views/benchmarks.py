"""Benchmarks: clean vs legacy scores per model, the contamination gap, and unmatched names."""

import streamlit as st

from app.web import charts, queries, tables
from app.web.page_header import page_header

LIMIT = 200

meta = page_header("Benchmarks")
st.write("Clean scores count only items published after a model's release (LiveBench releases, LiveCodeBench "
         "windows); legacy scores are static claims from model cards. A large positive gap suggests contamination.")
scores = queries.run("benchmark_models", limit=LIMIT)
if scores.empty:
    st.info("No benchmark scores matched to models in the published data.")
else:
    st.altair_chart(charts.clean_vs_legacy(scores), width="content")
    tables.table(scores, {"model_id": tables.link("Model"),
                          "contamination_gap": tables.number("Gap", "%.1f", help="legacy claim - clean score"),
                          "clean_score": tables.number("Clean score", "%.1f"),
                          "legacy_score": tables.number("Legacy claim", "%.1f"),
                          "clean_source": tables.text("Clean score from"), "rank": tables.number("Rank")}, height=420)
    st.caption(f"Up to {LIMIT} models, largest contamination gap first.")

st.subheader("Sources and releases")
tables.table(queries.run("benchmark_sources"), {
    "source": tables.text("Source"), "release": tables.text("Release"), "kind": tables.text("Kind"),
    "names": tables.number("Model names"), "unmatched": tables.number("Unmatched"),
    "window_start": tables.text("Problems from"), "window_end": tables.text("Problems to")})
st.subheader("Unmatched names")
unmatched = queries.run("benchmark_unmatched", limit=LIMIT)
if unmatched.empty:
    st.success("Every benchmark name matched a Hugging Face repository.")
else:
    st.write(f"{len(unmatched)} benchmark entries matched no Hugging Face repository (shown up to {LIMIT}); "
             "their scores count for no model.")
    tables.table(unmatched, {
        "name_in_source": tables.text("Name in the source", width="large"), "source": tables.text("Source"),
        "release": tables.text("Release"), "kind": tables.text("Kind"), "categories": tables.number("Categories"),
        "best_score": tables.number("Best score", "%.1f")}, height=min(38 + 35 * len(unmatched), 420))
