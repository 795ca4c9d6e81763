"""Noise: where CI and automation inflate download counts, and why."""

import streamlit as st

from app import charts, noise_reasons, queries
from app import format as fmt
from app.page_header import page_header

meta = page_header("Noise")
totals = queries.run("noise_totals").iloc[0]
cols = st.columns(4)
cols[0].metric("Raw downloads, 30 d", fmt.compact(totals["raw"]))
cols[1].metric("Organic downloads, 30 d", fmt.compact(totals["organic"]))
cols[2].metric("Automation share", fmt.pct(totals["automation_share"], 1))
cols[3].metric("Mostly automated, not ranked", f"{int(totals['mostly_automated']):,}",
               help="models with more than half of their downloads from CI or automation (test fixtures among them): "
                    "listed here, left out of every ranking")
if (totals["unseen_share"] or 0) > 0:
    st.info(f"{fmt.pct(totals['unseen_share'], 1)} of the 30-day downloads fall on days without a daily figure "
            "(before this warehouse's first snapshot, or before a model was listed): attributed, not observed. "
            "Days before the first snapshot count as organic, minus the steady automation share of the days "
            "seen; column `unseen` per model.")

min_raw = st.select_slider("Only models with at least this many raw downloads", [0, 100, 1_000, 10_000, 100_000],
                           value=1_000, format_func=fmt.compact, key="noise_min_raw")
noisy = queries.run("noise_models", min_raw=min_raw, limit=25)
if noisy.empty:
    st.info("No model has that many raw downloads.")
    st.stop()
left, right = st.columns([3, 2])
with left:
    st.subheader("Largest automation share")
    st.altair_chart(charts.noise_bars(noisy))
with right:
    st.subheader("Downloads removed per reason")
    reasons = queries.run("noise_reasons")
    reasons["meaning"] = reasons["reason"].map(noise_reasons.meaning)
    st.dataframe(reasons, hide_index=True,
                 column_config={"removed": st.column_config.NumberColumn(format="compact"),
                                "meaning": st.column_config.TextColumn(width="large")})
noisy[["automation_share", "unseen_share"]] = noisy[["automation_share", "unseen_share"]] * 100
st.dataframe(noisy, hide_index=True, column_config={
    "automation_share": st.column_config.NumberColumn("automation", format="%.0f%%"),
    "unseen_share": st.column_config.NumberColumn("unseen", format="%.0f%%"),
    **{c: st.column_config.NumberColumn(format="compact")
       for c in ["raw_downloads_30d", "organic_downloads_30d", "removed"]}})
