-- Families ranked under one weight profile (unranked ones are not listed); task, license, size and open-weight filters
-- apply to the root model (mart_scores holds its columns). The page is picked on mart_scores alone; only its rows are
-- joined to the wide family columns.
WITH picked AS (
    SELECT s.entity_id AS family, s.rank, s.rank_low, s.rank_high, s.composite, s.coverage,
           count(*) OVER () AS total
    FROM mart_scores s
    WHERE s.entity_kind = 'family' AND s.profile = $profile AND s.rank IS NOT NULL
      AND (len($tasks::VARCHAR[]) = 0 OR list_contains($tasks::VARCHAR[], s.pipeline_tag))
      AND (len($licenses::VARCHAR[]) = 0 OR list_contains($licenses::VARCHAR[], s.license_class))
      AND (len($sizes::VARCHAR[]) = 0 OR list_contains($sizes::VARCHAR[], s.size_class))
      AND (NOT $open_only OR s.open_weight)
      AND coalesce(s.coverage, 0) >= $min_coverage
    ORDER BY s.rank NULLS LAST, s.composite DESC NULLS LAST, s.entity_id
    LIMIT $limit OFFSET $offset
)
SELECT p.rank, p.rank_low, p.rank_high, f.family, p.composite, p.coverage, f.members,
       f.organic_downloads_30d, f.raw_downloads_30d, f.organic_share, f.active_derivatives,
       f.derivatives_finetune, f.derivatives_quantized, f.derivatives_adapter, f.derivatives_merge,
       f.derivatives_unknown,
       f.top_model, f.github_stars, f.clean_score, r.license_class, f.size_class, r.pipeline_tag,
       f.adoption, f.cohort_adoption, f.momentum, f.ecosystem, f.community, f.capability, f.local_use, f.api_use, f.local_pulls_30d, f.api_tokens_30d, f.mostly_automation,
       f.as_of_hf, f.methodology_version,
       p.total,
       (SELECT count(rank) FROM mart_scores WHERE entity_kind = 'family' AND profile = $profile) AS ranked
FROM picked p
JOIN mart_families f USING (family)
LEFT JOIN mart_models r ON r.model_id = f.family
ORDER BY p.rank NULLS LAST, p.composite DESC NULLS LAST, f.family
