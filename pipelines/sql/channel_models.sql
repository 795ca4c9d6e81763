-- Per Hub model an entry matched to: the same figures as channel_families.
SELECT hf_id AS model_id,
       sum(value_30d) FILTER (WHERE channel = 'ollama')::BIGINT AS local_pulls_30d,
       max(as_of) FILTER (WHERE channel = 'ollama') AS as_of_local,
       sum(value_30d) FILTER (WHERE channel = 'openrouter')::BIGINT AS api_tokens_30d,
       max(as_of) FILTER (WHERE channel = 'openrouter') AS as_of_api
FROM channel_entries
WHERE hf_id IS NOT NULL
GROUP BY hf_id
