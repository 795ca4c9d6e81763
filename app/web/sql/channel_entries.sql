-- Channel entries with their match; $unmatched = true keeps only those without a Hub family.
SELECT channel, name, value_30d, as_of, window_days, coarse, family, hf_id, method, candidates
FROM mart_channel_entries
WHERE NOT $unmatched OR family IS NULL
ORDER BY channel, value_30d DESC NULLS LAST, name
