-- One family's three channels per day: Hub organic downloads, local pulls per day, API tokens.
SELECT day, 'Hugging Face organic downloads' AS channel, organic_downloads::DOUBLE AS value
FROM mart_family_daily WHERE family = $family
UNION ALL
SELECT day, CASE channel WHEN 'ollama' THEN 'Ollama pulls per day' ELSE 'OpenRouter tokens' END, sum(value)
FROM mart_channel_daily WHERE family = $family AND value IS NOT NULL
GROUP BY ALL
ORDER BY day, channel
