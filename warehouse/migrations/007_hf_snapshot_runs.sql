-- hf_snapshot_runs, a view over raw_hf_models (docs/import.md): a snapshot taken more than 7 days after the one
-- before starts a new run. Daily collection is one run; archives imported months apart are one run each.
-- model_daily_raw never spreads a span across runs; mart_snapshot_growth compares the last snapshot of each run.
CREATE VIEW hf_snapshot_runs AS
WITH dates AS (
    SELECT as_of, coalesce(as_of - lag(as_of) OVER (ORDER BY as_of) > 7, true) AS starts_run
    FROM (SELECT DISTINCT as_of FROM raw_hf_models)
),
runs AS (
    SELECT as_of, max(CASE WHEN starts_run THEN as_of END) OVER (ORDER BY as_of) AS run_start FROM dates
)
SELECT as_of, run_start, as_of = max(as_of) OVER (PARTITION BY run_start) AS run_end
FROM runs
ORDER BY as_of;
