-- One row per repository of the latest GitHub snapshot: its figures, 30-day star growth and where its links came
-- from. Growth comes from the backfilled star history when it covers the day 30 days back, else from the snapshot
-- nearest 30 days back (23 to 37 days, scaled to 30 days), else NULL (docs/github.md).
WITH snap AS (
    SELECT * FROM raw_github_repos WHERE as_of = (SELECT max(as_of) FROM raw_github_repos)
),
history AS (
    SELECT s.repo, s.stars - coalesce(sum(h.stars_added), 0) AS growth
    FROM snap s
    JOIN github_backfill_state b ON b.repo = s.repo AND b.covered_through >= s.as_of - 31
    LEFT JOIN raw_github_star_history h ON h.repo = s.repo AND h.day < s.as_of - 30
    WHERE s.found
    GROUP BY s.repo, s.stars
),
earlier AS (
    SELECT s.repo, round((s.stars - o.stars) * 30.0 / (s.as_of - o.as_of))::BIGINT AS growth
    FROM snap s
    JOIN raw_github_repos o ON o.repo = s.repo AND o.found AND o.as_of BETWEEN s.as_of - 37 AND s.as_of - 23
    WHERE s.found
    QUALIFY row_number() OVER (PARTITION BY s.repo ORDER BY abs(s.as_of - o.as_of - 30), o.as_of DESC) = 1
)
SELECT
    s.repo,
    coalesce(s.renamed_to, s.repo) AS current_name,
    s.found,
    s.renamed_to,
    s.archived,
    s.stars,
    s.forks,
    s.watchers,
    s.open_issues,
    s.pushed_at,
    coalesce(h.growth, e.growth)::BIGINT AS stars_growth_30d,
    CASE WHEN h.growth IS NOT NULL THEN 'star_history' WHEN e.growth IS NOT NULL THEN 'snapshots' END AS growth_basis,
    b.status AS history_status,
    b.covered_through AS history_covered_through,
    array_to_string(list_distinct(list_transform(
        s.links, lambda k: CASE WHEN k.source = 'registry' THEN 'registry:' || k.family ELSE k.source END)), ';')
        AS link_sources,
    s.api,
    s.as_of AS as_of_github
FROM snap s
LEFT JOIN history h ON h.repo = s.repo
LEFT JOIN earlier e ON e.repo = s.repo
LEFT JOIN github_backfill_state b ON b.repo = s.repo
