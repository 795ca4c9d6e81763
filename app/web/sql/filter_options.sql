-- Distinct values for the leaderboard filters.
SELECT 'pipeline_tag' AS field, pipeline_tag AS value, count(*) AS n FROM mart_models WHERE pipeline_tag IS NOT NULL GROUP BY ALL
UNION ALL
SELECT 'license_class', license_class, count(*) FROM mart_models WHERE license_class IS NOT NULL GROUP BY ALL
UNION ALL
SELECT 'size_class', size_class, count(*) FROM mart_models WHERE size_class IS NOT NULL GROUP BY ALL
ORDER BY field, n DESC
