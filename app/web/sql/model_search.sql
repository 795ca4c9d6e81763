-- Up to $limit model ids containing $text (case-insensitive, no wildcards), best ranked first.
SELECT model_id FROM mart_models
WHERE contains(lower(model_id), lower($text))
ORDER BY rank NULLS LAST, organic_downloads_30d DESC NULLS LAST, model_id
LIMIT $limit
