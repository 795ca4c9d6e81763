"""Noise: where CI and automation inflate download counts, and why."""

import streamlit as st

from app.web import charts, noise_reasons, queries, tables
from app.web.page_header import page_header
from pipelines.serving import format as fmt

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
st.subheader("Largest automation share")
st.altair_chart(charts.noise_bars(noisy))
noisy[["automation_share", "unseen_share"]] = noisy[["automation_share", "unseen_share"]] * 100
noisy["noise_reasons"] = noisy["noise_reasons"].map(lambda r: ", ".join(noise_reasons.codes(r)) or None)
tables.table(noisy, {"model_id": tables.link("Model"),
                     "raw_downloads_30d": tables.number("Raw 30 d", "compact"),
                     "organic_downloads_30d": tables.number("Organic 30 d", "compact"),
                     "automation_share": tables.number("Automation", "%.0f%%"),
                     "unseen_share": tables.number("Unseen", "%.0f%%", help="share of the 30-day count on days "
                                                   "without a daily figure"),
                     "noise_reasons": tables.text("Why removed"),
                     "mirror_of": tables.link("Re-upload of")})
st.subheader("Downloads removed per reason")
reasons = queries.run("noise_reasons")
st.markdown("\n".join(f"- `{r.reason}`: {fmt.count(r.models)} model{'s' * (r.models != 1)}, "
                      f"{fmt.compact(r.removed)} downloads removed. Meaning: {noise_reasons.meaning(r.reason)}."
                      for r in reasons.itertuples()))
