-- The snapshots the series step reads (pipelines/steps/series.py): slices after $after are fresh; a model with a
-- missing all-time count anywhere (int_series_patchy) is read whole, every other model starts from its last
-- snapshot before (int_series_models, not fresh: a span's start only).
WITH snaps AS (
    SELECT id AS model_id, as_of, downloads AS window_30d, downloads_all_time AS all_time,
           CAST(created_at AS DATE) AS created, run_start AS first_day, as_of > $after AS fresh
    FROM raw_hf_models JOIN hf_snapshot_runs USING (as_of)
)
SELECT * FROM snaps WHERE fresh AND model_id NOT IN (SELECT model_id FROM int_series_patchy)
UNION ALL
SELECT s.model_id, s.as_of, NULL, s.all_time, NULL, r.run_start, false
FROM int_series_models s JOIN hf_snapshot_runs r USING (as_of)
WHERE s.model_id NOT IN (SELECT model_id FROM int_series_patchy)
UNION ALL
SELECT model_id, as_of, window_30d, all_time, created, first_day, true
FROM snaps WHERE model_id IN (SELECT model_id FROM int_series_patchy)
