-- The lineage edges, for the lineage tree on the model page.
SELECT child, parent, relation FROM int_lineage_edges ORDER BY parent, child
