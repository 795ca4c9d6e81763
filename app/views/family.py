"""Family page: its members by relation, its derivatives and share over time, and its largest members."""

import pandas as pd
import streamlit as st

from app import board, charts, queries
from app import format as fmt
from app.page_header import page_header

TOP = 25
RELATIONS = ["root", "finetune", "quantized", "adapter", "merge", "unknown"]


def model_href(model_id) -> str | None:
    """The model page of model_id, relative to the app (as the leaderboard links it)."""
    return None if fmt.missing(model_id) else board.href("model", model_id)


meta = page_header("Family")
requested = st.query_params.get("family")
largest = queries.run("families_top", limit=200)["family"].tolist()
family = queries.run("family", family=requested) if requested else pd.DataFrame()
if requested and family.empty:
    shown = requested if len(requested) <= 120 else f"{requested[:120]}..."
    st.error(f"Unknown family {shown!r}: no family root with that id in the published data. "
             "Expected the Hugging Face id of a family's root model; pick one below.")
    requested = None
if requested and requested not in largest:
    largest.insert(0, requested)
if not largest:
    st.info("No families in the published data.")
    st.stop()
chosen = st.selectbox("Family (by its root model)", largest, index=largest.index(requested) if requested else 0,
                      key="family_pick", help="the 200 largest families by organic downloads")
if chosen != requested:
    st.query_params["family"] = chosen
    family = queries.run("family", family=chosen)
f = family.iloc[0]

st.header(f["family"])
st.caption(f"root model: license {f['license'] or 'unknown'} ({f['license_class'] or 'unknown'}) · "
           f"{f['size_class'] or 'unknown size'} · {f['pipeline_tag'] or 'task unknown'} · "
           f"created {fmt.date(f['root_created_at'])}")
st.page_link("views/model.py", label="Open the root model's page", query_params={"model": f["family"]},
             icon=":material/arrow_forward:")
cols = st.columns(5)
cols[0].metric("Rank (90% interval)", fmt.rank(f["rank"], f["rank_low"], f["rank_high"]))
cols[1].metric("Members", fmt.count(f["members"]))
cols[2].metric("Organic downloads, 30 d", fmt.compact(f["organic_downloads_30d"]))
cols[3].metric("Share of all organic downloads", fmt.pct(f["organic_share"], 1))
cols[4].metric("Active derivatives", fmt.count(f["active_derivatives"]))

members = queries.run("family_members", family=f["family"])
by_relation = (members.groupby("relation")
               .agg(members=("model_id", "size"), organic=("organic_downloads_30d", "sum"))
               .reindex([r for r in RELATIONS if r in set(members["relation"])]).reset_index())
by_relation["share"] = by_relation["organic"] / max(by_relation["organic"].sum(), 1) * 100
left, right = st.columns(2)
with left:
    st.subheader("Members by relation")
    st.dataframe(by_relation, hide_index=True, column_config={
        "relation": st.column_config.TextColumn("Relation to its parent"),
        "members": st.column_config.NumberColumn("Members", format="%d"),
        "organic": st.column_config.NumberColumn("Organic downloads, 30 d", format="compact"),
        "share": st.column_config.NumberColumn("Share of the family's downloads", format="%.1f%%")})
    st.altair_chart(charts.member_share(members.head(TOP)))
with right:
    daily = queries.run("family_daily", family=f["family"])
    st.subheader("Derivatives over time")
    if daily.empty:
        st.info("No daily series for this family.")
    else:
        st.altair_chart(charts.family_derivatives(daily))
        st.subheader("Share of all organic downloads")
        st.altair_chart(charts.family_share_of_all(daily))

st.subheader(f"Top members (largest {min(TOP, len(members))} of {len(members):,})")
top = members.head(TOP).assign(
    model=lambda d: d["model_id"].map(model_href), parent=lambda d: d["parent"].map(model_href),
    family_share=lambda d: d["family_share"] * 100,
    rank=lambda d: d["rank"].map(fmt.rank), created_at=lambda d: d["created_at"].map(fmt.date),
    params_b=lambda d: d["params_b"].map(lambda v: "unknown" if fmt.missing(v) else f"{v:,.1f}B"))
link = r"model\?model=(.*)"
st.dataframe(top, hide_index=True, column_order=["model", "relation", "parent", "organic_downloads_30d",
                                                 "family_share", "rank", "composite", "params_b", "created_at"],
             column_config={
                 "model": st.column_config.LinkColumn("Model", display_text=link, width="large"),
                 "relation": st.column_config.TextColumn("Relation"),
                 "parent": st.column_config.LinkColumn("Parent", display_text=link, width="large"),
                 "organic_downloads_30d": st.column_config.NumberColumn("Organic downloads, 30 d", format="compact"),
                 "family_share": st.column_config.NumberColumn("Share of the family", format="%.1f%%"),
                 "rank": st.column_config.TextColumn("Rank"),
                 "composite": st.column_config.NumberColumn("Composite", format="%.1f"),
                 "params_b": st.column_config.TextColumn("Parameters"),
                 "created_at": st.column_config.TextColumn("Created")})
