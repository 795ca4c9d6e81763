-- How each benchmark name was resolved (docs/matching.md): the repo, its family, the rule that decided, and
-- for ambiguous or unmatched names the nearest Hub ids, so screens can list them for review.
SELECT m.source, m.model, m.hf_id, f.family, m.method, nullif(m.candidates, '') AS candidates
FROM int_benchmark_matches AS m
LEFT JOIN int_model_family AS f ON f.model_id = m.hf_id
ORDER BY m.source, m.model
