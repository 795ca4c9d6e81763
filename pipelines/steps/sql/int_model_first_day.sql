-- The first day in int_model_daily of each model without a kept one (pipelines/steps/marts.py: the kept first days
-- from $since on are dropped first, since the de-noising step rewrote those days): int_model_daily's days before
-- $since are as the last build left them, so only the days from $since on are read (all of them at the epoch), and
-- only for the models the series has seen (int_series_models) that have no kept first day.
SELECT model_id, min(day) AS first_day FROM int_model_daily
WHERE day >= $since AND model_id IN (SELECT model_id FROM int_series_models ANTI JOIN int_model_first_day USING (model_id))
GROUP BY model_id
