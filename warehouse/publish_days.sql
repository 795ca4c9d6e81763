-- Bring the copied serving file's per-day marts (attached as publish_target) up to this build: the rows the marts
-- step rewrote (pipelines/steps/marts.py), every day from since and a redone family's days from its own day
-- (redone: the first of those days, so the older days' row groups are skipped).
DELETE FROM publish_target.main.mart_model_daily WHERE day >= $since;
INSERT INTO publish_target.main.mart_model_daily SELECT * FROM mart_model_daily WHERE day >= $since ORDER BY day;
DELETE FROM publish_target.main.mart_family_daily WHERE day >= $since;
DELETE FROM publish_target.main.mart_family_daily m WHERE m.day >= $redone AND m.day < $since
AND EXISTS (SELECT 1 FROM int_family_redo r WHERE r.family = m.family AND m.day >= r.since);
INSERT INTO publish_target.main.mart_family_daily
SELECT * FROM (
    SELECT * FROM mart_family_daily WHERE day >= $since
    UNION ALL
    SELECT m.* FROM mart_family_daily m JOIN int_family_redo r USING (family)
    WHERE m.day >= $redone AND m.day < $since AND m.day >= r.since
) ORDER BY day;
