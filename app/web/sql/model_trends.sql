-- Organic downloads per day over the last $days days for the given models, oldest first: from mart_trends (the first
-- pages' models) when it holds them for $days days, else from a scan of mart_model_daily.
WITH kept AS (
    SELECT entity_id AS model_id, trend FROM mart_trends
    WHERE entity_kind = 'model' AND days = $days AND list_contains($ids::VARCHAR[], entity_id)
)
SELECT model_id, trend FROM kept
UNION ALL
SELECT model_id, list(organic_downloads ORDER BY day) AS trend
FROM mart_model_daily
WHERE model_id IN (SELECT unnest($ids::VARCHAR[]) EXCEPT SELECT model_id FROM kept)
  AND day > (SELECT max(day) FROM mart_model_daily) - $days::INTEGER
GROUP BY model_id
