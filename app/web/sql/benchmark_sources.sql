SELECT source, release, kind, count(DISTINCT model) AS names,
       count(DISTINCT model) FILTER (WHERE hf_id IS NULL) AS unmatched,
       min(window_start)::VARCHAR AS window_start, max(window_end)::VARCHAR AS window_end
FROM mart_benchmarks GROUP BY ALL ORDER BY source, release DESC, kind
