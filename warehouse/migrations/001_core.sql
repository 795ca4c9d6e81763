-- The flight recorder: one row per collection run, whatever its outcome.
CREATE TABLE collection_runs (
    run_id       VARCHAR PRIMARY KEY,
    source       VARCHAR NOT NULL,        -- hf, github, livebench, livecodebench, ...
    endpoint     VARCHAR NOT NULL,        -- base URL the run talked to (never with credentials)
    as_of        DATE NOT NULL,           -- observation date of the slice
    started_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP,
    status       VARCHAR NOT NULL,        -- running, ok, failed
    requests     INTEGER DEFAULT 0,
    retries      INTEGER DEFAULT 0,
    rows_written BIGINT DEFAULT 0,
    error        VARCHAR,
    sandbox      BOOLEAN NOT NULL DEFAULT false  -- true when the data is the fictional sandbox world
);

-- Hugging Face model listing: one row per model per as_of date.
CREATE TABLE raw_hf_models (
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
    payload            JSON,
    PRIMARY KEY (as_of, id)
);

-- Per-model detail from /api/models/{id} for the top base models.
CREATE TABLE raw_hf_model_details (
    as_of          DATE NOT NULL,
    run_id         VARCHAR NOT NULL,
    id             VARCHAR NOT NULL,
    children_count BIGINT,
    payload        JSON,
    PRIMARY KEY (as_of, id)
);
