"""Leaderboard: models or families under a weight profile, filtered, with rank intervals and trends."""

import math

import streamlit as st

from app.web import board, queries
from app.web.page_header import page_header
from pipelines.serving import export_weekly, why_rank
from pipelines.serving import format as fmt

PAGE_SIZES = [25, 50, 100]
VIEWS = ["Table", "Interactive grid"]
MAX_BUTTONS = 6  # more weight profiles than this get a drop-down instead of buttons
# The controls' values on a first visit; later runs read them as the browser last sent them (session state).
FIRST_VISIT = {"kind": "Models", "tasks": [], "licenses": [], "sizes": [], "min_coverage": 0.0, "open_only": False,
               "view": VIEWS[0], "page_size": PAGE_SIZES[0], "page_no": 1}

meta = page_header("Leaderboard")
st.html(board.STYLE)
profile_names = [p["profile"] for p in queries.records("profiles", default=meta.get("default_profile", ""))]
if not profile_names:
    st.info("Nothing is ranked in the published data yet.")
    st.stop()

# Top to bottom: the controls, the table, paging and the download. The script writes the table first, into its
# place under the controls, and the controls after it. The browser still shows the table only once the scripts of
# the controls drawn with it have arrived (React holds it back for up to half a second), so the page number and
# the download sit in a popover under the table, whose widgets load only when it opens (docs/benchmarks.md).
bar = st.container(horizontal=True, vertical_alignment="bottom", gap="medium")
board_slot = st.container()
pager = st.container(horizontal=True, vertical_alignment="bottom", gap="medium")
shown = FIRST_VISIT | {"profile": profile_names[0]}
shown |= {key: st.session_state[key] for key in shown if key in st.session_state}
kind, profile, page_size, interactive = shown["kind"], shown["profile"], shown["page_size"], shown["view"] == VIEWS[1]
tasks, licenses, sizes = shown["tasks"], shown["licenses"], shown["sizes"]
min_coverage, open_only = shown["min_coverage"], shown["open_only"]

models = kind == "Models"
query = "leaderboard_models" if models else "leaderboard_families"
entity = "model_id" if models else "family"
params = {"profile": profile, "tasks": tasks, "licenses": licenses, "sizes": sizes,
          "open_only": open_only, "min_coverage": min_coverage}


def page_rows(page_no: int) -> list[dict]:
    """One page of ranked rows; each carries the filtered total, so no separate count query is needed."""
    return queries.records(query, **params, limit=page_size, offset=(page_no - 1) * page_size)


rows = page_rows(shown["page_no"])
if not rows and shown["page_no"] != 1:  # the filters or the page size changed under a later page: back to page 1
    shown["page_no"] = 1
    rows = page_rows(1)


def grid(rows: list[dict]) -> None:
    """This page as the interactive data grid: sortable, and a selected row opens its model or family page."""
    import pandas as pd  # only when asked for: pandas and the grid are what made the first screen slow

    frame = pd.DataFrame(rows)
    frame["rank (90% interval)"] = [fmt.rank(r["rank"], r["rank_low"], r["rank_high"]) for r in rows]
    frame["coverage"] = frame["coverage"] * 100
    percent = st.column_config.NumberColumn(format="%.0f%%")
    config = {
        "rank (90% interval)": st.column_config.TextColumn(help="rank under this profile, with its bootstrap interval"),
        "composite": st.column_config.ProgressColumn(min_value=0, max_value=100, format="%.1f"),
        "coverage": percent,
        "organic_downloads_30d": st.column_config.NumberColumn("organic 30d", format="compact"),
        "trend": st.column_config.LineChartColumn(f"last {board.TREND_DAYS} days", width="small",
                                                 help="organic downloads per day"),
        "clean_score": st.column_config.NumberColumn("clean score", format="%.1f"),
        "active_derivatives": st.column_config.NumberColumn("active derivatives", format="%d"),
        "members": st.column_config.NumberColumn(format="%d"),
    }
    config |= {c: st.column_config.NumberColumn(format="%.0f") for c in components}
    config |= {c: st.column_config.TextColumn(label) for c, label in (
        ("model_id", "model"), ("top_model", "top model"), ("license_class", "license class"),
        ("size_class", "size class"), ("pipeline_tag", "task"))}
    if models:
        frame["automation_share"] = frame["automation_share"] * 100
        config["automation_share"] = st.column_config.NumberColumn("automation", format="%.0f%%")
        columns = ["rank (90% interval)", "model_id", "composite", "coverage", "trend", "organic_downloads_30d",
                   "automation_share", *components, "clean_score", "license_class", "size_class", "pipeline_tag"]
    else:
        frame["organic_share"] = frame["organic_share"] * 100
        config["organic_share"] = st.column_config.NumberColumn("share of organic", format="%.1f%%")
        columns = ["rank (90% interval)", "family", "composite", "coverage", "trend", "organic_downloads_30d",
                   "organic_share", "members", "active_derivatives", "clean_score", "top_model", "license_class"]
    event = st.dataframe(frame, hide_index=True, column_order=columns, column_config=config, key="board",
                         on_select="rerun", selection_mode="single-row", height=min(38 + 35 * len(frame), 720))
    selected = event.selection.rows if event else []
    if selected:
        page = "model" if models else "family"
        st.switch_page(f"views/{page}.py", query_params={page: frame.iloc[selected[0]][entity]})


if rows:
    total = rows[0]["total"]
    pages = math.ceil(total / page_size)
    trends = queries.records("model_trends" if models else "family_trends", ids=[r[entity] for r in rows],
                             days=board.TREND_DAYS)
    by_id = {t[entity]: t["trend"] for t in trends}
    weights = queries.weights().get(profile)
    # the components the chosen profile weighs (a profile's zero-weight components would only widen the table)
    components = [c for c in queries.components() if not weights or weights.get(c, 0) > 0]
    for r in rows:
        r["trend"] = by_id.get(r[entity])
        if weights:
            r["why"] = why_rank.sentence(r, weights, r["ranked"])
    chosen = [f"{name} {', '.join(these)}" for name, these in (("task", tasks), ("license", licenses),
                                                                ("size", sizes)) if these]
    chosen += [f"coverage at least {min_coverage:.0%}"] * (min_coverage > 0) + ["open weight only"] * open_only
    about = board.caption(
        f"{total:,} ranked {kind.lower()} · profile {profile} · "
        + (f"filters: {'; '.join(chosen)}" if chosen else "no filters")
        + ("" if models or not chosen else " (on each family's root model)")
        + f" · Hugging Face as of {fmt.date(meta.get('as_of_hf'))} · methodology {meta.get('methodology_version', '-')}"
        + f" · {'select a row' if interactive else 'click a ' + ('model' if models else 'family')} to open its page")
    with board_slot:
        if interactive:
            st.html(about)
            grid(rows)
        else:
            st.html(about + board.table(rows, board.columns(models, components),
                                        label=f"{kind} leaderboard, page {shown['page_no']}"))
        if weights:
            with st.expander(f"Why each {'model' if models else 'family'} on this page sits where it does"):
                st.markdown("\n".join(f"- `{r[entity]}`: {r['why']}" for r in rows))
else:
    board_slot.info("No rows match these filters.")

# The controls, drawn above the table. Button groups, and the filters in a popover (drawn only when opened):
# drop-down, slider and number widgets each load their own scripts in the browser.
options = queries.records("filter_options")


def values(field: str) -> list[str]:
    """Distinct values of one filter column, most common first."""
    return [o["value"] for o in options if o["field"] == field]


picked = {"kind": bar.segmented_control("Rank", ["Models", "Families"], default="Models", required=True, key="kind")}
if len(profile_names) <= MAX_BUTTONS:
    picked["profile"] = bar.segmented_control("Weight profile", profile_names, default=profile_names[0],
                                              required=True, key="profile")
else:
    picked["profile"] = bar.selectbox("Weight profile", profile_names, key="profile", width=200)
with bar.popover("Filters", icon=":material/filter_list:"):
    picked["tasks"] = st.multiselect("Task", values("pipeline_tag"), key="tasks")
    picked["licenses"] = st.multiselect("License class", values("license_class"), key="licenses")
    picked["sizes"] = st.multiselect("Size class", values("size_class"), key="sizes")
    picked["min_coverage"] = st.slider("Minimum coverage", 0.0, 1.0, 0.0, 0.05, key="min_coverage",
                                       help="share of the profile's weight whose components are present")
    picked["open_only"] = st.toggle("Open weight only", key="open_only")
picked["view"] = bar.segmented_control("View", VIEWS, default=VIEWS[0], required=True, key="view",
                                       help="the interactive grid sorts this page by any column and opens a "
                                            "selected row's model page; it takes about a second longer to draw")
picked["page_size"] = pager.segmented_control("Rows per page", PAGE_SIZES, default=PAGE_SIZES[0], required=True,
                                              key="page_size")
if rows:
    more = pager.popover(f"Page {shown['page_no']:,} of {pages:,} · download", icon=":material/more_horiz:")
    picked["page_no"] = more.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, value=1,
                                          key="page_no", width=150)
if picked != {key: shown[key] for key in picked}:  # a control reset itself (say a profile no longer published)
    st.rerun()
if not rows:
    st.stop()


def filtered_csv() -> str:
    """The whole filtered view (every page) as CSV: the weekly export's columns, with this profile's ranks."""
    ids = [r[entity] for r in queries.records(query, **params, limit=None, offset=0)]
    cur = queries.cursor()
    try:
        sql = export_weekly.query("model" if models else "family", meta.get("data_kind"), profile=True)
        return export_weekly.csv_text(cur, sql, {"profile": profile, "ids": ids})
    finally:
        cur.close()


more.download_button("Download the filtered view as CSV", data=filtered_csv, mime="text/csv",
                     file_name=f"revealed-{kind.lower()}-{profile}.csv", icon=":material/download:",
                     on_click="ignore")
