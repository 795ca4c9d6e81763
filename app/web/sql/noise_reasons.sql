-- Downloads removed per noise reason (a model with several reasons counts under each).
SELECT reason, count(*) AS models, sum(raw_downloads_30d - organic_downloads_30d) AS removed
FROM (SELECT unnest(string_split(noise_reasons, ';')) AS reason, raw_downloads_30d, organic_downloads_30d
      FROM mart_models WHERE coalesce(noise_reasons, '') <> '')
WHERE reason <> '' GROUP BY reason ORDER BY removed DESC
