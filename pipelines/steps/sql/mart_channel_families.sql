-- Per family with at least one channel figure: Hub organic downloads, local pulls and API tokens over 30 days,
-- and where the channels disagree: the family's percentile rank in a channel minus its rank on the Hub, among
-- the families that have both figures (+1: popular in that channel, rarely downloaded; -1: the reverse).
WITH hub AS (
    SELECT family, sum(organic_downloads_30d)::BIGINT AS organic_downloads_30d, max(as_of_hf) AS as_of_hf
    FROM int_model_facts GROUP BY family
),
present AS (
    SELECT c.entity_id AS family, c.local_pulls_30d, c.as_of_local, c.api_tokens_30d, c.as_of_api,
           h.organic_downloads_30d, h.as_of_hf
    FROM int_channel_totals c JOIN hub h ON h.family = c.entity_id
    WHERE c.entity_kind = 'family' AND (c.local_pulls_30d IS NOT NULL OR c.api_tokens_30d IS NOT NULL)
),
local_rank AS (
    SELECT family, percent_rank() OVER (ORDER BY local_pulls_30d)
                   - percent_rank() OVER (ORDER BY organic_downloads_30d) AS local_vs_hub
    FROM present WHERE local_pulls_30d IS NOT NULL AND organic_downloads_30d IS NOT NULL
),
api_rank AS (
    SELECT family, percent_rank() OVER (ORDER BY api_tokens_30d)
                   - percent_rank() OVER (ORDER BY organic_downloads_30d) AS api_vs_hub
    FROM present WHERE api_tokens_30d IS NOT NULL AND organic_downloads_30d IS NOT NULL
)
SELECT p.family, p.organic_downloads_30d, p.as_of_hf, p.local_pulls_30d, p.as_of_local, p.api_tokens_30d,
       p.as_of_api, l.local_vs_hub, a.api_vs_hub
FROM present p LEFT JOIN local_rank l USING (family) LEFT JOIN api_rank a USING (family)
ORDER BY coalesce(p.api_tokens_30d, 0) DESC, coalesce(p.local_pulls_30d, 0) DESC, p.family
