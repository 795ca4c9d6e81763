-- One row per model of the latest Hub snapshot with every input the scores and mart_models show
-- (docs/methodology.md): size and age cohorts, license class, organic downloads, derivatives, GitHub, benchmarks.
WITH noise AS (
    SELECT n.* FROM opt_int_model_noise n JOIN stg_hf_latest l ON l.id = n.model_id AND l.as_of = n.as_of
),
github AS (
    SELECT model_id, arg_max(repo, stars) AS repo, arg_max(link_source, stars) AS link_source, max(stars) AS stars,
           arg_max(stars_growth_30d, stars) AS stars_growth_30d, max(as_of_github) AS as_of_github
    FROM opt_int_model_github WHERE stars IS NOT NULL GROUP BY model_id
),
clean AS (
    SELECT model_id, max(clean_score) AS clean_score, arg_max(clean_source, clean_score) AS clean_source
    FROM opt_int_model_clean_scores WHERE clean_score IS NOT NULL GROUP BY model_id
),
legacy AS (
    SELECT model_id, max(legacy_score) AS legacy_score, arg_max(legacy_benchmark, legacy_score) AS legacy_benchmark
    FROM opt_int_model_legacy_scores WHERE legacy_score IS NOT NULL GROUP BY model_id
),
benchmarks_as_of AS (
    SELECT max(as_of) AS as_of_benchmarks FROM collection_runs
    WHERE source IN ('livebench', 'livecodebench') AND status = 'ok'
)
SELECT
    l.id AS model_id,
    coalesce(f.family, l.id) AS family,
    coalesce(f.depth, 0) AS depth,
    l.params / 1e9 AS params_b,
    CASE WHEN l.params IS NULL OR l.params <= 0 THEN 'unknown'
         WHEN l.params < 1e9 THEN '<1B' WHEN l.params < 10e9 THEN '1-9B' WHEN l.params < 40e9 THEN '10-39B'
         WHEN l.params < 100e9 THEN '40-99B' ELSE '100B+' END AS size_class,
    -- age since release in the cohort buckets of RAM's "same day after release", coarsened
    CASE WHEN l.created_at IS NULL THEN 'unknown'
         WHEN l.as_of - l.created_at::DATE < 30 THEN '<30d' WHEN l.as_of - l.created_at::DATE < 90 THEN '30-89d'
         WHEN l.as_of - l.created_at::DATE < 180 THEN '90-179d' WHEN l.as_of - l.created_at::DATE < 365 THEN '180-364d'
         ELSE '365d+' END AS age_class,
    l.license,
    CASE WHEN l.license IS NULL OR l.license IN ('other', 'unknown') THEN 'unknown'
         WHEN l.license IN ('apache-2.0', 'mit', 'bsd', 'bsd-2-clause', 'bsd-3-clause', 'bsd-3-clause-clear', 'isc',
                            'cc-by-4.0', 'cc-by-3.0', 'cc-by-2.0', 'cc0-1.0', 'unlicense', 'zlib', 'bsl-1.0',
                            'artistic-2.0', 'ecl-2.0', 'afl-3.0', 'postgresql', 'wtfpl', 'pddl', 'odc-by') THEN 'permissive'
         WHEN regexp_matches(l.license, '^(a?gpl|lgpl|cc-by-sa|mpl|epl|eupl|osl|odbl)') THEN 'copyleft'
         ELSE 'restricted' END AS license_class,
    l.pipeline_tag,
    l.gated <> 'manual' AS open_weight,  -- NULL where the listing has no gating (archived snapshots)
    l.created_at,
    l.likes,
    coalesce(n.raw_downloads_30d, l.downloads) AS raw_downloads_30d,
    n.organic_downloads_30d,
    n.automation_share,
    n.noise_reasons,
    n.mirror_of,
    coalesce(n.mostly_automation, false) AS mostly_automation,
    n.unseen_share,
    d.derivatives_finetune, d.derivatives_quantized, d.derivatives_adapter, d.derivatives_merge, d.derivatives_unknown,
    d.descendants,
    d.active_derivatives,
    g.repo AS github_repo,
    g.link_source AS github_link_source,
    g.stars AS github_stars,
    g.stars_growth_30d AS github_stars_growth_30d,
    c.clean_score,
    c.clean_source,
    lg.legacy_score,
    lg.legacy_benchmark,
    lg.legacy_score - c.clean_score AS contamination_gap,
    l.as_of AS as_of_hf,
    g.as_of_github,
    b.as_of_benchmarks
FROM stg_hf_latest l
LEFT JOIN int_model_family f ON f.model_id = l.id
LEFT JOIN int_model_derivatives d ON d.model_id = l.id
LEFT JOIN noise n ON n.model_id = l.id
LEFT JOIN github g ON g.model_id = l.id
LEFT JOIN clean c ON c.model_id = l.id
LEFT JOIN legacy lg ON lg.model_id = l.id
CROSS JOIN benchmarks_as_of b
