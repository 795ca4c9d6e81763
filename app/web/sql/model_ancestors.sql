-- The chain of parents up to the family root (depth-limited in case of cycles).
WITH RECURSIVE up(child, parent, relation, depth) AS (
    SELECT child, parent, relation, 1 FROM mart_lineage WHERE child = $model_id
    UNION ALL
    SELECT l.child, l.parent, l.relation, up.depth + 1
    FROM mart_lineage l JOIN up ON l.child = up.parent
    WHERE up.depth < 12
)
SELECT depth, parent, relation AS "child is a", child FROM up ORDER BY depth, parent
