-- Organic downloads per day over the last $days days for the given families, oldest first: from mart_trends (the first
-- pages' families) when it holds them for $days days, else from a scan of mart_family_daily.
WITH kept AS (
    SELECT entity_id AS family, trend FROM mart_trends
    WHERE entity_kind = 'family' AND days = $days AND list_contains($ids::VARCHAR[], entity_id)
)
SELECT family, trend FROM kept
UNION ALL
SELECT family, list(organic_downloads ORDER BY day) AS trend
FROM mart_family_daily
WHERE family IN (SELECT unnest($ids::VARCHAR[]) EXCEPT SELECT family FROM kept)
  AND day > (SELECT max(day) FROM mart_family_daily) - $days::INTEGER
GROUP BY family
