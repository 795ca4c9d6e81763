"""Channels: Hub organic downloads, Ollama pulls and OpenRouter tokens per family, and where they disagree."""

import streamlit as st

from app.web import queries
from app.web.page_header import page_header

NUMBER = st.column_config.NumberColumn
COLUMNS = {"organic_downloads_30d": NUMBER("HF organic 30d", format="compact"),
           "local_pulls_30d": NUMBER("Ollama pulls 30d", format="compact"),
           "api_tokens_30d": NUMBER("OpenRouter tokens 30d", format="compact"),
           "value_30d": NUMBER("last 30 days", format="compact"),
           "local_vs_hub": NUMBER("local vs Hub", format="%+.2f"), "api_vs_hub": NUMBER("API vs Hub", format="%+.2f")}
COLUMNS |= {c: st.column_config.DateColumn(c, format="YYYY-MM-DD") for c in ("as_of", "as_of_hf", "as_of_local",
                                                                             "as_of_api")}

meta = page_header("Channels")
st.write("Three channels of revealed preference, each with its own date: organic Hugging Face downloads, pulls "
         "from the Ollama library (local use) and tokens through OpenRouter (API use). Ollama shows rounded "
         "cumulative counts, so pulls per day are read over a window long enough for the rounding; a count too "
         "coarse for that is left empty, never zero. OpenRouter data: Source: OpenRouter (openrouter.ai/rankings).")
families = queries.run("channel_families")
if families.empty:
    st.info("No channel entry matched a family of this Hub snapshot (import or collect Ollama and OpenRouter, "
            "then `revealed build`).")
else:
    st.subheader("Families side by side")
    st.dataframe(families, hide_index=True, height=360, column_config=COLUMNS)
    family = st.selectbox("Family over time", families["family"], key="channels_family")
    daily = queries.run("channel_daily", family=family)
    charts = st.columns(3)
    for column, channel in zip(charts, ("Hugging Face organic downloads", "Ollama pulls per day",
                                        "OpenRouter tokens"), strict=True):
        series = daily[daily["channel"] == channel]
        column.caption(channel)
        if series.empty:
            column.write("no data for this family")
        else:
            column.line_chart(series, x="day", y="value", height=200)
    st.subheader("Where the channels disagree")
    st.caption("Percentile rank in a channel minus percentile rank on the Hub, among families with both figures.")
    left, right = st.columns(2)
    for column, key, label in ((left, "api_vs_hub", "API"), (right, "local_vs_hub", "local")):
        ranked = families.dropna(subset=[key]).sort_values(key)
        if ranked.empty:
            column.info(f"No family has both {label} use and Hub downloads in this build.")
            continue
        column.write(f"Popular on {label}, rarely downloaded")
        column.dataframe(ranked.tail(5).iloc[::-1][["family", key]], hide_index=True, column_config=COLUMNS)
        column.write(f"Downloaded, rarely used on {label}")
        column.dataframe(ranked.head(5)[["family", key]], hide_index=True, column_config=COLUMNS)

st.subheader("Entries without a Hub family")
unmatched = queries.run("channel_entries", unmatched=True)
st.write(f"{len(unmatched)} channel entries have no family in the Hub snapshot of {meta.get('as_of_hf', '-')}: "
         "released after it (after_snapshot), several owners alike (ambiguous), or no repository by that name.")
st.dataframe(unmatched, hide_index=True, height=360, column_config=COLUMNS)
