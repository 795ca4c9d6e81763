-- Every declared (child, parent, relation) of the latest Hub snapshot, numbered in the order the Hub lists
-- the parents (parent_order 1 = first listed). Self-references and repeats are still here; int_lineage_edges drops them.
WITH latest AS (
    SELECT id, base_models FROM stg_hf_latest WHERE len(base_models) > 0
),
listed AS (
    SELECT id AS child, unnest(base_models) AS bm, generate_subscripts(base_models, 1) AS parent_order FROM latest
)
SELECT child, bm.parent AS parent, coalesce(lower(bm.relation), 'unknown') AS relation, parent_order::INTEGER AS parent_order
FROM listed
WHERE bm.parent IS NOT NULL AND bm.parent <> ''
