SELECT sum(raw_downloads_30d) AS raw, sum(organic_downloads_30d) AS organic,
       1 - sum(organic_downloads_30d) / nullif(sum(raw_downloads_30d), 0) AS automation_share,
       count(*) FILTER (WHERE mostly_automation) AS mostly_automated,
       sum(raw_downloads_30d * unseen_share) / nullif(sum(raw_downloads_30d), 0) AS unseen_share
FROM mart_models
