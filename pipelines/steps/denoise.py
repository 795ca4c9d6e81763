"""Build step: split daily downloads into organic demand and CI/automation (int_model_noise, int_model_daily).

Reads int_series_daily, int_series_models and raw_hf_models only (never the sandbox's truth). Method: docs/denoising.md.
"""

import datetime as dt
import hashlib
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from pipelines.profiles import Config
from pipelines.steps import denoise_schedules, step_inputs
from pipelines.steps import denoise_signals as sig
from pipelines.steps.denoise_floors import floors
from pipelines.steps.step_inputs import EPOCH, hand_on, handed
from warehouse import db

log = logging.getLogger(__name__)
WINDOW_DAYS = 30
BLOCK_DAYS = 45
ROW_CHUNK = 50_000

# Tags that name a build's format (quantizations, runtimes; the names' own list is BUILD_NAME): a conversion or a
# quantization adds one, and a popular repository gains exports (ONNX, OpenVINO) after copies of it were made
FORMAT_TAGS = ", ".join(f"'{t}'" for t in (
    "gguf", "ggml", "gptq", "awq", "exl2", "mlx", "onnx", "openvino", "coreml", "tflite", "bitsandbytes",
    "2-bit", "3-bit", "4-bit", "5-bit", "6-bit", "8-bit"))
FORMATS = f"""coalesce(array_to_string(list_sort(list_distinct(list_filter(
    list_transform(tags, lambda t: lower(t)), lambda t: t IN ({FORMAT_TAGS})))), ','), '')"""
# The models of a window: those with snapshots in it or series days in it, each with its last snapshot in the
# window (NULL when it has none: a span of imputed days whose closing snapshot is later). A series day d in the window
# without such a snapshot is in a span closing after hi > d + 1, so it is imputed: only imputed days are read for them.
# The last snapshot is found by its day, then joined (the load path keeps one row per model and day): an arg_max of
# the columns over every snapshot of the window took 2.5x as long. In the window of the newest snapshot that day is
# the series step's int_series_models (each model's last snapshot), which spares grouping every snapshot of the window.
LAST_DAY = {True: "SELECT model_id AS id, as_of FROM int_series_models WHERE as_of > $lo AND as_of <= $hi",
            False: "SELECT id, max(as_of) AS as_of FROM raw_hf_models WHERE as_of > $lo AND as_of <= $hi GROUP BY id"}
WINDOW_IDS = f"""
CREATE OR REPLACE TEMP TABLE int_denoise_ids AS
WITH last_day AS ({{last_day}}),
last_row AS (
    SELECT id AS model_id, as_of,
           struct_pack(author, created_at, downloads, likes, params, library_name, parents := len(base_models),
                       formats := {FORMATS}) AS r
    FROM raw_hf_models JOIN last_day USING (id, as_of) WHERE as_of > $lo AND as_of <= $hi
),
series AS (SELECT DISTINCT model_id FROM int_series_daily WHERE day >= $lo AND day < $hi AND imputed)
SELECT model_id, (row_number() OVER (ORDER BY model_id) - 1)::BIGINT AS m, l.as_of, l.r, hash(model_id) AS h
FROM last_row l FULL JOIN series s USING (model_id)
"""
# What a re-upload keeps of its source's name (real pairs on the 2024-07-11 Hub: `AbsoluteReality_v1.8.1` copied as
# `absolutereality-v181`, `flan-t5-large` as `flan-t5-large-copy`): case, separators, the source's owner spelled in
# front (`owner_-_name`) and a trailing re-upload word set aside (the name itself when nothing is left)
NAME_STEM = """lower(coalesce(nullif(regexp_replace(regexp_replace(regexp_replace({name}, '^.+?_-_', ''),
    '[-_. ](mirror|copy|backup|clone|re-?upload)$', '', 'i'), '[-_. ]', '', 'g'), ''), {name}))"""
# A build's format in a name (`<base>-GGUF`, `-AWQ`, `-4bit`, `-6.0bpw`; the tags' own list is FORMAT_TAGS) says it is
# derived, as a declared base model does: independent builds of one base share such names by convention (13
# `Codestral-22B-v0.1-GGUF` of 13 owners on the 2024-07-11 Hub), so they are not re-uploads of each other
BUILD_NAME = (r"(^|[-_. ])(gguf|ggml|gptq|awq|exl2|mlx|onnx|openvino|bnb|int[48]|fp8|[0-9]+bits?|[0-9]+(\.[0-9]+)?bpw)"
              r"([-_. ]|$)")
# ... with what a re-upload keeps of its source (its name stem and library, as one key: a name has no `/`; a copy made
# from a conversion, e.g. `Xenova/jina-embeddings-v2-small-en` in transformers.js from sentence-transformers, changes
# the library) and its format tags, defaults for those without a snapshot, and how many models of the latest snapshot
# name each as a parent
MODELS = f"""
WITH latest AS (SELECT max(as_of) AS as_of FROM int_denoise_ids),
children AS (
    SELECT b.parent AS id, count(*) AS children
    FROM (SELECT unnest(base_models) AS b FROM raw_hf_models
          WHERE as_of > $lo AND as_of <= $hi AND as_of = (SELECT as_of FROM latest))
    GROUP BY 1
)
SELECT i.m, i.model_id AS id, i.name,
       {NAME_STEM.format(name="i.name")} || '/' || coalesce(i.r.library_name, '') AS kept,
       coalesce(i.r.formats, '') AS formats,
       coalesce(i.r.author, split_part(i.model_id, '/', 1)) AS author, i.r.params,
       coalesce(i.r.likes, 0) AS likes, i.r.downloads, i.as_of, CAST(i.r.created_at AS DATE) AS created,
       coalesce(k.children, 0) AS children,
       coalesce(i.r.parents, 0) > 0 OR regexp_matches(i.name, '{BUILD_NAME}', 'i') AS derived,
       coalesce(i.as_of = (SELECT as_of FROM latest), false) AS in_latest
FROM (SELECT *, regexp_replace(model_id, '^[^/]*/', '') AS name FROM int_denoise_ids) i
LEFT JOIN children k ON k.id = i.model_id
ORDER BY i.m
"""
# Every series row of the window is a model of the window's, so when no two of them share a hash, the hash names it: a
# join on that number costs 0.6 of the join on the id (docs/benchmarks.md, "The de-noising step: fewer joins").
DAILY = """
SELECT i.m * $n_days + (d.day - $first::DATE) AS cell, d.raw_downloads, d.imputed, d.decreased
FROM int_series_daily d JOIN int_denoise_ids i ON {on}
WHERE d.day >= $lo AND d.day < $hi
"""
BY_HASH, BY_ID = "hash(d.model_id) = i.h", "d.model_id = i.model_id"
UNIQUE_HASHES = "SELECT count(DISTINCT h) = count(*) FROM int_denoise_ids"
STATE = """
CREATE TABLE IF NOT EXISTS int_noise_state (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS int_model_daily (model_id VARCHAR, day DATE, raw_downloads BIGINT, organic_downloads BIGINT,
                                        imputed BOOLEAN, decreased BOOLEAN);
"""
# int_model_daily's rows of a block, in the cells' (day) order: t counts days from $first
WRITE_DAILY = """
INSERT INTO int_model_daily
SELECT model_id, $first + t, raw_downloads, organic_downloads, imputed, decreased FROM cells
"""
# ... the rows already there (m is NULL for a model no longer in the window), and those to delete
KEPT_DAILY = """
SELECT d.rowid AS row, coalesce(i.m, -1) AS m, (d.day - $first)::INTEGER AS t, d.raw_downloads, d.organic_downloads,
       d.imputed, d.decreased
FROM int_model_daily d LEFT JOIN int_denoise_ids i USING (model_id)
WHERE d.day >= $lo AND d.day < $hi
"""
DELETE_DAILY = "DELETE FROM int_model_daily WHERE day >= $lo AND day < $hi AND rowid IN (SELECT row FROM gone)"
# ... and those whose values changed (updated in place: deleting scattered rows pins the table blocks holding them
# until the build commits, beyond what the build's memory limit allows for)
UPDATE_DAILY = """
UPDATE int_model_daily SET raw_downloads = c.raw_downloads, organic_downloads = c.organic_downloads,
                           imputed = c.imputed, decreased = c.decreased
FROM changed c WHERE int_model_daily.rowid = c.row AND int_model_daily.day >= $lo AND int_model_daily.day < $hi
"""

# Output columns, typed (an empty build keeps its types).
NOISE_COLUMNS = ", ".join(f"{name}::{kind} AS {name}" for name, kind in step_inputs.columns("int_model_noise"))


def cohort_of(params: np.ndarray) -> np.ndarray:
    """Size class index per model (-1 when the size is unknown), the cohort for engagement outliers."""
    return np.where(np.isnan(params) | (params <= 0), -1, np.digitize(params, [1e9, 1e10, 4e10, 1e11]))


def matrix(daily: pa.Table, n_models: int, n_days: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Dense models x days matrices of raw downloads and of observed (not imputed) downloads, NaN elsewhere, and
    of the cells' imputed and decreased flags (False where there is no cell)."""
    cell = daily["cell"].to_numpy()  # flat indices
    x = np.full((n_models, n_days), np.nan)
    x.reshape(-1)[cell] = daily["raw_downloads"].to_numpy()
    flags = {}
    for name in ("imputed", "decreased"):
        flags[name] = np.zeros((n_models, n_days), dtype=bool)
        flags[name].reshape(-1)[cell] = daily[name].to_numpy(zero_copy_only=False)
    observed = np.where(flags["imputed"], np.nan, x)
    return x, observed, flags["imputed"], flags["decreased"]


def ages(days: np.ndarray, created: np.ndarray) -> np.ndarray:
    """Days since creation per model (rows) and day (columns); infinite when the creation date is unknown."""
    born = np.where(np.isnat(created), -np.inf, created.astype(np.int64))
    return days.astype(np.int64)[None, :] - born[:, None]


def automation(x: np.ndarray, observed: np.ndarray, days: np.ndarray, created: np.ndarray, weekend: np.ndarray,
               fixture: np.ndarray, mirror: np.ndarray, first: int = 0):
    """Automation per model and day from column `first` on (NaN before: the blocks that end before it, which no
    caller reads, are skipped), and per-model flags (burst, weekday_only, floor) of the last block.

    `observed` is overwritten (it becomes the observed days less bursts), so no second matrix is held for it.
    """
    burst = np.zeros_like(x)
    if x.shape[1] == 0:  # a single snapshot: no daily series to read bursts, floors or weekdays from yet
        none = np.zeros(len(x), dtype=bool)
        return np.where(fixture[:, None], x, burst), burst, none, none
    gap = sig.gap_bursts(x, observed)  # first, so a gap's spread-out burst does not lift the rolling baseline
    for lo in range(0, len(x), ROW_CHUNK):
        rows = slice(lo, lo + ROW_CHUNK)
        burst[rows] = sig.bursts(x[rows] - gap[rows], ages(days, created[rows]))
    burst += gap
    del gap
    y, y_obs = x - burst, np.subtract(observed, burst, out=observed)
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
    ends = range(n_days, min(first, n_days - 1), -BLOCK_DAYS)  # the last block always: its flags are returned
    for end in ends:
        cols = slice(max(0, end - BLOCK_DAYS), end)
        s = sig.block_stats(y_obs[:, cols], weekend[cols])
        level = sig.local_level(y_obs[:, cols], weekend[cols])
        steady[:, cols], wd = sig.weekday_only(y[:, cols], y_obs[:, cols], weekend[cols], level, s, dip, a, c,
                                               fixture)
        # floors reads neither the level nor the days of weekday-only rows (blanked in place: read by no later block)
        level[wd] = np.nan
        y_obs[wd, cols] = np.nan
        auto_fl, fl = floors(y[:, cols], y_obs[:, cols], weekend[cols], level, fixture, mirror)
        steady[:, cols] += auto_fl
        del level, auto_fl
        if end == n_days:
            weekday_flag, floor_flag = wd, fl
    del y, y_obs
    auto = np.add(steady, burst, out=steady)
    auto[fixture] = x[fixture]
    np.clip(auto, 0, x, out=auto)
    auto[np.isnan(x)] = np.nan
    auto[:, :max(0, ends[-1] - BLOCK_DAYS)] = np.nan
    return auto, burst, weekday_flag, floor_flag


def last_30_days(days: np.ndarray, as_of: np.datetime64) -> slice:
    """The columns of the 30 days before `as_of` (days are consecutive): a slice, so the columns are read in place."""
    return slice(*np.searchsorted(days, [as_of - WINDOW_DAYS, as_of]))


def days_before(models, in_window: slice) -> np.ndarray:
    """Per model, the 30-day window's days before the series began (the first snapshot), from its creation on."""
    age = (models["as_of"].to_numpy(dtype="datetime64[D]")
           - models["created"].to_numpy(dtype="datetime64[D]", na_value=np.datetime64("NaT")))
    days = np.where(np.isnat(age), WINDOW_DAYS, np.minimum(age.astype(np.int64), WINDOW_DAYS))
    return np.clip(days - (in_window.stop - in_window.start), 0, WINDOW_DAYS)


def noise_rows(win: "Window", in_window: slice) -> pa.Table:
    """int_model_noise of a de-noised window: 30-day raw and organic downloads to the latest as_of, automation share and
    reasons (and the source a bot mirror re-uploads).

    A model whose series shows none of the window's days (a lone or months-apart snapshot) has only what one
    snapshot can show: its downloads above the engagement ceiling count as automation.
    """
    models, x, auto, burst, flags, ceiling = win.models, win.x, win.auto, win.burst, win.flags, win.ceiling
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
    combination = sum(hit.astype(np.int64) << bit for bit, hit in enumerate(flags.values()))
    reasons = np.array([";".join(name for bit, name in enumerate(flags) if code >> bit & 1)
                        for code in range(1 << len(flags))], dtype=object)[combination]
    return pa.table({
        "model_id": models["id"].to_numpy()[keep], "as_of": models["as_of"].to_numpy()[keep],
        "raw_downloads_30d": w[keep].astype(np.int64), "organic_downloads_30d": organic[keep],
        "automation_share": share[keep], "noise_reasons": reasons[keep], "mostly_automation": share[keep] > 0.5,
        "unseen_share": np.divide(np.minimum(unseen, w), w, out=np.zeros_like(w), where=w > 0)[keep],
        "mirror_of": win.mirror_of[keep],
    })


@dataclass
class Window:
    """A de-noised window of days: its models, days, raw and automation matrices, and the inputs of int_model_noise."""

    models: pd.DataFrame
    days: np.ndarray
    imputed: np.ndarray      # the series cells' flags (models x days)
    decreased: np.ndarray
    x: np.ndarray
    auto: np.ndarray
    burst: np.ndarray
    flags: dict[str, np.ndarray]
    ceiling: np.ndarray
    mirror_of: np.ndarray    # per model, the id of the source a bot mirror re-uploads (None for the others)


def denoise_window(con: duckdb.DuckDBPyConnection, lo: dt.date, hi: dt.date, keep_from: dt.date,
                   newest: bool) -> Window:
    """De-noise the series days in [lo, hi) with the snapshots of as_of in (lo, hi] (int_denoise_ids: its models; hi is
    the newest snapshot when `newest`); the automation of days before `keep_from` and the 30 days of int_model_noise is
    not computed (NaN)."""
    span = {"lo": lo, "hi": hi}
    con.execute(WINDOW_IDS.format(last_day=LAST_DAY[newest]), span)
    models = con.execute(MODELS, span).df()
    first, last = con.execute("SELECT min(day), max(day) FROM int_series_daily WHERE day >= $lo AND day < $hi",
                              span).fetchall()[0]
    n_days = (last - first).days + 1 if first else 0
    on = BY_HASH if con.execute(UNIQUE_HASHES).fetchall()[0][0] else BY_ID
    daily = con.sql(DAILY.format(on=on), params=span | {"first": first, "n_days": n_days}).to_arrow_table()
    x, observed, imputed, decreased = matrix(daily, len(models), n_days)
    del daily
    days = np.datetime64(first or "1970-01-01", "D") + np.arange(n_days)
    weekend = ((days.astype(np.int64) + 3) % 7) >= 5  # 1970-01-01 was a Thursday
    created = models["created"].to_numpy(dtype="datetime64[D]", na_value=np.datetime64("NaT"))
    params = models["params"].to_numpy(dtype=np.float64, na_value=np.nan)
    names = models["name"].to_numpy()
    fixture = sig.fixture_flags(models["author"].to_numpy(), names, params, models["likes"].to_numpy(),
                                models["children"].to_numpy())
    pairs = sig.mirror_pairs(models["author"].to_numpy(), models["kept"].to_numpy(), models["formats"].to_numpy(),
                             models["created"], models["likes"].to_numpy(), models["children"].to_numpy())
    mirror = np.zeros(len(models), dtype=bool)
    mirror[pairs["row"].to_numpy()] = True
    mirror &= ~models["derived"].to_numpy() & ~fixture
    as_of = models["as_of"].max()
    as_of = np.datetime64(as_of if pd.notna(as_of) else "1970-01-01", "D")
    in_window = last_30_days(days, as_of)
    first_read = min(np.searchsorted(days, np.datetime64(keep_from, "D")), in_window.start)
    with db.settings(con, **db.numpy_settings(con)):
        auto, burst, weekday_flag, floor_flag = automation(x, observed, days, created, weekend, fixture, mirror,
                                                           first_read)
    del observed
    raw_30d = models["downloads"].fillna(0).to_numpy(dtype=np.float64)
    fitted, spread = sig.engagement_line(raw_30d, models["likes"], models["children"], cohort_of(params),
                                         models["in_latest"].to_numpy(bool))
    ceiling = np.expm1(fitted + sig.OUTLIER_KEEP_MADS * spread)
    outlier = np.log1p(raw_30d) > fitted + sig.OUTLIER_MADS * spread
    # a bot mirror: a re-upload nobody likes or builds on, whose traffic is flat or beyond its engagement (the
    # metadata is evidence already, so the outlier test runs at fewer spreads, as the floor test does)
    beyond = np.log1p(raw_30d) > fitted + sig.OUTLIER_PRIOR_MADS * spread
    bot = mirror & (floor_flag | beyond | sig.busier_copies(pairs, raw_30d))
    auto[bot] = x[bot]
    flags = {"test_fixture": fixture, "burst": (burst[:, in_window] > 0).any(axis=1) & ~fixture & ~bot,
             "floor": floor_flag & ~fixture, "weekday_only": weekday_flag & ~fixture, "mirror": bot,
             "engagement_outlier": outlier}
    source = sig.mirror_sources(pairs, models["likes"].to_numpy(), models["in_latest"].to_numpy(bool))
    mirror_of = np.where(bot, models["id"].to_numpy()[source], None)  # every bot has a source
    return Window(models, days, imputed, decreased, x, auto, burst, flags, ceiling, mirror_of)


def cell_rows(w: Window, cell: np.ndarray) -> dict[str, np.ndarray]:
    """int_model_daily's values of the window's cells (flat indices of its models x days matrices): raw and organic
    downloads, imputed and decreased."""
    raw = np.take(w.x, cell)
    return {"raw_downloads": raw.astype(np.int64),
            "organic_downloads": np.rint(raw - np.nan_to_num(np.take(w.auto, cell))).astype(np.int64),
            "imputed": np.take(w.imputed, cell), "decreased": np.take(w.decreased, cell)}


def keep_days(con: duckdb.DuckDBPyConnection, w: Window, lo: dt.date, hi: dt.date) -> None:
    """Make int_model_daily's rows of the days in [lo, hi) the window's series days with their organic downloads: a
    row already there for a cell stays, updated where its values changed; rows of no cell are deleted and the cells
    without a row appended in day order (a daily build changes few of the open block's rows: the new day's are
    appended, most others stay as they are)."""
    start, stop = np.searchsorted(w.days, [np.datetime64(lo, "D"), np.datetime64(hi, "D")])
    span = {"lo": lo, "hi": hi, "first": w.days[0].astype(dt.date) if len(w.days) else lo}
    stays = np.zeros(w.x.shape, dtype=bool)  # the cells whose row is there already
    owner = np.empty(w.x.size, dtype=np.int32)  # per cell, which of a batch's rows stays
    gone, changed, changed_cells = ([np.zeros(0, dtype=np.int64)] for _ in range(3))  # row ids; the changed rows' cells
    with con.sql(KEPT_DAILY, params=span).to_arrow_reader(ROW_CHUNK) as reader:  # closed: it pins table blocks
        for batch in reader:
            kept = {name: batch[name].to_numpy(zero_copy_only=False) for name in batch.schema.names}
            inside = np.flatnonzero((kept["m"] >= 0) & (kept["t"] >= start) & (kept["t"] < stop))
            cell = kept["m"][inside] * len(w.days) + kept["t"][inside]
            seen = ~np.isnan(np.take(w.x, cell)) & ~np.take(stays, cell)  # a cell of the window, not kept yet
            inside, cell = inside[seen], cell[seen]
            owner[cell] = np.arange(len(cell))
            first = owner[cell] == np.arange(len(cell))  # one row per cell
            inside, cell = inside[first], cell[first]
            stays.reshape(-1)[cell] = True
            values = cell_rows(w, cell)
            same = np.ones(len(cell), dtype=bool)
            for name in values:
                same &= kept[name][inside] == values[name]
            changed.append(kept["row"][inside[~same]])
            changed_cells.append(cell[~same])
            keep = np.zeros(len(kept["row"]), dtype=bool)
            keep[inside] = True
            gone.append(kept["row"][~keep])
    t, m = np.nonzero((~np.isnan(w.x[:, start:stop]) & ~stays[:, start:stop]).T)  # the new cells, day by day
    t = (t + start).astype(np.int32)
    con.register("gone", pa.table({"row": np.concatenate(gone)}))
    con.register("changed", pa.table({"row": np.concatenate(changed)} | cell_rows(w, np.concatenate(changed_cells))))
    con.register("cells", pa.table({"model_id": pa.DictionaryArray.from_arrays(m, pa.array(w.models["id"])), "t": t}
                                   | cell_rows(w, m * len(w.days) + t)))
    try:
        con.execute(DELETE_DAILY, {"lo": lo, "hi": hi})
        con.execute(UPDATE_DAILY, {"lo": lo, "hi": hi})
        con.execute(WRITE_DAILY, {"first": span["first"]})
    finally:
        con.unregister("gone")
        con.unregister("changed")
        con.unregister("cells")


def write_noise(con: duckdb.DuckDBPyConnection, w: Window) -> None:
    """Replace int_model_noise with the 30-day figures of the latest window."""
    as_of = np.datetime64(w.models["as_of"].max() if len(w.models) else "1970-01-01", "D")
    in_window = last_30_days(w.days, as_of)
    noise = noise_rows(w, in_window)
    con.register("noise", noise)
    try:
        con.execute(f"CREATE OR REPLACE TABLE int_model_noise AS SELECT {NOISE_COLUMNS} FROM noise ORDER BY model_id")
    finally:
        con.unregister("noise")
    log.info("de-noised %d models to %s", len(noise), as_of)


def block_start(block: int) -> dt.date:
    """The first day of a calendar block (blocks of BLOCK_DAYS days counted from 1970-01-01)."""
    return EPOCH + dt.timedelta(days=block * BLOCK_DAYS)


def block_of(day: dt.date) -> int:
    """The calendar block that holds a day."""
    return (day - EPOCH).days // BLOCK_DAYS


def code_hash() -> str:
    """A hash of the de-noising code: a change recomputes every kept day."""
    files = [Path(__file__), Path(sig.__file__), Path(sys.modules[floors.__module__].__file__),
             Path(denoise_schedules.__file__)]
    return hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()[:16]


def recompute_from(con: duckdb.DuckDBPyConnection) -> tuple[dt.date | None, str]:
    """The first day whose kept de-noised value may have changed (None: every day), and why."""
    if con.execute("SELECT value FROM build_inputs WHERE key = 'full'").fetchone()[0] == "true":
        return None, "a full build"
    state = dict(con.execute("SELECT key, value FROM int_noise_state").fetchall())
    after, changed_from = handed(con, "series_after"), handed(con, "series_changed_from")
    if state.get("code") != code_hash():
        return None, "no kept days or the de-noising code changed"
    if after is None or state.get("as_of") != str(after):
        return None, "the series was recomputed or extended without this step"
    return changed_from, ""


def build(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Compute int_model_noise and int_model_daily (raw and organic downloads per model and day), block by block.

    Days fall in calendar blocks of BLOCK_DAYS; block j is de-noised on the window of blocks j-1 and j (clipped to
    the data), so once the series passes block j its days are final and kept. Only blocks whose window holds a
    changed day or a new snapshot are recomputed (on a daily build: the open block); int_model_noise comes from the
    open block's window. It tells the marts, in build_inputs, the first rewritten day (daily_since; NULL: all)
    and the snapshot the kept days had read (daily_after; NULL: none).
    """
    con.execute(STATE)
    since, why = recompute_from(con)
    first, last = con.execute("SELECT min(day), max(day) FROM int_series_daily").fetchall()[0]
    first_as_of, top = con.execute("SELECT min(as_of), max(as_of) FROM raw_hf_models").fetchall()[0]
    if top is None:  # nothing collected yet: typed empty tables
        con.execute(f"CREATE OR REPLACE TABLE int_model_noise ({step_inputs.OPTIONAL['int_model_noise']})")
        con.execute("DELETE FROM int_model_daily; DELETE FROM int_noise_state")
        return
    last = last or top - dt.timedelta(days=1)
    floor_day = min(first or top, first_as_of - dt.timedelta(days=1))
    newest = block_of(last)
    oldest = block_of(floor_day) if since is None else max(block_of(since), block_of(floor_day))
    log.info("de-noising blocks from %s: %s", block_start(oldest), why or "recomputing the changed ones")
    windows: dict[tuple[dt.date, dt.date], list[int]] = {}
    for block in range(oldest, newest + 1):
        span = (max(block_start(block - 1), floor_day), min(block_start(block + 1), top))
        windows.setdefault(span, []).append(block)
    latest = (max(block_start(newest - 1), floor_day), top)
    windows.setdefault(latest, [])
    if since is None:
        con.execute("DELETE FROM int_model_daily")
    for (lo, hi), blocks in windows.items():
        w = denoise_window(con, lo, hi, block_start(min(blocks)) if blocks else hi, hi == top)
        for block in blocks:
            keep_days(con, w, block_start(block), block_start(block + 1))
        if (lo, hi) == latest:
            write_noise(con, w)
        del w
    kept = dict(con.execute("SELECT key, value FROM int_noise_state").fetchall()).get("as_of") if since else None
    hand_on(con, daily_after=kept and dt.date.fromisoformat(kept), daily_since=since and block_start(oldest))
    con.execute("INSERT OR REPLACE INTO int_noise_state VALUES ('code', ?), ('as_of', ?)", [code_hash(), str(top)])
