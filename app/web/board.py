"""The leaderboard's visible page as one static HTML table: every value escaped, SVG sparklines, model-page links.

A static table draws in the browser as soon as it arrives; the interactive data grid costs about a second more.
"""

import html
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from pipelines.serving import format as fmt

TREND_DAYS = 30  # days in each row's sparkline
SPARK_WIDTH, SPARK_HEIGHT = 60, 20
LINE = "#4c78a8"
STYLE = """<style>
.rv-board {overflow-x: auto}
.rv-board table {border-collapse: collapse; width: 100%; font-size: 0.8125rem; font-variant-numeric: tabular-nums}
.rv-board th {text-align: left; vertical-align: bottom; font-weight: 600; padding: 0.4rem 0.25rem; line-height: 1.2;
              border-bottom: 1px solid rgba(128, 128, 128, 0.4)}
.rv-board td {padding: 0.25rem 0.25rem; white-space: nowrap; border-bottom: 1px solid rgba(128, 128, 128, 0.15)}
.rv-board .num {text-align: right}
.rv-board .fit {display: inline-block; white-space: normal; overflow-wrap: anywhere; min-width: 9rem}
.rv-board .meta {display: block; font-size: 0.75rem; opacity: 0.6}
.rv-board .meta span {white-space: nowrap}
.rv-board tbody tr:hover {background: rgba(128, 128, 128, 0.08)}
.rv-board .interval {display: block; opacity: 0.6; font-size: 0.75rem}
.rv-board .bar {display: inline-block; width: 2.5rem; height: 0.4rem; margin-right: 0.3rem; vertical-align: middle;
                border-radius: 0.2rem; background: rgba(128, 128, 128, 0.2); overflow: hidden}
.rv-board .bar span {display: block; height: 100%; background: #4c78a8}
.rv-board img, .rv-board .spark {vertical-align: middle}
.rv-caption {font-size: 0.875rem; opacity: 0.6; margin: 0 0 0.5rem 0}
.rv-bar {display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1.25rem; margin: 0.25rem 0 0.75rem 0;
         font-size: 0.875rem}
.rv-group {display: inline-flex; flex-wrap: wrap; align-items: center; gap: 0.25rem}
.rv-label {opacity: 0.6; margin-right: 0.25rem}
.rv-bar a, .rv-filters summary, .rv-filters button, .rv-page button {padding: 0.15rem 0.6rem; color: inherit;
         text-decoration: none; border: 1px solid rgba(128, 128, 128, 0.35); border-radius: 0.5rem;
         background: transparent; font: inherit; cursor: pointer}
.rv-bar a.on {border-color: currentColor; font-weight: 600}
.rv-filters {margin: 0 0 0.75rem 0; font-size: 0.875rem}
.rv-filters summary {display: inline-block}
.rv-filters fieldset {display: inline-block; vertical-align: top; max-height: 12rem; overflow-y: auto;
                      margin: 0.5rem 0.5rem 0 0; border: 1px solid rgba(128, 128, 128, 0.25); border-radius: 0.5rem}
.rv-filters fieldset label {display: block; white-space: nowrap}
.rv-filters input[type="checkbox"] {margin: 0 0.35rem 0 0.5rem}
.rv-filters select, .rv-page input {color: inherit; background: transparent; font: inherit;
                                    border: 1px solid rgba(128, 128, 128, 0.35); border-radius: 0.3rem}
.rv-why {margin: 0.75rem 0; font-size: 0.875rem}
.rv-why summary {cursor: pointer}
.rv-alert {margin: 0 0 0.75rem 0; padding: 0.5rem 1rem; border-left: 0.25rem solid #ff4b4b; border-radius: 0.3rem;
           background: rgba(255, 75, 75, 0.1)}
.rv-alert p {margin: 0.2rem 0}
.rv-page {display: inline-flex; align-items: center; gap: 0.3rem; margin: 0}
.rv-page input {width: 6rem}
""" + f".rv-board .spark {{display: inline-block; width: {SPARK_WIDTH}px; height: {SPARK_HEIGHT}px}}\n</style>"


# Where a long header word may break (a soft hyphen, drawn as "-" only at a break) when the table is short of room
SOFT_HYPHENS = {"adoption": "adop\u00adtion", "automation": "auto\u00admation", "capability": "capa\u00adbility",
                "community": "commu\u00adnity", "derivatives": "deriva\u00adtives", "ecosystem": "eco\u00adsystem",
                "members": "mem\u00adbers", "momentum": "momen\u00adtum"}
# cohort_adoption sits next to "adoption": the same downloads against its cohort
HEADERS = {"cohort_adoption": "in its class", "local_use": "local use", "api_use": "API use"}
COMPONENT_HELP = {
    "adoption": "organic downloads against the most downloaded model, 0-100 (25 points per tenfold fewer)",
    "cohort_adoption": "the same downloads against models of its size and age (RAM), 0-100",
    "momentum": "recent organic downloads against the weeks before, 0-100 (50 = flat)",
    "ecosystem": "derivatives in real use, 0-100",
    "community": "GitHub stars and their growth, 0-100",
    "capability": "clean (contamination-resistant) benchmark score, 0-100",
    "local_use": "Ollama pulls against the most pulled, 0-100 (25 points per tenfold fewer)",
    "api_use": "OpenRouter tokens against the most used, 0-100 (25 points per tenfold fewer)",
}


@dataclass(frozen=True)
class Column:
    """One table column: its header, a tooltip, and how a row becomes this cell's (escaped) HTML."""

    header: str
    cell: Callable[[dict], str]
    numeric: bool = False
    help: str = ""


def caption(words: str) -> str:
    """A line of small print above the table (escaped)."""
    return f'<p class="rv-caption">{html.escape(words)}</p>'


def text(value) -> str:
    """A value as escaped text, '-' when missing."""
    return "-" if fmt.missing(value) else html.escape(str(value))


def href(page: str, value) -> str:
    """The app page `page` (model or family) for one id, relative so it works under any base path."""
    return f"{page}?{page}=" + quote(str(value), safe="")


def page_link(value, page: str = "model") -> str:
    """A link to the model (or family) page of value."""
    if fmt.missing(value):
        return "-"
    return f'<a href="{html.escape(href(page, value))}">{html.escape(str(value))}</a>'


def linked(name: str, small_print: tuple[str, ...] = (), page: str = "model") -> Callable[[dict], str]:
    """A cell linking row[name] to its model (or family) page, with the small_print fields under it (' · ').

    Only these cells and the headers may wrap, and only when the table is short of room: an id after a hyphen (or
    anywhere, if it has none), the small print between its fields, never inside one."""
    def cell(row: dict) -> str:
        meta = " · ".join(f"<span>{text(row[field])}</span>" for field in small_print)
        return (f'<span class="fit">{page_link(row[name], page)}'
                + (f'<span class="meta">{meta}</span>' if small_print else "") + "</span>")
    return cell


def rank(row: dict) -> str:
    """'#3' with its 90% bootstrap interval in small print, and why it sits there as its tooltip."""
    if fmt.missing(row["rank"]):
        return "-"
    interval = "" if fmt.missing(row["rank_low"]) or fmt.missing(row["rank_high"]) else \
        f' <span class="interval">({int(row["rank_low"])}-{int(row["rank_high"])})</span>'
    why = f' title="{html.escape(row["why"])}"' if row.get("why") else ""
    return f"<span{why}><b>#{int(row['rank'])}</b>{interval}</span>"


def bar(value) -> str:
    """A 0-100 score as a small bar and its figure."""
    if fmt.missing(value):
        return "-"
    width = min(max(float(value), 0.0), 100.0)
    return f'<span class="bar"><span style="width: {width:.1f}%"></span></span>{fmt.score(value)}'


def sparkline(values) -> str:
    """A line of daily values as an inline SVG image, described in its alt text; '-' with fewer than 2 days."""
    points = [float(v) for v in (values or []) if not fmt.missing(v)]
    if len(points) < 2:
        return "-"
    low, high = min(points), max(points)
    span = (high - low) or 1.0
    step = (SPARK_WIDTH - 4) / (len(points) - 1)
    xy = [(2 + i * step, SPARK_HEIGHT - 2 - (v - low) / span * (SPARK_HEIGHT - 4)) for i, v in enumerate(points)]
    path = ",".join(f"{x:.0f},{y:.0f}" for x, y in xy)  # whole pixels, commas only: a short data URI
    svg = (f"<svg xmlns='http://www.w3.org/2000/svg' width='{SPARK_WIDTH}' height='{SPARK_HEIGHT}'>"
           f"<polyline points='{path}' fill='none' stroke='{LINE}' stroke-width='1.5'/>"
           f"<circle cx='{xy[-1][0]:.0f}' cy='{xy[-1][1]:.0f}' r='2' fill='{LINE}'/></svg>")
    alt = (f"{len(points)} days of organic downloads: {fmt.compact(low)} to {fmt.compact(high)} a day, "
           f"last {fmt.compact(points[-1])}")
    src = "data:image/svg+xml," + quote(svg, safe=",/:='")  # percent-encoded: no quote, <, > or & is left
    alt = html.escape(alt)
    return f'<img src="{src}" width="{SPARK_WIDTH}" height="{SPARK_HEIGHT}" alt="{alt}" title="{alt}">'


def trend(row: dict) -> str:
    """The row's sparkline; before its trend is read (no "trend" key yet), blank space of the sparkline's size."""
    return sparkline(row["trend"]) if "trend" in row else '<span class="spark"></span>'


def field(name: str, show: Callable | None = None) -> Callable[[dict], str]:
    """A cell showing row[name] as escaped text, through a format from pipelines/serving/format.py when given."""
    return lambda row: text(row[name]) if show is None else html.escape(show(row[name]))


def markup(name: str, render: Callable) -> Callable[[dict], str]:
    """A cell showing row[name] through a function of this module that escapes what it writes."""
    return lambda row: render(row[name])


def header(column: Column) -> str:
    """One header cell, with the column's tooltip."""
    attrs = ' class="num"' if column.numeric else ""
    attrs += f' title="{html.escape(column.help)}"' if column.help else ""
    words = " ".join(SOFT_HYPHENS.get(word, word) for word in column.header.split(" "))
    return f'<th scope="col"{attrs}>{html.escape(words)}</th>'


def table(rows: list[dict], columns: list[Column], label: str) -> str:
    """The rows as an HTML table (named `label` for screen readers); each column's cell function escapes its value.

    Its look is STYLE, which the page writes first (st.html of style alone): the browser then fetches Streamlit's
    HTML renderer while the page's queries still run, not after the table arrives."""
    head = "".join(header(c) for c in columns)
    body = "".join("<tr>" + "".join(f'<td{" class=num" if c.numeric else ""}>{c.cell(row)}</td>' for c in columns)
                   + "</tr>" for row in rows)
    return (f'<div class="rv-board"><table aria-label="{html.escape(label)}">'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def why_list(rows: list[dict], entity: str, noun: str) -> str:
    """Why each row sits where it does, in a disclosure under the table (one HTML renderer, no Markdown to parse)."""
    items = "".join(f"<li><code>{html.escape(str(r[entity]))}</code>: {html.escape(r['why'])}</li>" for r in rows)
    return (f'<details class="rv-why"><summary>Why each {noun} on this page sits where it does</summary>'
            f"<ul>{items}</ul></details>")


def columns(models: bool, components: list[str]) -> list[Column]:
    """The leaderboard's columns for models or for families."""
    lead = [
        Column("rank (90% interval)", rank, help="rank under this profile, with its bootstrap 90% interval; "
                                                 "hover a rank for why it sits there"),
        Column("model", linked("model_id", ("license_class", "size_class", "pipeline_tag")),
               help="open the model page; under it: license class · size class · task") if models else
        Column("family", linked("family", ("license_class",), page="family"),
               help="open the family page; under it: the root model's license class"),
        Column("composite", markup("composite", bar), help="weighted composite of the components, 0-100"),
        Column("coverage", field("coverage", fmt.pct), numeric=True,
               help="share of the profile's weight whose components are present"),
        Column(f"last {TREND_DAYS} days", trend, help="organic downloads per day"),
        Column("organic 30d", field("organic_downloads_30d", fmt.compact), numeric=True,
               help="downloads in the last 30 days with CI and automation traffic removed"),
    ]
    if models:
        return [*lead,
                Column("automation", field("automation_share", fmt.pct), numeric=True,
                       help="share of raw downloads removed as CI or automation"),
                *(Column(HEADERS.get(c, c), field(c, fmt.whole), numeric=True, help=COMPONENT_HELP[c])
                  for c in components)]
    return [*lead,
            Column("share of organic", field("organic_share", lambda v: fmt.pct(v, 1)), numeric=True),
            Column("members", field("members", fmt.count), numeric=True),
            Column("active derivatives", field("active_derivatives", fmt.count), numeric=True),
            Column("clean score", field("clean_score", fmt.score), numeric=True),
            Column("top model", linked("top_model"))]
