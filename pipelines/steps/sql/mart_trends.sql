-- The sparklines of the leaderboard's first pages: organic downloads per day over the newest 30 days (`days`), oldest
-- first, for every model and family ranked in the top 100 under any profile (a first page at every page size), with
-- a NULL trend where there are no such days. app/web/sql/model_trends.sql reads a row here when it asks for the same
-- days, and scans the per-day marts for the rest.
WITH top AS (SELECT DISTINCT entity_kind, entity_id FROM mart_scores WHERE rank <= 100),
daily AS (
    SELECT 'model' AS entity_kind, model_id AS entity_id, day, organic_downloads FROM mart_model_daily
    WHERE model_id IN (SELECT entity_id FROM top WHERE entity_kind = 'model')
      AND day > (SELECT max(day) FROM mart_model_daily) - 30
    UNION ALL
    SELECT 'family', family, day, organic_downloads FROM mart_family_daily
    WHERE family IN (SELECT entity_id FROM top WHERE entity_kind = 'family')
      AND day > (SELECT max(day) FROM mart_family_daily) - 30
)
SELECT t.entity_kind, t.entity_id, 30 AS days,
       list(d.organic_downloads ORDER BY d.day) FILTER (WHERE d.day IS NOT NULL) AS trend
FROM top t
LEFT JOIN daily d USING (entity_kind, entity_id)
GROUP BY ALL
ORDER BY t.entity_kind, t.entity_id
