-- Models whose series the series step recomputes whole: a snapshot without an all-time count, stored or new.
SELECT model_id FROM int_series_models WHERE patchy
UNION
SELECT id FROM raw_hf_models WHERE as_of > $after AND downloads_all_time IS NULL
