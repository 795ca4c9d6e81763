-- One page of the entities of kind $kind ranked under $profile (unranked ones are not listed), filtered, each with
-- the filtered total: picked on mart_scores alone, which holds the filter columns (a family's are its root model's).
SELECT s.entity_id, s.rank, s.rank_low, s.rank_high, s.composite, s.coverage, count(*) OVER () AS total
FROM mart_scores s
WHERE s.entity_kind = $kind AND s.profile = $profile AND s.rank IS NOT NULL
  AND (len($tasks::VARCHAR[]) = 0 OR list_contains($tasks::VARCHAR[], s.pipeline_tag))
  AND (len($licenses::VARCHAR[]) = 0 OR list_contains($licenses::VARCHAR[], s.license_class))
  AND (len($sizes::VARCHAR[]) = 0 OR list_contains($sizes::VARCHAR[], s.size_class))
  AND (NOT $open_only OR s.open_weight)
  AND coalesce(s.coverage, 0) >= $min_coverage
ORDER BY s.rank NULLS LAST, s.composite DESC NULLS LAST, s.entity_id
LIMIT $limit OFFSET $offset
