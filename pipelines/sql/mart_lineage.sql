-- The lineage edges, for the lineage tree on the model page.
SELECT child, parent, relation FROM lineage_edges ORDER BY parent, child
