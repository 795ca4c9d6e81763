SELECT kind, source, release, category, score, n_items, window_start::VARCHAR AS window_start,
       window_end::VARCHAR AS window_end, model AS name_in_source
FROM mart_benchmarks WHERE hf_id = $model_id
ORDER BY kind, source, release DESC, category
