-- Tokens per OpenRouter permaslug and day, each day as its newest published slice, with its share of all tokens
-- that day (the 'other' row included in the total, so shares of the listed models sum to less than 1).
WITH latest AS (
    SELECT day, model_permaslug, arg_max(total_tokens, as_of) AS tokens, max(as_of) AS as_of
    FROM raw_openrouter_tokens GROUP BY day, model_permaslug
)
SELECT model_permaslug AS slug, day, tokens, tokens / sum(tokens) OVER (PARTITION BY day) AS share, as_of
FROM latest
ORDER BY day, tokens DESC
