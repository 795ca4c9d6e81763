-- Models ranked under one weight profile (unranked ones are not listed), filtered; one page of rows ($limit NULL =
-- all), the filtered total and how many the profile ranks. The page is picked on mart_scores alone (it holds the
-- filter columns); only its rows are joined to the wide model columns.
WITH picked AS (
    SELECT s.entity_id AS model_id, s.rank, s.rank_low, s.rank_high, s.composite, s.coverage,
           count(*) OVER () AS total
    FROM mart_scores s
    WHERE s.entity_kind = 'model' AND s.profile = $profile AND s.rank IS NOT NULL
      AND (len($tasks::VARCHAR[]) = 0 OR list_contains($tasks::VARCHAR[], s.pipeline_tag))
      AND (len($licenses::VARCHAR[]) = 0 OR list_contains($licenses::VARCHAR[], s.license_class))
      AND (len($sizes::VARCHAR[]) = 0 OR list_contains($sizes::VARCHAR[], s.size_class))
      AND (NOT $open_only OR s.open_weight)
      AND coalesce(s.coverage, 0) >= $min_coverage
    ORDER BY s.rank NULLS LAST, s.composite DESC NULLS LAST, s.entity_id
    LIMIT $limit OFFSET $offset
)
SELECT p.rank, p.rank_low, p.rank_high, m.model_id, m.family, p.composite, p.coverage,
       m.adoption, m.cohort_adoption, m.momentum, m.ecosystem, m.community, m.capability, m.local_use, m.api_use, m.local_pulls_30d, m.api_tokens_30d,
       m.organic_downloads_30d, m.raw_downloads_30d, m.automation_share, m.clean_score, m.active_derivatives,
       m.github_stars,
       m.license_class, m.size_class, m.params_b, m.pipeline_tag, m.open_weight,
       m.as_of_hf, m.methodology_version,
       p.total,
       (SELECT count(rank) FROM mart_scores WHERE entity_kind = 'model' AND profile = $profile) AS ranked
FROM picked p
JOIN mart_models m USING (model_id)
ORDER BY p.rank NULLS LAST, p.composite DESC NULLS LAST, m.model_id
