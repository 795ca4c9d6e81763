-- raw_hf_models without its (as_of, id) primary key. The key's index lives in memory and grows by a
-- million entries a day at the Hub's scale, and it made every load about four times slower. Uniqueness
-- is kept by the load path instead: a slice is replaced whole (warehouse/load.py replace_slice)
-- and a model listed twice on one day is stored once (tests/test_collect_hf.py, docs/faults.md).
-- DuckDB cannot drop a primary key in place, so the table is recreated with 001's columns (migrations are
-- history: each states its schema as it was then).
CREATE TABLE raw_hf_models_unkeyed (
    as_of              DATE NOT NULL,
    run_id             VARCHAR NOT NULL,
    id                 VARCHAR NOT NULL,
    author             VARCHAR,
    created_at         TIMESTAMP,
    last_modified      TIMESTAMP,
    downloads          BIGINT,            -- rolling 30-day count
    downloads_all_time BIGINT,            -- cumulative; NULL when the Hub did not send it
    likes              BIGINT,
    trending_score     DOUBLE,
    pipeline_tag       VARCHAR,
    library_name       VARCHAR,
    tags               VARCHAR[],
    license            VARCHAR,
    params             BIGINT,            -- safetensors total, else GGUF total
    gated              VARCHAR,           -- 'false', 'auto' or 'manual'
    base_models        STRUCT(relation VARCHAR, parent VARCHAR)[],
    payload            JSON
);
INSERT INTO raw_hf_models_unkeyed SELECT * FROM raw_hf_models ORDER BY as_of, id;
DROP TABLE raw_hf_models;
ALTER TABLE raw_hf_models_unkeyed RENAME TO raw_hf_models;
