-- The daily series behind trends and history charts.
SELECT model_id, day, raw_downloads, organic_downloads, imputed
FROM opt_int_model_daily
