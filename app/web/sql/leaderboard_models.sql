-- Models ranked under one weight profile ($kind 'model'), filtered: one page of rows ($limit NULL = all), the filtered
-- total and how many the profile ranks. Only the page's rows are joined to the wide model columns.
WITH picked AS (
-- include leaderboard_page
)
SELECT p.rank, p.rank_low, p.rank_high, m.model_id, m.family, p.composite, p.coverage,
       m.adoption, m.cohort_adoption, m.momentum, m.ecosystem, m.community, m.capability, m.local_use, m.api_use, m.local_pulls_30d, m.api_tokens_30d,
       m.organic_downloads_30d, m.raw_downloads_30d, m.automation_share, m.clean_score, m.active_derivatives,
       m.github_stars,
       m.license_class, m.size_class, m.params_b, m.pipeline_tag, m.open_weight,
       m.as_of_hf, m.methodology_version,
       p.total,
       (SELECT count(rank) FROM mart_scores WHERE entity_kind = $kind AND profile = $profile) AS ranked
FROM picked p
JOIN mart_models m ON m.model_id = p.entity_id
ORDER BY p.rank NULLS LAST, p.composite DESC NULLS LAST, m.model_id
