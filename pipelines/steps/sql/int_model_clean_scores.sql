-- Clean benchmark score per Hugging Face model (0-100): its latest LiveBench global average
-- (clean_source 'livebench:<release>'), else its LiveCodeBench contamination-free score ('livecodebench').
-- When several benchmark names resolve to one repo in the same release (e.g. the thinking and
-- non-thinking runs of one set of weights), the best of them counts.
WITH scored AS (
    SELECT m.hf_id, s.source, s.release, max(s.score) AS score
    FROM int_benchmark_scores AS s
    JOIN int_benchmark_matches AS m USING (source, model)
    WHERE m.hf_id IS NOT NULL AND s.category = 'global' AND s.kind = 'clean' AND s.score IS NOT NULL
    GROUP BY ALL
),
latest AS (
    SELECT * FROM scored
    QUALIFY row_number() OVER (PARTITION BY hf_id, source ORDER BY release DESC) = 1
)
SELECT hf_id AS model_id, score AS clean_score,
       CASE WHEN source = 'livebench' THEN 'livebench:' || strftime(release, '%Y-%m-%d')
            ELSE 'livecodebench' END AS clean_source
FROM latest
QUALIFY row_number() OVER (PARTITION BY hf_id ORDER BY source = 'livebench' DESC) = 1
