"""Families: share of organic downloads over time, derivative growth and concentration."""

import streamlit as st

from app import board, charts, queries
from app import format as fmt
from app.page_header import page_header

meta = page_header("Families")
top = st.slider("Families to show", 3, 15, 8, key="families_top")
share = queries.run("family_share_daily", top=top)
conc = queries.run("family_concentration")
if share.empty:
    st.info("No family series in the published data.")
    st.stop()

latest = conc.iloc[-1]
cols = st.columns(3)
cols[0].metric("Top-5 family share", fmt.pct(latest["top5_share"]),
               delta=f"{(latest['top5_share'] - conc.iloc[0]['top5_share']) * 100:+.1f} pts over the window")
cols[1].metric("HHI", f"{latest['hhi']:.3f}", help="Herfindahl-Hirschman index of family shares: "
               "sum of squared shares, 1 = one family takes everything")
cols[2].metric("Days covered", f"{len(conc)}")

left, right = st.columns(2)
with left:
    st.subheader("Share of organic downloads")
    st.altair_chart(charts.family_share(share))
with right:
    st.subheader("Derivative growth")
    st.altair_chart(charts.derivative_growth(share))
st.subheader("Concentration over time")
st.altair_chart(charts.concentration(conc))

st.subheader("Largest families")
families = queries.run("families_top", limit=50)
families["rank"] = [fmt.rank(r, lo, hi) for r, lo, hi in
                    zip(families["rank"], families["rank_low"], families["rank_high"], strict=True)]
families["organic_share"] = families["organic_share"] * 100
families["page"] = families["family"].map(lambda f: board.href("family", f))
families["top_model"] = families["top_model"].map(lambda m: None if fmt.missing(m) else board.href("model", m))
count = st.column_config.NumberColumn
st.dataframe(families, hide_index=True, height=420, column_order=[
    "page", "rank", "members", "organic_downloads_30d", "organic_share", "active_derivatives", "derivatives_finetune",
    "derivatives_quantized", "derivatives_adapter", "derivatives_merge", "composite", "top_model"], column_config={
    "page": st.column_config.LinkColumn("Family", display_text=r"family\?family=(.*)", width="medium"),
    "rank": st.column_config.TextColumn("Rank (90% interval)"),
    "members": count("Members", format="%d"),
    "organic_downloads_30d": count("Organic 30 d", format="compact"),
    "organic_share": count("Share", format="%.1f%%"),
    "active_derivatives": count("Active derivatives", format="%d"),
    **{f"derivatives_{r}": count(r.capitalize() + "s", format="%d") for r in ("finetune", "quantized", "adapter")},
    "derivatives_merge": count("Merges", format="%d"),
    "composite": count("Composite", format="%.1f"),
    "top_model": st.column_config.LinkColumn("Top model", display_text=r"model\?model=(.*)", width="medium")})
st.caption("Click a family to open its page: members by relation, derivatives over time, its largest members.")
