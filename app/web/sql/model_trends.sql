-- Organic downloads per day over the last $days days for the given models, oldest first.
SELECT model_id, list(organic_downloads ORDER BY day) AS trend
FROM mart_model_daily
WHERE model_id IN (SELECT unnest($ids::VARCHAR[]))
  AND day > (SELECT max(day) FROM mart_model_daily) - $days::INTEGER
GROUP BY model_id
