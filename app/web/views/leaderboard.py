"""Leaderboard: models or families under a weight profile, filtered, with rank intervals and trends.

The view is in the address (app/web/board_view.py): every control is a link or a form in the table's own HTML, so
the browser loads no control's script before the table; a change is a new page load.
"""

import math
from dataclasses import replace

import streamlit as st

from app.web import board, board_view, queries
from app.web.page_header import page_header
from pipelines.serving import export_weekly, why_rank
from pipelines.serving import format as fmt
from warehouse.status_line import data_line

meta = page_header("Leaderboard")
st.html(board.STYLE)
profile_names = [p["profile"] for p in queries.records("profiles", default=meta.get("default_profile", ""))]
if not profile_names:
    st.info("Nothing is ranked in the published data yet.")
    st.stop()
options = queries.records("filter_options")
offered = {name: [o["value"] for o in options if o["field"] == column]
           for name, column in board_view.FILTER_FIELDS.items()}
view, alerts = board_view.parse({name: st.query_params.get_all(name) for name in st.query_params}, profile_names,
                                offered)
if alerts:
    alerts.append("Showing the default view.")

models = view.kind == "models"
query = "leaderboard_models" if models else "leaderboard_families"
entity = "model_id" if models else "family"
params = {"kind": "model" if models else "family", "profile": view.profile, "tasks": list(view.task),
          "licenses": list(view.license), "sizes": list(view.size), "open_only": view.open_only,
          "min_coverage": view.coverage / 100}


def page_rows(page_no: int) -> list[dict]:
    """One page of ranked rows; each carries the filtered total, so no separate count query is needed."""
    return queries.records(query, **params, limit=view.rows, offset=(page_no - 1) * view.rows)


rows = page_rows(view.page)
if not rows and view.page != 1:  # a page number past the end (typed in, or an old address): page 1
    rows = page_rows(1)
    alerts.append(f"There is no page {view.page:,} in this view, which has "
                  f"{math.ceil(rows[0]['total'] / view.rows) if rows else 0:,}. Showing page 1.")
    view = replace(view, page=1)
total = rows[0]["total"] if rows else 0
if view.open_only and not total and not queries.records("gating_known")[0]["known"]:
    alerts.append("No model here says whether its weights need approval (archived listings do not carry gating): "
                  "the open-weight filter matches none.")
pages = max(1, math.ceil(total / view.rows))


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
        # Streamlit first writes these into the leaderboard's own address: with this view in them, Back returns here
        keep = {}
        for name, value in view.params():
            keep.setdefault(name, []).append(value)
        st.switch_page(f"views/{page}.py", query_params=keep | {page: frame.iloc[selected[0]][entity]})


weights = queries.weights().get(view.profile)
# the components the chosen profile weighs (a profile's zero-weight components would only widen the table)
components = [c for c in queries.components() if not weights or weights.get(c, 0) > 0]
if weights:
    for r in rows:
        r["why"] = why_rank.sentence(r, weights, r["ranked"])
chosen = [f"{name} {', '.join(these)}" for name, these in (("task", view.task), ("license", view.license),
                                                            ("size", view.size)) if these]
chosen += [f"coverage at least {view.coverage}%"] * (view.coverage > 0) + ["open weight only"] * view.open_only
interactive = view.view == "grid"
kind = board_view.KINDS[view.kind]
about = board.caption(
    f"{total:,} ranked {kind.lower()} · profile {view.profile} · "
    + (f"filters: {'; '.join(chosen)}" if chosen else "no filters")
    + ("" if models or not chosen else " (on each family's root model)")
    + f" · {data_line(meta)} · methodology {meta.get('methodology_version', '-')}"
    + f" · {'select a row' if interactive else 'click a ' + ('model' if models else 'family')} to open its page")
controls = board_view.alert(alerts) + about + board_view.bar(view, profile_names) + board_view.filters(view, offered)
pager = board_view.pager(view, pages)
if weights and rows:
    pager += board.why_list(rows, entity, "model" if models else "family")
if not rows:
    st.html(controls)
    st.info("No rows match these filters.")
    st.stop()


def static_page(tail: str = "") -> str:
    """The controls and this page's table (each row's sparkline once it has its trend), then tail."""
    return controls + board.table(rows, board.columns(models, components),
                                  label=f"{kind} leaderboard, page {view.page}") + tail


if not interactive:  # the first screen before the sparklines' query; the same element then gets them, in place
    slot = st.empty()
    slot.html(static_page())
trends = queries.records("model_trends" if models else "family_trends", ids=[r[entity] for r in rows],
                         days=board.TREND_DAYS)
by_id = {t[entity]: t["trend"] for t in trends}
for r in rows:
    r["trend"] = by_id.get(r[entity])
if interactive:
    st.html(controls)
    grid(rows)
    st.html(pager)
else:
    slot.html(static_page(pager))
if not any(r["trend"] for r in rows):
    st.caption(f"No daily series in the published data, so the last {board.TREND_DAYS} days are blank: they need "
               "daily snapshots (archived data holds point-in-time ones).")


def filtered_csv() -> str:
    """The whole filtered view (every page) as CSV: the weekly export's columns, with this profile's ranks."""
    ids = [r[entity] for r in queries.records(query, **params, limit=None, offset=0)]
    cur = queries.cursor()
    try:
        sql = export_weekly.query("model" if models else "family", meta.get("data_kind"), profile=True)
        return export_weekly.csv_text(cur, sql, {"profile": view.profile, "ids": ids})
    finally:
        cur.close()


# In a popover: a download button's scripts load only when it opens, not before the table (docs/benchmarks.md).
st.popover("Download as CSV", icon=":material/download:").download_button(
    "Download the filtered view as CSV", data=filtered_csv, mime="text/csv",
    file_name=f"revealed-{view.kind}-{view.profile}.csv", icon=":material/download:", on_click="ignore")
