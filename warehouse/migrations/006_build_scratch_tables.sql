-- model_daily_raw and entity_daily are now temporary tables of the build (pipelines/build.py SCRATCH):
-- drop the copies earlier builds wrote to the warehouse file.
DROP TABLE IF EXISTS model_daily_raw;
DROP TABLE IF EXISTS entity_daily;
