-- Distinct values for the leaderboard filters.
SELECT 'pipeline_tag' AS field, pipeline_tag AS value, count(*) AS n FROM mart_models WHERE pipeline_tag IS NOT NULL GROUP BY ALL
UNION ALL
SELECT 'license_class', license_class, count(*) FROM mart_models WHERE license_class IS NOT NULL GROUP BY ALL
UNION ALL
SELECT 'size_class', size_class, count(*) FROM mart_models WHERE size_class IS NOT NULL GROUP BY ALL
-- size classes from small to large (then unknown); the others most common first
ORDER BY field, list_position(['<1B', '1-9B', '10-39B', '40-99B', '100B+'], value) NULLS LAST, n DESC
