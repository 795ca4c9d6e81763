-- Stars per repository and day, for charts: daily snapshots, and the backfilled history on days without one.
WITH snapshots AS (
    SELECT coalesce(renamed_to, repo) AS repo, as_of AS day, stars, 'snapshot' AS source
    FROM raw_github_repos WHERE found
),
history AS (
    SELECT g.current_name AS repo, h.day + 1 AS day,  -- stars given up to day D show on day D + 1
           (sum(h.stars_added) OVER (PARTITION BY h.repo ORDER BY h.day))::BIGINT AS stars, 'star_history' AS source
    FROM raw_github_star_history h
    JOIN github_backfill_state b ON b.repo = h.repo
    JOIN int_github_repo_stats g ON g.repo = h.repo
    QUALIFY h.day <= b.covered_through
)
SELECT DISTINCT ON (repo, day) repo, day, stars, source
FROM (SELECT * FROM snapshots UNION ALL SELECT * FROM history)
ORDER BY repo, day, source = 'star_history'
