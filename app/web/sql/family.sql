-- One family's row, with its root model's facts.
SELECT f.*, r.license, r.license_class, r.size_class, r.pipeline_tag, r.created_at AS root_created_at
FROM mart_families f LEFT JOIN mart_models r ON r.model_id = f.family
WHERE f.family = $family
