-- Distinct (child, parent) edges without self-references. A parent listed twice keeps its first relation;
-- parent_order is renumbered so that 1 is the first listed parent, the one a model's family follows.
SELECT child, parent, relation, row_number() OVER (PARTITION BY child ORDER BY first_order)::INTEGER AS parent_order
FROM (
    SELECT child, parent, arg_min(relation, parent_order) AS relation, min(parent_order) AS first_order
    FROM stg_lineage_edges
    WHERE child <> parent
    GROUP BY child, parent
)
