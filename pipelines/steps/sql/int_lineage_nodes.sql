-- Models of the latest Hub snapshot with their organic 30-day downloads (NULL when not de-noised).
SELECT m.id AS model_id, n.organic_downloads_30d
FROM stg_hf_latest m
LEFT JOIN opt_int_model_noise n ON n.model_id = m.id AND n.as_of = m.as_of
