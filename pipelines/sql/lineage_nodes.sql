-- Models of the latest Hub snapshot with their organic 30-day downloads (NULL when not de-noised).
SELECT m.id AS model_id, n.organic_downloads_30d
FROM raw_hf_models m
LEFT JOIN opt_model_noise n ON n.model_id = m.id AND n.as_of = m.as_of
WHERE m.as_of = (SELECT max(as_of) FROM raw_hf_models)
