-- Two more revealed-preference channels (docs/channels.md): Ollama library pulls and OpenRouter tokens.

-- Ollama library: one row per library model per as_of (one scrape of ollama.com/library per day).
CREATE TABLE raw_ollama_library (
    as_of      DATE NOT NULL,
    run_id     VARCHAR NOT NULL,
    model      VARCHAR NOT NULL,      -- library name, e.g. llama3.1 (tags such as llama3.1:8b share its count)
    pulls      BIGINT,                -- cumulative pulls as the site rounds them; NULL when the page showed none
    pulls_str  VARCHAR,               -- the count as displayed, e.g. 118.7M
    tag_count  INTEGER,
    PRIMARY KEY (as_of, model)
);

-- OpenRouter rankings: tokens per model permaslug per day, as published on as_of (top models plus 'other').
CREATE TABLE raw_openrouter_tokens (
    as_of           DATE NOT NULL,
    run_id          VARCHAR NOT NULL,
    day             DATE NOT NULL,
    model_permaslug VARCHAR NOT NULL,
    total_tokens    BIGINT NOT NULL,
    PRIMARY KEY (as_of, day, model_permaslug)
);

-- OpenRouter /api/v1/models: one row per model per as_of.
CREATE TABLE raw_openrouter_models (
    as_of           DATE NOT NULL,
    run_id          VARCHAR NOT NULL,
    id              VARCHAR NOT NULL,
    canonical_slug  VARCHAR,
    name            VARCHAR,
    created         TIMESTAMP,
    hugging_face_id VARCHAR,
    PRIMARY KEY (as_of, id)
);

-- Replaced by the build's channels step (pipelines/sql/channel_totals.sql); exists empty before it, so that the
-- marts that join it build from steps lists without that step.
CREATE TABLE channel_totals (
    entity_kind     VARCHAR NOT NULL,     -- model or family
    entity_id       VARCHAR NOT NULL,
    local_pulls_30d BIGINT,
    as_of_local     DATE,
    api_tokens_30d  BIGINT,
    as_of_api       DATE
);
