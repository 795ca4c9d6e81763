"""Leaderboard: models or families under a weight profile, filtered, with rank intervals and trends."""

import math

import streamlit as st

from app import format as fmt
from app import queries
from app.page_header import page_header
from pipelines.profiles import COMPONENTS

TREND_DAYS = 30

meta = page_header("Leaderboard")
options = queries.run("filter_options")


def values(field: str) -> list[str]:
    """Distinct values of one filter column, most common first."""
    return options.loc[options["field"] == field, "value"].tolist()


top = st.columns([1, 1, 2, 1])
kind = top[0].segmented_control("Rank", ["Models", "Families"], default="Models", key="kind") or "Models"
profile_names = queries.run("profiles", default=meta.get("default_profile", ""))["profile"].tolist()
profile = top[1].selectbox("Weight profile", profile_names, key="profile")
tasks = top[2].multiselect("Task", values("pipeline_tag"), key="tasks")
page_size = top[3].selectbox("Rows per page", [25, 50, 100], key="page_size")
row = st.columns([1, 1, 1, 1])
licenses = row[0].multiselect("License class", values("license_class"), key="licenses")
sizes = row[1].multiselect("Size class", values("size_class"), key="sizes")
min_coverage = row[2].slider("Minimum coverage", 0.0, 1.0, 0.0, 0.05, key="min_coverage",
                             help="share of the profile's weight whose components are present")
open_only = row[3].toggle("Open weight only", key="open_only")

models = kind == "Models"
query = "leaderboard_models" if models else "leaderboard_families"
entity = "model_id" if models else "family"
params = {"profile": profile, "tasks": tasks, "licenses": licenses, "sizes": sizes,
          "open_only": open_only, "min_coverage": min_coverage}
total = queries.run(query, **params, limit=1, offset=0)["total"].sum()
if total == 0:
    st.info("No rows match these filters.")
    st.stop()
pages = math.ceil(total / page_size)
about, paging = st.columns([5, 1], vertical_alignment="bottom")
page_no = paging.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, value=1, key="page_no")
rows = queries.run(query, **params, limit=page_size, offset=(page_no - 1) * page_size)

trend_query = "model_trends" if models else "family_trends"
trends = queries.run(trend_query, ids=rows[entity].tolist(), days=TREND_DAYS)
rows["trend"] = rows[entity].map(dict(zip(trends[entity], trends["trend"], strict=True)))
rows["rank (90% interval)"] = [fmt.rank(r, lo, hi) for r, lo, hi in
                               zip(rows["rank"], rows["rank_low"], rows["rank_high"], strict=True)]
rows["coverage"] = rows["coverage"] * 100
percent = st.column_config.NumberColumn(format="%.0f%%")
config = {
    "rank (90% interval)": st.column_config.TextColumn(help="rank under this profile, with its bootstrap interval"),
    "composite": st.column_config.ProgressColumn(min_value=0, max_value=100, format="%.1f"),
    "coverage": percent,
    "organic_downloads_30d": st.column_config.NumberColumn("organic 30d", format="compact"),
    "trend": st.column_config.LineChartColumn(f"last {TREND_DAYS} days", width="small",
                                             help="organic downloads per day"),
    "clean_score": st.column_config.NumberColumn("clean score", format="%.1f"),
}
config |= {c: st.column_config.NumberColumn(format="%.0f") for c in COMPONENTS}
if models:
    rows["automation_share"] = rows["automation_share"] * 100
    config["automation_share"] = st.column_config.NumberColumn("automation", format="%.0f%%")
    columns = ["rank (90% interval)", "model_id", "composite", "coverage", "trend", "organic_downloads_30d",
               "automation_share", *COMPONENTS, "clean_score", "license_class", "size_class", "pipeline_tag"]
else:
    rows["organic_share"] = rows["organic_share"] * 100
    config["organic_share"] = st.column_config.NumberColumn("share of organic", format="%.1f%%")
    columns = ["rank (90% interval)", "family", "composite", "coverage", "trend", "organic_downloads_30d",
               "organic_share", "members", "active_derivatives", "clean_score", "top_model", "license_class"]

about.caption(f"{total:,} {kind.lower()} · profile `{profile}` · Hugging Face as of {fmt.date(meta.get('as_of_hf'))}"
              f" · methodology {meta.get('methodology_version', '-')} · select a row to open its model page"
              + ("" if models else " · task, license, size and open-weight filters apply to each family's root model"))
event = st.dataframe(rows, hide_index=True, column_order=columns, column_config=config, key="board",
                     on_select="rerun", selection_mode="single-row", height=min(38 + 35 * len(rows), 720))
selected = event.selection.rows if event else []
if selected:
    st.switch_page("views/model.py", query_params={"model": rows.iloc[selected[0]][entity]})


def filtered_csv() -> str:
    """The whole filtered view (every page) as CSV, labelled with its data kind."""
    everything = queries.run(query, **params, limit=None, offset=0).drop(columns="total")
    everything.insert(0, "data_kind", meta.get("data_kind", "unknown"))
    return everything.to_csv(index=False)


st.download_button("Download the filtered view as CSV", data=filtered_csv, mime="text/csv",
                   file_name=f"revealed-{kind.lower()}-{profile}.csv", icon=":material/download:",
                   on_click="ignore")
