-- Organic downloads per day for models and families (members summed once each) over the last
-- max(30, momentum window x (baseline windows + 1)) days of the series: what momentum and the bootstrap read.
WITH s AS (SELECT * FROM revealed_settings),
span AS (SELECT max(day) AS last_day FROM opt_int_model_daily),
days AS (
    SELECT d.model_id, d.day, d.organic_downloads
    FROM opt_int_model_daily d, span, s
    WHERE d.day > span.last_day - greatest(30, s.momentum_window_days * (s.momentum_baseline_windows + 1))
      AND d.organic_downloads IS NOT NULL
)
SELECT 'model' AS entity_kind, d.model_id AS entity_id, d.day, d.organic_downloads::DOUBLE AS organic_downloads
FROM days d JOIN int_model_facts f USING (model_id)
UNION ALL
SELECT 'family', f.family, d.day, sum(d.organic_downloads)::DOUBLE
FROM days d JOIN int_model_facts f USING (model_id)
GROUP BY f.family, d.day
