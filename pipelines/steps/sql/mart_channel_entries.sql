-- The Channels view's entry list (docs/channels.md): every Ollama library model and OpenRouter permaslug, with
-- its 30-day figure, own as-of date and its family, or why it has none (after_snapshot, ambiguous, unmatched).
SELECT channel, name, as_of, cumulative, value_30d, window_days, coarse, hf_id, family, method, candidates
FROM int_channel_entries
