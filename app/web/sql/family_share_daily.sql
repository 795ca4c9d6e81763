-- Daily share of organic downloads and derivative counts for the $top largest families; the rest as 'other'.
WITH top AS (
    SELECT family FROM mart_families ORDER BY organic_downloads_30d DESC NULLS LAST, family LIMIT $top
), daily AS (
    SELECT day, CASE WHEN family IN (SELECT family FROM top) THEN family ELSE 'other' END AS family,
           organic_downloads, derivatives
    FROM mart_family_daily
)
SELECT day, family, sum(organic_downloads) AS organic_downloads,
       sum(organic_downloads) / nullif(sum(sum(organic_downloads)) OVER (PARTITION BY day), 0) AS share,
       sum(derivatives) AS derivatives
FROM daily GROUP BY day, family ORDER BY day, family
