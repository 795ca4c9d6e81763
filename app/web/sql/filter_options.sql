-- Distinct values for the leaderboard filters: size classes from small to large (by their smallest model; unknown
-- last), the others most common first.
SELECT 'pipeline_tag' AS field, pipeline_tag AS value, count(*) AS n, NULL AS smallest
FROM mart_models WHERE pipeline_tag IS NOT NULL GROUP BY ALL
UNION ALL
SELECT 'license_class', license_class, count(*), NULL FROM mart_models WHERE license_class IS NOT NULL GROUP BY ALL
UNION ALL
SELECT 'size_class', size_class, count(*), min(params_b) FILTER (WHERE params_b > 0)
FROM mart_models WHERE size_class IS NOT NULL GROUP BY ALL
ORDER BY field, smallest NULLS LAST, n DESC
