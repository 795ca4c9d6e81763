-- The snapshots the series step reads (pipelines/steps/series.py): slices after $after are fresh; a model with a
-- missing all-time count anywhere (int_series_patchy) is read whole, every other model starts from its last
-- snapshot before (int_series_models, not fresh: a span's start only). Each part filters raw_hf_models itself, so
-- a daily build reads the new slice and the patchy models, never every snapshot.
SELECT r.id AS model_id, r.as_of, r.downloads AS window_30d, r.downloads_all_time AS all_time,
       CAST(r.created_at AS DATE) AS created, h.run_start AS first_day, true AS fresh
FROM raw_hf_models r JOIN hf_snapshot_runs h USING (as_of)
WHERE r.as_of > $after AND r.id NOT IN (SELECT model_id FROM int_series_patchy)
UNION ALL
SELECT s.model_id, s.as_of, NULL, s.all_time, NULL, h.run_start, false
FROM int_series_models s JOIN hf_snapshot_runs h USING (as_of)
WHERE s.model_id NOT IN (SELECT model_id FROM int_series_patchy)
UNION ALL
SELECT r.id, r.as_of, r.downloads, r.downloads_all_time, CAST(r.created_at AS DATE), h.run_start, true
FROM raw_hf_models r JOIN hf_snapshot_runs h USING (as_of)
WHERE r.id IN (SELECT model_id FROM int_series_patchy)
