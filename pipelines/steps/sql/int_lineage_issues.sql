-- What the lineage step found and did about it, one row per model and issue.
SELECT DISTINCT child AS model_id, 'self_reference' AS issue, 'lists itself as a base model' AS detail
FROM stg_lineage_edges WHERE child = parent
UNION ALL
SELECT child, 'cycle_broken', 'dropped the edge to ' || parent || ' to break a cycle; now a family root'
FROM int_lineage_broken
UNION ALL
SELECT DISTINCT child, 'missing_parent', parent || ' is not in the snapshot; the family still follows it'
FROM int_lineage_edges WHERE parent NOT IN (SELECT model_id FROM int_lineage_nodes)
