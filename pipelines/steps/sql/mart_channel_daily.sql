-- Per channel entry and day: local pulls per day (read over a window long enough for the rounding; NULL when too
-- coarse) or API tokens with their share of the day's tokens; family NULL for unmatched entries.
SELECT 'ollama' AS channel, d.model AS name, m.family, d.day, d.daily_pulls AS value, NULL::DOUBLE AS share,
       d.window_days, d.coarse
FROM int_channel_local_daily d LEFT JOIN int_channel_matches m ON m.channel = 'ollama' AND m.name = d.model
UNION ALL
SELECT 'openrouter', a.slug, m.family, a.day, a.tokens::DOUBLE, a.share, NULL, false
FROM int_channel_api_daily a LEFT JOIN int_channel_matches m ON m.channel = 'openrouter' AND m.name = a.slug
ORDER BY channel, name, day
