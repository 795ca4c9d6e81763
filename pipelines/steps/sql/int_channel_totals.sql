-- Per Hub family and per Hub model an entry matched to (entity_kind 'family' or 'model'): local pulls and API
-- tokens of the last 30 days and each channel's as-of date; NULL, never zero, when no entry of the channel matched
-- or every matched count was too coarse.
WITH matched AS (
    SELECT 'family' AS entity_kind, family AS entity_id, * FROM int_channel_entries WHERE family IS NOT NULL
    UNION ALL
    SELECT 'model', hf_id, * FROM int_channel_entries WHERE hf_id IS NOT NULL
)
SELECT entity_kind, entity_id,
       sum(value_30d) FILTER (WHERE channel = 'ollama')::BIGINT AS local_pulls_30d,
       max(as_of) FILTER (WHERE channel = 'ollama') AS as_of_local,
       sum(value_30d) FILTER (WHERE channel = 'openrouter')::BIGINT AS api_tokens_30d,
       max(as_of) FILTER (WHERE channel = 'openrouter') AS as_of_api
FROM matched
GROUP BY entity_kind, entity_id
