-- Models with a clean or legacy score, largest contamination gap first.
SELECT model_id, family, clean_score, clean_source, legacy_score, contamination_gap, rank
FROM mart_models WHERE clean_score IS NOT NULL OR legacy_score IS NOT NULL
ORDER BY contamination_gap DESC NULLS LAST, model_id LIMIT $limit
