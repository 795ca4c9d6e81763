-- Inputs of the score components per model and per family (docs/methodology.md, "Components"), whether it is
-- mostly automation (not ranked; a family when every member is), with the
-- adoption reference: organic downloads of the k-th most-downloaded entity of the cohort (RAM v2), where the
-- cohort is size class and age since release, widened to the size class, then to all, when fewer than
-- max(k, adoption_cohort_min) of its entities have organic downloads; and the channel figures (int_channel_totals:
-- Ollama pulls and OpenRouter tokens of the entries matched to it, NULL when none matched).
WITH s AS (SELECT * FROM revealed_settings),
facts AS (
    -- community counts a model's own repository only, not the family root's that int_model_github also links
    SELECT *,
           CASE WHEN github_link_source IS DISTINCT FROM 'family_root' THEN github_stars END AS own_stars,
           CASE WHEN github_link_source IS DISTINCT FROM 'family_root' THEN github_stars_growth_30d END
               AS own_stars_growth_30d
    FROM int_model_facts
),
models AS (
    SELECT 'model' AS entity_kind, model_id AS entity_id, size_class, age_class, organic_downloads_30d,
           active_derivatives, own_stars AS stars, own_stars_growth_30d AS stars_growth_30d, clean_score,
           mostly_automation
    FROM facts
),
families AS (
    -- size of the family's most-downloaded member, age of its oldest member (a tie: the last, the first model id);
    -- each member counted once
    SELECT 'family', family,
           coalesce(arg_max(size_class, (coalesce(organic_downloads_30d, -1), model_id)), 'unknown'),
           coalesce(arg_min(age_class, (created_at, model_id)) FILTER (WHERE created_at IS NOT NULL), 'unknown'),
           sum(organic_downloads_30d)::BIGINT,
           count(*) FILTER (WHERE depth > 0 AND organic_downloads_30d >= s.active_derivative_min_downloads),
           max(own_stars),
           arg_max(own_stars_growth_30d, (own_stars, model_id)) FILTER (WHERE own_stars IS NOT NULL),
           max(clean_score),
           bool_and(mostly_automation)
    FROM facts, s
    GROUP BY family, s.active_derivative_min_downloads
),
entities AS (SELECT * FROM models UNION ALL SELECT * FROM families),
cohorts AS (
    -- per cohort: how many entities have organic downloads, the k-th highest count and the lowest
    SELECT entity_kind, size_class, age_class,
           count(*) FILTER (WHERE organic_downloads_30d > 0) AS n,
           (list(organic_downloads_30d ORDER BY organic_downloads_30d DESC)
               FILTER (WHERE organic_downloads_30d IS NOT NULL))[any_value(s.adoption_reference_rank)] AS kth,
           min(organic_downloads_30d) AS lowest,
           greatest(any_value(s.adoption_reference_rank), any_value(s.adoption_cohort_min)) AS needed
    FROM entities, s
    GROUP BY GROUPING SETS ((entity_kind, size_class, age_class), (entity_kind, size_class), (entity_kind))
)
SELECT e.*,
       CASE WHEN c1.n >= c1.needed THEN 'size+age' WHEN c2.n >= c2.needed THEN 'size' ELSE 'all' END
           AS adoption_cohort,
       greatest(1, CASE WHEN c1.n >= c1.needed THEN c1.kth WHEN c2.n >= c2.needed THEN c2.kth
                        ELSE coalesce(c3.kth, c3.lowest) END)::DOUBLE AS adoption_ref,
       ch.local_pulls_30d, ch.api_tokens_30d
FROM entities e
CROSS JOIN s
LEFT JOIN int_channel_totals ch ON ch.entity_kind = e.entity_kind AND ch.entity_id = e.entity_id
LEFT JOIN cohorts c1 ON c1.entity_kind = e.entity_kind AND c1.size_class = e.size_class AND c1.age_class = e.age_class
LEFT JOIN cohorts c2 ON c2.entity_kind = e.entity_kind AND c2.size_class = e.size_class AND c2.age_class IS NULL
LEFT JOIN cohorts c3 ON c3.entity_kind = e.entity_kind AND c3.size_class IS NULL AND c3.age_class IS NULL
ORDER BY e.entity_kind, e.entity_id
