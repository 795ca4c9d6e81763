-- Every member of one family with its relation to its parent ('root' for the family root), its parent and its
-- share of the family's organic downloads, largest first. A merge with two parents lists the first by name.
WITH parent AS (
    SELECT child, arg_min(parent, parent) AS parent, arg_min(relation, parent) AS relation
    FROM mart_lineage GROUP BY child
)
SELECT m.model_id, CASE WHEN m.model_id = m.family THEN 'root' ELSE coalesce(p.relation, 'unknown') END AS relation,
       p.parent, m.organic_downloads_30d,
       m.organic_downloads_30d / nullif(sum(m.organic_downloads_30d) OVER (), 0) AS family_share,
       m.rank, m.composite, m.params_b, m.created_at
FROM mart_models m LEFT JOIN parent p ON p.child = m.model_id
WHERE m.family = $family
ORDER BY m.organic_downloads_30d DESC NULLS LAST, m.model_id
