-- One row per model of the latest Hub snapshot with a linked GitHub repository that GitHub found: a link in its
-- own card (a repository of its own Hub org first), else the first registry entry for its org and name, else its
-- family root's link. Stars from the latest snapshot; growth over 30 days from the star history when it covers
-- that day, else from the snapshot nearest 30 days back (23 to 37 days, scaled to 30), else NULL (docs/github.md).
WITH hf AS (
    SELECT id, coalesce(author, split_part(id, '/', 1)) AS org, substr(id, strpos(id, '/') + 1) AS name
    FROM raw_hf_models WHERE as_of = (SELECT max(as_of) FROM raw_hf_models)
),
snap AS (
    SELECT * FROM raw_github_repos
    WHERE as_of = (SELECT max(as_of) FROM raw_github_repos) AND found
),
links AS (
    SELECT s.repo, k.link.source, k.link.family, k.link.hf_org, k.link.model_glob, k.link.priority
    FROM snap s, unnest(s.links) AS k(link)
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
    FROM model_family f JOIN own o ON o.model_id = f.family
    WHERE f.model_id <> f.family
),
history AS (
    SELECT s.repo, s.stars - coalesce(sum(h.stars_added), 0) AS growth
    FROM snap s
    JOIN github_backfill_state b ON b.repo = s.repo AND b.covered_through >= s.as_of - 31
    LEFT JOIN raw_github_star_history h ON h.repo = s.repo AND h.day < s.as_of - 30
    GROUP BY s.repo, s.stars
),
earlier AS (
    SELECT s.repo, round((s.stars - o.stars) * 30.0 / (s.as_of - o.as_of))::BIGINT AS growth
    FROM snap s
    JOIN raw_github_repos o ON o.repo = s.repo AND o.found AND o.as_of BETWEEN s.as_of - 37 AND s.as_of - 23
    QUALIFY row_number() OVER (PARTITION BY s.repo ORDER BY abs(s.as_of - o.as_of - 30), o.as_of DESC) = 1
)
SELECT
    c.model_id,
    coalesce(s.renamed_to, s.repo) AS repo,
    c.link_source,
    c.link_detail,
    s.stars,
    coalesce(h.growth, e.growth)::BIGINT AS stars_growth_30d,
    CASE WHEN h.growth IS NOT NULL THEN 'star_history' WHEN e.growth IS NOT NULL THEN 'snapshots' END AS growth_basis,
    s.as_of AS as_of_github
FROM chosen c
JOIN hf ON hf.id = c.model_id
JOIN snap s ON s.repo = c.repo
LEFT JOIN history h ON h.repo = s.repo
LEFT JOIN earlier e ON e.repo = s.repo
QUALIFY row_number() OVER (PARTITION BY c.model_id ORDER BY c.tier) = 1
