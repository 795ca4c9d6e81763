-- Per Hub family: local pulls and API tokens of the last 30 days and each channel's as-of date; NULL, never zero,
-- when no entry of the channel matched the family or every matched count was too coarse.
SELECT family,
       sum(value_30d) FILTER (WHERE channel = 'ollama')::BIGINT AS local_pulls_30d,
       max(as_of) FILTER (WHERE channel = 'ollama') AS as_of_local,
       sum(value_30d) FILTER (WHERE channel = 'openrouter')::BIGINT AS api_tokens_30d,
       max(as_of) FILTER (WHERE channel = 'openrouter') AS as_of_api
FROM channel_entries
WHERE family IS NOT NULL
GROUP BY family
