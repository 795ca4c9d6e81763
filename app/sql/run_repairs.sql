-- The newest runs that kept their data after repairing or skipping part of it (collection_runs.repairs); a
-- serving copy published before that column existed has no such runs.
SELECT source, as_of, status, run_id, COLUMNS(c -> c = 'repairs')
FROM collection_runs
ORDER BY started_at DESC
LIMIT $recent
