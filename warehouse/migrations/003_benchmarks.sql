-- LiveBench per-task scores as published: one slice per release (table_<date>.csv + categories_<date>.json).
CREATE TABLE raw_livebench_scores (
    release   DATE NOT NULL,          -- the release date in the file names; the slice key
    as_of     DATE NOT NULL,          -- the day the release was collected
    run_id    VARCHAR NOT NULL,
    model     VARCHAR NOT NULL,       -- LiveBench model key, e.g. claude-3-5-sonnet-20240620
    task      VARCHAR NOT NULL,       -- CSV column, e.g. zebra_puzzle
    category  VARCHAR,                -- from categories_<date>.json; NULL for a column no category lists
    score     DOUBLE,                 -- 0-100; NULL where the CSV cell is empty
    PRIMARY KEY (release, model, task)
);

-- LiveBench model metadata (model_metadata.csv + model_api_names.csv), one slice per collection day.
CREATE TABLE raw_livebench_models (
    as_of         DATE NOT NULL,
    run_id        VARCHAR NOT NULL,
    model         VARCHAR NOT NULL,
    organization  VARCHAR,
    display_name  VARCHAR,
    version       VARCHAR,            -- modelLinks.js `version` as published: a date, a month or '001'
    version_date  DATE,               -- version when it is a full YYYY-MM-DD date, the only model date published
    openweight    BOOLEAN,
    reasoner      BOOLEAN,
    url           VARCHAR,
    variant_of    VARCHAR,
    api_names     VARCHAR[],          -- provider API names; many are Hugging Face ids
    aliases       VARCHAR[],          -- other LiveBench keys for the same model
    PRIMARY KEY (as_of, model)
);

-- LiveCodeBench per-problem results joined to the model list, one slice per collection day.
CREATE TABLE raw_livecodebench_results (
    as_of              DATE NOT NULL,
    run_id             VARCHAR NOT NULL,
    model              VARCHAR NOT NULL,  -- performances[].model = models[].model_repr
    problem            VARCHAR NOT NULL,  -- question_id, plus /sample_id in the execution file
    problem_date       DATE NOT NULL,     -- from epoch milliseconds
    pass_at_1          DOUBLE NOT NULL,   -- 0-100
    difficulty         VARCHAR,
    platform           VARCHAR,
    model_name         VARCHAR,           -- models[].model_name, often a Hugging Face id
    model_release_date DATE,              -- NULL when the model list does not cover the model
    link               VARCHAR,
    PRIMARY KEY (as_of, model, problem)
);
