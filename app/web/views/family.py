"""Family page: its members by relation, its derivatives and share over time, and its largest members."""

import streamlit as st

from app.web import charts, queries, tables
from app.web.page_header import page_header
from app.web.url_pick import url_pick
from pipelines.serving import format as fmt

TOP = 25
RELATIONS = ["root", "finetune", "quantized", "adapter", "merge", "unknown"]


meta = page_header("Family")
largest = queries.run("families_top", limit=200)["family"].tolist()
f = url_pick("family", "family", largest, "Family (by its root model)", key="family_pick",
             help="the 200 largest families by organic downloads", empty="No families in the published data.",
             unknown="Unknown family {shown}: no family root with that id in the published data. "
                     "Expected the Hugging Face id of a family's root model; pick one below.")

st.header(f["family"])
st.caption(f"root model: license {f['license'] or 'unknown'} ({f['license_class'] or 'unknown'}) · "
           f"{f['size_class'] or 'unknown size'} · {f['pipeline_tag'] or 'task unknown'} · "
           f"created {fmt.date(f['root_created_at'])}")
st.page_link("views/model.py", label="Open the root model's page", query_params={"model": f["family"]},
             icon=":material/arrow_forward:")
cols = st.columns(5)
tables.rank_metric(cols[0], f)
cols[1].metric("Members", fmt.count(f["members"]))
cols[2].metric("Organic downloads, 30 d", fmt.compact(f["organic_downloads_30d"]))
cols[3].metric("Share of organic", fmt.pct(f["organic_share"], 1), help="share of all organic downloads, 30 days")
cols[4].metric("Active derivatives", fmt.count(f["active_derivatives"]))

members = queries.run("family_members", family=f["family"])
by_relation = (members.groupby("relation")
               .agg(members=("model_id", "size"), organic=("organic_downloads_30d", "sum"))
               .reindex([r for r in RELATIONS if r in set(members["relation"])]).reset_index())
by_relation["share"] = by_relation["organic"] / max(by_relation["organic"].sum(), 1) * 100
left, right = st.columns([2, 3])
with left:
    st.subheader("Members by relation")
    tables.table(by_relation, {"relation": tables.text("Relation"), "members": tables.number("Members"),
                               "organic": tables.number("Organic 30 d", "compact"),
                               "share": tables.number("Share", "%.1f%%")})
    st.caption("Relation of each member to its parent; share of the family's organic downloads, 30 days.")
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
top = members.head(TOP).assign(family_share=lambda d: d["family_share"] * 100, rank=lambda d: d["rank"].map(fmt.rank))
tables.table(top, {"model_id": tables.link("Model"), "relation": tables.text("Relation"),
                   "organic_downloads_30d": tables.number("Organic 30 d", "compact"),
                   "family_share": tables.number("Share", "%.1f%%", help="share of the family's organic downloads"),
                   "rank": tables.text("Rank"), "parent": tables.link("Parent")})
