-- Daily downloads per model from consecutive Hugging Face snapshots (docs/denoising.md, "Daily series"), read
-- from int_series_input (pipelines/steps/series.py): only spans ending on a fresh snapshot are booked; the snapshots
-- before them are there as their starts.
-- A snapshot taken on as_of counts downloads up to as_of - 1, so the difference between the snapshots of
-- as_of P and as_of C is the downloads of the days P .. C - 1 (a span).
--   exact:    both ends have downloads_all_time; the difference is spread evenly over the span's days
--             (imputed when the span is longer than one day); a decrease books 0 and is flagged.
--   fallback: downloads_all_time is missing at an end; each day is booked at the 30-day count / 30 (imputed).
--   first sighting: the first all-time count is history (no rows), unless the model was created on or after
--             the series' first day, when it is exactly the downloads since creation.
-- Models that always have an all-time count (nearly all) take a single-window fast path.
-- Runs (the view hf_snapshot_runs, migration 007): spans never cross runs, so snapshots months apart (imported archives) are not
-- spread into invented days; each run is its own series, and a model's first snapshot in a run is a first
-- sighting of that run.
WITH snaps AS (SELECT * FROM int_series_input),
patchy AS (SELECT DISTINCT model_id FROM snaps WHERE all_time IS NULL),
complete AS (
    SELECT model_id, as_of, all_time, created, first_day, fresh,
        lag(as_of) OVER w AS prev_as_of, lag(all_time) OVER w AS prev_all_time
    FROM snaps ANTI JOIN patchy USING (model_id)
    WINDOW w AS (PARTITION BY model_id, first_day ORDER BY as_of)
),
complete_spans AS (
    SELECT model_id, as_of, coalesce(prev_as_of, created) AS span_start,
        CASE WHEN prev_as_of IS NULL THEN all_time ELSE greatest(all_time - prev_all_time, 0) END AS total,
        false AS fallback, coalesce(all_time < prev_all_time, false) AS decreased
    FROM complete
    WHERE (prev_as_of IS NOT NULL OR created >= first_day) AND fresh
),
marked AS (
    SELECT *,
        lag(as_of) OVER w AS prev_as_of,
        last_value(CASE WHEN all_time IS NOT NULL THEN as_of END IGNORE NULLS)
            OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS known_as_of,
        last_value(all_time IGNORE NULLS) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS known_all_time,
        count(all_time) OVER (w ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) > 0 AS known_later
    FROM snaps SEMI JOIN patchy USING (model_id)
    WINDOW w AS (PARTITION BY model_id, first_day ORDER BY as_of)
),
patchy_spans AS (
    SELECT model_id, as_of,
        CASE WHEN exact THEN known_as_of WHEN prev_as_of IS NOT NULL THEN prev_as_of ELSE created END AS span_start,
        CASE
            WHEN exact THEN greatest(all_time - known_all_time, 0)
            WHEN prev_as_of IS NOT NULL THEN round(window_30d * (as_of - prev_as_of) / 30.0)
            WHEN all_time IS NOT NULL THEN all_time
            WHEN as_of - created <= 30 THEN window_30d
            ELSE round(window_30d * (as_of - created) / 30.0)
        END::BIGINT AS total,
        NOT exact AND prev_as_of IS NOT NULL AS fallback,
        coalesce(exact AND all_time < known_all_time, false) AS decreased
    FROM (SELECT *, all_time IS NOT NULL AND known_all_time IS NOT NULL AS exact FROM marked)
    -- skip snapshots inside an exact span and first sightings whose count is history
    WHERE NOT (all_time IS NULL AND known_all_time IS NOT NULL AND known_later)
      AND (exact OR prev_as_of IS NOT NULL OR created >= first_day) AND fresh
),
sized AS (
    SELECT *, (as_of - span_start)::BIGINT AS n_days
    FROM (SELECT * FROM complete_spans UNION ALL SELECT * FROM patchy_spans)
    WHERE as_of > span_start AND total IS NOT NULL
)
SELECT model_id, span_start AS day, total AS raw_downloads, fallback AS imputed, decreased
FROM sized WHERE n_days = 1
UNION ALL
SELECT model_id,
       span_start + CAST(i AS INTEGER) AS day,
       (total * (i + 1)) // n_days - (total * i) // n_days AS raw_downloads,
       true AS imputed,
       decreased
FROM (SELECT *, unnest(range(n_days)) AS i FROM sized WHERE n_days > 1)
