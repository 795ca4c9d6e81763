-- Organic downloads per family and day (each member once) and the derivatives created up to that day, by day.
WITH organic AS (
    SELECT f.family, d.day, sum(d.organic_downloads)::BIGINT AS organic_downloads
    FROM opt_int_model_daily d JOIN int_model_facts f USING (model_id)
    GROUP BY f.family, d.day
),
created AS (
    SELECT family, created_at::DATE AS created,
           sum(count(*)) OVER (PARTITION BY family ORDER BY created_at::DATE) AS derivatives
    FROM int_model_facts WHERE depth > 0 AND created_at IS NOT NULL
    GROUP BY family, created_at::DATE
),
grown AS (SELECT DISTINCT family FROM created)  -- most families have no derivatives: no ASOF join for them
SELECT family, day, organic_downloads, 0::BIGINT AS derivatives FROM organic ANTI JOIN grown USING (family)
UNION ALL
SELECT o.family, o.day, o.organic_downloads, coalesce(c.derivatives, 0)::BIGINT AS derivatives
FROM (SELECT * FROM organic SEMI JOIN grown USING (family)) o
ASOF LEFT JOIN created c ON c.family = o.family AND o.day >= c.created
ORDER BY day
