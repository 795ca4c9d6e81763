-- Composite, coverage, rank and 90% rank interval per model and family under every weight profile.
SELECT entity_kind, entity_id, profile, composite, coverage, rank, rank_low, rank_high
FROM int_entity_scores
