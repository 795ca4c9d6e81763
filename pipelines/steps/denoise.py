"""Build step: split daily downloads into organic demand and CI/automation (int_model_noise, int_model_daily).

Reads int_model_daily_raw and raw_hf_models only (never the sandbox's truth). Method: docs/denoising.md.
"""

import logging

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines.profiles import Config
from pipelines.steps import denoise_signals as sig
from pipelines.steps.denoise_floors import floors

log = logging.getLogger(__name__)
WINDOW_DAYS = 30
BLOCK_DAYS = 45
ROW_CHUNK = 50_000

MODELS = """
WITH latest AS (SELECT any_value(as_of) AS as_of FROM stg_hf_latest),
children AS (
    SELECT b.parent AS id, count(*) AS children FROM (SELECT unnest(base_models) AS b FROM stg_hf_latest) GROUP BY 1
)
SELECT i.m, r.id, r.author, r.params, coalesce(r.likes, 0) AS likes, r.downloads, r.as_of,
       CAST(r.created_at AS DATE) AS created, coalesce(k.children, 0) AS children,
       coalesce(len(r.base_models), 0) > 0 AS derived,
       r.as_of = (SELECT as_of FROM latest) AS in_latest
FROM (SELECT * FROM raw_hf_models QUALIFY row_number() OVER (PARTITION BY id ORDER BY as_of DESC) = 1) r
JOIN int_denoise_ids i ON i.model_id = r.id
LEFT JOIN children k ON k.id = r.id
ORDER BY i.m
"""

DAILY = """
SELECT d.rowid - (SELECT min(rowid) FROM int_model_daily_raw) AS row, i.m, (d.day - $first)::INTEGER AS t,
       d.raw_downloads, d.imputed
FROM int_model_daily_raw d JOIN int_denoise_ids i USING (model_id)
"""
# int_model_daily: int_model_daily_raw plus the organic column, matched by row position (no id strings through Python;
# row ids of a table created in the build's transaction start at a large offset, hence the min)
WRITE_DAILY = """
CREATE OR REPLACE TABLE int_model_daily AS
SELECT r.model_id, r.day, r.raw_downloads, o.organic_downloads::BIGINT AS organic_downloads, r.imputed, r.decreased
FROM int_model_daily_raw r POSITIONAL JOIN organic o
"""

# Output columns, typed (an empty build keeps its types).
NOISE_COLUMNS = ("model_id::VARCHAR AS model_id, as_of::DATE AS as_of, "
                 "raw_downloads_30d::BIGINT AS raw_downloads_30d, "
                 "organic_downloads_30d::BIGINT AS organic_downloads_30d, "
                 "automation_share::DOUBLE AS automation_share, noise_reasons::VARCHAR AS noise_reasons, "
                 "mostly_automation::BOOLEAN AS mostly_automation, unseen_share::DOUBLE AS unseen_share")


def cohort_of(params: np.ndarray) -> np.ndarray:
    """Size class index per model (-1 when the size is unknown), the cohort for engagement outliers."""
    return np.where(np.isnan(params) | (params <= 0), -1, np.digitize(params, [1e9, 1e10, 4e10, 1e11]))


def matrix(daily: pa.Table, n_models: int, n_days: int) -> tuple[np.ndarray, np.ndarray]:
    """Dense models x days matrices of raw downloads and of observed (not imputed) downloads, NaN elsewhere."""
    m, t = daily["m"].to_numpy(), daily["t"].to_numpy()
    raw = daily["raw_downloads"].to_numpy().astype(np.float64)
    x = np.full((n_models, n_days), np.nan)
    x[m, t] = raw
    observed = x.copy()
    imputed = daily["imputed"].to_numpy(zero_copy_only=False)
    observed[m[imputed], t[imputed]] = np.nan
    return x, observed


def automation(x: np.ndarray, observed: np.ndarray, age: np.ndarray, weekend: np.ndarray, fixture: np.ndarray,
               mirror: np.ndarray):
    """Automation per model and day, and per-model flags (burst, weekday_only, floor) of the last block."""
    burst = np.zeros_like(x)
    if x.shape[1] == 0:  # a single snapshot: no daily series to read bursts, floors or weekdays from yet
        none = np.zeros(len(x), dtype=bool)
        return np.where(fixture[:, None], x, burst), burst, none, none
    gap = sig.gap_bursts(x, observed)  # first, so a gap's spread-out burst does not lift the rolling baseline
    for lo in range(0, len(x), ROW_CHUNK):
        burst[lo:lo + ROW_CHUNK] = sig.bursts(x[lo:lo + ROW_CHUNK] - gap[lo:lo + ROW_CHUNK], age[lo:lo + ROW_CHUNK])
    burst += gap
    y, y_obs = x - burst, observed - burst
    n_days = x.shape[1]
    last = slice(max(0, n_days - BLOCK_DAYS), n_days)
    fit = sig.block_stats(y_obs[~fixture, last], weekend[last])
    a, c = sig.fit_noise(fit["mean"], fit["var"])
    usable = (fit["m_wd"] >= 20) & (fit["n_we"] >= 4)
    dips = 1 - fit["m_we"][usable] / fit["m_wd"][usable]
    dip = (float(np.median(dips)), float(1.4826 * np.median(np.abs(dips - np.median(dips))))) \
        if usable.sum() >= 20 else (0.2, 0.1)
    log.info("noise model: variance %.3f*m^2 + %.3f*m, weekend dip %.2f (spread %.2f)", a, c, *dip)
    steady = np.zeros_like(x)
    weekday_flag = floor_flag = np.zeros(len(x), dtype=bool)
    for end in range(n_days, 0, -BLOCK_DAYS):
        cols = slice(max(0, end - BLOCK_DAYS), end)
        s = sig.block_stats(y_obs[:, cols], weekend[cols])
        level = sig.local_level(y_obs[:, cols], weekend[cols])
        auto_wd, wd = sig.weekday_only(y[:, cols], y_obs[:, cols], weekend[cols], level, s, dip, a, c, fixture)
        rest = np.where(wd[:, None], np.nan, y_obs[:, cols])
        auto_fl, fl = floors(y[:, cols], rest, weekend[cols], np.where(wd[:, None], np.nan, level), fixture, mirror)
        steady[:, cols] = auto_wd + auto_fl
        if end == n_days:
            weekday_flag, floor_flag = wd, fl
    auto = np.where(fixture[:, None], x, burst + steady)
    return np.where(np.isnan(x), np.nan, np.clip(auto, 0, x)), burst, weekday_flag, floor_flag


def days_before(models, in_window: np.ndarray) -> np.ndarray:
    """Per model, the 30-day window's days before the series began (the first snapshot), from its creation on."""
    age = (models["as_of"].to_numpy(dtype="datetime64[D]")
           - models["created"].to_numpy(dtype="datetime64[D]", na_value=np.datetime64("NaT")))
    days = np.where(np.isnat(age), WINDOW_DAYS, np.minimum(age.astype(np.int64), WINDOW_DAYS))
    return np.clip(days - in_window.sum(), 0, WINDOW_DAYS)


def noise_rows(models, x: np.ndarray, auto: np.ndarray, burst: np.ndarray, in_window: np.ndarray,
               flags: dict[str, np.ndarray], ceiling: np.ndarray) -> pa.Table:
    """int_model_noise: 30-day raw and organic downloads to the latest as_of, automation share and reasons.

    A model whose series shows none of the window's days (a lone or months-apart snapshot) has only what one
    snapshot can show: its downloads above the engagement ceiling count as automation.
    """
    keep = models["in_latest"].to_numpy()
    xw, aw = x[:, in_window], auto[:, in_window]
    raw, auto_obs, burst_obs = np.nansum(xw, axis=1), np.nansum(aw, axis=1), burst[:, in_window].sum(axis=1)
    w = models["downloads"].fillna(0).to_numpy().astype(np.float64)
    # downloads of window days the series lacks, shared by day count between days the model was not listed
    # (a burst when far above the usual rate) and days before the first snapshot (never a burst); what is
    # not a burst carries the steady (non-burst) automation share of the days seen
    rate = sig.nan_median(np.where(np.isnan(xw), np.nan, xw - aw), axis=1)
    unseen = np.maximum(w - raw, 0)
    n_gap, n_before = np.isnan(xw).sum(axis=1), days_before(models, in_window)
    gap = np.where(n_before > 0, unseen * n_gap / np.maximum(n_gap + n_before, 1), unseen)
    unseen_burst = sig.unseen_bursts(gap, n_gap, rate)
    with np.errstate(invalid="ignore", divide="ignore"):
        steady_share = np.nan_to_num(np.clip((auto_obs - burst_obs) / (raw - burst_obs), 0, 1))
    auto_30d = auto_obs + unseen_burst + (unseen - unseen_burst) * steady_share
    unexplained = np.where(np.isnan(xw).all(axis=1) & flags["engagement_outlier"], w - ceiling, 0)
    auto_30d = np.where(flags["test_fixture"] | flags["mirror"], w, np.maximum(auto_30d, unexplained))
    organic = np.rint(np.clip(w - auto_30d, 0, w)).astype(np.int64)
    share = np.divide(w - organic, w, out=np.zeros_like(w), where=w > 0)
    flags = flags | {"burst": flags["burst"] | (unseen_burst > 0) & ~flags["test_fixture"]}
    reasons = pd.Series("", index=range(len(w)), dtype=object)
    for name, hit in flags.items():
        reasons = reasons.where(~hit, reasons + ";" + name)
    reasons = reasons.str.lstrip(";").to_numpy()
    return pa.table({
        "model_id": models["id"].to_numpy()[keep], "as_of": models["as_of"].to_numpy()[keep],
        "raw_downloads_30d": w[keep].astype(np.int64), "organic_downloads_30d": organic[keep],
        "automation_share": share[keep], "noise_reasons": reasons[keep], "mostly_automation": share[keep] > 0.5,
        "unseen_share": np.divide(np.minimum(unseen, w), w, out=np.zeros_like(w), where=w > 0)[keep],
    })


def build(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Compute int_model_noise and int_model_daily (raw and organic downloads per model and day)."""
    con.execute("CREATE OR REPLACE TEMP TABLE int_denoise_ids AS SELECT model_id, (row_number() OVER "
                "(ORDER BY model_id) - 1)::BIGINT AS m FROM (SELECT DISTINCT id AS model_id FROM raw_hf_models)")
    models = con.execute(MODELS).df()
    first, last = con.execute("SELECT min(day), max(day) FROM int_model_daily_raw").fetchall()[0]
    n_days = (last - first).days + 1 if first else 0
    daily = con.sql(DAILY, params={"first": first}).to_arrow_table()
    x, observed = matrix(daily, len(models), n_days)
    days = np.datetime64(first or "1970-01-01", "D") + np.arange(n_days)
    weekend = ((days.astype(np.int64) + 3) % 7) >= 5  # 1970-01-01 was a Thursday
    created = models["created"].to_numpy(dtype="datetime64[D]", na_value=np.datetime64("NaT"))
    age = (days[None, :] - created[:, None]).astype(np.float64)
    age[np.isnat(created)] = np.inf
    params = models["params"].to_numpy(dtype=np.float64, na_value=np.nan)
    names = models["id"].str.split("/", n=1).str[-1].to_numpy()
    fixture = sig.fixture_flags(models["author"].to_numpy(), names, params, models["likes"].to_numpy(),
                                models["children"].to_numpy())
    mirror = sig.mirror_flags(models["author"].to_numpy(), names, models["created"], models["likes"].to_numpy(),
                              models["children"].to_numpy()) & ~models["derived"].to_numpy() & ~fixture
    auto, burst, weekday_flag, floor_flag = automation(x, observed, age, weekend, fixture, mirror)
    [(latest,)] = con.execute("SELECT any_value(as_of) FROM stg_hf_latest").fetchall()
    as_of = np.datetime64(latest or "1970-01-01", "D")
    in_window = (days >= as_of - WINDOW_DAYS) & (days < as_of)
    raw_30d = models["downloads"].fillna(0).to_numpy(dtype=np.float64)
    fitted, spread = sig.engagement_line(raw_30d, models["likes"], models["children"], cohort_of(params),
                                         models["in_latest"].to_numpy(bool))
    ceiling = np.expm1(fitted + sig.OUTLIER_KEEP_MADS * spread)
    outlier = np.log1p(raw_30d) > fitted + sig.OUTLIER_MADS * spread
    # a bot mirror: a re-upload nobody likes or builds on, whose traffic is flat or far beyond its engagement
    bot = mirror & (floor_flag | outlier)
    auto = np.where(bot[:, None], x, auto)
    flags = {"test_fixture": fixture, "burst": (burst[:, in_window] > 0).any(axis=1) & ~fixture & ~bot,
             "floor": floor_flag & ~fixture, "weekday_only": weekday_flag & ~fixture, "mirror": bot,
             "engagement_outlier": outlier}
    noise = noise_rows(models, x, auto, burst, in_window, flags, ceiling)
    by_row = np.zeros(len(daily), dtype=np.int64)
    by_row[daily["row"].to_numpy()] = np.rint(x - np.nan_to_num(auto))[daily["m"].to_numpy(), daily["t"].to_numpy()]
    con.register("noise", noise)
    con.register("organic", pa.table({"organic_downloads": by_row}))
    try:
        con.execute(f"CREATE OR REPLACE TABLE int_model_noise AS SELECT {NOISE_COLUMNS} FROM noise ORDER BY model_id")
        con.execute(WRITE_DAILY)
    finally:
        con.unregister("noise")
        con.unregister("organic")
    log.info("de-noised %d models over %d days", len(noise), n_days)
