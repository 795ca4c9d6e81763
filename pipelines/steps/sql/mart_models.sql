-- One row per model of the latest Hub snapshot (docs/marts.md): rank and composite under the default profile,
-- the components, and the inputs behind them.
WITH s AS (SELECT * FROM revealed_settings),
scores AS (
    SELECT e.* FROM int_entity_scores e, s WHERE e.entity_kind = 'model' AND e.profile = s.default_profile
),
parts AS (SELECT * FROM int_entity_components WHERE entity_kind = 'model')
SELECT f.model_id, f.family,
       sc.rank, sc.rank_low, sc.rank_high, sc.composite, sc.coverage,
       p.adoption, p.cohort_adoption, p.momentum, p.ecosystem, p.community, p.capability, p.local_use, p.api_use,
       f.raw_downloads_30d, f.organic_downloads_30d, f.automation_share, f.noise_reasons, f.unseen_share,
       f.mostly_automation, f.mirror_of,
       f.derivatives_finetune, f.derivatives_quantized, f.derivatives_adapter, f.derivatives_merge,
       f.derivatives_unknown, f.active_derivatives, f.github_stars, f.github_repo, f.github_link_source, f.github_stars_growth_30d,
       f.clean_score, f.clean_source, f.legacy_score, f.contamination_gap,
       f.license, f.license_class, f.params_b, f.size_class, f.pipeline_tag, f.open_weight, f.created_at, f.likes,
       f.as_of_hf, f.as_of_github, f.as_of_benchmarks,
       ch.local_pulls_30d, ch.as_of_local, ch.api_tokens_30d, ch.as_of_api,
       s.methodology_version,
       (SELECT value FROM build_inputs WHERE key = 'inputs_hash') AS inputs_hash
FROM int_model_facts f
CROSS JOIN s
LEFT JOIN scores sc ON sc.entity_id = f.model_id
LEFT JOIN parts p ON p.entity_id = f.model_id
LEFT JOIN int_channel_totals ch ON ch.entity_kind = 'model' AND ch.entity_id = f.model_id
ORDER BY sc.rank NULLS LAST, f.model_id
