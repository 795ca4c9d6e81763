SELECT *, (SELECT count(rank) FROM mart_models) AS ranked FROM mart_models WHERE model_id = $model
