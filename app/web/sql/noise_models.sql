-- Models with the largest automation share among those with at least $min_raw raw downloads.
SELECT model_id, family, raw_downloads_30d, organic_downloads_30d,
       raw_downloads_30d - organic_downloads_30d AS removed, automation_share, noise_reasons,
       unseen_share, mirror_of
FROM mart_models WHERE raw_downloads_30d >= $min_raw
ORDER BY automation_share DESC NULLS LAST, raw_downloads_30d DESC, model_id LIMIT $limit
