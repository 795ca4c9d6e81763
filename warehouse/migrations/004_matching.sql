-- Model cards (README.md) of the top models, one row per model per as_of date.
CREATE TABLE raw_hf_model_cards (
    as_of   DATE NOT NULL,            -- as_of of the raw_hf_models slice the models were picked from
    run_id  VARCHAR NOT NULL,
    id      VARCHAR NOT NULL,         -- Hugging Face repo id
    readme  VARCHAR,                  -- card text; NULL unless status = 'ok'
    status  VARCHAR NOT NULL,         -- ok, not_found (404), too_large, error (failed after retries)
    PRIMARY KEY (as_of, id)
);

-- GitHub repositories linked from a model card, normalised and de-duplicated.
CREATE TABLE card_github_links (
    as_of DATE NOT NULL,
    id    VARCHAR NOT NULL,           -- Hugging Face repo id
    repo  VARCHAR NOT NULL,           -- lower-cased 'owner/name' (GitHub names are case-insensitive)
    url   VARCHAR NOT NULL,           -- https://github.com/Owner/Name as first written in the card
    PRIMARY KEY (as_of, id, repo)
);

-- Static benchmark claims from a card's model-index, normalised to 0-100.
CREATE TABLE card_legacy_scores (
    as_of     DATE NOT NULL,
    id        VARCHAR NOT NULL,
    benchmark VARCHAR NOT NULL,       -- canonical name, e.g. MMLU, MMLU-Pro, GSM8K
    score     DOUBLE NOT NULL,        -- 0-100
    PRIMARY KEY (as_of, id, benchmark)
);

-- Parts of a card that could not be used, and why (hostile YAML, non-numeric scores, non-repo links).
CREATE TABLE card_parse_skips (
    as_of  DATE NOT NULL,
    id     VARCHAR NOT NULL,
    part   VARCHAR NOT NULL,          -- front_matter, model_index, github_link
    reason VARCHAR NOT NULL
);
