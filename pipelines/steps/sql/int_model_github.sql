-- One row per model of the latest Hub snapshot with a linked GitHub repository that GitHub found: a link in its
-- own card (a repository of its own Hub org first), else the first registry entry for its org and name, else its
-- family root's link. Stars and growth come from int_github_repo_stats (docs/github.md).
WITH hf AS (
    SELECT id, coalesce(author, split_part(id, '/', 1)) AS org, substr(id, strpos(id, '/') + 1) AS name
    FROM stg_hf_latest
),
links AS (
    SELECT r.repo, k.link.source, k.link.family, k.link.hf_org, k.link.model_glob, k.link.priority
    FROM raw_github_repos r, unnest(r.links) AS k(link)
    WHERE r.as_of = (SELECT max(as_of) FROM raw_github_repos) AND r.found
),
direct AS (
    SELECT h.id AS model_id, k.repo, 'readme' AS link_source, k.source AS link_detail, 1 AS tier,
           CASE WHEN lower(split_part(k.repo, '/', 1)) = lower(h.org) THEN 0 ELSE 1 END AS priority
    FROM hf h JOIN links k ON k.source = 'readme:' || h.id
    UNION ALL
    SELECT h.id, k.repo, 'registry', 'registry:' || k.family, 2, k.priority
    FROM hf h JOIN links k
      ON k.source = 'registry' AND lower(h.org) = lower(k.hf_org) AND lower(h.name) GLOB lower(k.model_glob)
),
own AS (
    SELECT * FROM direct QUALIFY row_number() OVER (PARTITION BY model_id ORDER BY tier, priority, repo) = 1
),
chosen AS (
    SELECT model_id, repo, link_source, link_detail, tier FROM own
    UNION ALL
    SELECT f.model_id, o.repo, 'family_root', o.link_detail, 3
    FROM int_model_family f JOIN own o ON o.model_id = f.family
    WHERE f.model_id <> f.family
)
SELECT
    c.model_id,
    g.current_name AS repo,
    c.link_source,
    c.link_detail,
    g.stars,
    g.stars_growth_30d,
    g.growth_basis,
    g.as_of_github
FROM chosen c
JOIN hf ON hf.id = c.model_id
JOIN int_github_repo_stats g ON g.repo = c.repo
QUALIFY row_number() OVER (PARTITION BY c.model_id ORDER BY c.tier) = 1
