-- Benchmark names that matched no Hugging Face repository.
SELECT source, release, model AS name_in_source, kind, count(*) AS categories, max(score) AS best_score
FROM mart_benchmarks WHERE hf_id IS NULL
GROUP BY ALL ORDER BY source, release DESC, name_in_source LIMIT $limit
