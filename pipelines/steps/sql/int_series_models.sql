-- Per model, its last snapshot (where its next span starts) and whether any snapshot lacked an all-time count.
SELECT model_id, max(as_of) AS as_of, arg_max(all_time, as_of) AS all_time, bool_or(patchy) AS patchy
FROM (
    SELECT model_id, as_of, all_time, patchy FROM int_series_models
    UNION ALL
    SELECT id, as_of, downloads_all_time, downloads_all_time IS NULL FROM raw_hf_models WHERE as_of > $after
)
GROUP BY model_id
