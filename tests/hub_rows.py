"""Small hand-made Hub snapshots and upstream tables for the lineage, scoring and export tests."""

import datetime as dt

import pandas as pd

from pipelines.steps.denoise import NOISE_COLUMNS

AS_OF = dt.date(2026, 11, 1)


def hub_snapshot(con, models: list[dict], as_of: dt.date = AS_OF, sandbox: bool = True) -> None:
    """Insert one raw_hf_models slice and its run; model keys: id, parents [(relation, parent)], params, ..."""
    run_id = f"hf-{as_of}"
    con.execute("INSERT INTO collection_runs (run_id, source, endpoint, as_of, started_at, status, sandbox) "
                "VALUES (?, 'hf', 'http://127.0.0.1', ?, now(), 'ok', ?)", [run_id, as_of, sandbox])
    for m in models:
        con.execute(
            "INSERT INTO raw_hf_models (as_of, run_id, id, created_at, downloads, params, license, gated, likes, "
            "pipeline_tag, base_models) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 3, 'text-generation', ?)",
            [as_of, run_id, m["id"], m.get("created", dt.date(2026, 6, 1)), m.get("downloads", 100),
             m.get("params", 7_000_000_000), m.get("license", "apache-2.0"), m.get("gated", "false"),
             [{"relation": r, "parent": p} for r, p in m.get("parents", [])]])


def upstream_noise(con, organic: dict[str, int], as_of: dt.date = AS_OF, days: int = 40,
                   trend: dict[str, float] | None = None) -> None:
    """int_model_noise and int_model_daily as de-noising writes them; trend[id] is the daily growth (default flat)."""
    rows = [{"model_id": k, "as_of": as_of, "raw_downloads_30d": int(v * 1.25), "organic_downloads_30d": v,
             "automation_share": 0.2, "noise_reasons": "burst", "mostly_automation": False,
             "unseen_share": 0.0, "mirror_of": None} for k, v in organic.items()]
    con.register("_noise", pd.DataFrame(rows))
    con.execute(f"CREATE OR REPLACE TABLE int_model_noise AS SELECT {NOISE_COLUMNS} FROM _noise")
    daily = []
    for k, v in organic.items():
        slope = (trend or {}).get(k, 0.0)
        for i in range(days):
            level = max(v / 30 * (1 + slope * (i - days / 2)), 0)
            daily.append({"model_id": k, "day": as_of - dt.timedelta(days=days - i),
                          "raw_downloads": round(level * 1.25), "organic_downloads": round(level),
                          "imputed": False, "decreased": False})
    con.register("_daily", pd.DataFrame(daily))
    con.execute("CREATE OR REPLACE TABLE int_model_daily AS SELECT * FROM _daily")
    con.unregister("_noise")
    con.unregister("_daily")
