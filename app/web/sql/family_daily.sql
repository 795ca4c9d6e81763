-- One family's organic downloads, its share of all organic downloads and its derivative count, per day.
SELECT day, organic_downloads, organic_downloads / nullif(sum(organic_downloads) OVER (PARTITION BY day), 0) AS share,
       derivatives
FROM mart_family_daily QUALIFY family = $family
ORDER BY day
