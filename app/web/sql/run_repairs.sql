-- The newest runs, for the ones that kept their data after repairing or skipping part of it (their `repairs`);
-- every column, since a serving copy published before collection_runs.repairs existed has none.
SELECT * FROM collection_runs
ORDER BY started_at DESC
LIMIT $recent
