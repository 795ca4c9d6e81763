-- Facts about the build (docs/marts.md): data_kind is 'sandbox' when a run behind the latest Hub snapshot
-- was a sandbox run (collection_runs.sandbox), 'reference' when every such run imported an archived file
-- (endpoint file://..., docs/import.md), else 'live'; built_at is the build's start (UTC); code_hash the
-- pipelines' code that built it.
WITH slice_runs AS (
    SELECT DISTINCT run_id FROM stg_hf_latest
)
SELECT 'data_kind' AS key,
       CASE WHEN coalesce(bool_or(r.sandbox), false) THEN 'sandbox'
            WHEN bool_and(r.endpoint LIKE 'file:%') THEN 'reference' ELSE 'live' END AS value
FROM slice_runs s JOIN collection_runs r USING (run_id)
UNION ALL SELECT 'methodology_version', methodology_version FROM revealed_settings
UNION ALL SELECT 'default_profile', default_profile FROM revealed_settings
UNION ALL SELECT 'inputs_hash', value FROM build_inputs WHERE key = 'inputs_hash'
UNION ALL SELECT 'code_hash', value FROM build_inputs WHERE key = 'code_hash'
UNION ALL SELECT 'built_at', value FROM build_inputs WHERE key = 'started_at'
UNION ALL SELECT 'as_of_hf', max(as_of_hf)::VARCHAR FROM int_model_facts
UNION ALL SELECT 'as_of_github', max(as_of_github)::VARCHAR FROM opt_int_model_github
UNION ALL SELECT 'as_of_benchmarks', max(as_of_benchmarks)::VARCHAR FROM int_model_facts
