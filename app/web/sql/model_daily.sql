SELECT day, raw_downloads, organic_downloads, imputed
FROM mart_model_daily WHERE model_id = $model_id ORDER BY day
