-- Candidates for a questionnaire: each model's score under the adjusted weights, over its present components
-- (a missing component is left out and lowers coverage, never counted as zero). {where} holds the hard
-- constraints, built from allow-listed columns with every value a parameter.
WITH scored AS (
    SELECT *,
           params_b * $bits / 8 * $overhead AS weights_gb,
           coalesce($w_adoption * adoption, 0) + coalesce($w_momentum * momentum, 0)
             + coalesce($w_ecosystem * ecosystem, 0) + coalesce($w_community * community, 0)
             + coalesce($w_capability * capability, 0) AS weighted,
           $w_adoption * (adoption IS NOT NULL)::INT + $w_momentum * (momentum IS NOT NULL)::INT
             + $w_ecosystem * (ecosystem IS NOT NULL)::INT + $w_community * (community IS NOT NULL)::INT
             + $w_capability * (capability IS NOT NULL)::INT AS present_weight
    FROM mart_models
)
SELECT *, weighted / present_weight AS score, present_weight AS score_coverage, count(*) OVER () AS matched
FROM scored
WHERE present_weight > 0 AND present_weight >= $min_coverage AND ({where})
ORDER BY score DESC, organic_downloads_30d DESC NULLS LAST, model_id
LIMIT $top
