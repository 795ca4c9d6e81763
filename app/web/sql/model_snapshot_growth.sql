-- One model's 30-day downloads at the last snapshot of each run of snapshots, and the change since the one before.
SELECT as_of, downloads_30d, likes, previous_as_of, downloads_30d_ratio
FROM mart_snapshot_growth WHERE model_id = $model_id ORDER BY as_of
