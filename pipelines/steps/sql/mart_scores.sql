-- Composite, coverage, rank and 90% rank interval per model and family under every weight profile, with the
-- columns the leaderboard filters on (a family's are its root model's), so a page is picked from this table alone;
-- in (kind, profile, rank) order, so a profile's rows sit in few row groups.
SELECT s.entity_kind, s.entity_id, s.profile, s.composite, s.coverage, s.rank, s.rank_low, s.rank_high,
       f.pipeline_tag, f.license_class, f.size_class, coalesce(f.open_weight, false) AS open_weight
FROM int_entity_scores s
LEFT JOIN int_model_facts f ON f.model_id = s.entity_id
ORDER BY s.entity_kind, s.profile, s.rank NULLS LAST, s.entity_id
