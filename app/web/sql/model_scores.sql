SELECT profile, composite, coverage, rank, rank_low, rank_high
FROM mart_scores WHERE entity_kind = 'model' AND entity_id = $model_id ORDER BY profile
