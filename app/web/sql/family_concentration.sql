-- Per day: share of organic downloads held by the 5 largest families, and the Herfindahl-Hirschman index.
WITH shares AS (
    SELECT day, organic_downloads / nullif(sum(organic_downloads) OVER (PARTITION BY day), 0) AS share,
           row_number() OVER (PARTITION BY day ORDER BY organic_downloads DESC NULLS LAST) AS pos
    FROM mart_family_daily
)
SELECT day, sum(share) FILTER (WHERE pos <= 5) AS top5_share, sum(share * share) AS hhi
FROM shares GROUP BY day ORDER BY day
