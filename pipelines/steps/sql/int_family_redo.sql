-- Families whose per-day rows the marts step rewrites from a day on (pipelines/steps/marts.py): a family that gained,
-- lost or changed a member (family, derivative or creation day) since the last build, from the first day that
-- member counts in it (its first daily row or its creation day, whichever is earlier).
WITH now AS (SELECT model_id, family, depth > 0 AS derived, created_at::DATE AS created FROM int_model_facts),
changed AS (
    (SELECT * FROM now EXCEPT SELECT * FROM int_family_members_kept)
    UNION ALL
    (SELECT * FROM int_family_members_kept EXCEPT SELECT * FROM now)
),
first_row AS (SELECT model_id, first_day FROM int_model_first_day WHERE model_id IN (SELECT model_id FROM changed))
SELECT c.family, min(least(coalesce(c.created, DATE '9999-12-31'), coalesce(f.first_day, DATE '9999-12-31'))) AS since
FROM changed c LEFT JOIN first_row f USING (model_id)
GROUP BY c.family
