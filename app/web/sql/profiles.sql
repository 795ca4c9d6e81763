SELECT DISTINCT profile FROM mart_scores ORDER BY profile = $default DESC, profile
