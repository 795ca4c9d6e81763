"""Families: share of organic downloads over time, derivative growth and concentration."""

import streamlit as st

from app.web import charts, queries, tables
from app.web.page_header import page_header
from pipelines.serving import format as fmt

meta = page_header("Families")
conc = queries.run("family_concentration")
if conc.empty:  # no slider then: it only sizes the daily charts
    st.info("No daily family series in the published data: shares over time need daily snapshots (archived data has "
            "point-in-time ones). The largest families below are from the latest snapshot.")
else:
    share = queries.run("family_share_daily", top=st.slider("Families to show", 3, 15, 8, key="families_top"))
    latest = conc.iloc[-1]
    cols = st.columns(3)
    cols[0].metric("Top-5 family share", fmt.pct(latest["top5_share"]),
                   delta=f"{(latest['top5_share'] - conc.iloc[0]['top5_share']) * 100:+.1f} pts over the window")
    cols[1].metric("HHI", f"{latest['hhi']:.3f}", help="Herfindahl-Hirschman index of family shares: "
                   "sum of squared shares, 1 = one family takes everything")
    cols[2].metric("Days covered", f"{len(conc)}")

    st.subheader("Share of organic downloads")
    st.altair_chart(charts.family_share(share))
    st.subheader("Derivative growth")
    st.altair_chart(charts.derivative_growth(share))
    st.subheader("Concentration over time")
    left, right = st.columns(2)
    with left:
        st.altair_chart(charts.top5_share(conc))
    with right:
        st.altair_chart(charts.hhi(conc))

st.subheader("Largest families")
families = queries.run("families_top", limit=50)
families["rank"] = [fmt.rank(r, lo, hi) for r, lo, hi in
                    zip(families["rank"], families["rank_low"], families["rank_high"], strict=True)]
families["organic_share"] = families["organic_share"] * 100
tables.table(families, {
    "family": tables.link("Family", page="family"), "rank": tables.text("Rank (90% interval)"),
    "members": tables.number("Members"), "organic_downloads_30d": tables.number("Organic 30 d", "compact"),
    "organic_share": tables.number("Share", "%.1f%%"), "active_derivatives": tables.number("Active derivatives"),
    "composite": tables.number("Composite", "%.1f")}, height=420)
st.caption("Click a family to open its page: members by relation, derivatives over time, its largest members.")
