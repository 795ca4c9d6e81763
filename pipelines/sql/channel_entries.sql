-- One row per channel entry: its last 30 days (pulls or tokens), its own as-of date and its match (or why not).
WITH local_last AS (
    SELECT model, max(day) AS as_of FROM channel_local_daily GROUP BY model
),
local AS (
    SELECT l.model AS name, l.as_of, n.pulls AS cumulative,
           CASE WHEN n.window_days <= 30 THEN n.pulls - b.pulls END AS value_30d,  -- 30 days span enough steps
           b.pulls IS NULL OR n.window_days IS NULL OR n.window_days > 30 AS coarse
    FROM local_last l
    JOIN channel_local_daily n ON n.model = l.model AND n.day = l.as_of
    LEFT JOIN channel_local_daily b ON b.model = l.model AND b.day = l.as_of - INTERVAL 30 DAY
),
api AS (
    SELECT slug AS name, max(day) AS as_of, NULL::BIGINT AS cumulative,
           sum(tokens) FILTER (WHERE day > (SELECT max(day) FROM channel_api_daily) - INTERVAL 30 DAY)::BIGINT
               AS value_30d,
           false AS coarse
    FROM channel_api_daily WHERE slug <> 'other' GROUP BY slug
)
SELECT m.channel, m.name, e.as_of, e.cumulative, e.value_30d, e.coarse, m.hf_id, m.family, m.method, m.candidates
FROM channel_matches m
LEFT JOIN (SELECT 'ollama' AS channel, * FROM local UNION ALL SELECT 'openrouter', * FROM api) e
  ON e.channel = m.channel AND e.name = m.name
ORDER BY m.channel, e.value_30d DESC NULLS LAST, m.name
