-- Organic downloads per day over the last $days days for the given families, oldest first.
SELECT family, list(organic_downloads ORDER BY day) AS trend
FROM mart_family_daily
WHERE family IN (SELECT unnest($ids::VARCHAR[]))
  AND day > (SELECT max(day) FROM mart_family_daily) - $days::INTEGER
GROUP BY family
