-- Models ranked under one weight profile (unranked ones are not listed), filtered; one page of rows ($limit NULL =
-- all), the filtered total and how many the profile ranks.
SELECT s.rank, s.rank_low, s.rank_high, m.model_id, m.family, s.composite, s.coverage,
       m.adoption, m.cohort_adoption, m.momentum, m.ecosystem, m.community, m.capability, m.local_use, m.api_use, m.local_pulls_30d, m.api_tokens_30d,
       m.organic_downloads_30d, m.raw_downloads_30d, m.automation_share, m.clean_score, m.active_derivatives,
       m.github_stars,
       m.license_class, m.size_class, m.params_b, m.pipeline_tag, m.open_weight,
       m.as_of_hf, m.methodology_version,
       count(*) OVER () AS total,
       (SELECT count(rank) FROM mart_scores WHERE entity_kind = 'model' AND profile = $profile) AS ranked
FROM mart_models m
JOIN mart_scores s ON s.entity_kind = 'model' AND s.entity_id = m.model_id AND s.profile = $profile
WHERE s.rank IS NOT NULL
  AND (len($tasks::VARCHAR[]) = 0 OR list_contains($tasks::VARCHAR[], m.pipeline_tag))
  AND (len($licenses::VARCHAR[]) = 0 OR list_contains($licenses::VARCHAR[], m.license_class))
  AND (len($sizes::VARCHAR[]) = 0 OR list_contains($sizes::VARCHAR[], m.size_class))
  AND (NOT $open_only OR m.open_weight)
  AND coalesce(s.coverage, 0) >= $min_coverage
ORDER BY s.rank NULLS LAST, s.composite DESC NULLS LAST, m.model_id
LIMIT $limit OFFSET $offset
