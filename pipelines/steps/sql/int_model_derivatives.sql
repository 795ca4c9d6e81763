-- Derivatives per model. Direct counts per relation use every edge (a merge counts for each of its parents);
-- `unknown` counts children that declare the parent without a relation (the Hub's base_model:<id> tags of 2024);
-- descendants are the distinct models below along all edges (each counted once per ancestor, cycles included
-- only once); active ones have at least revealed_settings.active_derivative_min_downloads organic downloads.
WITH RECURSIVE closure(node, ancestor) AS (
    SELECT child, parent FROM int_lineage_edges
    UNION
    SELECT c.node, e.parent FROM closure c JOIN int_lineage_edges e ON e.child = c.ancestor
),
direct AS (
    SELECT parent AS model_id,
           count(*) FILTER (WHERE relation = 'finetune')  AS derivatives_finetune,
           count(*) FILTER (WHERE relation = 'quantized') AS derivatives_quantized,
           count(*) FILTER (WHERE relation = 'adapter')   AS derivatives_adapter,
           count(*) FILTER (WHERE relation = 'merge')     AS derivatives_merge,
           count(*) FILTER (WHERE relation = 'unknown')   AS derivatives_unknown
    FROM int_lineage_edges GROUP BY parent
),
below AS (
    SELECT c.ancestor AS model_id, count(*) AS descendants,
           count(*) FILTER (WHERE n.organic_downloads_30d >= s.active_derivative_min_downloads) AS active_derivatives
    FROM closure c
    LEFT JOIN int_lineage_nodes n ON n.model_id = c.node
    CROSS JOIN revealed_settings s
    WHERE c.node <> c.ancestor
    GROUP BY c.ancestor
)
SELECT n.model_id,
       coalesce(d.derivatives_finetune, 0)  AS derivatives_finetune,
       coalesce(d.derivatives_quantized, 0) AS derivatives_quantized,
       coalesce(d.derivatives_adapter, 0)   AS derivatives_adapter,
       coalesce(d.derivatives_merge, 0)     AS derivatives_merge,
       coalesce(d.derivatives_unknown, 0)   AS derivatives_unknown,
       coalesce(b.descendants, 0)           AS descendants,
       coalesce(b.active_derivatives, 0)    AS active_derivatives
FROM int_lineage_nodes n
LEFT JOIN direct d USING (model_id)
LEFT JOIN below b USING (model_id)
