-- Tables are named by layer (docs/architecture.md): stg_ views of the raw snapshots, int_ tables the build keeps
-- between its steps, mart_ tables it publishes. The build writes the int_ tables anew; drop their old names.
DROP TABLE IF EXISTS model_noise;
DROP TABLE IF EXISTS model_daily;
DROP TABLE IF EXISTS lineage_nodes;
DROP TABLE IF EXISTS lineage_edges;
DROP TABLE IF EXISTS model_family;
DROP TABLE IF EXISTS lineage_issues;
DROP TABLE IF EXISTS model_derivatives;
DROP TABLE IF EXISTS github_repo_stats;
DROP TABLE IF EXISTS model_github;
DROP TABLE IF EXISTS benchmark_scores;
DROP TABLE IF EXISTS benchmark_matches;
DROP TABLE IF EXISTS model_clean_scores;
DROP TABLE IF EXISTS model_legacy_scores;
DROP TABLE IF EXISTS model_facts;
DROP TABLE IF EXISTS entity_inputs;
DROP TABLE IF EXISTS entity_components;
DROP TABLE IF EXISTS entity_scores;
DROP TABLE IF EXISTS channel_matches;
DROP TABLE IF EXISTS channel_local_daily;
DROP TABLE IF EXISTS channel_api_daily;
DROP TABLE IF EXISTS channel_entries;
-- the stored daily series: the next build recomputes it from every snapshot
DROP TABLE IF EXISTS series_daily;
DROP TABLE IF EXISTS series_models;
DROP TABLE IF EXISTS series_state;
-- the kept de-noising and per-day mart state: the next build de-noises every block and rewrites those marts whole
DROP TABLE IF EXISTS noise_state;
DROP TABLE IF EXISTS daily_marts_state;
DROP TABLE IF EXISTS family_members_kept;
-- exists empty before the channels step replaces it (009), so that marts built without that step can join it
ALTER TABLE channel_totals RENAME TO int_channel_totals;

-- The latest Hub slice: every reader of "the models as listed now" reads this view.
CREATE VIEW stg_hf_latest AS
SELECT * FROM raw_hf_models WHERE as_of = (SELECT max(as_of) FROM raw_hf_models);
