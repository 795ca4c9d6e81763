-- model_daily_raw and entity_daily are now temporary tables of the build (the scratch tables of STEPS in pipelines/orchestration/build.py):
-- drop the copies earlier builds wrote to the warehouse file.
DROP TABLE IF EXISTS model_daily_raw;
DROP TABLE IF EXISTS entity_daily;
