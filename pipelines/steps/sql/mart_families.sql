-- One row per family root (docs/marts.md). Each model belongs to exactly one family, so every roll-up counts a
-- model's downloads once; derivatives per relation count members by their relation to the first listed parent.
WITH s AS (SELECT * FROM revealed_settings),
members AS (
    SELECT f.*, e.relation
    FROM int_model_facts f LEFT JOIN int_lineage_edges e ON e.child = f.model_id AND e.parent_order = 1
),
rollup AS (
    SELECT family, count(*) AS members,
           sum(raw_downloads_30d)::BIGINT AS raw_downloads_30d,
           sum(organic_downloads_30d)::BIGINT AS organic_downloads_30d,
           count(*) FILTER (WHERE depth > 0 AND relation = 'finetune')  AS derivatives_finetune,
           count(*) FILTER (WHERE depth > 0 AND relation = 'quantized') AS derivatives_quantized,
           count(*) FILTER (WHERE depth > 0 AND relation = 'adapter')   AS derivatives_adapter,
           count(*) FILTER (WHERE depth > 0 AND relation = 'merge')     AS derivatives_merge,
           count(*) FILTER (WHERE depth > 0 AND relation = 'unknown')   AS derivatives_unknown,
           arg_max(model_id, (coalesce(organic_downloads_30d, -1), model_id)) AS top_model,
           max(as_of_hf) AS as_of_hf, max(as_of_github) AS as_of_github, max(as_of_benchmarks) AS as_of_benchmarks
    FROM members GROUP BY family
),
scores AS (
    SELECT e.* FROM int_entity_scores e, s WHERE e.entity_kind = 'family' AND e.profile = s.default_profile
)
SELECT r.family, r.members, r.raw_downloads_30d, r.organic_downloads_30d,
       r.organic_downloads_30d / nullif(sum(r.organic_downloads_30d) OVER (), 0) AS organic_share,
       r.derivatives_finetune, r.derivatives_quantized, r.derivatives_adapter, r.derivatives_merge,
       r.derivatives_unknown, i.active_derivatives, r.top_model, i.stars AS github_stars, i.clean_score,
       sc.composite, sc.rank, sc.rank_low, sc.rank_high, sc.coverage,
       r.as_of_hf, r.as_of_github, r.as_of_benchmarks, s.methodology_version,
       (SELECT value FROM build_inputs WHERE key = 'inputs_hash') AS inputs_hash,
       p.adoption, p.cohort_adoption, p.momentum, p.ecosystem, p.community, p.capability, p.local_use, p.api_use,
       i.size_class, i.mostly_automation,
       ch.local_pulls_30d, ch.as_of_local, ch.api_tokens_30d, ch.as_of_api
FROM rollup r
CROSS JOIN s
LEFT JOIN int_entity_inputs i ON i.entity_kind = 'family' AND i.entity_id = r.family
LEFT JOIN scores sc ON sc.entity_id = r.family
LEFT JOIN int_entity_components p ON p.entity_kind = 'family' AND p.entity_id = r.family
LEFT JOIN int_channel_totals ch ON ch.entity_kind = 'family' AND ch.entity_id = r.family
ORDER BY sc.rank NULLS LAST, r.family
