"""Build step: channel entries matched to Hub families, daily pulls from rounded counts, tokens per day."""

import duckdb
import numpy as np
import pandas as pd

from collector.channels.ollama import rounding_step
from pipelines.profiles import Config
from pipelines.steps.channel_names import HubIndex, HubModel, match_all, release_of
from pipelines.steps.sql_step import run_sql_step

WINDOWS = (1, 7, 30, 90, 180, 365)  # days over which a cumulative count's growth is read, shortest first
COARSE_STEPS = 10          # growth must span this many rounding steps (error under 10%) to be shown
MATCH_COLUMNS = ["channel", "name", "hf_id", "family", "method", "candidates"]


SQL_STEPS = ("int_channel_api_daily", "int_channel_entries", "int_channel_totals", "mart_channel_entries",
             "mart_channel_daily")


def build(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Match the channel entries to the Hub snapshot, derive the series, and roll them up per model and family (for
    the scoring step's local and API use components)."""
    matches = match(con)
    con.register("_matches", matches)
    con.execute("CREATE OR REPLACE TABLE int_channel_matches AS SELECT * FROM _matches")
    con.unregister("_matches")
    daily = local_daily(con.execute("SELECT as_of AS day, model, pulls, pulls_str FROM raw_ollama_library "
                                    "ORDER BY model, day").df())
    con.register("_daily", daily)
    con.execute("CREATE OR REPLACE TABLE int_channel_local_daily AS SELECT * FROM _daily")
    con.unregister("_daily")
    for table in SQL_STEPS:
        run_sql_step(con, table)


def match(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per Ollama library model and OpenRouter permaslug, matched to the latest Hub snapshot."""
    [(snapshot,)] = con.execute("SELECT any_value(as_of) FROM stg_hf_latest").fetchall()
    # An Ollama model that appears after the first scrape was published then; earlier ones have no known date.
    local = con.execute("""SELECT model, CASE WHEN min(as_of) > (SELECT min(as_of) FROM raw_ollama_library)
                                              THEN min(as_of) END
                           FROM raw_ollama_library GROUP BY model ORDER BY model""").fetchall()
    api = con.execute("""SELECT s.slug, m.created::DATE, m.hugging_face_id FROM
                             (SELECT DISTINCT model_permaslug AS slug FROM raw_openrouter_tokens
                              WHERE model_permaslug <> 'other') s
                         LEFT JOIN (SELECT canonical_slug, arg_max(created, as_of) AS created,
                                           arg_max(hugging_face_id, as_of) AS hugging_face_id
                                    FROM raw_openrouter_models GROUP BY canonical_slug) m
                           ON m.canonical_slug = s.slug ORDER BY s.slug""").fetchall()
    entries = [("ollama", name, first, None) for name, first in local]
    entries += [("openrouter", slug, release_of(slug) or created, hint) for slug, created, hint in api]
    if snapshot is None or not entries:  # the Hub's name index costs seconds at 100k models: only built when used
        return pd.DataFrame(columns=MATCH_COLUMNS)
    hub = [HubModel(i, f, int(d or 0)) for i, f, d in con.execute(
        "SELECT l.id, coalesce(f.family, l.id), l.downloads FROM stg_hf_latest l "
        "LEFT JOIN int_model_family f ON f.model_id = l.id").fetchall()]
    rows = match_all(HubIndex(hub, snapshot), entries)
    return pd.DataFrame([[getattr(r, c) for c in MATCH_COLUMNS] for r in rows], columns=MATCH_COLUMNS)


def local_daily(raw: pd.DataFrame) -> pd.DataFrame:
    """Per model and day: cumulative pulls, the rounding step, and pulls per day read over the shortest window whose
    growth spans COARSE_STEPS rounding steps (NULL and coarse when no window does).

    A window of w days compares with the latest scrape at least w days earlier (days without a scrape are skipped)
    and divides by the days actually between the two scrapes.
    """
    out = raw[raw["pulls"].notna()].copy()
    out["pulls"] = out["pulls"].astype("int64")
    out["step"] = [rounding_step(s) if isinstance(s, str) else 1 for s in out["pulls_str"]]
    out["day"] = pd.to_datetime(out["day"]).astype("datetime64[ns]")
    out = out.sort_values("day").reset_index(drop=True)
    out["daily_pulls"], out["window_days"] = np.nan, pd.array([pd.NA] * len(out), dtype="Int64")
    earlier = out[["model", "day", "pulls"]].rename(columns={"day": "scraped", "pulls": "pulls_then"})
    earlier["then"] = earlier["scraped"]
    for window in reversed(WINDOWS):  # shorter windows overwrite longer ones where they are fine enough
        probe = out[["model", "day"]].assign(then=(out["day"] - pd.Timedelta(days=window)).astype("datetime64[ns]"))
        back = pd.merge_asof(probe.reset_index().sort_values("then"), earlier.sort_values("then"), on="then",
                             by="model", direction="backward").set_index("index").sort_index()
        days = (out["day"] - back["scraped"]).dt.days.to_numpy(dtype=float)
        growth = out["pulls"].to_numpy() - back["pulls_then"].to_numpy(dtype=float)
        fine = ~np.isnan(growth) & (growth >= COARSE_STEPS * out["step"].to_numpy())
        out.loc[fine, "daily_pulls"] = growth[fine] / days[fine]
        out.loc[fine, "window_days"] = days[fine].astype(int)
    out["coarse"] = out["daily_pulls"].isna()
    out["day"] = out["day"].dt.date
    return out.sort_values(["model", "day"])[["model", "day", "pulls", "pulls_str", "step", "window_days",
                                               "daily_pulls", "coarse"]]
