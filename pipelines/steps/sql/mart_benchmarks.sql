-- Every benchmark score with its Hugging Face repo and family (docs/marts.md): clean rows from
-- int_benchmark_scores (unmatched names keep a NULL hf_id) plus the legacy claims of the latest model cards.
SELECT s.source, s.release, s.model, m.hf_id, f.family, s.category, s.score, s.n_items,
       s.window_start, s.window_end, 'clean' AS kind
FROM int_benchmark_scores AS s
LEFT JOIN int_benchmark_matches AS m USING (source, model)
LEFT JOIN int_model_family AS f ON f.model_id = m.hf_id
WHERE s.kind = 'clean'
UNION ALL
SELECT 'model_card' AS source, c.as_of AS release, c.id AS model, c.id AS hf_id, f.family,
       c.benchmark AS category, c.score, NULL AS n_items, NULL AS window_start, NULL AS window_end,
       'legacy' AS kind
FROM card_legacy_scores AS c
LEFT JOIN int_model_family AS f ON f.model_id = c.id
WHERE c.as_of = (SELECT max(as_of) FROM raw_hf_model_cards)
