SELECT * FROM mart_models WHERE model_id = $model
