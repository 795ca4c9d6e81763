-- Composite, coverage, rank and 90% rank interval per model and family under every weight profile, with the
-- columns the leaderboard filters on (a family's are its root model's), so a page is picked from this table alone.
SELECT s.entity_kind, s.entity_id, s.profile, s.composite, s.coverage, s.rank, s.rank_low, s.rank_high,
       f.pipeline_tag, f.license_class, f.size_class, coalesce(f.open_weight, false) AS open_weight
FROM int_entity_scores s
LEFT JOIN int_model_facts f ON f.model_id = s.entity_id
