-- One row per channel entry: its last 30 days (pulls or tokens), its own as-of date and its match (or why not).
-- Local pulls over 30 days are 30 x the pulls per day read over the shortest window long enough for the site's
-- rounding (window_days says which); NULL and coarse when even a year of growth is under ten rounding steps.
WITH local AS (
    SELECT model AS name, day AS as_of, pulls AS cumulative, round(30 * daily_pulls)::BIGINT AS value_30d,
           window_days, coarse
    FROM int_channel_local_daily
    QUALIFY row_number() OVER (PARTITION BY model ORDER BY day DESC) = 1
),
api AS (
    SELECT slug AS name, max(day) AS as_of, NULL::BIGINT AS cumulative,
           sum(tokens) FILTER (WHERE day > (SELECT max(day) FROM int_channel_api_daily) - INTERVAL 30 DAY)::BIGINT
               AS value_30d,
           NULL::INTEGER AS window_days, false AS coarse
    FROM int_channel_api_daily WHERE slug <> 'other' GROUP BY slug
)
SELECT m.channel, m.name, e.as_of, e.cumulative, e.value_30d, e.window_days, e.coarse,
       m.hf_id, m.family, m.method, m.candidates
FROM int_channel_matches m
LEFT JOIN (SELECT 'ollama' AS channel, * FROM local UNION ALL SELECT 'openrouter', * FROM api) e
  ON e.channel = m.channel AND e.name = m.name
ORDER BY m.channel, e.value_30d DESC NULLS LAST, m.name
