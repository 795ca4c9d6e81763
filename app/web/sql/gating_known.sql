-- Whether any published model says if its weights need approval (archived listings do not).
SELECT count(open_weight) > 0 AS known FROM mart_models
