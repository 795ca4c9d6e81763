-- Growth between snapshots months apart (docs/import.md): per model, the 30-day downloads and likes at the last
-- snapshot of each run (the view hf_snapshot_runs), and the change since the model's previous such snapshot.
-- Empty when there is only one run (a home collected day by day): its growth is the daily series.
WITH snaps AS (
    SELECT r.id AS model_id, r.as_of, r.downloads AS downloads_30d, r.likes
    FROM raw_hf_models r JOIN hf_snapshot_runs s USING (as_of)
    WHERE s.run_end AND (SELECT count(*) FROM hf_snapshot_runs WHERE run_end) > 1
)
SELECT model_id, as_of, downloads_30d, likes,
       lag(as_of) OVER w AS previous_as_of,
       lag(downloads_30d) OVER w AS previous_downloads_30d,
       round(downloads_30d / nullif(lag(downloads_30d) OVER w, 0), 4) AS downloads_30d_ratio
FROM snaps
WINDOW w AS (PARTITION BY model_id ORDER BY as_of)
ORDER BY model_id, as_of
