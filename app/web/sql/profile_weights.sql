SELECT profile, component, weight FROM mart_profile_weights ORDER BY profile, position
