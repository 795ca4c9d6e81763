"""Benchmarks: clean vs legacy scores per model, the contamination gap, and unmatched names."""

import streamlit as st

from app import charts, queries
from app.page_header import page_header

LIMIT = 200

meta = page_header("Benchmarks")
st.write("Clean scores count only items published after a model's release (LiveBench releases, LiveCodeBench "
         "windows); legacy scores are static claims from model cards. A large positive gap suggests contamination.")
scores = queries.run("benchmark_models", limit=LIMIT)
if scores.empty:
    st.info("No benchmark scores matched to models in the published data.")
else:
    left, right = st.columns([2, 3])
    with left:
        st.altair_chart(charts.clean_vs_legacy(scores))
    with right:
        st.dataframe(scores, hide_index=True, height=420, column_config={
            c: st.column_config.NumberColumn(format="%.1f") for c in ["clean_score", "legacy_score",
                                                                     "contamination_gap"]})
    st.caption(f"Up to {LIMIT} models, largest contamination gap first.")

st.subheader("Sources and releases")
st.dataframe(queries.run("benchmark_sources"), hide_index=True)
st.subheader("Unmatched names")
unmatched = queries.run("benchmark_unmatched", limit=LIMIT)
if unmatched.empty:
    st.success("Every benchmark name matched a Hugging Face repository.")
else:
    st.write(f"{len(unmatched)} benchmark entries matched no Hugging Face repository (shown up to {LIMIT}); "
             "their scores count for no model.")
    st.dataframe(unmatched, hide_index=True, height=min(38 + 35 * len(unmatched), 420))
