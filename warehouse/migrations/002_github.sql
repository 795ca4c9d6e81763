-- GitHub repository snapshots: one row per tracked repository per as_of date.
CREATE TABLE raw_github_repos (
    as_of       DATE NOT NULL,
    run_id      VARCHAR NOT NULL,
    repo        VARCHAR NOT NULL,         -- owner/name as linked (registry or model card)
    found       BOOLEAN NOT NULL,         -- false when GitHub answered Not Found
    renamed_to  VARCHAR,                  -- current owner/name when GitHub redirected to another name
    stars       BIGINT,
    forks       BIGINT,
    watchers    BIGINT,                   -- real watchers (REST subscribers_count), not the star count
    open_issues BIGINT,                   -- open issues plus open pull requests, as REST open_issues_count
    pushed_at   TIMESTAMP,
    created_at  TIMESTAMP,
    archived    BOOLEAN,
    api         VARCHAR NOT NULL,         -- graphql or rest
    -- why the repository is tracked: source is 'registry' (hf_org, model_glob, family, priority set)
    -- or 'readme:<hf id>' for a link found in that model's card
    links       STRUCT(source VARCHAR, family VARCHAR, hf_org VARCHAR, model_glob VARCHAR, priority INTEGER)[],
    payload     JSON,
    PRIMARY KEY (as_of, repo)
);

-- Star history backfilled from stargazer timestamps: stars added per day (cumulative = running sum).
CREATE TABLE raw_github_star_history (
    repo        VARCHAR NOT NULL,
    day         DATE NOT NULL,
    stars_added BIGINT NOT NULL,
    PRIMARY KEY (repo, day)
);

-- Progress of each repository's backfill; complete, partial (budget ran out: resumes next run) or capped
-- (GitHub refused deeper pages). History is exact up to covered_through.
CREATE TABLE github_backfill_state (
    repo            VARCHAR PRIMARY KEY,
    status          VARCHAR NOT NULL,
    pages           INTEGER NOT NULL,      -- stargazer pages read so far
    next_page       INTEGER,               -- where a partial backfill resumes; NULL when done
    stars_counted   BIGINT NOT NULL,
    covered_through DATE,                  -- last day whose cumulative count is known
    run_id          VARCHAR NOT NULL,      -- the run that last advanced it
    updated_at      TIMESTAMP NOT NULL
);
