SELECT DISTINCT profile FROM mart_profile_weights ORDER BY profile = $default DESC, profile
