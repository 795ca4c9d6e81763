-- Legacy claim per model (0-100): the MMLU score in its card's model-index, from the latest card slice.
-- Only MMLU, so that legacy_score - clean_score (the contamination gap) compares like with like.
SELECT id AS model_id, score AS legacy_score, benchmark AS legacy_benchmark
FROM card_legacy_scores
WHERE as_of = (SELECT max(as_of) FROM raw_hf_model_cards) AND benchmark = 'MMLU'
