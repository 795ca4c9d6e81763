-- Legacy claim per model (0-100): the MMLU score in its card's model-index, from the latest card slice, or the
-- reference world's archived MMLU claims (card_legacy_scores as of the reference day, docs/reference.md).
-- Only MMLU, so that legacy_score - clean_score (the contamination gap) compares like with like.
SELECT id AS model_id, score AS legacy_score, benchmark AS legacy_benchmark
FROM card_legacy_scores
WHERE as_of = (SELECT max(as_of) FROM (SELECT as_of FROM raw_hf_model_cards UNION ALL SELECT as_of FROM card_legacy_scores))
  AND benchmark = 'MMLU'
