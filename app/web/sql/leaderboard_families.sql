-- Families ranked under one weight profile (unranked ones are not listed); task, license, size and open-weight filters apply to the root model.
SELECT s.rank, s.rank_low, s.rank_high, f.family, s.composite, s.coverage, f.members,
       f.organic_downloads_30d, f.raw_downloads_30d, f.organic_share, f.active_derivatives,
       f.derivatives_finetune, f.derivatives_quantized, f.derivatives_adapter, f.derivatives_merge,
       f.derivatives_unknown,
       f.top_model, f.github_stars, f.clean_score, r.license_class, f.size_class, r.pipeline_tag,
       f.adoption, f.cohort_adoption, f.momentum, f.ecosystem, f.community, f.capability, f.local_use, f.api_use, f.local_pulls_30d, f.api_tokens_30d, f.mostly_automation,
       f.as_of_hf, f.methodology_version,
       count(*) OVER () AS total,
       (SELECT count(rank) FROM mart_scores WHERE entity_kind = 'family' AND profile = $profile) AS ranked
FROM mart_families f
JOIN mart_scores s ON s.entity_kind = 'family' AND s.entity_id = f.family AND s.profile = $profile
LEFT JOIN mart_models r ON r.model_id = f.family
WHERE s.rank IS NOT NULL
  AND (len($tasks::VARCHAR[]) = 0 OR list_contains($tasks::VARCHAR[], r.pipeline_tag))
  AND (len($licenses::VARCHAR[]) = 0 OR list_contains($licenses::VARCHAR[], r.license_class))
  AND (len($sizes::VARCHAR[]) = 0 OR list_contains($sizes::VARCHAR[], r.size_class))
  AND (NOT $open_only OR coalesce(r.open_weight, false))
  AND coalesce(s.coverage, 0) >= $min_coverage
ORDER BY s.rank NULLS LAST, s.composite DESC NULLS LAST, f.family
LIMIT $limit OFFSET $offset
