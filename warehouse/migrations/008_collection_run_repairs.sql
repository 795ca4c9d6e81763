-- What a run repaired or skipped in the upstream data while keeping the rest (short rows padded, a duplicated
-- model skipped, ...): one line per repair, NULL when the data needed none. A run with repairs can be 'ok'.
ALTER TABLE collection_runs ADD COLUMN repairs VARCHAR;
