SELECT source, max(release) AS release FROM mart_benchmarks GROUP BY source
