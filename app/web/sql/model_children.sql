-- The largest direct children by organic downloads.
SELECT l.child, l.relation, m.organic_downloads_30d, m.active_derivatives, m.rank
FROM mart_lineage l LEFT JOIN mart_models m ON m.model_id = l.child
WHERE l.parent = $model_id
ORDER BY m.organic_downloads_30d DESC NULLS LAST, l.child
LIMIT $limit
