-- Organic downloads per day for models and families (members summed once each) over the last
-- max(30, momentum window x (baseline windows + 1)) days of the series: what momentum and the bootstrap read.
WITH span AS (
    SELECT max(d.day) - greatest(30, s.momentum_window_days * (s.momentum_baseline_windows + 1)) AS before_first
    FROM opt_int_model_daily d, revealed_settings s
    GROUP BY s.momentum_window_days, s.momentum_baseline_windows
),
days AS (  -- a join on the first day, so the scan skips the row groups of older days
    SELECT d.model_id, d.day, d.organic_downloads
    FROM opt_int_model_daily d JOIN span ON d.day > span.before_first
    WHERE d.organic_downloads IS NOT NULL
)
SELECT 'model' AS entity_kind, d.model_id AS entity_id, d.day, d.organic_downloads::DOUBLE AS organic_downloads
FROM days d JOIN int_model_facts f USING (model_id)
UNION ALL
SELECT 'family', f.family, d.day, sum(d.organic_downloads)::DOUBLE
FROM days d JOIN int_model_facts f USING (model_id)
GROUP BY f.family, d.day
