-- The sparklines of the leaderboard's first pages: organic downloads per day over the newest 30 days (`days`), oldest
-- first, for every model and family ranked in the top 100 under any profile (a first page at every page size), with
-- a NULL trend where there are no such days. app/web/sql/model_trends.sql reads a row here when it asks for the same
-- days, and scans the per-day marts for the rest.
WITH top AS (SELECT DISTINCT entity_kind, entity_id FROM mart_scores WHERE rank <= 100),
models AS (
    SELECT model_id AS entity_id, list(organic_downloads ORDER BY day) AS trend
    FROM mart_model_daily
    WHERE model_id IN (SELECT entity_id FROM top WHERE entity_kind = 'model')
      AND day > (SELECT max(day) FROM mart_model_daily) - 30
    GROUP BY model_id
),
families AS (
    SELECT family AS entity_id, list(organic_downloads ORDER BY day) AS trend
    FROM mart_family_daily
    WHERE family IN (SELECT entity_id FROM top WHERE entity_kind = 'family')
      AND day > (SELECT max(day) FROM mart_family_daily) - 30
    GROUP BY family
)
SELECT t.entity_kind, t.entity_id, 30 AS days, coalesce(m.trend, f.trend) AS trend
FROM top t
LEFT JOIN models m ON t.entity_kind = 'model' AND m.entity_id = t.entity_id
LEFT JOIN families f ON t.entity_kind = 'family' AND f.entity_id = t.entity_id
ORDER BY t.entity_kind, t.entity_id
