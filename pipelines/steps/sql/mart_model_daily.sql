-- The daily series behind trends and history charts, by day (so a read of the recent days skips the older row groups).
SELECT model_id, day, raw_downloads, organic_downloads, imputed
FROM opt_int_model_daily
ORDER BY day
