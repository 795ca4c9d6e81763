"""Altair charts for the app pages; each takes a query result and returns a chart."""

import altair as alt
import pandas as pd

HEIGHT = 260
LEGEND = alt.Legend(labelLimit=0)  # whole names: families share long prefixes


def downloads_history(daily: pd.DataFrame) -> alt.Chart:
    """Raw vs organic downloads per day; imputed days marked."""
    long = daily.melt(id_vars=["day", "imputed"], value_vars=["raw_downloads", "organic_downloads"],
                      var_name="series", value_name="downloads")
    long["series"] = long["series"].str.replace("_downloads", "")
    base = alt.Chart(long).encode(
        x=alt.X("day:T", title=None),
        y=alt.Y("downloads:Q", title="downloads per day", axis=alt.Axis(format="~s")),
        color=alt.Color("series:N", title=None, scale=alt.Scale(domain=["raw", "organic"])),
        tooltip=["day:T", "series:N", alt.Tooltip("downloads:Q", format=","), "imputed:N"],
    )
    line = base.mark_line().properties(height=HEIGHT)
    if not daily["imputed"].any():  # an empty layer would make Vega warn of an infinite extent
        return line
    imputed = alt.Chart(long[long["imputed"]]).mark_point(shape="diamond", size=60, filled=True).encode(
        x="day:T", y="downloads:Q", color=alt.Color("series:N", scale=alt.Scale(domain=["raw", "organic"])))
    return line + imputed


def family_share(share: pd.DataFrame) -> alt.Chart:
    """Stacked share of organic downloads per family over time."""
    return alt.Chart(share).mark_area().encode(
        x=alt.X("day:T", title=None),
        y=alt.Y("share:Q", title="share of organic downloads", stack="normalize", axis=alt.Axis(format="%")),
        color=alt.Color("family:N", title="family", legend=LEGEND),
        tooltip=["day:T", "family:N", alt.Tooltip("share:Q", format=".1%"),
                 alt.Tooltip("organic_downloads:Q", format=",")],
    ).properties(height=HEIGHT)


def derivative_growth(share: pd.DataFrame) -> alt.Chart:
    """Derivative count per family over time (the 'other' bucket left out)."""
    named = share[share["family"] != "other"]
    return alt.Chart(named).mark_line().encode(
        x=alt.X("day:T", title=None),
        y=alt.Y("derivatives:Q", title="derivatives created so far"),
        color=alt.Color("family:N", title="family", legend=LEGEND),
        tooltip=["day:T", "family:N", alt.Tooltip("derivatives:Q", format=",")],
    ).properties(height=HEIGHT)


def family_derivatives(daily: pd.DataFrame) -> alt.Chart:
    """One family's derivative count per day."""
    return alt.Chart(daily).mark_line().encode(
        x=alt.X("day:T", title=None),
        y=alt.Y("derivatives:Q", title="derivatives", scale=alt.Scale(zero=False),
                axis=alt.Axis(format="d", tickMinStep=1)),
        tooltip=["day:T", alt.Tooltip("derivatives:Q", format=",")],
    ).properties(height=HEIGHT // 2 + 40)


def family_share_of_all(daily: pd.DataFrame) -> alt.Chart:
    """One family's share of all organic downloads per day."""
    return alt.Chart(daily).mark_line().encode(
        x=alt.X("day:T", title=None),
        y=alt.Y("share:Q", title="share", axis=alt.Axis(format="%")),
        tooltip=["day:T", alt.Tooltip("share:Q", format=".1%"), alt.Tooltip("organic_downloads:Q", format=",")],
    ).properties(height=HEIGHT // 2 + 40)


def top5_share(conc: pd.DataFrame) -> alt.Chart:
    """The five largest families' share of organic downloads over time, on a 0-100% axis."""
    return alt.Chart(conc).mark_line().encode(
        x=alt.X("day:T", title=None),
        y=alt.Y("top5_share:Q", title="top-5 family share", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        tooltip=["day:T", alt.Tooltip("top5_share:Q", title="top-5 share", format=".1%")],
    ).properties(height=HEIGHT)


def hhi(conc: pd.DataFrame) -> alt.Chart:
    """The Herfindahl-Hirschman index of family shares over time, on its own axis."""
    return alt.Chart(conc).mark_line(color="#f58518").encode(
        x=alt.X("day:T", title=None),
        y=alt.Y("hhi:Q", title="HHI (sum of squared family shares)", scale=alt.Scale(zero=True)),
        tooltip=["day:T", alt.Tooltip("hhi:Q", title="HHI", format=".3f")],
    ).properties(height=HEIGHT)


def clean_vs_legacy(scores: pd.DataFrame) -> alt.Chart:
    """Legacy claim against clean score per model; points above the diagonal overclaim."""
    both = scores.dropna(subset=["clean_score", "legacy_score"])
    points = alt.Chart(both).mark_circle(size=50, opacity=0.7).encode(
        x=alt.X("clean_score:Q", title="clean score", scale=alt.Scale(domain=[0, 100])),
        y=alt.Y("legacy_score:Q", title="legacy claim", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("contamination_gap:Q", title="gap", scale=alt.Scale(scheme="orangered")),
        tooltip=["model_id:N", alt.Tooltip("clean_score:Q", format=".1f"),
                 alt.Tooltip("legacy_score:Q", format=".1f"), alt.Tooltip("contamination_gap:Q", format=".1f")],
    )
    diagonal = alt.Chart(pd.DataFrame({"x": [0, 100], "y": [0, 100]})).mark_line(
        color="gray", strokeDash=[4, 4]).encode(x="x:Q", y="y:Q")
    return (diagonal + points).properties(height=HEIGHT + 60, width=HEIGHT + 60)


def noise_bars(noisy: pd.DataFrame) -> alt.Chart:
    """Organic vs removed downloads for the noisiest models."""
    long = noisy.melt(id_vars=["model_id"], value_vars=["organic_downloads_30d", "removed"],
                      var_name="part", value_name="downloads")
    long["part"] = long["part"].map({"organic_downloads_30d": "organic", "removed": "automation (removed)"})
    return alt.Chart(long).mark_bar().encode(
        y=alt.Y("model_id:N", sort=list(noisy["model_id"]), title=None,
                axis=alt.Axis(labelLimit=0, labelOverlap=False)),  # Streamlit's theme thins labels that nearly touch
        x=alt.X("downloads:Q", title="downloads, last 30 days", axis=alt.Axis(format="~s")),
        color=alt.Color("part:N", title=None),
        tooltip=["model_id:N", "part:N", alt.Tooltip("downloads:Q", format=",")],
    ).properties(height=26 * len(noisy))  # a row per model, each labelled: a fixed height, which a fit can keep
    # (a stepped height warns "Dropping fit-y" whenever Streamlit's container fits the chart on a redraw)
