-- Candidates for a questionnaire: each model's score under the adjusted weights, over its present components
-- (a missing component is left out and lowers coverage, never counted as zero). {where} holds the hard
-- constraints, built from allow-listed columns with every value a parameter; {weighted} and {present_weight} sum
-- $w_<component> * <component> and $w_<component> over the components, {order} puts the stated priority's
-- component first, picks without it last (pipelines/serving/questionnaire_picks.py). size_rank / size_peers places a
-- model's organic downloads among its size class. A base names no parent and no build format in its name ($build_name:
-- pipelines/steps/denoise.py's BUILD_NAME, as `<base>-bnb-4bit`: such builds often omit their base_model tag). Mostly-
-- automation models are never picked.
WITH scored AS (
    SELECT *,
           params_b * $bits / 8 * $overhead AS weights_gb,
           model_id = family AND NOT regexp_matches(regexp_replace(model_id, '^[^/]*/', ''), $build_name, 'i')
               AS is_base,
           rank() OVER (PARTITION BY size_class ORDER BY organic_downloads_30d DESC NULLS LAST) AS size_rank,
           count(*) OVER (PARTITION BY size_class) AS size_peers,
           count(rank) OVER () AS ranked_total,
           {weighted} AS weighted,
           {present_weight} AS present_weight
    FROM mart_models
)
SELECT *, weighted / present_weight AS score, present_weight AS score_coverage, count(*) OVER () AS matched
FROM scored
WHERE present_weight > 0 AND present_weight >= $min_coverage AND NOT mostly_automation AND ({where})
ORDER BY {order}score DESC, organic_downloads_30d DESC NULLS LAST, model_id
LIMIT $top
