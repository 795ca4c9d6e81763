-- Families ranked under one weight profile ($kind 'family'), filtered on their root model: one page of rows ($limit
-- NULL = all), the filtered total and how many the profile ranks. Only the page's rows are joined to the wide family
-- columns.
WITH picked AS (
-- include leaderboard_page
)
SELECT p.rank, p.rank_low, p.rank_high, f.family, p.composite, p.coverage, f.members,
       f.organic_downloads_30d, f.raw_downloads_30d, f.organic_share, f.active_derivatives,
       f.derivatives_finetune, f.derivatives_quantized, f.derivatives_adapter, f.derivatives_merge,
       f.derivatives_unknown,
       f.top_model, f.github_stars, f.clean_score, r.license_class, f.size_class, r.pipeline_tag,
       f.adoption, f.cohort_adoption, f.momentum, f.ecosystem, f.community, f.capability, f.local_use, f.api_use, f.local_pulls_30d, f.api_tokens_30d, f.mostly_automation,
       f.as_of_hf, f.methodology_version,
       p.total,
       (SELECT count(rank) FROM mart_scores WHERE entity_kind = $kind AND profile = $profile) AS ranked
FROM picked p
JOIN mart_families f ON f.family = p.entity_id
LEFT JOIN mart_models r ON r.model_id = f.family
ORDER BY p.rank NULLS LAST, p.composite DESC NULLS LAST, f.family
